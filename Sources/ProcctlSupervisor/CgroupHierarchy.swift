#if canImport(Glibc)
  import Glibc
#endif

/// One mounted cgroup hierarchy and where this process sits in it.
public struct CgroupHierarchy: Sendable, Equatable {
  /// 2 for the unified hierarchy, 1 for a v1 controller hierarchy.
  public var version: Int
  /// v1: the controllers bound to it ("memory"; "cpu", "cpuacct" when co-mounted).
  /// v2: the controllers available in this process's cgroup (its cgroup.controllers).
  public var controllers: [String]
  public var mountPoint: String
  /// The directory of this process's own cgroup in this hierarchy.
  public var ownDir: String

  public init(version: Int, controllers: [String], mountPoint: String, ownDir: String) {
    self.version = version
    self.controllers = controllers
    self.mountPoint = mountPoint
    self.ownDir = ownDir
  }

  public func has(_ controller: String) -> Bool { controllers.contains(controller) }
}

/// What the detection reads from the kernel: /proc/self/mountinfo and /proc/self/cgroup.
/// Injectable so tests can describe a v2-only host with a fake tree in a temporary directory.
public struct CgroupSystem: Sendable {
  public var mountinfo: String
  public var selfCgroup: String
  public var pid: Int32

  public init(mountinfo: String, selfCgroup: String, pid: Int32) {
    self.mountinfo = mountinfo
    self.selfCgroup = selfCgroup
    self.pid = pid
  }

  public static func live() -> CgroupSystem {
    CgroupSystem(
      mountinfo: CgroupFiles.read("/proc/self/mountinfo") ?? "",
      selfCgroup: CgroupFiles.read("/proc/self/cgroup") ?? "", pid: getpid())
  }

  /// The cgroup hierarchies mounted, with this process's place in each. The first mount of a
  /// hierarchy wins (bind mounts of the same hierarchy are ignored).
  public func hierarchies() -> [CgroupHierarchy] {
    // /proc/self/cgroup: "4:memory:/a/b" (v1), "0::/a" (v2).
    var v1Paths: [String: String] = [:]
    var v2Path: String?
    for line in selfCgroup.split(separator: "\n") {
      let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
      guard parts.count == 3 else { continue }
      if parts[0] == "0" && parts[1].isEmpty {
        v2Path = String(parts[2])
      } else {
        v1Paths[controllerKey(parts[1].split(separator: ",").map(String.init))] = String(parts[2])
      }
    }
    var out: [CgroupHierarchy] = []
    var seenKeys = Set<String>()
    for line in mountinfo.split(separator: "\n") {
      // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
      let fields = line.split(separator: " ").map(String.init)
      guard let dash = fields.firstIndex(of: "-"), dash >= 5, dash + 3 < fields.count else {
        continue
      }
      let root = unescape(fields[3])
      let mountPoint = unescape(fields[4])
      let fsType = fields[dash + 1]
      if fsType == "cgroup2" {
        guard let path = v2Path, !seenKeys.contains("2") else { continue }
        seenKeys.insert("2")
        let own = Self.join(mountPoint, Self.relative(path, toRoot: root))
        let controllers = (CgroupFiles.read(own + "/cgroup.controllers") ?? "")
          .split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        out.append(
          CgroupHierarchy(version: 2, controllers: controllers, mountPoint: mountPoint, ownDir: own))
      } else if fsType == "cgroup" {
        let options = fields[dash + 3].split(separator: ",").map(String.init)
        let controllers = options.filter { Self.knownV1Controllers.contains($0) }
        guard !controllers.isEmpty else { continue }
        let key = controllerKey(controllers)
        guard !seenKeys.contains(key), let path = v1Paths[key] else { continue }
        seenKeys.insert(key)
        let own = Self.join(mountPoint, Self.relative(path, toRoot: root))
        out.append(
          CgroupHierarchy(version: 1, controllers: controllers, mountPoint: mountPoint, ownDir: own))
      }
    }
    return out
  }

  static let knownV1Controllers: Set<String> = [
    "cpu", "cpuacct", "memory", "freezer", "pids", "cpuset", "blkio", "devices", "net_cls",
    "net_prio", "perf_event", "hugetlb", "rdma", "misc",
  ]

  private func controllerKey(_ controllers: [String]) -> String {
    controllers.filter { Self.knownV1Controllers.contains($0) }.sorted().joined(separator: ",")
  }

  /// The part of `path` below the mount's root (a container may see its own cgroup as root).
  static func relative(_ path: String, toRoot root: String) -> String {
    if root == "/" { return path }
    if path == root { return "/" }
    if path.hasPrefix(root + "/") { return String(path.dropFirst(root.count)) }
    return path
  }

  static func join(_ mountPoint: String, _ path: String) -> String {
    if path == "/" || path.isEmpty { return mountPoint }
    return mountPoint + path
  }

  /// mountinfo escapes space, tab, newline and backslash as \ooo.
  private func unescape(_ s: String) -> String {
    guard s.contains("\\") else { return s }
    var out: [UInt8] = []
    let u = Array(s.utf8)
    var i = 0
    while i < u.count {
      if u[i] == 92, i + 3 < u.count,
        let v = UInt8(String(decoding: u[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
      {
        out.append(v)
        i += 4
      } else {
        out.append(u[i])
        i += 1
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}
