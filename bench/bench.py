#!/usr/bin/env python3
"""procctl benchmark: procctl against the floor (bare C fork/exec/wait) and the peer (supervisord).

Every timing comes from CLOCK_REALTIME stamps written by the instances themselves (bench/stamp.c)
or by the launcher just before it execs the command under test (`stamp FILE mark LABEL CMD...`).
See bench/README.md for what each figure means. Python 3 standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
WORK = os.path.join(BENCH, "work")
RESULTS = os.path.join(BENCH, "results")
VENV = os.path.join(BENCH, ".venv")
STAMP = os.path.join(WORK, "stamp")
FLOOR = os.path.join(WORK, "floor")
EMPTY_SWIFT = os.path.join(WORK, "empty-swift")

APP = "bench"
FLOOD_LINE = 100  # bytes per flood line, newline included


def now_ns():
    return time.time_ns()


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class NotAvailable(Exception):
    """The commands this scenario drives do not exist in this build yet."""


class Failed(Exception):
    """A scenario that should work did not produce its figures."""


# ---------------------------------------------------------------------------------------------
# Processes we start: every pid is recorded and ended by pid, also on failure or interrupt.


class Tracker:
    def __init__(self):
        self.lock = threading.Lock()
        self.parents = {}  # pid -> waiter (procctl up / supervisord / floor)
        self.stamp_files = set()

    def spawn(self, argv, env, stdout_path, stderr_path):
        """posix_spawn with stdin on /dev/null; a thread reaps it and records when."""
        actions = [
            (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
            (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
            (os.POSIX_SPAWN_OPEN, 2, stderr_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644),
        ]
        pid = os.posix_spawn(argv[0], argv, env, file_actions=actions)
        w = Waiter(pid)
        with self.lock:
            self.parents[pid] = w
        w.start()
        return w

    def stop(self, w, sig=signal.SIGTERM, timeout=15.0):
        """Signal a recorded parent and wait for it; SIGKILL if it does not exit in time."""
        if w.done.is_set():
            return
        try:
            os.kill(w.pid, sig)
        except ProcessLookupError:
            pass
        if not w.done.wait(timeout):
            log(f"pid {w.pid} did not exit {timeout}s after signal {sig}; SIGKILL")
            try:
                os.kill(w.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            w.done.wait(5)

    def instance_pids(self):
        pids = set()
        for f in list(self.stamp_files):
            for s in read_stamps(f):
                if s.event in ("start", "mark"):
                    pids.add(s.pid)
        return pids

    def cleanup(self):
        """Ends everything this run started, by recorded pid: parents first (TERM, then KILL),
        then any stamp helper still alive (checked by its command line, so a reused pid is never
        touched)."""
        with self.lock:
            parents = list(self.parents.values())
        for w in parents:
            if not w.done.is_set():
                self.stop(w, signal.SIGTERM, timeout=5)
        for pid in self.instance_pids():
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if STAMP.encode() in cmd:
                log(f"leftover helper pid {pid}: SIGKILL")
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


class Waiter(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid = pid
        self.done = threading.Event()
        self.exit_ns = None
        self.status = None
        self.final_run_ns = None  # its threads' on-CPU time, read while it is a zombie

    def run(self):
        # Wait without reaping first, so the exited process's /proc entry can still be read.
        try:
            os.waitid(os.P_PID, self.pid, os.WEXITED | os.WNOWAIT)
            self.exit_ns = now_ns()
            self.final_run_ns = proc_cpu(self.pid)[1]
        except (OSError, ValueError):
            pass
        while True:
            try:
                _, st = os.waitpid(self.pid, 0)
                break
            except InterruptedError:
                continue
            except ChildProcessError:
                st = None
                break
        if self.exit_ns is None:
            self.exit_ns = now_ns()
        self.status = st
        self.done.set()


TRACK = Tracker()

# ---------------------------------------------------------------------------------------------
# Stamps


class Stamp:
    __slots__ = ("id", "event", "ns", "pid", "extra")

    def __init__(self, line):
        parts = line.split()
        self.id, self.event, self.ns, self.pid = parts[0], parts[1], int(parts[2]), int(parts[3])
        self.extra = parts[4:]


def read_stamps(path):
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return []
    out = []
    for line in lines:
        try:
            out.append(Stamp(line))
        except (IndexError, ValueError):
            pass
    return out


def wait_for(cond, timeout, what, poll=0.004):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise Failed(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(poll)


def starts_after(path, t0, ids=None):
    """First start stamp per instance id after t0."""
    first = {}
    for s in read_stamps(path):
        if s.event == "start" and s.ns >= t0 and (ids is None or s.id in ids):
            if s.id not in first or s.ns < first[s.id].ns:
                first[s.id] = s
    return first


def restart_gaps(path, instance="1", since=0, until=None):
    """exit stamp -> next start stamp of one instance, in ms."""
    ev = sorted(
        (s for s in read_stamps(path) if s.id == instance and s.ns >= since), key=lambda s: s.ns
    )
    gaps = []
    for a, b in zip(ev, ev[1:]):
        if a.event == "exit" and b.event == "start":
            if until is None or a.ns <= until:
                gaps.append((b.ns - a.ns) / 1e6)
    return gaps


# ---------------------------------------------------------------------------------------------
# Figures


class Figure:
    def __init__(self, scenario, key, label, unit, floor=None, peer=None, lower_better=True):
        self.scenario, self.key, self.label, self.unit = scenario, key, label, unit
        self.floor, self.peer = floor, peer  # keys of the figures to compare with
        self.values = []
        self.status = "pending"  # ok | not available | failed | skipped
        self.note = ""
        self.lower_better = lower_better

    def stats(self):
        v = sorted(self.values)
        if not v:
            return None
        p95 = v[min(len(v) - 1, max(0, int(round(0.95 * len(v) + 0.5)) - 1))]
        return {
            "n": len(v),
            "median": statistics.median(v),
            "p95": p95 if len(v) >= 5 else None,
            "min": v[0],
            "max": v[-1],
        }


class Results:
    def __init__(self):
        self.figures = []
        self.by_key = {}
        self.notes = []

    def add(self, *a, **k):
        f = Figure(*a, **k)
        self.figures.append(f)
        self.by_key[f.key] = f
        return f

    def ratio(self, f, other_key):
        o = self.by_key.get(other_key) if other_key else None
        s, so = f.stats(), (o.stats() if o else None)
        if not s or not so or so["median"] == 0:
            return None
        return s["median"] / so["median"]


R = Results()

# ---------------------------------------------------------------------------------------------
# State files written directly, matching Sources/ProcctlCore/StateDocument.swift, ProcessSpec.swift
# and Timestamp.swift (RFC 3339 UTC with milliseconds).


def rfc3339(ms):
    d = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


NOW_TS = rfc3339(int(time.time() * 1000))


def proc_spec(name, command, instances=1, ptype="worker", min_uptime_ms=1000, cwd="/",
              schedule=None, env=None, size="hobby", log_max_size=None):
    p = {
        "name": name,
        "type": ptype,
        "command": command,
        "size": size,
        "instances": instances,
        "env": env or {},
        "cwd": cwd,
        "minUptimeMs": min_uptime_ms,
        "stopTimeoutMs": 10000,
        "restartGeneration": 0,
        "createdAt": NOW_TS,
        "updatedAt": NOW_TS,
    }
    if ptype == "cron":
        p["schedule"] = schedule
        p["timeZone"] = "UTC"
        p["concurrency"] = "forbid"
        p["catchUp"] = "none"
    if log_max_size:
        p["logMaxSize"] = log_max_size
    return p


def write_state(home, apps):
    """apps: {app name: [process spec, ...]}"""
    os.makedirs(home, mode=0o700, exist_ok=True)
    doc = {
        "schemaVersion": 1,
        "revision": 1,
        "paymentMethod": "bench-card",
        "apps": [{"name": a, "createdAt": NOW_TS, "processes": ps} for a, ps in apps.items()],
    }
    path = os.path.join(home, "state.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(doc, f, indent=2, sort_keys=True)
        f.write("\n")


def helper_cmd(stamps, *args):
    """The instance command line: exec, so the helper is the instance's pid."""
    return "exec " + " ".join([STAMP, stamps] + [str(a) for a in args])


# ---------------------------------------------------------------------------------------------
# procctl


class Procctl:
    def __init__(self, binary, tmp):
        self.bin = binary
        self.tmp = tmp
        self.commands = {}

    def env(self, home):
        e = dict(os.environ)
        e["PROCCTL_HOME"] = home
        e["NO_COLOR"] = "1"
        e.pop("PROCCTL_APP", None)
        return e

    def run(self, home, *args, timeout=30):
        return subprocess.run(
            [self.bin, *args], env=self.env(home), stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=timeout,
        )

    def has(self, cmd):
        """A subcommand exists when `procctl help CMD` (or `CMD --help`) prints its help."""
        if cmd not in self.commands:
            home = os.path.join(self.tmp, "probe")
            ok = False
            for args in (["help", cmd], [cmd, "--help"]):
                try:
                    r = self.run(home, *args, timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    continue
                text = (r.stdout + r.stderr).strip().lower()
                if r.returncode == 0 and text and "unknown" not in text:
                    ok = True
                    break
            self.commands[cmd] = ok
        return self.commands[cmd]

    def require(self, *cmds):
        missing = [c for c in cmds if not self.has(c)]
        if missing:
            raise NotAvailable("procctl has no " + ", ".join(f"'{c}'" for c in missing) + " yet")

    def check_state(self, home):
        """The generated state must be readable by this build (else the schema drifted)."""
        if not self.has("list"):
            return
        r = self.run(home, "list", "--json")
        if r.returncode != 0:
            raise Failed(f"procctl list --json on the generated state: exit {r.returncode}: "
                         f"{r.stderr.strip()[:300]}")

    def up(self, home, marks, label="up", extra_env=None):
        """Starts `procctl up`; the mark stamp is written by the launcher just before exec."""
        argv = [STAMP, marks, "mark", label, self.bin, "up"]
        env = self.env(home)
        env.update(extra_env or {})
        return TRACK.spawn(argv, env, os.path.join(home, "..", "up.out"),
                           os.path.join(home, "..", "up.err"))

    def tail_err(self, home):
        try:
            with open(os.path.join(home, "..", "up.err")) as f:
                return f.read()[-600:]
        except OSError:
            return ""


# ---------------------------------------------------------------------------------------------
# supervisord (the peer)


class Supervisord:
    def __init__(self, tmp):
        self.tmp = tmp
        self.bin = os.path.join(VENV, "bin", "supervisord")
        self.error = None

    def ensure(self):
        if os.path.exists(self.bin):
            return True
        log("installing supervisord with pip into bench/.venv (the peer)")
        try:
            if not os.path.exists(os.path.join(VENV, "bin", "pip")):
                subprocess.run([sys.executable, "-m", "venv", VENV], check=True,
                               capture_output=True, timeout=120)
            subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "supervisor"],
                           check=True, capture_output=True, timeout=300)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as e:
            err = getattr(e, "stderr", b"") or b""
            self.error = "pip could not install supervisor: " + (
                err.decode(errors="replace").strip().splitlines() or [str(e)])[-1]
            return False
        return os.path.exists(self.bin)

    def start(self, name, command, numprocs, marks):
        d = os.path.join(self.tmp, "supervisord-" + name)
        os.makedirs(d, exist_ok=True)
        conf = os.path.join(d, "supervisord.conf")
        with open(conf, "w") as f:
            f.write(f"""[supervisord]
nodaemon=true
user=root
logfile={d}/supervisord.log
pidfile={d}/supervisord.pid
childlogdir={d}

[program:w]
command={command}
numprocs={numprocs}
numprocs_start=1
process_name=%(program_name)s_%(process_num)d
environment=PROCCTL_INSTANCE="%(process_num)d"
startsecs=0
autorestart=true
stopsignal=TERM
stopwaitsecs=10
""")
        argv = [STAMP, marks, "mark", "supervisord", self.bin, "-n", "-c", conf]
        return TRACK.spawn(argv, dict(os.environ), os.path.join(d, "out"),
                           os.path.join(d, "err"))


# ---------------------------------------------------------------------------------------------
# Measurements shared by procctl and the peer


def proc_memory(pid):
    rss = pss = None
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    return rss, pss


def proc_cpu(pid):
    """(utime+stime in ms, on-CPU ns of all threads, context switches of all threads)"""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    cpu_ms = (int(fields[11]) + int(fields[12])) * 1000 / tick
    run_ns = 0
    switches = 0
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                run_ns += int(f.read().split()[0])
            with open(f"/proc/{pid}/task/{t}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except OSError:
            pass
    return cpu_ms, run_ns, switches


def footprint(pid, idle_s, prefix):
    rss, pss = proc_memory(pid)
    R.by_key[prefix + ".rss"].values.append(rss)
    R.by_key[prefix + ".pss"].values.append(pss)
    c0 = proc_cpu(pid)
    time.sleep(idle_s)
    c1 = proc_cpu(pid)
    R.by_key[prefix + ".cpu"].values.append(c1[0] - c0[0])
    R.by_key[prefix + ".oncpu"].values.append((c1[1] - c0[1]) / 1e6)
    R.by_key[prefix + ".wakeups"].values.append(c1[2] - c0[2])


def wait_starts(stamps, t0, n, timeout, what):
    return wait_for(lambda: (lambda d: d if len(d) >= n else None)(starts_after(stamps, t0)),
                    timeout, what)


def cold_and_stop(start, stamps, marks, n, prefix, idle_s, label):
    """Launch, wait for n start stamps (cold start), optionally measure the footprint, then
    SIGTERM the supervisor and wait until it has exited and every instance has stamped its exit."""
    w = start()
    mark = wait_for(lambda: next((s for s in read_stamps(marks) if s.pid == w.pid), None), 10,
                    f"{label} launch mark")
    try:
        first = wait_starts(stamps, mark.ns, n, 30, f"{n} instances of {label}")
    except Failed:
        if w.done.is_set():
            raise Failed(f"{label} exited with status {w.status} before starting {n} instances")
        raise
    R.by_key[prefix + ".cold"].values.append((max(s.ns for s in first.values()) - mark.ns) / 1e6)
    time.sleep(0.3)  # the supervisor's own CPU to get there, including its follow-up writes
    R.by_key[prefix + ".startcpu"].values.append(proc_cpu(w.pid)[1] / 1e6)
    if idle_s:
        time.sleep(1.0)  # let start-up work settle before the idle window
        footprint(w.pid, idle_s, prefix)
    pids = {s.pid for s in first.values()}
    cpu0 = proc_cpu(w.pid)[1]
    t0 = now_ns()
    os.kill(w.pid, signal.SIGTERM)
    if not w.done.wait(20):
        raise Failed(f"{label} did not exit within 20 s of SIGTERM")
    exits = [s for s in read_stamps(stamps) if s.event == "exit" and s.pid in pids]
    last = max([w.exit_ns] + [s.ns for s in exits])
    left = [p for p in pids if alive(p)]
    if left:
        raise Failed(f"{len(left)} instances still alive after {label} exited: {left[:5]}")
    if len({s.pid for s in exits}) < len(pids):
        R.notes.append(f"{label}: {len(pids) - len({s.pid for s in exits})} instances did not "
                       "stamp a SIGTERM exit (killed?)")
    R.by_key[prefix + ".stop"].values.append((last - t0) / 1e6)
    if w.final_run_ns is not None:
        R.by_key[prefix + ".stopcpu"].values.append((w.final_run_ns - cpu0) / 1e6)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except OSError:
        return False


# ---------------------------------------------------------------------------------------------
# Scenarios


class Bench:
    def __init__(self, args):
        self.args = args
        self.quick = args.quick
        self.tmp = tempfile.mkdtemp(prefix="procctl-bench-")
        self.p = Procctl(args.procctl, self.tmp)
        self.peer = None if args.no_peer else Supervisord(self.tmp)
        self.n = 0

    def dir(self, name):
        self.n += 1
        d = os.path.join(self.tmp, f"{self.n:02d}-{name}")
        os.makedirs(d)
        home = os.path.join(d, "home")
        TRACK.stamp_files.update({os.path.join(d, "stamps"), os.path.join(d, "marks"),
                                  os.path.join(d, "stamps2")})
        return d, home, os.path.join(d, "stamps"), os.path.join(d, "marks")

    def run_floor(self, *args):
        subprocess.run([FLOOR, *[str(a) for a in args]], check=True, timeout=120,
                       stdin=subprocess.DEVNULL)

    # 1. restart latency -----------------------------------------------------------------
    def s1_procctl(self):
        self.p.require("up")
        restarts = 5 if self.quick else 30
        _, home, stamps, marks = self.dir("restart")
        crash = stamps + "2"
        write_state(home, {APP: [
            proc_spec("w", helper_cmd(stamps, "exit", 150), min_uptime_ms=100),
            proc_spec("c", helper_cmd(crash, "crash"), min_uptime_ms=1000),
        ]})
        self.p.check_state(home)
        w = self.p.up(home, marks)
        try:
            wait_for(lambda: len(restart_gaps(stamps)) >= restarts + 1 or w.done.is_set(),
                     restarts * 2 + 20, f"{restarts} restarts")
            if w.done.is_set():
                raise Failed(f"procctl up exited ({w.status}): {self.p.tail_err(home)}")
            # The crash loop: 100, 200, 400, 800 ms, ... observe up to ~6.5 s in the full run.
            horizon = 1.7 if self.quick else 6.6
            wait_for(lambda: (read_stamps(crash) and
                              (now_ns() - read_stamps(crash)[0].ns) / 1e9 >= horizon), 20,
                     "the crash loop")
        finally:
            TRACK.stop(w)
        R.by_key["1.procctl.healthy"].values += restart_gaps(stamps)[1:restarts + 1]
        gaps = restart_gaps(crash)
        R.by_key["1.procctl.crash"].values += gaps
        R.notes.append("1 crash-loop backoff, exit -> next start (ms): "
                       + ", ".join(f"{g:.0f}" for g in gaps))

    def s1_floor(self):
        n = 10 if self.quick else 50
        _, _, stamps, _ = self.dir("floor-restart")
        self.run_floor("restart", n + 1, "direct", STAMP, stamps)
        R.by_key["1.floor.healthy"].values += restart_gaps(stamps)
        _, _, stamps, _ = self.dir("floor-restart-sh")
        self.run_floor("restart", n + 1, "sh", STAMP, stamps)
        R.by_key["1.floor.sh"].values += restart_gaps(stamps)

    def s1_peer(self):
        restarts = 2 if self.quick else 30
        _, _, stamps, marks = self.dir("peer-restart")
        w = self.peer.start("restart", f"{STAMP} {stamps} exit 150", 1, marks)
        try:
            wait_for(lambda: len(restart_gaps(stamps)) >= restarts + 1 or w.done.is_set(),
                     restarts * 3 + 20, f"{restarts} supervisord restarts")
        finally:
            TRACK.stop(w)
        R.by_key["1.peer.healthy"].values += restart_gaps(stamps)[1:restarts + 1]

    # 2, 4, 5. cold start, footprint, stop ------------------------------------------------
    def s245_procctl(self):
        self.p.require("up")
        runs = 1 if self.quick else 5
        for i in range(runs):
            _, home, stamps, marks = self.dir("cold")
            write_state(home, {APP: [proc_spec("w", helper_cmd(stamps, "sleep"), instances=50)]})
            if i == 0:
                self.p.check_state(home)
            idle = (2 if self.quick else 20) if i == 0 else 0
            if i:
                time.sleep(1.0)  # let the kernel finish tearing down the previous run's cgroups
            cold_and_stop(lambda: self.p.up(home, marks), stamps, marks, 50, "245.procctl", idle,
                          "procctl up")
        # The same without cgroups: what the groups cost, measured in the same run.
        for i in range(1 if self.quick else 3):
            time.sleep(1.0)
            _, home, stamps, marks = self.dir("cold-rlimit")
            write_state(home, {APP: [proc_spec("w", helper_cmd(stamps, "sleep"), instances=50)]})
            cold_and_stop(lambda: self.p.up(home, marks, extra_env={"PROCCTL_LIMITS": "rlimit"}),
                          stamps, marks, 50, "245.rlimit", 0, "procctl up (rlimit)")

    def s245_floor(self):
        runs = 1 if self.quick else 5
        for _ in range(runs):
            for how, key in (("direct", "245.floor.cold"), ("sh", "245.floor.coldsh")):
                _, _, stamps, _ = self.dir("floor-cold-" + how)
                self.run_floor("cold", 50, how, STAMP, stamps)
                st = read_stamps(stamps)
                m = {s.id: s.ns for s in st if s.event == "mark"}
                starts = [s.ns for s in st if s.event == "start"]
                exits = [s.ns for s in st if s.event == "exit"]
                R.by_key[key].values.append((max(starts) - m["cold"]) / 1e6)
                if how == "direct":
                    R.by_key["245.floor.stop"].values.append(
                        (max(exits + [m["stopped"]]) - m["stop"]) / 1e6)

    def s245_peer(self):
        runs = 1 if self.quick else 3
        for i in range(runs):
            _, _, stamps, marks = self.dir("peer-cold")
            idle = (2 if self.quick else 20) if i == 0 else 0
            cold_and_stop(lambda: self.peer.start("cold", f"{STAMP} {stamps} sleep", 50, marks),
                          stamps, marks, 50, "245.peer", idle, "supervisord")

    # 3. scale ---------------------------------------------------------------------------
    def s3_procctl(self):
        self.p.require("up", "scale")
        runs = 1 if self.quick else 5
        _, home, stamps, marks = self.dir("scale")
        write_state(home, {APP: [proc_spec("w", helper_cmd(stamps, "sleep"), instances=1)]})
        w = self.p.up(home, marks)
        try:
            wait_starts(stamps, 0, 1, 15, "the first instance")
            for _ in range(runs):
                up_ids = {str(i) for i in range(2, 51)}
                r = subprocess.run(
                    [STAMP, marks, "mark", "scale-up", self.p.bin, "scale", "--app", APP, "w=50",
                     "--yes"], env=self.p.env(home), stdin=subprocess.DEVNULL,
                    capture_output=True, text=True, timeout=30)
                if r.returncode != 0:
                    raise Failed(f"procctl scale w=50: exit {r.returncode}: {r.stderr.strip()}")
                mark = [s for s in read_stamps(marks) if s.id == "scale-up"][-1]
                got = wait_for(
                    lambda: (lambda d: d if len(d) >= 49 else None)(
                        starts_after(stamps, mark.ns, up_ids)), 20, "scale-up to 50")
                R.by_key["3.procctl.up"].values.append(
                    (max(s.ns for s in got.values()) - mark.ns) / 1e6)
                pids = {s.pid for s in got.values()}
                r = subprocess.run(
                    [STAMP, marks, "mark", "scale-down", self.p.bin, "scale", "--app", APP, "w=1",
                     "--yes"], env=self.p.env(home), stdin=subprocess.DEVNULL,
                    capture_output=True, text=True, timeout=30)
                if r.returncode != 0:
                    raise Failed(f"procctl scale w=1: exit {r.returncode}: {r.stderr.strip()}")
                mark = [s for s in read_stamps(marks) if s.id == "scale-down"][-1]
                wait_for(lambda: not any(alive(p) for p in pids), 30, "scale-down to 1")
                exits = [s.ns for s in read_stamps(stamps) if s.event == "exit" and s.pid in pids]
                if len(exits) < len(pids):
                    raise Failed(f"scale-down: only {len(exits)} of {len(pids)} exit stamps")
                R.by_key["3.procctl.down"].values.append((max(exits) - mark.ns) / 1e6)
        finally:
            TRACK.stop(w)

    # 6. CLI -----------------------------------------------------------------------------
    def time_cmd(self, home, runs, *argv, env=None):
        r = subprocess.run([FLOOR, "time", str(runs), *argv], env=env or self.p.env(home),
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            raise Failed(f"{' '.join(os.path.basename(a) for a in argv[:3])}...: "
                         f"{r.stderr.strip()[:300]}")
        return [int(x) / 1e6 for x in r.stdout.split()]

    def s6_floor(self):
        runs = 3 if self.quick else 20
        if os.path.exists(EMPTY_SWIFT):
            R.by_key["6.floor.swift"].values += self.time_cmd(self.tmp, runs, EMPTY_SWIFT)
        else:
            R.by_key["6.floor.swift"].status = "not available"
            R.by_key["6.floor.swift"].note = "swiftc could not build bench/empty.swift"

    def s6_procctl(self):
        runs = 3 if self.quick else 20
        R.by_key["6.procctl.version"].values += self.time_cmd(self.tmp, runs, self.p.bin,
                                                              "--version")
        self.p.require("list", "scale")
        for n in (10, 1000, 10000):
            _, home, _, _ = self.dir(f"cli-{n}")
            apps = {}
            for i in range(n):
                apps.setdefault(f"app-{i // 100 + 1}", []).append(proc_spec(
                    f"proc-{i % 100 + 1}",
                    f"/usr/bin/env python3 -m worker --queue q{i} --concurrency 4",
                    instances=1 + i % 3, size=("s1", "s2", "c1", "m1")[i % 4],
                    env={"LOG_LEVEL": "info", "QUEUE": f"q{i}"}, cwd="/srv/app"))
            write_state(home, apps)
            self.p.check_state(home)
            R.by_key[f"6.procctl.list.{n}"].values += self.time_cmd(
                home, runs, self.p.bin, "list", "--json")
            times = []
            for k in range(runs):
                times += self.time_cmd(home, 1, self.p.bin, "scale", "--app", "app-1",
                                       f"proc-1={2 + k % 2}", "--yes")
            R.by_key[f"6.procctl.scale.{n}"].values += times
            if self.p.has("ps"):
                R.by_key[f"6.procctl.ps.{n}"].values += self.time_cmd(
                    home, runs, self.p.bin, "ps", "--json")
            else:
                f = R.by_key[f"6.procctl.ps.{n}"]
                f.status, f.note = "not available", "procctl has no 'ps' yet"

    # 7. logs ----------------------------------------------------------------------------
    def s7_procctl(self):
        self.p.require("up")
        secs = 1 if self.quick else 5
        _, home, stamps, marks = self.dir("logs")
        sib = stamps + "2"
        write_state(home, {APP: [
            proc_spec("flood", helper_cmd(stamps, "flood", secs, FLOOD_LINE)),
            proc_spec("sib", helper_cmd(sib, "exit", 150), min_uptime_ms=100),
        ]})
        w = self.p.up(home, marks)
        try:
            done = wait_for(lambda: next((s for s in read_stamps(stamps) if s.event == "flood"),
                                         None), secs + 30, "the flood to end")
            start = next(s for s in read_stamps(stamps) if s.event == "start")
            info = dict(x.split("=") for x in done.extra)
            lines = int(info["lines"])
            # Wait until the log holds the last line written (or stops growing).
            last = [None, time.monotonic()]

            def settled():
                seq = last_flood_seq(home)
                if seq != last[0]:
                    last[0], last[1] = seq, time.monotonic()
                return seq is not None and (seq >= lines or time.monotonic() - last[1] > 2)
            try:
                wait_for(settled, 60, "the flood to reach the log", poll=0.05)
            except Failed:
                pass
        finally:
            TRACK.stop(w)
        reached = last_flood_seq(home)
        if reached is None:
            if self.p.has("logs"):
                raise Failed("no log file with the flood's lines under the state directory")
            raise NotAvailable("no instance log file found (the logs issue has not landed)")
        dur = (done.ns - start.ns) / 1e9
        R.by_key["7.procctl.lines"].values.append(reached / dur)
        R.by_key["7.procctl.mbs"].values.append(reached * FLOOD_LINE / dur / 1e6)
        if reached < lines:
            R.notes.append(f"7 logs: {lines - reached} of {lines} lines did not reach the log")
        R.by_key["7.procctl.sibling"].values += restart_gaps(sib, since=start.ns, until=done.ns)

    # 8. cron ----------------------------------------------------------------------------
    def s8_procctl(self):
        self.p.require("up", "cron")
        # Scenario 7 leaves ~1 GB of log in the page cache. A cron run starts after an fsync of
        # the scheduler's memory (so a crash cannot run it twice), and on ext4 (data=ordered) an
        # fsync during that writeback waits for it: one run started 1.3 s late. Flush it first,
        # so this measures the scheduler, not the flood's writeback.
        os.sync()
        _, home, stamps, marks = self.dir("cron")
        write_state(home, {APP: [proc_spec("tick", helper_cmd(stamps, "exit", 0), ptype="cron",
                                           schedule="* * * * *")]})
        self.p.check_state(home)
        w = self.p.up(home, marks)
        try:
            wait_for(lambda: len([s for s in read_stamps(stamps) if s.event == "start"]) >= 3
                     or w.done.is_set(), 200, "3 cron runs", poll=0.5)
        finally:
            TRACK.stop(w)
        for s in read_stamps(stamps):
            if s.event == "start":
                R.by_key["8.procctl.late"].values.append((s.ns % 60_000_000_000) / 1e6)


def last_flood_seq(home):
    """The highest flood line number in the flood instance's current log file."""
    cands = []
    for dirpath, _, files in os.walk(home):
        for f in files:
            if "flood" in f and not re.search(r"\.\d+$", f):
                cands.append(os.path.join(dirpath, f))
    best = None
    for path in cands:
        try:
            with open(path, "rb") as fh:
                fh.seek(0, 2)
                size = fh.tell()
                fh.seek(max(0, size - 16384))
                tail = fh.read().decode(errors="replace")
        except OSError:
            continue
        for m in re.finditer(r"(\d{12}) x+\n", tail):
            v = int(m.group(1))
            best = v if best is None else max(best, v)
    return best


# ---------------------------------------------------------------------------------------------


def define_figures():
    a = R.add
    a("1 restart", "1.procctl.healthy", "procctl: healthy instance, exit -> next start", "ms",
      floor="1.floor.healthy", peer="1.peer.healthy")
    a("1 restart", "1.procctl.crash", "procctl: crash loop, exit -> next start (backoff)", "ms")
    a("1 restart", "1.floor.healthy", "floor: C fork/exec/wait loop", "ms")
    a("1 restart", "1.floor.sh", "floor: same through /bin/sh -c exec", "ms")
    a("1 restart", "1.peer.healthy", "supervisord: healthy instance", "ms")
    a("2 cold start", "245.procctl.cold", "procctl up -> 50th start", "ms",
      floor="245.floor.cold", peer="245.peer.cold")
    a("2 cold start", "245.floor.cold", "floor: 50 fork+exec -> 50th start", "ms")
    a("2 cold start", "245.floor.coldsh", "floor: same through /bin/sh -c exec", "ms")
    a("2 cold start", "245.peer.cold", "supervisord -> 50th start", "ms")
    a("2 cold start", "245.rlimit.cold", "procctl up, --limits rlimit (no cgroups)", "ms",
      floor="245.floor.cold")
    a("2 cold start", "245.procctl.startcpu", "procctl up: own on-CPU time to start 50", "ms",
      peer="245.peer.startcpu")
    a("2 cold start", "245.rlimit.startcpu", "procctl up, rlimit: own on-CPU time to start 50",
      "ms")
    a("2 cold start", "245.peer.startcpu", "supervisord: own on-CPU time to start 50", "ms")
    a("3 scale", "3.procctl.up", "procctl scale w=50 from 1 -> 50th start", "ms")
    a("3 scale", "3.procctl.down", "procctl scale w=1 from 50 -> last exit", "ms")
    for who, name in (("procctl", "procctl up"), ("peer", "supervisord")):
        def cmp(k):
            return f"245.peer.{k}" if who == "procctl" else None
        a("4 footprint", f"245.{who}.rss", f"{name}: RSS with 50 instances", "MiB", peer=cmp("rss"))
        a("4 footprint", f"245.{who}.pss", f"{name}: PSS with 50 instances", "MiB", peer=cmp("pss"))
        a("4 footprint", f"245.{who}.cpu", f"{name}: utime+stime while idle", "ms",
          peer=cmp("cpu"))
        a("4 footprint", f"245.{who}.oncpu", f"{name}: on-CPU time (schedstat) while idle", "ms",
          peer=cmp("oncpu"))
        a("4 footprint", f"245.{who}.wakeups", f"{name}: context switches while idle", "count",
          peer=cmp("wakeups"))
    a("5 stop", "245.procctl.stop", "procctl: SIGTERM -> up exited, 50 gone", "ms",
      floor="245.floor.stop", peer="245.peer.stop")
    a("5 stop", "245.floor.stop", "floor: SIGTERM 50 -> all reaped", "ms")
    a("5 stop", "245.peer.stop", "supervisord: SIGTERM -> exited, 50 gone", "ms")
    a("5 stop", "245.rlimit.stop", "procctl, --limits rlimit (no cgroups)", "ms",
      floor="245.floor.stop")
    a("5 stop", "245.procctl.stopcpu", "procctl up: own on-CPU time to stop 50", "ms",
      peer="245.peer.stopcpu")
    a("5 stop", "245.rlimit.stopcpu", "procctl up, rlimit: own on-CPU time to stop 50", "ms")
    a("5 stop", "245.peer.stopcpu", "supervisord: own on-CPU time to stop 50", "ms")
    a("6 CLI", "6.floor.swift", "floor: empty Swift program (FoundationEssentials, static)", "ms")
    a("6 CLI", "6.procctl.version", "procctl --version", "ms", floor="6.floor.swift")
    for n in (10, 1000, 10000):
        for c, label in (("list", "list --json"), ("scale", "scale"), ("ps", "ps --json")):
            a("6 CLI", f"6.procctl.{c}.{n}", f"procctl {label}, {n:,} processes", "ms",
              floor="6.floor.swift")
    a("7 logs", "7.procctl.lines", "flood lines/s reaching the log", "lines/s",
      lower_better=False)
    a("7 logs", "7.procctl.mbs", "flood MB/s reaching the log (100-byte lines)", "MB/s",
      lower_better=False)
    a("7 logs", "7.procctl.sibling", "sibling restart latency during the flood", "ms",
      floor="1.floor.healthy")
    a("8 cron", "8.procctl.late", "'* * * * *' start after its minute", "ms")


def fmt(v, unit):
    if v is None:
        return "-"
    if unit == "lines/s":
        return f"{v:,.0f}"
    if unit == "count":
        return f"{v:.0f}"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.2f}"


def print_table(out=sys.stdout):
    cols = ["scenario", "figure", "unit", "n", "median", "p95", "min", "max", "/floor", "/peer"]
    rows = []
    for f in R.figures:
        s = f.stats()
        if s:
            rf, rp = R.ratio(f, f.floor), R.ratio(f, f.peer)
            rows.append([f.scenario, f.label, f.unit, str(s["n"]), fmt(s["median"], f.unit),
                         fmt(s["p95"], f.unit), fmt(s["min"], f.unit), fmt(s["max"], f.unit),
                         f"{rf:.2f}x" if rf is not None else "-",
                         f"{rp:.3f}x" if rp is not None else "-"])
        else:
            rows.append([f.scenario, f.label, f.unit, "0", f.status.upper(), "", "", "", "", ""])
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    line = "  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in
                     enumerate(zip(cols, widths)))
    print(line, file=out)
    print("-" * len(line), file=out)
    for r in rows:
        print("  ".join(c.ljust(w) if i < 3 else c.rjust(w) for i, (c, w) in
                        enumerate(zip(r, widths))), file=out)
    grouped = {}
    for f in R.figures:
        if f.note:
            grouped.setdefault((f.status, f.note), []).append(f.scenario)
    for (status, note), scen in grouped.items():
        print(f"  {status} ({', '.join(sorted(set(scen)))}): {note}", file=out)
    for n in R.notes:
        print(f"  note: {n}", file=out)


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), "")
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) // 1024} MiB"
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "memory": mem, "kernel": platform.release(),
            "os": platform.platform()}


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except (OSError, ValueError):
        return None


def git_commit():
    try:
        return subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return ""


def build_helpers(quick):
    os.makedirs(WORK, exist_ok=True)
    for src, out, extra in (("stamp.c", STAMP, ["-static"]), ("floor.c", FLOOR, [])):
        src = os.path.join(BENCH, src)
        if os.path.exists(out) and os.path.getmtime(out) > os.path.getmtime(src):
            continue
        cmd = ["gcc", "-O2", "-Wall", "-Wextra", *extra, src, "-o", out]
        if subprocess.run(cmd).returncode != 0:
            dynamic = [a for a in cmd if a != "-static"]  # no static libc on this machine
            if dynamic == cmd or subprocess.run(dynamic).returncode != 0:
                sys.exit("bench: could not compile " + src)
    src = os.path.join(BENCH, "empty.swift")
    if not (os.path.exists(EMPTY_SWIFT) and os.path.getmtime(EMPTY_SWIFT) > os.path.getmtime(src)):
        swiftc = shutil.which("swiftc") or "/opt/swift/usr/bin/swiftc"
        log("building the empty Swift program (the CLI floor)")
        subprocess.run([swiftc, "-O", "-static-stdlib", src, "-o", EMPTY_SWIFT],
                       capture_output=True, timeout=300)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="every scenario once, small counts")
    ap.add_argument("--procctl", default=os.path.join(ROOT, ".build", "release", "procctl"))
    ap.add_argument("--no-peer", action="store_true", help="skip supervisord")
    ap.add_argument("--only", default="", help="comma-separated scenario numbers, e.g. 1,6")
    ap.add_argument("--out", default=os.path.join(RESULTS, "latest.json"))
    ap.add_argument("--keep", action="store_true", help="keep the temporary state directories")
    args = ap.parse_args()
    args.procctl = os.path.abspath(args.procctl)
    if not os.access(args.procctl, os.X_OK):
        sys.exit(f"bench: {args.procctl} not found; run `make build` first")

    def on_signal(sig, _frame):
        raise KeyboardInterrupt(f"signal {sig}")
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    build_helpers(args.quick)
    define_figures()
    b = Bench(args)
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    peer_ok = False
    if b.peer:
        peer_ok = b.peer.ensure()
        if not peer_ok:
            R.notes.append(f"peer skipped: {b.peer.error}")
    else:
        R.notes.append("peer skipped (--no-peer)")

    plan = [
        ("1", b.s1_floor, ["1.floor.healthy", "1.floor.sh"], False),
        ("1", b.s1_procctl, ["1.procctl.healthy", "1.procctl.crash"], False),
        ("1", b.s1_peer, ["1.peer.healthy"], True),
        ("2", b.s245_floor, ["245.floor.cold", "245.floor.coldsh", "245.floor.stop"], False),
        ("2", b.s245_procctl, [f"245.procctl.{k}" for k in
                               ("cold", "rss", "pss", "cpu", "oncpu", "wakeups", "stop",
                                "startcpu", "stopcpu")]
         + [f"245.rlimit.{k}" for k in ("cold", "stop", "startcpu", "stopcpu")], False),
        ("2", b.s245_peer, [f"245.peer.{k}" for k in
                            ("cold", "rss", "pss", "cpu", "oncpu", "wakeups", "stop",
                             "startcpu", "stopcpu")], True),
        ("3", b.s3_procctl, ["3.procctl.up", "3.procctl.down"], False),
        ("6", b.s6_floor, ["6.floor.swift"], False),
        ("6", b.s6_procctl, ["6.procctl.version"] + [f"6.procctl.{c}.{n}" for n in
                                                     (10, 1000, 10000)
                                                     for c in ("list", "scale", "ps")], False),
        ("7", b.s7_procctl, ["7.procctl.lines", "7.procctl.mbs", "7.procctl.sibling"], False),
        ("8", b.s8_procctl, ["8.procctl.late"], False),
    ]
    # `make bench` has just built (and pip may have installed): the page cache still holds
    # hundreds of MB to write back, which stalls file creations and fsyncs in the first
    # scenarios (see scenario 8). Start from a clean cache.
    os.sync()
    started = time.monotonic()
    load_start = loadavg()
    interrupted = False
    try:
        for num, fn, keys, is_peer in plan:
            figs = [R.by_key[k] for k in keys]
            scen_nums = {"2": {"2", "4", "5"}}.get(num, {num})
            if only and not (scen_nums & only):
                for f in figs:
                    f.status = "skipped"
                continue
            if is_peer and not peer_ok:
                for f in figs:
                    f.status, f.note = "skipped", "no peer"
                continue
            if num == "8" and args.quick:
                for f in figs:
                    f.status, f.note = "skipped", "full run only (3 minutes)"
                continue
            log(f"{fn.__name__} ...")
            t = time.monotonic()
            try:
                fn()
                for f in figs:
                    if f.status == "pending":
                        f.status = "ok" if f.values else "failed"
                        if not f.values:
                            f.note = f.note or "no figure produced"
            except NotAvailable as e:
                for f in figs:
                    if not f.values and f.status == "pending":
                        f.status, f.note = "not available", str(e)
                    elif f.status == "pending":
                        f.status = "ok"
            except (Failed, subprocess.SubprocessError, OSError, KeyError, ValueError) as e:
                msg = str(e) if isinstance(e, Failed) else traceback.format_exc(limit=3)
                log(f"{fn.__name__} FAILED: {msg}")
                for f in figs:
                    if f.status == "pending":
                        f.status, f.note = ("ok", "") if f.values else ("failed", msg.strip())
            finally:
                TRACK.cleanup()
            log(f"{fn.__name__} done in {time.monotonic() - t:.1f}s")
    except KeyboardInterrupt:
        interrupted = True
        log("interrupted; ending everything this run started")
    finally:
        TRACK.cleanup()
        if not args.keep:
            shutil.rmtree(b.tmp, ignore_errors=True)
        else:
            log(f"kept {b.tmp}")

    elapsed = time.monotonic() - started
    load_end = loadavg()
    print(f"\nprocctl bench ({'quick' if args.quick else 'full'}) {git_commit()} "
          f"{datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}, "
          f"{machine()['cpu']} x{os.cpu_count()}, {elapsed:.0f}s, "
          f"load average {load_start} -> {load_end} (other work on the machine skews timings)")
    print_table()
    failed = [f for f in R.figures if f.status == "failed"]
    doc = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "procctl": {"commit": git_commit(), "binary": args.procctl},
        "mode": "quick" if args.quick else "full",
        "elapsed_s": round(elapsed, 1),
        "loadavg_1min": {"start": load_start, "end": load_end},
        "status": "interrupted" if interrupted else ("failed" if failed else "ok"),
        "figures": [
            {"scenario": f.scenario, "key": f.key, "figure": f.label, "unit": f.unit,
             "status": f.status, "note": f.note, **(f.stats() or {}),
             "ratio_to_floor": R.ratio(f, f.floor), "ratio_to_peer": R.ratio(f, f.peer),
             "values": [round(v, 4) for v in f.values]}
            for f in R.figures
        ],
        "notes": R.notes,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as fh:
        json.dump(doc, fh, indent=2)
        fh.write("\n")
    print(f"\nwritten to {os.path.relpath(args.out, ROOT)}")
    if interrupted:
        return 130
    if failed:
        print(f"bench: {len(failed)} figure(s) that should have been produced were not",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
