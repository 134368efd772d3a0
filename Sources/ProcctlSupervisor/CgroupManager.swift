#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlCore
import ProcctlStore

/// Creates, limits, measures, empties and removes the cgroups of instances. Used from the
/// supervisor's loop thread only. All groups of one state directory live under
/// `<base>/procctl/<ns>` where `<ns>` is derived from the state directory's path, so several
/// supervisors (other state directories, parallel tests) never touch each other's groups.
public final class CgroupManager {
  public let detection: LimitsDetection
  /// "h" + 12 hex digits of a hash of the state directory's real path.
  public let namespace: String
  /// Per hierarchy: `<base>/procctl/<ns>`.
  public let roots: [String]
  /// CFS period used for every CPU limit.
  public static let cpuPeriodMicroseconds = 100_000
  /// v2: the base directories where this run enabled cpu and memory for children (undone at
  /// exit, so the supervisor can move back out of its leaf).
  private var enabledAt: [String] = []
  /// "app/process" parents created by this run (so each spawn does not mkdir them again), and
  /// how many instance groups each holds (the last one out removes them).
  private var madeParents = Set<String>()
  private var groupsPerProcess: [String: Int] = [:]
  private var liveGroups = Set<String>()
  /// oom_kill counter of each group when its current instance was started.
  private var oomBaseline: [String: Int] = [:]
  /// The limits this run last wrote into each live group: a restart in the same group with
  /// the same size writes nothing.
  private var writtenLimits: [String: Limits] = [:]
  /// Groups whose current instance is the first in them (its CPU counter started at zero).
  private var newGroups = Set<String>()
  /// Whether groups have swap limit files (v1 memory.memsw.*, v2 memory.swap.max): the same
  /// for every group of a hierarchy, so looked up once.
  private var swapFiles: Bool?

  private struct Limits: Equatable {
    var memoryBytes: Int
    var milliCPU: Int
  }

  /// `<home>/run/cgroups`: the roots of this state directory's runs, one per line. Written
  /// (atomically; no fsync: cgroups do not outlive a reboot) before the first instance starts, so a later run finds what this one
  /// left wherever it runs from: on v1 the base of each hierarchy is the supervisor's own
  /// cgroup there, which need not be the same from one run to the next.
  public let recordFile: String
  /// Subtrees of earlier runs of this state directory (recorded, or found at the usual places)
  /// that are not this run's `roots`; swept at start, kept in the record while they remain.
  public private(set) var staleRoots: [String] = []
  /// What the record file holds as far as this run knows (nil: not read or written yet).
  private var recorded: [String]?
  /// The host's cgroup mounts (nil: the ones detection found, else read /proc/self).
  private let system: CgroupSystem?

  public init(detection: LimitsDetection, home: String, system: CgroupSystem? = nil) {
    self.detection = detection
    let namespace = Self.namespace(forHome: home)
    self.namespace = namespace
    self.roots = detection.baseDirs.map { "\($0)/procctl/\(namespace)" }
    self.recordFile = StatePaths(home: home).runDir + "/cgroups"
    self.system = system
  }

  public var mode: LimitsMode { detection.mode }

  /// A stable short name for a state directory (FNV-1a 64 of its real path).
  public static func namespace(forHome home: String) -> String {
    var path = home
    if let r = realpath(home, nil) {
      path = String(cString: r)
      free(r)
    }
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in path.utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    let hex = String(h, radix: 16)
    let padded = String(repeating: "0", count: max(0, 16 - hex.count)) + hex
    return "h" + padded.prefix(12)
  }

  private var isV2: Bool { detection.mode == .v2 }

  private func index(of controller: String) -> Int? {
    detection.hierarchies.firstIndex { $0.has(controller) }
  }

  // MARK: set-up and tear-down

  /// Creates this state directory's subtree, enabling controllers on the way (v2), and ends and
  /// removes whatever a previous run left: in this run's roots, in the roots the previous runs
  /// recorded, and at the usual places (`procctl/<ns>` under this process's own cgroup and
  /// under each mount's root). In rlimit mode only the sweep is done (where it is allowed).
  /// This run's roots are recorded before any group is made; throws when they cannot be.
  public func prepare() throws(StoreError) -> StaleCleanup {
    // Detection has just parsed the same /proc/self files: not again on every start.
    var mounts = detection.allHierarchies
    if let system {
      mounts = system.hierarchies()
    } else if mounts.isEmpty {
      mounts = CgroupSystem.live().hierarchies()
    }
    let previous = Self.readRecord(recordFile, namespace: namespace, mounts: mounts)
    recorded = previous
    staleRoots = Self.defaultRoots(namespace: namespace, mounts: mounts)
    for root in previous where !staleRoots.contains(root) { staleRoots.append(root) }
    staleRoots.removeAll { roots.contains($0) || !CgroupFiles.isDirectory($0) }
    try record(roots + staleRoots)
    if detection.mode == .rlimit { return removeStale() }
    if isV2, detection.moveSelfToLeaf, let h = detection.hierarchies.first {
      let leaf = h.ownDir + "/procctl-supervisor"
      try CgroupFiles.makeDirectory(leaf)
      try CgroupFiles.write(leaf + "/cgroup.procs", "0")
    }
    for (i, root) in roots.enumerated() {
      let base = detection.baseDirs[i]
      if isV2 {
        let before = CgroupFiles.read(base + "/cgroup.subtree_control") ?? ""
        try enableControllers(base)
        if !(before.contains("cpu") && before.contains("memory")) { enabledAt.append(base) }
      }
      // Another state directory's supervisor may remove the shared `procctl` directory (empty
      // at its exit) between our two mkdirs: try again then.
      var attempt = 0
      while true {
        do throws(StoreError) {
          try CgroupFiles.makeDirectory(base + "/procctl")
          if isV2 { try enableControllers(base + "/procctl") }
          try CgroupFiles.makeDirectory(root)
          break
        } catch {
          attempt += 1
          if case .system(_, _, let e) = error, e == ENOENT, attempt < 10 { continue }
          throw error
        }
      }
      if isV2 { try enableControllers(root) }
    }
    return removeStale()
  }

  /// v2: lets the children of `dir` use cpu and memory.
  private func enableControllers(_ dir: String) throws(StoreError) {
    let current = CgroupFiles.read(dir + "/cgroup.subtree_control") ?? ""
    if current.contains("cpu") && current.contains("memory") { return }
    try CgroupFiles.write(dir + "/cgroup.subtree_control", "+cpu +memory")
  }

  /// Ends every process left in this state directory's subtrees (this run's and earlier runs'
  /// stale ones) and removes their groups, deepest first; an earlier run's root goes too. Run
  /// at start (a previous supervisor may have been SIGKILLed) and at exit.
  public func removeStale() -> StaleCleanup {
    var result = Self.sweep(roots + staleRoots)
    staleRoots.removeAll { root in
      if CgroupFiles.removeDirectory(root) == 0 {
        // The shared `procctl` parent too, once no state directory uses it.
        _ = CgroupFiles.removeDirectory(FileIO.directory(of: root))
        return true
      }
      if !result.groupsLeft.contains(where: { $0.hasPrefix(root + "/") }) {
        result.groupsLeft.append(root)
      }
      return false
    }
    // What could not be removed stays recorded for the next run (best effort: the record
    // only ever names more than is there).
    try? record(roots + staleRoots)
    return result
  }

  /// Removes the whole subtree at exit (after every instance was stopped), and the shared
  /// `procctl` directory when no other state directory uses it; the record then names only
  /// what is left (nothing: it is removed).
  public func shutdown() {
    _ = removeStale()
    if detection.mode != .rlimit {
      for (i, root) in roots.enumerated() {
        _ = CgroupFiles.removeDirectory(root)
        _ = CgroupFiles.removeDirectory(detection.baseDirs[i] + "/procctl")
      }
      for base in enabledAt where base != detection.hierarchies.first?.mountPoint {
        try? CgroupFiles.write(base + "/cgroup.subtree_control", "-cpu -memory")
      }
      enabledAt.removeAll()
      if isV2, detection.moveSelfToLeaf, let h = detection.hierarchies.first {
        // Back to where we came from (allowed again now that it delegates no controllers), so
        // the leaf can go.
        try? CgroupFiles.write(h.ownDir + "/cgroup.procs", "0")
        _ = CgroupFiles.removeDirectory(h.ownDir + "/procctl-supervisor")
      }
    }
    try? record(roots.filter(CgroupFiles.isDirectory) + staleRoots)
  }

  // MARK: the record of roots, and sweeping

  /// Replaces the record file with `list` (removes it when empty); nothing is written when it
  /// already holds that.
  private func record(_ list: [String]) throws(StoreError) {
    if let recorded, recorded == list { return }
    if list.isEmpty {
      if unlink(recordFile) != 0 && cprocctl_errno() != ENOENT {
        throw .system(call: "unlink", path: recordFile, errno: cprocctl_errno())
      }
    } else {
      try FileIO.makeDirectories(FileIO.directory(of: recordFile))
      // Not fsynced: cgroups do not outlive a reboot, and the rename survives a SIGKILL.
      try FileIO.writeAtomically(
        Array(list.map { $0 + "\n" }.joined().utf8), to: recordFile, durable: false)
    }
    recorded = list
  }

  /// The roots recorded in `path` that are acceptable: only ever a `.../procctl/<namespace>`
  /// directory inside a mounted cgroup hierarchy (the file is not trusted to name anything else).
  static func readRecord(_ path: String, namespace: String, mounts: [CgroupHierarchy]) -> [String]
  {
    guard let bytes = try? FileIO.readFile(path) else { return [] }
    var out: [String] = []
    for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
      let root = String(line)
      if isAcceptableRoot(root, namespace: namespace, mounts: mounts) && !out.contains(root) {
        out.append(root)
      }
    }
    return out
  }

  static func isAcceptableRoot(_ root: String, namespace: String, mounts: [CgroupHierarchy])
    -> Bool
  {
    guard root.hasPrefix("/"), root.hasSuffix("/procctl/" + namespace) else { return false }
    let parts = root.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
    if parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) { return false }
    return mounts.contains { root.hasPrefix($0.mountPoint + "/") }
  }

  /// Where a run of this state directory puts its subtree by default: under this process's
  /// own cgroup and under the mount's root of each hierarchy procctl uses (those that exist).
  static func defaultRoots(namespace: String, mounts: [CgroupHierarchy]) -> [String] {
    var out: [String] = []
    for h in mounts
    where h.version == 2 || CgroupDetector.v1Controllers.contains(where: h.has) {
      for base in [h.ownDir, h.mountPoint] {
        let root = base + "/procctl/" + namespace
        if !out.contains(root) && CgroupFiles.isDirectory(root) { out.append(root) }
      }
    }
    return out
  }

  /// Ends every process under `sweepRoots` and removes their groups, deepest first. The same
  /// relative path under several roots (one per hierarchy) is one instance's group and is
  /// ended at once. Like `killAll` and `remove` it goes by the control files present, not by
  /// this run's mode, so it also clears what a run in another mode or cgroup left.
  static func sweep(_ sweepRoots: [String]) -> StaleCleanup {
    var result = StaleCleanup(groupsRemoved: 0, processesKilled: 0, groupsLeft: [])
    var relative: [String] = []
    var seen = Set<String>()
    func walk(_ dir: String, _ rel: String, _ depth: Int) {
      if depth < 8 {
        for child in CgroupFiles.subdirectories(dir) {
          walk(dir + "/" + child, rel.isEmpty ? child : rel + "/" + child, depth + 1)
        }
      }
      if !rel.isEmpty && seen.insert(rel).inserted { relative.append(rel) }
    }
    for root in sweepRoots { walk(root, "", 0) }
    // Deepest first: children before parents.
    relative.sort { $0.split(separator: "/").count > $1.split(separator: "/").count }
    for rel in relative {
      let dirs = sweepRoots.map { $0 + "/" + rel }.filter(CgroupFiles.isDirectory)
      result.processesKilled += killEverything(in: dirs)
      let left = removeDirectories(dirs)
      if left.isEmpty { result.groupsRemoved += 1 }
      result.groupsLeft += left
    }
    return result
  }

  /// SIGKILLs every process in `dirs` (the directories of one group, one per hierarchy) so none
  /// can fork its way out. It goes by the control files present, not by this run's mode:
  /// v2 `cgroup.kill` (Linux 5.14) where there is one; else v2 `cgroup.freeze` (Linux 5.2) or
  /// a v1 `freezer.state`: freeze, SIGKILL each pid once, thaw (they die when thawed); else
  /// rounds of SIGKILL until none is left (a fork race needs another round), bounded.
  /// `listing`: the directories whose `cgroup.procs` say who is inside (default: all of `dirs`).
  /// `signal` is the kill (tests pass a recorder). Returns how many processes were signalled.
  static func killEverything(
    in dirs: [String], listing: [String]? = nil,
    signal: (pid_t) -> Void = { _ = kill($0, SIGKILL) }
  ) -> Int {
    let me = getpid()
    let sources = listing ?? dirs
    func listed() -> Set<pid_t> {
      var all = Set<pid_t>()
      for d in sources { all.formUnion(CgroupFiles.pids(d + "/cgroup.procs")) }
      all.remove(me)
      return all
    }
    var signalled = listed()
    if signalled.isEmpty { return 0 }
    // Tried by writing, not looked up first: a missing file fails the open as cheaply.
    let rest = dirs.filter { (try? CgroupFiles.write($0 + "/cgroup.kill", "1")) == nil }
    if rest.isEmpty { return signalled.count }
    var frozen: [(dir: String, v2: Bool)] = []
    for d in rest {
      if (try? CgroupFiles.write(d + "/cgroup.freeze", "1")) != nil {
        frozen.append((d, true))
      } else if (try? CgroupFiles.write(d + "/freezer.state", "FROZEN")) != nil {
        frozen.append((d, false))
      }
    }
    // Freezing takes effect asynchronously; all groups were asked first, so they freeze at once.
    for f in frozen {
      if f.v2 {
        waitUntil { (CgroupFiles.keyed(f.dir + "/cgroup.events")["frozen"] ?? 1) == 1 }
      } else {
        waitUntil { CgroupFiles.read(f.dir + "/freezer.state")?.hasPrefix("FROZEN") ?? true }
      }
    }
    for _ in 0..<50 {
      let now = listed()
      if now.isEmpty { break }
      for p in now { signal(p) }
      signalled.formUnion(now)
      // Frozen, nothing could fork meanwhile: one round is all.
      if !frozen.isEmpty { break }
    }
    for f in frozen {
      if f.v2 {
        try? CgroupFiles.write(f.dir + "/cgroup.freeze", "0")
      } else {
        try? CgroupFiles.write(f.dir + "/freezer.state", "THAWED")
      }
    }
    return signalled.count
  }

  /// Removes the group directories `dirs`, deepest first. A directory that is busy (its
  /// processes are still exiting) is waited for, then retried (ending what is in `dirs` again
  /// each time) a bounded number of times. Returns the directories that could not be removed.
  static func removeDirectories(_ dirs: [String]) -> [String] {
    var left: [String] = []
    let ordered = dirs.sorted { $0.split(separator: "/").count > $1.split(separator: "/").count }
    for dir in ordered {
      var e = CgroupFiles.removeDirectory(dir)
      if e == EBUSY {
        waitUntil { CgroupFiles.pids(dir + "/cgroup.procs").isEmpty }
        e = CgroupFiles.removeDirectory(dir)
      }
      var tries = 0
      while e == EBUSY && tries < 100 {
        _ = killEverything(in: dirs)
        CgroupFiles.pause(microseconds: 1000)
        e = CgroupFiles.removeDirectory(dir)
        tries += 1
      }
      if e != 0 { left.append(dir) }
    }
    return left
  }

  /// Polls a kernel state change with a bound (about 200 ms): freezing and exiting have no
  /// event we could wait on without a second fd per group.
  static func waitUntil(_ done: () -> Bool) {
    for i in 0..<400 {
      if done() { return }
      CgroupFiles.pause(microseconds: i < 20 ? 100 : 500)
    }
  }

  // MARK: instances

  /// Creates (or reuses) the group of one instance and writes the size's limits into it.
  /// Returns nil in rlimit mode. Call before every spawn: it also resets the OOM baseline.
  ///
  /// A new group's state is known (no limits, the default CFS period, no OOM kills, no CPU
  /// used) and a reused one holds what this run wrote last, so only what differs is written
  /// and nothing is read back: this is on the path of every start.
  public func create(app: String, process: String, instance: Int, size: PodSize)
    throws(StoreError) -> InstanceCgroup?
  {
    guard detection.mode != .rlimit else { return nil }
    let name = "\(app)/\(process)/\(instance)"
    let parent = "\(app)/\(process)"
    var dirs: [String] = []
    dirs.reserveCapacity(roots.count)
    var fresh = true
    for root in roots {
      let procDir = root + "/" + parent
      if !madeParents.contains(parent) {
        let appDir = root + "/" + app
        try CgroupFiles.makeDirectory(appDir)
        if isV2 { try enableControllers(appDir) }
        try CgroupFiles.makeDirectory(procDir)
        if isV2 { try enableControllers(procDir) }
      }
      let dir = procDir + "/" + String(instance)
      if !(try CgroupFiles.makeDirectory(dir)) { fresh = false }
      dirs.append(dir)
    }
    madeParents.insert(parent)
    if liveGroups.insert(name).inserted { groupsPerProcess[parent, default: 0] += 1 }
    let cg = InstanceCgroup(name: name, dirs: dirs)
    let limits = Limits(memoryBytes: size.memoryBytes, milliCPU: size.milliCPU)
    if fresh { writtenLimits[name] = nil }
    if writtenLimits[name] != limits {
      do throws(StoreError) {
        try writeMemory(cg, bytes: size.memoryBytes, currentBytes: fresh ? Int.max : nil)
        try writeCPU(cg, milliCPU: size.milliCPU, periodIsDefault: fresh)
      } catch {
        remove(cg)
        throw error
      }
      writtenLimits[name] = limits
    }
    if fresh {
      oomBaseline[name] = 0
      newGroups.insert(name)
    } else {
      oomBaseline[name] = oomKillCount(cg) ?? 0
      newGroups.remove(name)
    }
    return cg
  }

  /// The group's CPU time (µs) as its current instance starts: zero in a group just made.
  public func cpuMicrosecondsAtStart(_ cg: InstanceCgroup?) -> Int? {
    guard let cg, detection.mode != .rlimit else { return nil }
    if newGroups.contains(cg.name) { return 0 }
    return usage(cg).cpuMicroseconds
  }

  /// What the spawn hook applies for an instance of `size` in group `cg`.
  public func spawnLimits(for cg: InstanceCgroup?, size: PodSize) -> SpawnLimits {
    if detection.mode == .rlimit {
      return SpawnLimits(procsFiles: [], addressSpaceLimit: size.memoryBytes)
    }
    let join = isV2 ? "/cgroup.procs" : "/tasks"
    return SpawnLimits(
      procsFiles: cg?.dirs.map { $0 + join } ?? [], addressSpaceLimit: nil,
      directory: isV2 ? cg?.dirs.first : nil)
  }

  /// Whether the swap limit file `file` exists in `dir` (looked up for the first group only).
  private func hasSwapFile(_ dir: String, _ file: String) -> Bool {
    if let known = swapFiles { return known }
    let found = FileIO.exists(dir + "/" + file)
    swapFiles = found
    return found
  }

  /// `currentBytes`: the limit the group has now when known (a new group: unlimited), else it
  /// is read.
  private func writeMemory(_ cg: InstanceCgroup, bytes: Int, currentBytes: Int? = nil)
    throws(StoreError)
  {
    if isV2 {
      let dir = cg.dirs[0]
      try CgroupFiles.write(dir + "/memory.max", String(bytes))
      // Absent without swap accounting; nothing to limit then.
      if hasSwapFile(dir, "memory.swap.max") {
        try CgroupFiles.write(dir + "/memory.swap.max", "0")
      }
      return
    }
    guard let m = index(of: "memory") else { return }
    let dir = cg.dirs[m]
    let memsw = dir + "/memory.memsw.limit_in_bytes"
    let hasMemsw = hasSwapFile(dir, "memory.memsw.limit_in_bytes")
    // memsw (memory+swap) must stay >= the memory limit: raise it first when the limit grows,
    // lower it last when it shrinks (a fresh group starts with both unlimited).
    let current =
      currentBytes ?? CgroupFiles.integer(dir + "/memory.limit_in_bytes") ?? Int.max
    let growing = bytes >= current
    let value = String(bytes)
    if hasMemsw && growing { try CgroupFiles.write(memsw, value) }
    try CgroupFiles.write(dir + "/memory.limit_in_bytes", value)
    if hasMemsw && !growing { try CgroupFiles.write(memsw, value) }
  }

  /// `periodIsDefault`: the group's CFS period is known to be the kernel's default, which is
  /// ours (a new v1 group), so only the quota is written.
  private func writeCPU(_ cg: InstanceCgroup, milliCPU: Int, periodIsDefault: Bool = false)
    throws(StoreError)
  {
    let period = Self.cpuPeriodMicroseconds
    let quota = milliCPU * period / 1000
    if isV2 {
      try CgroupFiles.write(cg.dirs[0] + "/cpu.max", "\(quota) \(period)")
      return
    }
    guard let c = index(of: "cpu") else { return }
    if !periodIsDefault {
      try CgroupFiles.write(cg.dirs[c] + "/cpu.cfs_period_us", String(period))
    }
    try CgroupFiles.write(cg.dirs[c] + "/cpu.cfs_quota_us", String(quota))
  }

  /// The pids in the group. One hierarchy is enough: an instance joins all of them.
  public func pids(_ cg: InstanceCgroup) -> [pid_t] {
    guard let first = cg.dirs.first else { return [] }
    return CgroupFiles.pids(first + "/cgroup.procs")
  }

  /// Ends every process of the group at once, so none can fork its way out while being killed:
  /// v2 `cgroup.kill` (or freeze, kill, thaw on kernels before 5.14); v1 freeze, SIGKILL each
  /// pid, thaw; without a freezer, rounds of kills (`killEverything`). Returns how many
  /// processes were signalled. An instance joins all its hierarchies at once, so one of them
  /// lists its processes: the reap of every instance reads one `cgroup.procs`, not one per
  /// hierarchy (stale groups of other runs can differ between hierarchies: the sweep reads all).
  @discardableResult
  public func killAll(_ cg: InstanceCgroup) -> Int {
    Self.killEverything(in: cg.dirs, listing: Array(cg.dirs.prefix(1)))
  }

  /// Ends what is left in the group and removes it (in every hierarchy), then its empty
  /// parents. Returns false when the group could not be removed within the bound.
  @discardableResult
  public func remove(_ cg: InstanceCgroup) -> Bool {
    guard !cg.dirs.isEmpty else { return true }
    killAll(cg)
    let ok = Self.removeDirectories(cg.dirs).isEmpty
    oomBaseline[cg.name] = nil
    writtenLimits[cg.name] = nil
    newGroups.remove(cg.name)
    // The last instance group of a process takes the process's (and then the app's) directory
    // with it. (Stale groups are removed deepest first by `removeStale` instead.)
    guard liveGroups.remove(cg.name) != nil else { return ok }
    let parts = cg.name.split(separator: "/")
    guard parts.count == 3 else { return ok }
    let parent = "\(parts[0])/\(parts[1])"
    let left = (groupsPerProcess[parent] ?? 1) - 1
    groupsPerProcess[parent] = left > 0 ? left : nil
    if left > 0 { return ok }
    madeParents.remove(parent)
    let appBusy = groupsPerProcess.keys.contains { $0.hasPrefix(parts[0] + "/") }
    for root in roots {
      _ = CgroupFiles.removeDirectory(root + "/" + parent)
      if !appBusy { _ = CgroupFiles.removeDirectory(root + "/" + parts[0]) }
    }
    return ok
  }

  // MARK: live changes and measurements

  /// Rewrites the limits of a running instance in place. Refuses (the caller restarts the
  /// instance instead) in rlimit mode, and when the new memory limit is below current use.
  public func resize(_ cg: InstanceCgroup?, from old: PodSize, to new: PodSize) -> ResizeOutcome {
    guard let cg, detection.mode != .rlimit else {
      return .restartNeeded("rlimit mode cannot change the limits of a running process")
    }
    let used = usage(cg).memoryBytes ?? 0
    if new.memoryBytes < used {
      return .restartNeeded(
        "the new memory limit \(new.memoryDescription) is below current use (\(used / (1024 * 1024)) MiB)"
      )
    }
    do throws(StoreError) {
      writtenLimits[cg.name] = nil
      try writeMemory(cg, bytes: new.memoryBytes)
      try writeCPU(cg, milliCPU: new.milliCPU)
      writtenLimits[cg.name] = Limits(memoryBytes: new.memoryBytes, milliCPU: new.milliCPU)
    } catch {
      return .restartNeeded("cannot rewrite the limits in place: \(error)")
    }
    return .applied
  }

  /// The group's OOM-kill counter (v2 memory.events, v1 memory.oom_control), nil if unknown.
  public func oomKillCount(_ cg: InstanceCgroup) -> Int? {
    if isV2 { return CgroupFiles.keyed(cg.dirs[0] + "/memory.events")["oom_kill"] }
    guard let m = index(of: "memory") else { return nil }
    if let n = CgroupFiles.keyed(cg.dirs[m] + "/memory.oom_control")["oom_kill"] { return n }
    // Kernels before 4.13 have no oom_kill counter; a hit limit is the best hint there.
    return CgroupFiles.integer(cg.dirs[m] + "/memory.failcnt")
  }

  /// True when the instance that ran in `cg` died of SIGKILL (or a shell's 137) and the kernel
  /// OOM-killed something in its group since it started: report `OOMKilled`, not SIGKILL.
  /// Ask before `remove`.
  public func wasOOMKilled(_ cg: InstanceCgroup?, signal: Int32?, exitCode: Int32?) -> Bool {
    guard let cg, signal == SIGKILL || exitCode == 128 + SIGKILL else { return false }
    guard let now = oomKillCount(cg) else { return false }
    return now > (oomBaseline[cg.name] ?? 0)
  }

  /// Current memory (memory.current / memory.usage_in_bytes) and CPU time (cpu.stat usage_usec
  /// / cpuacct.usage) of the group.
  public func usage(_ cg: InstanceCgroup?) -> ResourceUsage {
    guard let cg, detection.mode != .rlimit else {
      return ResourceUsage(memoryBytes: nil, cpuMicroseconds: nil)
    }
    if isV2 {
      let dir = cg.dirs[0]
      return ResourceUsage(
        memoryBytes: CgroupFiles.integer(dir + "/memory.current"),
        cpuMicroseconds: CgroupFiles.keyed(dir + "/cpu.stat")["usage_usec"])
    }
    let mem = index(of: "memory").flatMap {
      CgroupFiles.integer(cg.dirs[$0] + "/memory.usage_in_bytes")
    }
    let cpu = index(of: "cpuacct").flatMap {
      CgroupFiles.integer(cg.dirs[$0] + "/cpuacct.usage").map { $0 / 1000 }
    }
    return ResourceUsage(memoryBytes: mem, cpuMicroseconds: cpu)
  }

  /// The limits currently written in the group (for tests and `ps`): memory bytes, and the CPU
  /// quota in microseconds per period (nil: unlimited or unknown).
  public func currentLimits(_ cg: InstanceCgroup) -> (memoryBytes: Int?, cpuQuota: Int?) {
    if isV2 {
      let dir = cg.dirs[0]
      let cpu = CgroupFiles.read(dir + "/cpu.max").flatMap {
        Int($0.split(separator: " ").first ?? "")
      }
      return (CgroupFiles.integer(dir + "/memory.max"), cpu)
    }
    let mem = index(of: "memory").flatMap {
      CgroupFiles.integer(cg.dirs[$0] + "/memory.limit_in_bytes")
    }
    let cpu = index(of: "cpu").flatMap {
      CgroupFiles.integer(cg.dirs[$0] + "/cpu.cfs_quota_us")
    }
    return (mem, cpu.flatMap { $0 < 0 ? nil : $0 })
  }
}
