#!/usr/bin/env python3
"""Regenerates link/procctl.order, the symbol ordering file of the release link.

lld places the functions named there first in .text, in that order, so the code `procctl up` runs
(start-up, spawning 50 instances, the idle loop, the stop) and then the code of the common CLI
commands sits in a few contiguous pages. This kernel faults the binary in 64 KiB at a time, so
scattered hot code kept ~3.5 MB of text resident in the supervisor; clustered, ~1.9 MB.

The list is what callgrind saw run: `procctl up` with 50 instances (from start to SIGTERM
stop), then `--version`, `list --json`, `scale`, `ps --json`, `list` and `help` on a 1,000-process
state. A stale list only makes the layout less tight (names it lacks go after it; names that no
longer exist are ignored), never wrong. Rerun after large changes:

    make build && python3 link/gen-order.py .build/release/procctl > link/procctl.order

Needs valgrind. Every process it starts is ended by the pid it recorded.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TS = "2026-01-01T00:00:00.000Z"


def spec(name, command, instances=1, size="s1", env=None):
    return {"name": name, "type": "worker", "command": command, "size": size,
            "instances": instances, "env": env or {}, "cwd": "/", "minUptimeMs": 1000,
            "stopTimeoutMs": 10000, "restartGeneration": 0, "createdAt": TS, "updatedAt": TS}


def write_state(home, apps):
    os.makedirs(home, mode=0o700, exist_ok=True)
    doc = {"schemaVersion": 1, "revision": 1, "paymentMethod": None,
           "apps": [{"name": a, "createdAt": TS, "processes": ps} for a, ps in apps.items()]}
    with open(os.path.join(home, "state.json"), "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)


def functions(profile, binary):
    out = subprocess.run(["callgrind_annotate", "--threshold=100", profile],
                         capture_output=True, text=True, check=True).stdout
    pattern = re.compile(r"^\s*[\d,]+ \(.*?\)\s+(.*) \[" + re.escape(binary) + r"\]$")
    names = []
    for line in out.splitlines():
        m = pattern.match(line)
        if m:
            name = re.sub(r"'\d+$", "", m.group(1).rsplit(":", 1)[-1])
            if not name.startswith("0x"):
                names.append(name)
    return names


def children(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def main():
    binary = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else ".build/release/procctl")
    tmp = tempfile.mkdtemp(prefix="procctl-order-")
    grind = ["valgrind", "--tool=callgrind", "--demangle=no"]
    profiles = []
    try:
        home = os.path.join(tmp, "up")
        write_state(home, {"app": [spec("w", "exec sleep 600", instances=50)]})
        env = dict(os.environ, PROCCTL_HOME=home, NO_COLOR="1")
        profiles.append(os.path.join(tmp, "up.cg"))
        up = subprocess.Popen(grind + ["--callgrind-out-file=" + profiles[-1], binary, "up"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        instances = []
        try:
            deadline = time.time() + 120
            while time.time() < deadline and len(instances) < 50:
                instances = children(up.pid)
                time.sleep(0.2)
            time.sleep(2)  # the idle loop
        finally:
            up.send_signal(signal.SIGTERM)
            try:
                up.wait(60)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait()
            for pid in instances:  # normally already stopped by up itself
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass

        home = os.path.join(tmp, "cli")
        apps = {}
        for i in range(1000):
            apps.setdefault(f"app-{i // 100 + 1}", []).append(spec(
                f"proc-{i % 100 + 1}", f"run --queue q{i}", instances=1 + i % 3,
                size=("s1", "s2", "c1", "m1")[i % 4], env={"A": "1", "Q": f"q{i}"}))
        write_state(home, apps)
        env = dict(os.environ, PROCCTL_HOME=home, NO_COLOR="1")
        for k, args in enumerate([["--version"], ["list", "--json"],
                                  ["scale", "--app", "app-1", "proc-1=2", "--yes"],
                                  ["ps", "--json"], ["list"], ["help", "list"]]):
            profiles.append(os.path.join(tmp, f"cli{k}.cg"))
            subprocess.run(grind + ["--callgrind-out-file=" + profiles[-1], binary] + args,
                           env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        seen = set()
        for p in profiles:
            for name in functions(p, binary):
                if name not in seen:
                    seen.add(name)
                    print(name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
