#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore
import ProcctlStore

/// The outcome of probing the host: the mode to enforce pod sizes with, why, and the facts
/// behind it (for `procctl doctor`).
public struct LimitsDetection: Sendable {
  public var mode: LimitsMode
  /// One sentence: why this mode (and, for rlimit, what it does not enforce).
  public var reason: String
  /// What was found, one fact per line: mounts, controllers, writability.
  public var findings: [String]
  /// The hierarchies to create instance groups in (empty in rlimit mode).
  public var hierarchies: [CgroupHierarchy]
  /// Every cgroup hierarchy mounted, as `detect` found them (in every mode, rlimit too; empty
  /// when not probed): the stale sweep at start looks there instead of parsing
  /// /proc/self/mountinfo and /proc/self/cgroup a second time.
  public var allHierarchies: [CgroupHierarchy] = []
  /// Per hierarchy (same order), the directory the `procctl` subtree goes under: the process's
  /// own cgroup, or the mount's root where the own cgroup cannot hold children with controllers.
  public var baseDirs: [String]
  /// v2 only: the supervisor must first move itself into a leaf of its own cgroup (the
  /// "no internal processes" rule), because it is the only process there.
  public var moveSelfToLeaf: Bool
  /// Directories `detect(runRoot:)` made and left for the run (its roots, and a `procctl`
  /// it created), deepest first: removed again if the run ends before its cgroups are prepared
  /// (`removeProbeRoots`), so a failed `up` leaves nothing behind.
  public var probeRoots: [String] = []

  /// The line `procctl up` prints at start.
  public var summary: String { "limits: \(mode.title): \(reason)" }
}

/// Chooses how pod sizes are enforced: cgroup v2 where cpu and memory can be delegated and
/// written, else cgroup v1 where the memory and cpu hierarchies are writable, else RLIMIT_AS.
public enum CgroupDetector {
  /// The cgroup v1 controllers procctl uses, in the order their hierarchies are looked up:
  /// memory and cpu are required, cpuacct (CPU use) and freezer (stopping at once) are not.
  static let v1Controllers = ["memory", "cpu", "cpuacct", "freezer"]

  /// Probes the host. Throws (`refused`, exit 1) when a forced cgroup mode is not available.
  ///
  /// `runRoot`: set by `procctl up` to its groups' directory name (`CgroupManager.namespace`).
  /// Then only what the choice needs is probed (a forced mode, or auto's v1 only when v2 is not
  /// usable), and the probe makes `procctl/<runRoot>` itself and leaves it for
  /// `CgroupManager.prepare`, instead of making and removing a probe group: each cgroup mkdir
  /// or rmdir costs up to 0.1 ms here. Without it (`procctl doctor`) every mode is evaluated,
  /// for the findings.
  public static func detect(
    override: LimitsOverride, source: String = LimitsOverride.environmentVariable,
    system: CgroupSystem = .live(), runRoot: String? = nil
  ) throws(CoreError) -> LimitsDetection {
    let hierarchies = system.hierarchies()
    var findings: [String] = []
    for h in hierarchies {
      let what = h.version == 2 ? "cgroup2" : "cgroup v1 " + h.controllers.joined(separator: ",")
      let ctl =
        h.version == 2
        ? " (controllers here: \(h.controllers.isEmpty ? "none" : h.controllers.joined(separator: " ")))"
        : ""
      findings.append("\(what) mounted at \(h.mountPoint); own cgroup \(h.ownDir)\(ctl)")
    }
    if hierarchies.isEmpty { findings.append("no cgroup filesystem is mounted") }

    let probe = Probe(system: system, keep: runRoot)
    var chosen = try choose(override, source: source, hierarchies, probe, &findings)
    chosen.allHierarchies = hierarchies
    if chosen.mode != .rlimit { chosen.probeRoots = probe.made }
    return chosen
  }

  /// Removes what the probe left for a run that did not get as far as preparing its cgroups.
  public static func removeProbeRoots(_ d: LimitsDetection) {
    for dir in d.probeRoots { _ = CgroupFiles.removeDirectory(dir) }
  }

  /// How the evaluations probe: as which pid, and (for a run) the root directory to leave.
  final class Probe {
    let system: CgroupSystem
    /// nil: evaluate every mode and leave nothing behind.
    let keep: String?
    /// What the probes left (with `keep`), deepest first.
    private(set) var made: [String] = []

    init(system: CgroupSystem, keep: String?) {
      self.system = system
      self.keep = keep
    }

    /// Probes `dir` (see `CgroupDetector.probe`); returns 0 or the errno.
    func run(_ dir: String) -> Int32 {
      CgroupDetector.probe(dir, pid: system.pid, keep: keep, made: &made)
    }

    /// An evaluation that failed takes back what its probes left (from `mark` on).
    var mark: Int { made.count }
    func undo(from mark: Int) {
      for dir in made[mark...] { _ = CgroupFiles.removeDirectory(dir) }
      made.removeSubrange(mark...)
    }
  }

  /// The mode `override` asks for, or the best one available.
  private static func choose(
    _ override: LimitsOverride, source: String, _ hierarchies: [CgroupHierarchy],
    _ probe: Probe, _ findings: inout [String]
  ) throws(CoreError) -> LimitsDetection {
    // For a run, only the evaluations the choice depends on (each probes the hierarchies).
    let all = probe.keep == nil
    var v2: Evaluation = .failure("not evaluated")
    var v1: Evaluation = .failure("not evaluated")
    if all || override == .v2 || override == .auto {
      v2 = evaluateV2(hierarchies, probe: probe, findings: &findings)
    }
    if all || override == .v1 || (override == .auto && !v2.succeeded) {
      v1 = evaluateV1(hierarchies, probe: probe, findings: &findings)
    }
    let rlimitNote = "memory capped with RLIMIT_AS (address space), CPU not capped"

    func rlimit(_ why: String) -> LimitsDetection {
      LimitsDetection(
        mode: .rlimit, reason: "\(why); \(rlimitNote)", findings: findings, hierarchies: [],
        baseDirs: [], moveSelfToLeaf: false)
    }
    switch override {
    case .rlimit:
      return rlimit("forced by \(source)=rlimit")
    case .v2:
      guard case .success(let d) = v2 else {
        throw .refused("\(source)=v2 asks for cgroup v2, which is not usable here: \(v2.why)")
      }
      return d.forced(source)
    case .v1:
      guard case .success(let d) = v1 else {
        throw .refused("\(source)=v1 asks for cgroup v1, which is not usable here: \(v1.why)")
      }
      return d.forced(source)
    case .auto:
      if case .success(let d) = v2 { return d }
      if case .success(var d) = v1 {
        d.reason += " (cgroup v2 not usable: \(v2.why))"
        return d
      }
      return rlimit("no writable cgroups (v2: \(v2.why); v1: \(v1.why))")
    }
  }

  /// The best available mode (never throws: rlimit is always available).
  public static func auto(system: CgroupSystem = .live()) -> LimitsDetection {
    if let d = try? detect(override: .auto, system: system) { return d }
    return LimitsDetection(
      mode: .rlimit, reason: "cgroups could not be probed; memory capped with RLIMIT_AS, CPU not capped",
      findings: [], hierarchies: [], baseDirs: [], moveSelfToLeaf: false)
  }

  enum Evaluation {
    case success(LimitsDetection)
    case failure(String)

    var succeeded: Bool {
      if case .success = self { return true }
      return false
    }

    var why: String {
      switch self {
      case .success(let d): return d.reason
      case .failure(let w): return w
      }
    }
  }

  static func evaluateV2(
    _ hierarchies: [CgroupHierarchy], probe: Probe, findings: inout [String]
  ) -> Evaluation {
    let system = probe.system
    let mark = probe.mark
    guard let h = hierarchies.first(where: { $0.version == 2 }) else {
      return .failure("no cgroup2 filesystem is mounted")
    }
    let missing = ["cpu", "memory"].filter { !h.has($0) }
    if !missing.isEmpty {
      return .failure(
        "the \(missing.joined(separator: " and ")) controller\(missing.count > 1 ? "s are" : " is") not available in \(h.ownDir) (bound to cgroup v1 or not delegated)"
      )
    }
    // The "no internal processes" rule: a non-root group that holds processes cannot enable
    // controllers for children. Use the own group when it is the root, is already delegated
    // with cpu+memory for children, or holds only us (we move into a leaf first); else the root.
    let isRoot = h.ownDir == h.mountPoint
    let subtree = CgroupFiles.read(h.ownDir + "/cgroup.subtree_control") ?? ""
    let delegated = subtree.contains("cpu") && subtree.contains("memory")
    let procs = CgroupFiles.pids(h.ownDir + "/cgroup.procs")
    let onlyUs = procs.allSatisfy { $0 == system.pid }
    var base = h.ownDir
    var moveSelf = false
    var why = "cpu and memory controllers delegated in \(h.ownDir)"
    if !isRoot && !delegated {
      if onlyUs {
        moveSelf = true
        why = "cpu and memory available in \(h.ownDir) (the supervisor moves into a leaf of it)"
      } else {
        base = h.mountPoint
        why = "cpu and memory available at the root \(h.mountPoint) (own cgroup \(h.ownDir) holds other processes)"
      }
    }
    let e = probe.run(base)
    findings.append("cgroup2: creating groups under \(base): \(e == 0 ? "ok" : describe(e))")
    if e != 0 {
      probe.undo(from: mark)
      return .failure("cannot create cgroups under \(base): \(describe(e))")
    }
    return .success(
      LimitsDetection(
        mode: .v2, reason: why, findings: findings, hierarchies: [h], baseDirs: [base],
        moveSelfToLeaf: moveSelf))
  }

  static func evaluateV1(
    _ hierarchies: [CgroupHierarchy], probe: Probe, findings: inout [String]
  ) -> Evaluation {
    let mark = probe.mark
    let v1 = hierarchies.filter { $0.version == 1 }
    if v1.isEmpty { return .failure("no cgroup v1 hierarchy is mounted") }
    var used: [CgroupHierarchy] = []
    var problems: [String] = []
    var optionalMissing: [String] = []
    for controller in v1Controllers {
      let required = controller == "memory" || controller == "cpu"
      if used.contains(where: { $0.has(controller) }) { continue }  // co-mounted
      guard let h = v1.first(where: { $0.has(controller) }) else {
        if required { problems.append("no \(controller) hierarchy is mounted") }
        else { optionalMissing.append(controller) }
        continue
      }
      let e = probe.run(h.ownDir)
      findings.append(
        "cgroup v1 \(controller): creating groups under \(h.ownDir): \(e == 0 ? "ok" : describe(e))"
      )
      if e != 0 {
        if required { problems.append("cannot create \(controller) cgroups under \(h.ownDir): \(describe(e))") }
        else { optionalMissing.append(controller) }
        continue
      }
      used.append(h)
    }
    if !problems.isEmpty {
      probe.undo(from: mark)
      return .failure(problems.joined(separator: "; "))
    }
    var why = "memory and cpu hierarchies writable"
    if !optionalMissing.isEmpty {
      let notes = optionalMissing.map {
        $0 == "freezer"
          ? "no freezer: stop kills pids in a loop" : "no cpuacct: CPU use not shown"
      }
      why += " (\(notes.joined(separator: "; ")))"
    }
    return .success(
      LimitsDetection(
        mode: .v1, reason: why, findings: findings, hierarchies: used,
        baseDirs: used.map(\.ownDir), moveSelfToLeaf: false))
  }

  /// Creates and removes `dir/procctl/probe-PID`; returns 0 or the errno of the failure.
  /// Leaves `dir/procctl` only if it existed before. With `keep`, makes `dir/procctl/<keep>`
  /// instead and leaves it (and `dir/procctl`); one that already exists (a previous run's,
  /// swept by `prepare`) proves nothing, so then the probe group is made as without.
  /// `made`: gets what it leaves behind (with `keep`), deepest first.
  static func probe(_ dir: String, pid: Int32, keep: String? = nil) -> Int32 {
    var made: [String] = []
    return probe(dir, pid: pid, keep: keep, made: &made)
  }

  static func probe(_ dir: String, pid: Int32, keep: String?, made: inout [String]) -> Int32 {
    let top = dir + "/procctl"
    if let keep {
      var attempt = 0
      var madeTop = false
      while true {
        do throws(StoreError) {
          if try CgroupFiles.makeDirectory(top) { madeTop = true }
          if try CgroupFiles.makeDirectory(top + "/" + keep) {
            made.append(top + "/" + keep)
            if madeTop { made.append(top) }
            return 0
          }
          break  // it exists: probe as without `keep`
        } catch {
          attempt += 1
          guard case .system(_, _, let e) = error else { return EIO }
          if e == ENOENT && attempt < 10 { continue }  // see below
          if madeTop { _ = CgroupFiles.removeDirectory(top) }
          return e
        }
      }
    }
    let existed = CgroupFiles.isDirectory(top)
    // Another state directory's supervisor may remove the shared `procctl` directory (empty at
    // its exit) between the two mkdirs: try again then, as `CgroupManager.prepare` does (a
    // probe failing on that race chose rlimit mode for a host with writable cgroups).
    var attempt = 0
    while true {
      do throws(StoreError) {
        try CgroupFiles.makeDirectory(top)
        let p = top + "/probe-\(pid)"
        try CgroupFiles.makeDirectory(p)
        _ = CgroupFiles.removeDirectory(p)
        break
      } catch {
        attempt += 1
        guard case .system(_, _, let e) = error else { return EIO }
        if e == ENOENT && attempt < 10 { continue }
        return e
      }
    }
    if !existed { _ = CgroupFiles.removeDirectory(top) }
    return 0
  }

  static func describe(_ e: Int32) -> String { String(cString: strerror(e)) }
}

extension LimitsDetection {
  func forced(_ source: String) -> LimitsDetection {
    var d = self
    d.reason = "forced by \(source)=\(mode.rawValue); \(reason)"
    return d
  }
}
