import Foundation
import ProcctlCore
import ProcctlStore
import ProcctlTestSupport
import Testing

@testable import ProcctlSupervisor

#if canImport(Glibc)
  import Glibc
#endif

private let skipReason: Comment =
  "cgroups are not writable here (needs root and a writable cgroup hierarchy)"

/// A small test catalogue: `tiny` (0.25 CPU, 32 MiB), `quarter` (0.25 CPU, 256 MiB),
/// `big` (1 CPU, 512 MiB).
private func writeSizes(_ h: SupervisorHarness) throws {
  let json = """
    {"sizes": [
      {"name": "tiny", "family": "standard", "cpu": 0.25, "memoryMB": 32, "monthlyCents": 100},
      {"name": "quarter", "family": "standard", "cpu": 0.25, "memoryMB": 256, "monthlyCents": 200},
      {"name": "big", "family": "standard", "cpu": 1, "memoryMB": 512, "monthlyCents": 400}
    ]}
    """
  try json.write(toFile: h.home.path + "/sizes.json", atomically: true, encoding: .utf8)
}

private func worker(
  _ h: SupervisorHarness, _ name: String, _ command: String, size: String, instances: Int = 1,
  extra: [String] = []
) {
  let r = h.procctl(
    [
      "create", "--app", "demo", "--name", name, "--instances", "\(instances)", "--size", size,
      "--command", "\(command) # \(h.token)", "--cwd", h.home.path, "--min-uptime", "200ms",
      "--stop-timeout", "2s", "--yes",
    ] + extra)
  precondition(r.exitCode == 0, "create failed: \(r)")
}

private func read(_ path: String) -> String {
  (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
}

private func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

/// `<dir>/procctl/<ns>` for a path inside it (an instance's group directory).
private func subtree(of dir: String, _ ns: String) -> String {
  dir.components(separatedBy: "/procctl/\(ns)/")[0] + "/procctl/\(ns)"
}

/// A child of this test process's own memory cgroup, for a `procctl up` that must run from
/// another cgroup than the test; `remove()` ends what is left in it and removes it.
private struct ChildMemoryCgroup {
  let path: String

  init?(_ name: String) {
    guard let h = CgroupSystem.live().hierarchies().first(where: { $0.has("memory") }) else {
      return nil
    }
    path = h.ownDir + "/" + name
    guard mkdir(path, 0o755) == 0 else { return nil }
  }

  var procsFile: String { path + "/cgroup.procs" }

  /// Deepest first: SIGKILL to what is listed, then rmdir (bounded retries while it exits).
  func remove() {
    func clean(_ dir: String) {
      for child in CgroupFiles.subdirectories(dir) { clean(dir + "/" + child) }
      for _ in 0..<200 {
        for pid in CgroupFiles.pids(dir + "/cgroup.procs") { kill(pid, SIGKILL) }
        if rmdir(dir) == 0 || errno == ENOENT { return }
        usleep(5000)
      }
    }
    clean(path)
  }
}

/// The directory of `dirs` with control file `file` (which hierarchy is which).
private func dir(with file: String, in dirs: [String]) -> String? {
  dirs.first { exists($0 + "/" + file) }
}

/// Pod sizes enforced by `procctl up` with cgroups (this host: v1), end to end.
@Suite(.serialized, .enabled(if: cgroupsWritable, skipReason))
struct CgroupEnforcementTests {
  @Test(.timeLimit(.minutes(1)))
  func outOfMemoryIsReportedAsOOMKilledAndRestarted() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    worker(h, "hog", "tail /dev/zero", size: "tiny")
    try h.startUp()
    #expect(
      await waitUntil(timeout: .seconds(20)) {
        guard let i = h.instance("hog", 1) else { return false }
        return i.lastExit == .oomKilled && i.restarts >= 1
      }, "\(h.upLog())")
    #expect(h.upLog().contains("demo/hog.1 exited"))
    #expect(h.upLog().contains("OOMKilled"))
    let events = h.procctl(["events", "--app", "demo"])
    #expect(events.stdout.contains("OOMKilled"), "\(events)")
    let ps = h.procctl(["ps"])
    #expect(ps.stdout.contains("OOMKilled"), "\(ps)")
    let json = h.procctl(["ps", "--json"])
    // (ps --json is written by JSONWriter: "key": value, whatever the spacing.)
    #expect(
      json.stdout.replacingOccurrences(of: "\" : ", with: "\": ")
        .contains("\"reason\": \"OOMKilled\""), "\(json)")
  }

  @Test(.timeLimit(.minutes(1)))
  func aCPUBoundInstanceOnAQuarterCPUUsesAboutAQuarterCore() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    worker(h, "spin", "while :; do :; done", size: "quarter")
    try h.startUp()
    #expect(await h.waitRunning("spin", count: 1), "\(h.upLog())")
    let dirs = try #require(h.instance("spin", 1)?.cgroup)
    _ = await waitUntil { (ResourceUsage.read(dirs: dirs).cpuMicroseconds ?? 0) > 20_000 }
    let u0 = try #require(ResourceUsage.read(dirs: dirs).cpuMicroseconds)
    let t0 = ContinuousClock.now
    try await Task.sleep(for: .seconds(2))
    let u1 = ResourceUsage.read(dirs: dirs).cpuMicroseconds ?? 0
    let wall = ContinuousClock.now - t0
    let wallUs = Double(wall.components.seconds) * 1e6 + Double(wall.components.attoseconds) / 1e12
    let share = Double(u1 - u0) / wallUs
    #expect(share > 0.10 && share < 0.40, "CPU share \(share)")
    let ps = h.procctl(["ps"])
    #expect(ps.stdout.contains("/0.25"), "\(ps)")
  }

  @Test(.timeLimit(.minutes(1)))
  func aChildForkedAtOnceIsInTheCgroupAndNothingRemainsAfterStop() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    // The child double-forks a daemon that leaves the session at once.
    worker(h, "forky", "setsid sh -c 'sleep 300' & sleep 300", size: "quarter")
    let up = try h.startUp()
    #expect(await h.waitRunning("forky", count: 1), "\(h.upLog())")
    let inst = try #require(h.instance("forky", 1))
    let dirs = try #require(inst.cgroup)
    var pids: [Int32] = []
    #expect(
      await waitUntil {
        pids = CgroupFiles.pids(dirs[0] + "/cgroup.procs")
        return pids.count >= 3
      }, "pids in group: \(pids)")
    #expect(pids.contains(try #require(inst.pid)))
    #expect(await h.stopUp(up) == 0)
    for pid in pids { #expect(!processAlive(pid), "pid \(pid) survived the stop") }
    for dir in dirs { #expect(!FileManager.default.fileExists(atPath: dir), "\(dir) remains") }
    // The whole subtree of this state directory is gone.
    let ns = CgroupManager.namespace(forHome: h.home.path)
    for d in dirs {
      let root = d.components(separatedBy: "/\(ns)/")[0] + "/\(ns)"
      #expect(!FileManager.default.fileExists(atPath: root), "\(root) remains")
    }
  }

  @Test(.timeLimit(.minutes(1)))
  func resizeChangesTheLimitsOfARunningInstanceWithTheSamePid() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    worker(h, "web", "sleep 300", size: "quarter")
    try h.startUp()
    #expect(await h.waitRunning("web", count: 1), "\(h.upLog())")
    let before = try #require(h.instance("web", 1))
    let dirs = try #require(before.cgroup)
    let memDir = try #require(dirs.first { FileManager.default.fileExists(atPath: $0 + "/memory.limit_in_bytes") || FileManager.default.fileExists(atPath: $0 + "/memory.max") })
    func memLimit() -> String {
      (read(memDir + "/memory.limit_in_bytes") + read(memDir + "/memory.max"))
        .trimmingCharacters(in: .whitespacesAndNewlines)
    }
    // v1 cpu.cfs_quota_us ("25000"), v2 cpu.max ("25000 100000"): the quota per 100 ms.
    let cpuDir = try #require(
      dir(with: "cpu.cfs_quota_us", in: dirs) ?? dir(with: "cpu.max", in: dirs))
    func cpuQuota() -> String {
      (read(cpuDir + "/cpu.cfs_quota_us") + read(cpuDir + "/cpu.max"))
        .split(whereSeparator: { $0 == " " || $0 == "\n" }).first.map(String.init) ?? ""
    }
    #expect(memLimit() == "\(256 << 20)")
    #expect(cpuQuota() == "25000")
    let r = h.procctl(["resize", "--app", "demo", "web", "big", "--yes"])
    #expect(r.exitCode == 0, "\(r)")
    #expect(await waitUntil { h.instance("web", 1)?.size == "big" }, "\(h.upLog())")
    #expect(memLimit() == "\(512 << 20)")
    #expect(cpuQuota() == "100000")
    let after = try #require(h.instance("web", 1))
    #expect(after.pid == before.pid)
    #expect(after.restarts == 0)
    #expect(h.upLog().contains("resized in place"))
  }

  @Test(.timeLimit(.minutes(1)))
  func theGuardRemovesTheCgroupsOfAKilledSupervisor() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    worker(h, "w", "sleep 300", size: "quarter", instances: 2)
    let up = try h.startUp()
    #expect(await h.waitRunning("w", count: 2), "\(h.upLog())")
    let dirs = try #require(h.instance("w", 1)?.cgroup) + (h.instance("w", 2)?.cgroup ?? [])
    #expect(dirs.count >= 4)
    kill(up.processIdentifier, SIGKILL)
    up.waitUntilExit()
    // Each hierarchy's `.../procctl/<ns>` subtree of this state directory, instances included.
    let subtrees = dirs.map { URL(fileURLWithPath: $0).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().path }
    #expect(
      await waitUntil(timeout: .seconds(5)) {
        subtrees.allSatisfy { !FileManager.default.fileExists(atPath: $0) }
      }, "\(subtrees)")
  }

  @Test(.timeLimit(.minutes(1)))
  func aRestartedSupervisorRemovesStaleCgroups() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    worker(h, "w", "sleep 300", size: "quarter")
    let up = try h.startUp()
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog())")
    let dirs = try #require(h.instance("w", 1)?.cgroup)
    kill(up.processIdentifier, SIGTERM)
    up.waitUntilExit()
    // Groups a previous run could not remove (say the machine lost power): instance 7 of w.
    let stale = dirs.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path + "/7" }
    for d in stale {
      // mkdir -p, tolerating hierarchies mounted twice (cpu and cpuacct): EEXIST is fine.
      var path = ""
      for part in d.split(separator: "/") {
        path += "/" + part
        _ = mkdir(path, 0o755)
      }
      #expect(FileManager.default.fileExists(atPath: d), "\(d)")
    }
    try h.startUp()
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog(2))")
    #expect(h.upLog(2).contains("left by a previous run"), "\(h.upLog(2))")
    #expect(stale.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
  }

  /// A run started from another memory cgroup (so its memory subtree is somewhere else) is
  /// SIGKILLed together with its guard; a daemon it left holds the groups (it left its process
  /// group and session and dropped the run marker). The next `up`, from the test's own cgroup,
  /// in cgroup mode or in rlimit mode, ends it and removes every group the run recorded.
  @Test(.timeLimit(.minutes(1)), arguments: ["auto", "rlimit"])
  func aNewUpEndsAndRemovesWhatAKilledRunLeftInAnotherCgroup(limits: String) async throws {
    let h = SupervisorHarness()
    let child = try #require(ChildMemoryCgroup("ptest-\(h.token)"))
    var escaped: [Int32] = []
    var ticks: [Int32: UInt64] = [:]
    defer {
      // Not our children: killed only while the pid is still the same process.
      for pid in escaped where ticks[pid] != nil && ProcStat.startTicks(pid: pid) == ticks[pid] {
        kill(pid, SIGKILL)
      }
      h.cleanup()
      child.remove()
    }
    try writeSizes(h)
    worker(h, "w", "setsid env -i sleep 300 & exec sleep 300", size: "quarter")
    let first = try h.startUp(joining: child.procsFile)
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog())")
    let inst = try #require(h.instance("w", 1))
    let dirs = try #require(inst.cgroup)
    let ns = CgroupManager.namespace(forHome: h.home.path)
    let memDir = try #require(dirs.first { $0.hasPrefix(child.path + "/") }, "\(dirs)")
    let memRoot = subtree(of: memDir, ns)
    let oldRoots = Set(dirs.map { subtree(of: $0, ns) })
    #expect(
      await waitUntil {
        escaped = CgroupFiles.pids(dirs[0] + "/cgroup.procs").filter { $0 != inst.pid }
        return !escaped.isEmpty
      }, "\(dirs)")
    for pid in escaped { ticks[pid] = ProcStat.startTicks(pid: pid) }
    let record = h.home.path + "/run/cgroups"
    for root in oldRoots { #expect(read(record).contains(root + "\n"), "\(read(record))") }

    // Both at once: stopped first, so it cannot start a new guard when this one dies.
    let guardPid = try #require(h.guardPid(of: first.processIdentifier))
    kill(first.processIdentifier, SIGSTOP)
    kill(guardPid, SIGKILL)
    kill(first.processIdentifier, SIGKILL)
    first.waitUntilExit()
    #expect(await waitUntil { !processAlive(guardPid) })
    #expect(escaped.allSatisfy(processAlive))
    #expect(exists(memRoot + "/demo/w/1"))

    let second = try h.startUp(limits == "rlimit" ? ["--limits", "rlimit"] : [])
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog(2))")
    #expect(h.upLog(2).contains("left by a previous run"), "\(h.upLog(2))")
    for pid in escaped { #expect(await waitUntil { !processAlive(pid) }, "pid \(pid) survived") }
    #expect(!exists(memRoot), "\(memRoot) remains")
    if limits == "rlimit" {
      for root in oldRoots { #expect(!exists(root), "\(root) remains") }
      #expect(!exists(record))
    }
    #expect(await h.stopUp(second) == 0)
    for root in oldRoots { #expect(!exists(root), "\(root) remains after the stop") }
    #expect(!exists(record), "\(read(record))")
  }

  /// A cgroup that cannot be made (here: the app's v1 cpu group allows less CPU than the size)
  /// does not keep the instance from starting, and `ps` says it runs without limits.
  @Test(.timeLimit(.minutes(1)), .enabled(if: CgroupDetector.auto().mode == .v1, "needs cgroup v1"))
  func anInstanceWhoseCgroupCannotBeMadeRunsAndPsSaysSo() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    try writeSizes(h)
    #expect(h.procctl(["apps", "create", "other", "--yes"]).exitCode == 0)
    let up = try h.startUp()
    #expect(await waitUntil { h.upLog().contains("supervisor started") }, "\(h.upLog())")
    let m = CgroupManager(detection: CgroupDetector.auto(), home: h.home.path)
    let c = try #require(m.detection.hierarchies.firstIndex { $0.has("cpu") })
    // v1 refuses a child quota above its parent's (EINVAL): 0.25 CPU under a 0.1 CPU app group.
    let appGroup = m.roots[c] + "/other"
    #expect(mkdir(appGroup, 0o755) == 0)
    try CgroupFiles.write(appGroup + "/cpu.cfs_quota_us", "10000")
    let r = h.procctl([
      "create", "--app", "other", "--name", "w", "--size", "quarter",
      "--command", "sleep 300 # \(h.token)", "--cwd", h.home.path, "--yes",
    ])
    #expect(r.exitCode == 0, "\(r)")
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog())")
    let inst = try #require(h.instance("w", 1))
    #expect(inst.cgroup == nil)
    #expect(inst.limitsError?.contains("cgroup not created, running without limits") == true)
    #expect(h.upLog().contains("other/w.1: cgroup not created, starting without limits"))
    let ps = h.procctl(["ps", "--app", "other"])
    let row = try #require(ps.stdout.split(separator: "\n").first { $0.contains("w.1") })
    #expect(row.split(separator: " ").suffix(3) == ["quarter", "-", "-"], "\(ps)")
    #expect(ps.stderr.contains("other/w.1: cgroup not created, running without limits"), "\(ps)")
    #expect(h.procctl(["ps", "--json"]).stdout.contains("\"limitsError\""))
    #expect(await h.stopUp(up) == 0)
    for root in m.roots { #expect(!exists(root), "\(root) remains") }
  }
}

/// Instance output captured by `procctl up` and read back with `procctl logs`.
@Suite(.serialized) struct InstanceLogTests {
  @Test(.timeLimit(.minutes(1)))
  func linesOfSeveralInstancesComeOutMergedAndPrefixed() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "echo \"hello from $PROCCTL_INSTANCE\"; echo \"oops $PROCCTL_INSTANCE\" >&2; sleep 300", instances: 3)
    try h.startUp()
    #expect(await h.waitRunning("w", count: 3), "\(h.upLog())")
    var out = ""
    #expect(
      await waitUntil {
        out = h.procctl(["logs", "w"]).stdout
        return out.split(separator: "\n").count == 6
      }, "\(out)")
    for i in 1...3 {
      #expect(out.contains("w.\(i) | "))
      #expect(out.range(of: #"w\.\#(i) \| \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z stdout hello from \#(i)"#, options: .regularExpression) != nil, "\(out)")
      #expect(out.contains("stderr oops \(i)"))
    }
    let times = out.split(separator: "\n").map { $0.split(separator: " ")[2] }
    #expect(times == times.sorted())
  }

  @Test(.timeLimit(.minutes(1)))
  func aLineWrittenJustBeforeACrashIsInTheLog() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("crash", "echo \"last words $$\"; printf 'no newline'; kill -SEGV $$", minUptime: "5s")
    try h.startUp()
    var out = ""
    #expect(
      await waitUntil {
        out = h.procctl(["logs", "crash"]).stdout
        return out.contains("last words") && out.contains("stdout no newline")
      }, "\(out)\n\(h.upLog())")
  }

  @Test(.timeLimit(.minutes(1)))
  func rotationKeepsAtMostTheSetNumberOfFilesAndFollowSeesLinesAfterIt() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    let r = h.procctl([
      "create", "--app", "demo", "--name", "chatty", "--command",
      "i=0; while :; do i=$((i+1)); echo \"line $i padding padding padding padding\"; sleep 0.002; done # \(h.token)",
      "--cwd", h.home.path, "--log-max-size", "4KiB", "--log-files", "3", "--yes",
    ])
    #expect(r.exitCode == 0, "\(r)")
    try h.startUp()
    let dir = h.home.path + "/logs/demo"
    #expect(await waitUntil { FileManager.default.fileExists(atPath: dir + "/chatty.1.log.2") })
    // Follow, and see lines written after (several) rotations, in order, without gaps.
    let f = try FollowProcess(["logs", "chatty", "-f", "-n", "0"], home: h.home)
    defer { f.stop() }
    var numbers: [Int] = []
    #expect(
      await waitUntil(timeout: .seconds(20)) {
        numbers = f.output.split(separator: "\n").compactMap { line in
          line.split(separator: " ").firstIndex(of: "line").flatMap { Int(line.split(separator: " ")[$0 + 1]) }
        }
        return numbers.count >= 300
      }, "\(numbers.count) lines")
    #expect(numbers == Array((numbers.first ?? 0)..<((numbers.first ?? 0) + numbers.count)))
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("chatty.1.log") }
    #expect(files.count <= 3, "\(files)")
    for file in files {
      let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/" + file)[.size] as? Int) ?? 0
      #expect(size <= 4096, "\(file) is \(size) bytes")
    }
  }
}

/// The rlimit fallback, forced.
@Suite(.serialized) struct RlimitFallbackTests {
  @Test(.timeLimit(.minutes(1)))
  func forcedRlimitModeIsReportedAndCapsTheAddressSpace() async throws {
    let h = SupervisorHarness()
    defer { h.cleanup() }
    h.worker("w", "echo \"as=$(ulimit -v)\"; sleep 300")
    try h.startUp(["--limits", "rlimit"])
    #expect(await h.waitRunning("w", count: 1), "\(h.upLog())")
    #expect(h.upLog().contains("limits: rlimit: forced by --limits=rlimit"), "\(h.upLog())")
    #expect(h.upLog().contains("CPU not capped"))
    #expect(h.status()?.limits == "rlimit")
    #expect(h.instance("w", 1)?.cgroup == nil)
    // s1: 1024 MiB -> ulimit -v in KiB.
    #expect(await waitUntil { h.procctl(["logs", "w"]).stdout.contains("as=\(1024 * 1024)") })
    let bad = h.procctl(["up", "--limits", "v7"])
    #expect(bad.exitCode == 2)

    // Without cgroups a resize cannot be applied in place: a rolling restart, new pid, new size.
    let old = try #require(h.instance("w", 1)?.pid)
    #expect(h.procctl(["resize", "--app", "demo", "w", "s2", "--yes"]).exitCode == 0)
    #expect(
      await waitUntil {
        guard let i = h.instance("w", 1), let pid = i.pid else { return false }
        return pid != old && i.size == "s2" && i.state == "running"
      }, "\(h.upLog())")
    #expect(h.upLog().contains("needs a restart"))
    #expect(await waitUntil { h.procctl(["logs", "w"]).stdout.contains("as=\(2048 * 1024)") })
  }
}
