import Foundation
import ProcctlCore
import ProcctlTestSupport
import Testing

@testable import ProcctlSupervisor

/// Whether this host lets us create cgroups (root with a writable v1 or v2 hierarchy). On this
/// project's machines and CI it does; elsewhere the cgroup tests are skipped with this reason.
let cgroupsWritable: Bool = {
  (try? CgroupDetector.detect(override: .auto).mode != .rlimit) ?? false
}()

/// Starts `/bin/sh -c` that joins the group's cgroup.procs files, then execs `command`.
private func spawnInto(_ cg: InstanceCgroup?, _ command: String) throws -> Process {
  let p = Process()
  p.executableURL = URL(fileURLWithPath: "/bin/sh")
  let joins = (cg?.procsFiles ?? []).map { "echo 0 > \($0)" }.joined(separator: "; ")
  p.arguments = ["-c", (joins.isEmpty ? "" : joins + "; ") + "exec " + command]
  p.standardOutput = FileHandle.nullDevice
  p.standardError = FileHandle.nullDevice
  try p.run()
  return p
}

private let tiny = PodSize(name: "tiny", family: .standard, milliCPU: 250, memoryMB: 32, monthly: Cents(0))
private let quarter = PodSize(name: "q", family: .standard, milliCPU: 250, memoryMB: 256, monthly: Cents(0))
private let big = PodSize(name: "big", family: .standard, milliCPU: 1000, memoryMB: 512, monthly: Cents(0))

@Suite(.serialized) struct CgroupDetectionTests {
  /// Another supervisor's exit removes the shared `procctl` directory while this one probes:
  /// the probe tries again instead of reporting a host with writable cgroups as unusable.
  @Test(.timeLimit(.minutes(1))) func probeSurvivesTheSharedDirectoryBeingRemoved() throws {
    let home = TempHome()
    defer { home.remove() }
    let top = home.path + "/procctl"
    let remover = Process()
    remover.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    remover.arguments = [
      "python3", "-c",
      // One removal a millisecond: now and then between a probe's two mkdirs, never twice in
      // one probe (it takes tens of microseconds).
      "import os, time\nend = time.time() + 20\nwhile time.time() < end:\n"
        + "    time.sleep(0.001)\n    try: os.rmdir('\(top)')\n    except OSError: pass",
    ]
    try remover.run()
    defer {
      kill(remover.processIdentifier, SIGKILL)
      remover.waitUntilExit()
    }
    var failed = 0
    var lastError: Int32 = 0
    for _ in 0..<3000 {
      let e = CgroupDetector.probe(home.path, pid: getpid())
      if e != 0 {
        failed += 1
        lastError = e
      }
    }
    #expect(failed == 0, "\(failed) of 3000 probes failed, the last with errno \(lastError)")
  }

  /// `up` probes by making its run's root and keeping it; a root that is already there (an
  /// earlier run's) proves nothing, so the throw-away group is made as well, and both stay.
  @Test func probeForARunKeepsItsRoot() throws {
    let home = TempHome()
    defer { home.remove() }
    #expect(CgroupDetector.probe(home.path, pid: getpid(), keep: "hrun") == 0)
    #expect(FileManager.default.fileExists(atPath: home.path + "/procctl/hrun"))
    #expect(CgroupDetector.probe(home.path, pid: getpid(), keep: "hrun") == 0)
    #expect(FileManager.default.fileExists(atPath: home.path + "/procctl/hrun"))
    #expect(!FileManager.default.fileExists(atPath: home.path + "/procctl/probe-\(getpid())"))
    // Where nothing can be made, the errno says why.
    #expect(CgroupDetector.probe(home.path + "/missing/dir", pid: getpid(), keep: "hrun") == ENOENT)
  }

  /// A forced rlimit probes nothing, so a run leaves no group behind.
  @Test func forcedRlimitForARunProbesNothing() throws {
    let d = try CgroupDetector.detect(override: .rlimit, runRoot: "hprobe-nothing")
    #expect(d.mode == .rlimit)
    #expect(!d.findings.contains { $0.contains("creating groups") })
    #expect(d.probeRoots.isEmpty)
    for h in CgroupSystem.live().hierarchies() {
      #expect(!FileManager.default.fileExists(atPath: h.ownDir + "/procctl/hprobe-nothing"))
    }
  }

  /// `up` makes its roots while probing; when it then fails before preparing them (here: an
  /// application that does not exist), it takes them back.
  @Test(.timeLimit(.minutes(1))) func aFailedUpLeavesNoRootBehind() throws {
    let home = TempHome()
    defer { home.remove() }
    #expect(runProcctl(["billing", "payment-method", "set", "t-1", "--yes"], home: home).exitCode == 0)
    #expect(
      runProcctl(["create", "--app", "a", "--name", "w", "--command", "sleep 1", "--yes"], home: home)
        .exitCode == 0)
    let r = runProcctl(["up", "--app", "nosuch"], home: home)
    #expect(r.exitCode == 4, "\(r)")
    let ns = CgroupManager.namespace(forHome: home.path)
    for h in CgroupSystem.live().hierarchies() {
      #expect(!FileManager.default.fileExists(atPath: h.ownDir + "/procctl/" + ns), "\(h.ownDir)")
    }
  }

  @Test func overrideParsing() throws {
    #expect(try LimitsOverride.parse(nil) == .auto)
    #expect(try LimitsOverride.parse("RLIMIT") == .rlimit)
    #expect(throws: CoreError.self) { try LimitsOverride.parse("v3") }
  }

  @Test func forcedRlimitIsReported() throws {
    let d = try CgroupDetector.detect(override: .rlimit)
    #expect(d.mode == .rlimit)
    #expect(d.summary.contains("forced by PROCCTL_LIMITS=rlimit"))
    #expect(d.summary.contains("CPU not capped"))
    let m = CgroupManager(detection: d, home: "/tmp")
    #expect(try m.create(app: "a", process: "w", instance: 1, size: tiny) == nil)
    #expect(m.spawnLimits(for: nil, size: tiny) == SpawnLimits(procsFiles: [], addressSpaceLimit: 32 << 20))
    if case .restartNeeded = m.resize(nil, from: tiny, to: big) {} else { Issue.record("rlimit resize must restart") }
  }

  @Test func mountinfoParsing() {
    let sys = CgroupSystem(
      mountinfo: """
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """,
      selfCgroup: "4:memory:/a/b\n1:cpu,cpuacct:/\n0::/x\n", pid: 1)
    let h = sys.hierarchies()
    #expect(h.count == 3)
    #expect(h[0].ownDir == "/sys/fs/cgroup/memory/a/b" && h[0].controllers == ["memory"])
    #expect(h[1].ownDir == "/sys/fs/cgroup/cpu,cpuacct" && h[1].has("cpuacct"))
    #expect(h[2].version == 2 && h[2].ownDir == "/sys/fs/cgroup/unified/x")
  }

  /// A pure v2 host, faked with directories: controllers delegated at the own cgroup.
  @Test func detectsV2OnAFakeUnifiedHierarchy() throws {
    let root = NSTemporaryDirectory() + "procctl-fakecg-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: root) }
    let own = root + "/system.slice/procctl.service"
    try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
    try "cpuset cpu io memory pids\n".write(toFile: own + "/cgroup.controllers", atomically: false, encoding: .utf8)
    try "cpu memory\n".write(toFile: own + "/cgroup.subtree_control", atomically: false, encoding: .utf8)
    try "".write(toFile: own + "/cgroup.procs", atomically: false, encoding: .utf8)
    let sys = CgroupSystem(
      mountinfo: "41 31 0:38 / \(root) rw,relatime - cgroup2 cgroup2 rw\n",
      selfCgroup: "0::/system.slice/procctl.service\n", pid: 99)
    let d = try CgroupDetector.detect(override: .auto, system: sys)
    #expect(d.mode == .v2)
    #expect(d.baseDirs == [own])
    #expect(!d.moveSelfToLeaf)
    #expect(d.allHierarchies == sys.hierarchies())
    // rlimit mode uses no hierarchy but still knows them all (the sweep at start looks there).
    let r = try CgroupDetector.detect(override: .rlimit, system: sys)
    #expect(r.hierarchies.isEmpty && r.allHierarchies == sys.hierarchies())
    // Without cpu/memory there, v2 is not usable and forcing it says why.
    try "pids\n".write(toFile: own + "/cgroup.controllers", atomically: false, encoding: .utf8)
    #expect(try CgroupDetector.detect(override: .auto, system: sys).mode == .rlimit)
    #expect(throws: CoreError.self) { try CgroupDetector.detect(override: .v2, system: sys) }
  }

  /// prepare() sweeps the hierarchies detection found, without reading /proc/self again: here a
  /// fake v1 hierarchy in a temporary directory, which /proc/self/mountinfo does not name.
  @Test func prepareSweepsTheHierarchiesDetectionFound() throws {
    let mount = NSTemporaryDirectory() + "procctl-fakecg-" + UUID().uuidString
    defer { try? FileManager.default.removeItem(atPath: mount) }
    let home = TempHome()
    defer { home.remove() }
    let stale = mount + "/procctl/" + CgroupManager.namespace(forHome: home.path) + "/demo/web/1"
    try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
    var d = try CgroupDetector.detect(override: .rlimit)
    d.allHierarchies = [
      CgroupHierarchy(version: 1, controllers: ["memory"], mountPoint: mount, ownDir: mount)
    ]
    let m = CgroupManager(detection: d, home: home.path)
    let cleanup = try m.prepare()
    #expect(cleanup == StaleCleanup(groupsRemoved: 3, processesKilled: 0, groupsLeft: []))
    #expect(!FileManager.default.fileExists(atPath: mount + "/procctl"))
    #expect(!FileManager.default.fileExists(atPath: m.recordFile))
    m.shutdown()
  }

  /// `run/cgroups` is not trusted to name anything but this state directory's subtrees inside
  /// mounted cgroup hierarchies: every other line is ignored.
  @Test func recordedRootsAreCheckedBeforeUse() throws {
    let mounts = [
      CgroupHierarchy(
        version: 1, controllers: ["memory"], mountPoint: "/sys/fs/cgroup/memory",
        ownDir: "/sys/fs/cgroup/memory/a")
    ]
    let good = "/sys/fs/cgroup/memory/b/procctl/h0123"
    let home = TempHome()
    defer { home.remove() }
    let file = home.path + "/cgroups"
    let lines = [
      good, good, "/sys/fs/cgroup/memory/b/procctl/h9999", "/tmp/procctl/h0123",
      "/sys/fs/cgroup/memory/../../../etc/procctl/h0123", "/sys/fs/cgroup/memoryx/procctl/h0123",
      "sys/fs/cgroup/memory/procctl/h0123", "/sys/fs/cgroup/memory//procctl/h0123", "",
    ]
    try (lines.joined(separator: "\n") + "\n")
      .write(toFile: file, atomically: false, encoding: .utf8)
    #expect(CgroupManager.readRecord(file, namespace: "h0123", mounts: mounts) == [good])
    #expect(CgroupManager.readRecord(home.path + "/none", namespace: "h0123", mounts: mounts) == [])
  }

  @Test(.enabled(if: cgroupsWritable, "cgroups are not writable here (needs root and a writable cgroup hierarchy)"))
  func thisHostHasWritableCgroups() throws {
    let d = try CgroupDetector.detect(override: .auto)
    #expect(d.mode != .rlimit)
    #expect(!d.findings.isEmpty)
    print("limits detection: \(d.summary)")
  }
}

@Suite(
  .serialized,
  .enabled(if: cgroupsWritable, "cgroups are not writable here (needs root and a writable cgroup hierarchy)"))
struct CgroupManagerTests {
  func manager(_ home: TempHome) throws -> CgroupManager {
    let m = CgroupManager(detection: try CgroupDetector.detect(override: .auto), home: home.path)
    _ = try m.prepare()
    return m
  }

  @Test(.timeLimit(.minutes(1))) func outOfMemoryIsDetected() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m = try manager(home)
    defer { m.shutdown() }
    let cg = try #require(try m.create(app: "demo", process: "hog", instance: 1, size: tiny))
    #expect(m.currentLimits(cg).memoryBytes == 32 << 20)
    let p = try spawnInto(cg, "tail /dev/zero")
    p.waitUntilExit()
    #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)
    #expect(m.wasOOMKilled(cg, signal: SIGKILL, exitCode: nil))
    // A new start in the same group resets the baseline: a plain SIGKILL is not an OOM kill.
    let cg2 = try #require(try m.create(app: "demo", process: "hog", instance: 1, size: tiny))
    #expect(!m.wasOOMKilled(cg2, signal: SIGKILL, exitCode: nil))
    #expect(m.remove(cg2))
  }

  @Test(.timeLimit(.minutes(1))) func cpuQuotaHoldsAQuarterCore() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m = try manager(home)
    defer { m.shutdown() }
    let cg = try #require(try m.create(app: "demo", process: "spin", instance: 1, size: quarter))
    #expect(m.currentLimits(cg).cpuQuota == 25_000)
    let p = try spawnInto(cg, "sh -c 'while :; do :; done'")
    defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
    // Let it start, then measure the group's CPU time over about two seconds of wall time.
    _ = await waitUntil(timeout: .seconds(5)) { (m.usage(cg).cpuMicroseconds ?? 0) > 20_000 }
    guard let u0 = m.usage(cg).cpuMicroseconds else {
      print("no CPU accounting in this hierarchy; skipping the measurement")
      return
    }
    let w0 = ContinuousClock.now
    try await Task.sleep(for: .seconds(2))
    let u1 = m.usage(cg).cpuMicroseconds ?? 0
    let wall = ContinuousClock.now - w0
    let wallUs = Double(wall.components.seconds) * 1e6 + Double(wall.components.attoseconds) / 1e12
    let share = Double(u1 - u0) / wallUs
    // ps reads the same figures from the directories alone.
    #expect((ResourceUsage.read(dirs: cg.dirs).cpuMicroseconds ?? 0) >= u1)
    #expect((ResourceUsage.read(dirs: cg.dirs).memoryBytes ?? 0) > 0)
    print("CPU share of a 0.25-CPU instance: \(share)")
    #expect(share > 0.10 && share < 0.40)
    #expect(m.remove(cg))
    #expect(!processAlive(p.processIdentifier))
  }

  @Test(.timeLimit(.minutes(1))) func childForkedAtOnceIsInTheGroupAndGoneAfterRemove() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m = try manager(home)
    defer { m.shutdown() }
    let cg = try #require(try m.create(app: "demo", process: "forky", instance: 2, size: quarter))
    // The child double-forks a daemon that leaves the process group and session.
    let p = try spawnInto(cg, "sh -c 'setsid sh -c \"sleep 300\" & sleep 300'")
    #expect(await waitUntil { m.pids(cg).count >= 3 })
    let pids = m.pids(cg)
    #expect(pids.contains(p.processIdentifier))
    #expect(m.remove(cg))
    for pid in pids { #expect(await waitUntil { !processAlive(pid) }) }
    p.waitUntilExit()
    for dir in cg.dirs { #expect(!FileManager.default.fileExists(atPath: dir)) }
    // The now-empty process and app groups went too.
    for root in m.roots { #expect(!FileManager.default.fileExists(atPath: root + "/demo")) }
  }

  @Test(.timeLimit(.minutes(1))) func resizeRewritesLimitsInPlace() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m = try manager(home)
    defer { m.shutdown() }
    let cg = try #require(try m.create(app: "demo", process: "web", instance: 1, size: quarter))
    let p = try spawnInto(cg, "sleep 300")
    defer { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
    #expect(await waitUntil { m.pids(cg) == [p.processIdentifier] })
    #expect(m.resize(cg, from: quarter, to: big) == .applied)
    #expect(m.currentLimits(cg).memoryBytes == 512 << 20)
    #expect(m.currentLimits(cg).cpuQuota == 100_000)
    #expect(m.resize(cg, from: big, to: tiny) == .applied)
    #expect(m.currentLimits(cg).memoryBytes == 32 << 20)
    #expect(m.pids(cg) == [p.processIdentifier])
    // Below current use: refused, the caller restarts instead.
    let hog = PodSize(name: "x", family: .standard, milliCPU: 250, memoryMB: 1, monthly: Cents(0))
    let used = m.usage(cg).memoryBytes ?? 0
    if used > 1 << 20 {
      guard case .restartNeeded(let why) = m.resize(cg, from: tiny, to: hog) else {
        Issue.record("expected a refusal")
        return
      }
      #expect(why.contains("below current use"))
    }
  }

  /// A new group gets its limits without anything being read back (the default CFS period is
  /// ours); a restart in the same group reuses it and writes only a size that differs, even
  /// after a live resize; the CPU counter at start is zero only in a new group.
  @Test(.timeLimit(.minutes(1))) func reusedGroupsKeepTheirLimitsAndTakeNewSizes() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m = try manager(home)
    defer { m.shutdown() }
    let cg = try #require(try m.create(app: "demo", process: "re", instance: 1, size: quarter))
    #expect(m.currentLimits(cg).memoryBytes == 256 << 20)
    #expect(m.currentLimits(cg).cpuQuota == 25_000)
    #expect(m.cpuMicrosecondsAtStart(cg) == 0)
    if m.mode == .v1, let c = m.detection.hierarchies.firstIndex(where: { $0.has("cpu") }) {
      #expect(CgroupFiles.integer(cg.dirs[c] + "/cpu.cfs_period_us") == 100_000)
    }
    let again = try #require(try m.create(app: "demo", process: "re", instance: 1, size: quarter))
    #expect(again == cg)
    #expect(m.currentLimits(cg).memoryBytes == 256 << 20)
    #expect(m.cpuMicrosecondsAtStart(cg) != nil)
    _ = try m.create(app: "demo", process: "re", instance: 1, size: big)
    #expect(m.currentLimits(cg).memoryBytes == 512 << 20)
    #expect(m.currentLimits(cg).cpuQuota == 100_000)
    #expect(m.resize(cg, from: big, to: tiny) == .applied)
    _ = try m.create(app: "demo", process: "re", instance: 1, size: big)
    #expect(m.currentLimits(cg).memoryBytes == 512 << 20)
    // Removed and made again: a new group, with the limits written afresh.
    #expect(m.remove(cg))
    let fresh = try #require(try m.create(app: "demo", process: "re", instance: 1, size: tiny))
    #expect(m.currentLimits(fresh).memoryBytes == 32 << 20)
    #expect(m.cpuMicrosecondsAtStart(fresh) == 0)
  }

  @Test(.timeLimit(.minutes(1))) func staleGroupsOfAPreviousRunAreEndedAndRemoved() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m1 = try manager(home)
    defer { m1.shutdown() }
    let cg = try #require(try m1.create(app: "demo", process: "old", instance: 1, size: quarter))
    let p = try spawnInto(cg, "sleep 300")
    #expect(await waitUntil { cg.procsFiles.allSatisfy { CgroupFiles.pids($0).count == 1 } })
    // A new supervisor of the same state directory; another one's groups are left alone.
    let other = TempHome()
    defer { other.remove() }
    let mo = try manager(other)
    let ocg = try #require(try mo.create(app: "demo", process: "old", instance: 1, size: quarter))
    let m2 = CgroupManager(detection: m1.detection, home: home.path)
    let cleanup = try m2.prepare()
    #expect(cleanup.processesKilled == 1)
    #expect(cleanup.groupsLeft.isEmpty)
    p.waitUntilExit()
    for dir in cg.dirs { #expect(!FileManager.default.fileExists(atPath: dir)) }
    for dir in ocg.dirs { #expect(FileManager.default.fileExists(atPath: dir)) }
    mo.shutdown()
    m2.shutdown()
    for root in m2.roots + mo.roots { #expect(!FileManager.default.fileExists(atPath: root)) }
  }

  /// An rlimit-mode run still ends and removes what a cgroup-mode run left, here one from
  /// before runs recorded their roots (found under the own cgroups), and records nothing.
  @Test(.timeLimit(.minutes(1))) func anRlimitRunSweepsWhatACgroupRunLeft() async throws {
    let home = TempHome()
    defer { home.remove() }
    let m1 = try manager(home)
    defer { m1.shutdown() }
    #expect(FileManager.default.fileExists(atPath: m1.recordFile))
    let cg = try #require(try m1.create(app: "demo", process: "old", instance: 1, size: quarter))
    let p = try spawnInto(cg, "sleep 300")
    defer {
      if p.isRunning { kill(p.processIdentifier, SIGKILL) }
      p.waitUntilExit()
    }
    #expect(await waitUntil { cg.procsFiles.allSatisfy { CgroupFiles.pids($0).count == 1 } })
    #expect(unlink(m1.recordFile) == 0)
    let m2 = CgroupManager(detection: try CgroupDetector.detect(override: .rlimit), home: home.path)
    let cleanup = try m2.prepare()
    #expect(cleanup.processesKilled == 1)
    #expect(cleanup.groupsLeft.isEmpty)
    p.waitUntilExit()
    for root in m1.roots { #expect(!FileManager.default.fileExists(atPath: root), "\(root)") }
    #expect(!FileManager.default.fileExists(atPath: m2.recordFile))
    m2.shutdown()
  }
}

/// The shared kill and remove helpers of `killAll`, `remove` and the stale sweep, on fake group
/// directories: the way they end a group follows the control files present. Nothing is really
/// signalled (the kill is a recorder, the pids are made up), so these need no root.
@Suite struct CgroupKillHelperTests {
  final class FakeGroups {
    let root = NSTemporaryDirectory() + "procctl-fakekill-" + UUID().uuidString
    init() throws {
      try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// A group directory `name` holding `files` (name -> contents).
    func group(_ name: String, _ files: [String: String]) throws -> String {
      let dir = root + "/" + name
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      for (file, text) in files {
        try text.write(toFile: dir + "/" + file, atomically: false, encoding: .utf8)
      }
      return dir
    }
  }

  static func contents(_ path: String) -> String? {
    try? String(contentsOfFile: path, encoding: .utf8)
  }

  /// v2 before Linux 5.14 (no cgroup.kill): the group is frozen while its pids are killed, so a
  /// forking process cannot escape, then thawed.
  @Test func v2WithoutCgroupKillFreezesKillsEachAndThaws() throws {
    let fake = try FakeGroups()
    let dir = try fake.group(
      "app/web/1", ["cgroup.procs": "4000001\n4000002\n", "cgroup.freeze": "0\n"])
    var seen: [(pid_t, String?)] = []
    let n = CgroupManager.killEverything(in: [dir]) {
      seen.append(($0, Self.contents(dir + "/cgroup.freeze")))
    }
    #expect(n == 2)
    #expect(Set(seen.map(\.0)) == [4_000_001, 4_000_002] && seen.count == 2)
    #expect(seen.allSatisfy { $0.1?.hasPrefix("1") == true }, "killed while frozen")
    #expect(Self.contents(dir + "/cgroup.freeze")?.hasPrefix("0") == true, "thawed after")
    #expect(!FileManager.default.fileExists(atPath: dir + "/cgroup.kill"))
  }

  /// v2 with cgroup.kill: the kernel ends the whole group; nothing is frozen or signalled.
  @Test func v2WithCgroupKillLeavesItToTheKernel() throws {
    let fake = try FakeGroups()
    let dir = try fake.group(
      "a/p/1", ["cgroup.procs": "4000001\n", "cgroup.kill": "0", "cgroup.freeze": "0"])
    var seen: [pid_t] = []
    #expect(CgroupManager.killEverything(in: [dir]) { seen.append($0) } == 1)
    #expect(seen.isEmpty)
    #expect(Self.contents(dir + "/cgroup.kill") == "1")
    #expect(Self.contents(dir + "/cgroup.freeze") == "0")
  }

  /// v1: the freezer hierarchy's group is frozen while every pid listed in any hierarchy is
  /// killed once, then thawed.
  @Test func v1FreezerFreezesKillsEveryListedPidAndThaws() throws {
    let fake = try FakeGroups()
    let memory = try fake.group("memory/a/p/1", ["cgroup.procs": "4000001\n4000002\n"])
    let freezer = try fake.group(
      "freezer/a/p/1", ["cgroup.procs": "4000001\n", "freezer.state": "THAWED\n"])
    var states: [pid_t: String] = [:]
    let n = CgroupManager.killEverything(in: [memory, freezer]) {
      states[$0] = Self.contents(freezer + "/freezer.state") ?? "missing"
    }
    #expect(n == 2)
    #expect(Set(states.keys) == [4_000_001, 4_000_002])
    #expect(states.values.allSatisfy { $0.hasPrefix("FROZEN") })
    #expect(Self.contents(freezer + "/freezer.state")?.hasPrefix("THAWED") == true)
  }

  /// No kill or freeze file: rounds of kills until the group is empty, catching a child forked
  /// meanwhile; a process that never goes does not keep it looping.
  @Test func withoutAFreezerItKillsInRoundsUntilEmptyAndStops() throws {
    let fake = try FakeGroups()
    let dir = try fake.group("a/p/1", ["cgroup.procs": "4000001\n"])
    let procs = dir + "/cgroup.procs"
    var seen: [pid_t] = []
    let n = CgroupManager.killEverything(in: [dir]) { pid in
      seen.append(pid)
      // It dies, but forked one child first.
      let next = pid == 4_000_001 ? "4000003\n" : ""
      try? next.write(toFile: procs, atomically: false, encoding: .utf8)
    }
    #expect(n == 2 && seen == [4_000_001, 4_000_003])
    try "4000009\n".write(toFile: procs, atomically: false, encoding: .utf8)
    var rounds = 0
    #expect(CgroupManager.killEverything(in: [dir]) { _ in rounds += 1 } == 1)
    #expect(rounds == 50)
    #expect(CgroupManager.killEverything(in: [fake.root + "/none"]) { _ in rounds += 1 } == 0)
  }

  @Test func directoriesAreRemovedDeepestFirst() throws {
    let fake = try FakeGroups()
    let parent = try fake.group("a/p", [:])
    let child = try fake.group("a/p/1", [:])
    let busy = try fake.group("a/q", ["cgroup.procs": ""])
    #expect(CgroupManager.removeDirectories([parent, child]) == [])
    #expect(!FileManager.default.fileExists(atPath: fake.root + "/a/p"))
    // Not empty (a file in it, as no cgroup has): reported as left, no retries.
    #expect(CgroupManager.removeDirectories([busy]) == [busy])
  }
}

/// clone3 CLONE_INTO_CGROUP (the v2 spawn path): the child starts inside the group. Any cgroup2
/// mount will do, even one without controllers (this host's hybrid /sys/fs/cgroup/unified).
@Suite(.serialized) struct CloneIntoCgroupTests {
  static let v2Dir: String? = {
    guard let h = CgroupSystem.live().hierarchies().first(where: { $0.version == 2 }) else {
      return nil
    }
    let dir = h.ownDir + "/procctl-clone3-test-\(getpid())"
    guard mkdir(dir, 0o755) == 0 || errno == EEXIST else { return nil }
    return dir
  }()

  @Test(
    .timeLimit(.minutes(1)),
    .enabled(if: v2Dir != nil, "no writable cgroup2 hierarchy here (needs root)"))
  func theChildStartsInsideItsGroupAndFailuresStillReportTheirStep() async throws {
    let dir = try #require(Self.v2Dir)
    defer { rmdir(dir) }
    let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    #expect(fd >= 0)
    defer { close(fd) }
    let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
    defer { close(devNull) }
    var req = SpawnRequest(
      command: "exec sleep 30", environment: ["PATH=/usr/bin:/bin"], cwd: nil, stdin: devNull,
      stdout: devNull, stderr: devNull)  // no files: only clone3 can put it there
    req.cgroupFD = fd
    let pid = try Spawner.spawn(req).get()
    defer {
      kill(pid, SIGKILL)
      var st: Int32 = 0
      waitpid(pid, &st, 0)
    }
    #expect(CgroupFiles.pids(dir + "/cgroup.procs") == [pid])
    let line = (CgroupFiles.read("/proc/\(pid)/cgroup") ?? "").split(separator: "\n")
      .first { $0.hasPrefix("0::") }
    #expect(line.map { dir.hasSuffix(String($0.dropFirst(3))) } == true, "\(String(describing: line))")

    var bad = req
    bad.cwd = "/nonexistent/procctl-test"
    guard case .failure(let failure) = Spawner.spawn(bad) else {
      Issue.record("a missing working directory must fail the spawn")
      return
    }
    #expect(failure.step == "chdir")
    #expect(failure.errno == ENOENT)
  }
}
