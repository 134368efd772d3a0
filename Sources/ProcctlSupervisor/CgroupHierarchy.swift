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
  /// hierarchy wins (bind mounts of the same hierarchy are ignored). Parsed as byte arrays:
  /// splitting the Strings by Character cost ~1.7 M instructions per call (grapheme breaking),
  /// and by their UTF8View still ~0.5 M, on the path of every `procctl up` start.
  public func hierarchies() -> [CgroupHierarchy] {
    // /proc/self/cgroup: "4:memory:/a/b" (v1), "0::/a" (v2).
    var v1Paths: [String: String] = [:]
    var v2Path: String?
    let cg = Array(selfCgroup.utf8)
    for line in Self.pieces(cg, 0..<cg.count, UInt8(ascii: "\n"), keepEmpty: false) {
      let parts = Self.pieces(cg, line, UInt8(ascii: ":"), keepEmpty: true, max: 3)
      guard parts.count == 3 else { continue }
      if Self.equals(cg, parts[0], "0") && parts[1].isEmpty {
        v2Path = Self.text(cg, parts[2])
      } else {
        let names = Self.pieces(cg, parts[1], UInt8(ascii: ","), keepEmpty: false).map {
          Self.text(cg, $0)
        }
        v1Paths[controllerKey(names)] = Self.text(cg, parts[2])
      }
    }
    var out: [CgroupHierarchy] = []
    var seenKeys = Set<String>()
    let mi = Array(mountinfo.utf8)
    for line in Self.pieces(mi, 0..<mi.count, UInt8(ascii: "\n"), keepEmpty: false) {
      // id parent major:minor root mountpoint options [optional...] - fstype source superoptions
      let fields = Self.pieces(mi, line, UInt8(ascii: " "), keepEmpty: false)
      guard let dash = fields.firstIndex(where: { Self.equals(mi, $0, "-") }), dash >= 5,
        dash + 3 < fields.count
      else { continue }
      let isV2 = Self.equals(mi, fields[dash + 1], "cgroup2")
      guard isV2 || Self.equals(mi, fields[dash + 1], "cgroup") else { continue }
      let root = unescape(Self.text(mi, fields[3]))
      let mountPoint = unescape(Self.text(mi, fields[4]))
      if isV2 {
        guard let path = v2Path, !seenKeys.contains("2") else { continue }
        seenKeys.insert("2")
        let own = Self.join(mountPoint, Self.relative(path, toRoot: root))
        let listed = Array((CgroupFiles.read(own + "/cgroup.controllers") ?? "").utf8)
        let controllers = Self.pieces(listed, 0..<listed.count, UInt8(ascii: " "), keepEmpty: false)
          .flatMap { Self.pieces(listed, $0, UInt8(ascii: "\n"), keepEmpty: false) }
          .map { Self.text(listed, $0) }
        out.append(
          CgroupHierarchy(version: 2, controllers: controllers, mountPoint: mountPoint, ownDir: own))
      } else {
        let options = Self.pieces(mi, fields[dash + 3], UInt8(ascii: ","), keepEmpty: false)
        let controllers = options.map { Self.text(mi, $0) }.filter {
          Self.knownV1Controllers.contains($0)
        }
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

  /// The ranges of `bytes[within]` between `separator`s (at most `max` pieces, the last taking
  /// the rest), with or without the empty ones.
  private static func pieces(
    _ bytes: [UInt8], _ within: Range<Int>, _ separator: UInt8, keepEmpty: Bool,
    max: Int = Int.max
  ) -> [Range<Int>] {
    var out: [Range<Int>] = []
    var start = within.lowerBound
    var i = start
    while i < within.upperBound {
      if bytes[i] == separator && out.count < max - 1 {
        if keepEmpty || i > start { out.append(start..<i) }
        start = i + 1
      }
      i += 1
    }
    if keepEmpty || within.upperBound > start { out.append(start..<within.upperBound) }
    return out
  }

  private static func equals(_ bytes: [UInt8], _ range: Range<Int>, _ text: StaticString) -> Bool
  {
    guard range.count == text.utf8CodeUnitCount else { return false }
    let p = text.utf8Start
    for (k, i) in range.enumerated() where bytes[i] != p[k] { return false }
    return true
  }

  private static func text(_ bytes: [UInt8], _ range: Range<Int>) -> String {
    String(decoding: bytes[range], as: UTF8.self)
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
