# procctl: see README.md. `make run` and `make test` set everything up on a fresh machine.
PREFIX ?= /usr/local
SWIFT ?= swift
RELEASE_FLAGS = -c release --static-swift-stdlib --disable-local-rpath
BIN = .build/release/procctl
DEMO_HOME ?= $(CURDIR)/.procctl-demo

.PHONY: all build test install run bench clean

all: build

build:
	$(SWIFT) build $(RELEASE_FLAGS)

# Builds the debug binary (the end-to-end tests run it) and the tests, then runs them all.
test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build --parallel --num-workers 2

install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/procctl

# The embedded default: a sample application with a background worker in a local state
# directory ($(DEMO_HOME)), supervised in the foreground. Ctrl-C stops it cleanly.
run: build
	./scripts/demo.sh $(BIN) $(DEMO_HOME)

bench: build
	./bench/run.sh $(if $(QUICK),--quick,)

clean:
	rm -rf .build
