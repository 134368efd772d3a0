#!/usr/bin/env bash
# `make bench` entry point: see bench/README.md. Pass --quick for the CI smoke run.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
exec python3 bench/bench.py "$@"
