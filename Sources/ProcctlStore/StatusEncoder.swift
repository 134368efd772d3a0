import ProcctlCore

/// Writes `status.json` by hand instead of through JSONEncoder: the supervisor rewrites it on
/// every instance state change, and the generic encoder's code and allocations would be most of
/// the supervisor's steady-state footprint. The output is what JSONEncoder with sorted keys
/// would produce (it is read back with JSONDecoder), minus absent optionals.
enum StatusEncoder {
  static func encode(_ s: SupervisorStatus) -> [UInt8] {
    var o = JSONWriter()
    o.open()
    if let apps = s.apps {
      o.key("apps")
      o.raw("[")
      for (i, a) in apps.enumerated() {
        if i > 0 { o.raw(",") }
        o.string(a)
      }
      o.raw("]")
    }
    o.key("instances")
    o.raw("[")
    for (i, inst) in s.instances.enumerated() {
      if i > 0 { o.raw(",") }
      instance(inst, &o)
    }
    o.raw("]")
    if let l = s.limits {
      o.key("limits")
      o.string(l)
    }
    o.key("pid")
    o.int(Int(s.pid))
    o.key("procStartTicks")
    o.raw(String(s.procStartTicks))
    o.key("revision")
    o.int(s.revision)
    o.key("startedAt")
    o.string(s.startedAt.description)
    o.key("updatedAt")
    o.string(s.updatedAt.description)
    o.close()
    o.bytes.append(10)
    return o.bytes
  }

  private static func instance(_ i: InstanceStatus, _ o: inout JSONWriter) {
    o.open()
    o.key("app")
    o.string(i.app)
    o.key("backoffAttempts")
    o.int(i.backoffAttempts)
    if let groups = i.cgroup {
      o.key("cgroup")
      o.raw("[")
      for (n, g) in groups.enumerated() {
        if n > 0 { o.raw(",") }
        o.string(g)
      }
      o.raw("]")
    }
    if let c = i.cpuUsecAtStart {
      o.key("cpuUsecAtStart")
      o.int(c)
    }
    if let e = i.error {
      o.key("error")
      o.string(e)
    }
    o.key("instance")
    o.int(i.instance)
    if let e = i.lastExit {
      o.key("lastExit")
      o.open()
      switch e {
      case .code(let c):
        o.key("code")
        o.int(c)
      case .signal(let n):
        o.key("signal")
        o.int(n)
      case .spawnFailed(let why):
        o.key("spawnError")
        o.string(why)
      case .oomKilled:
        o.key("reason")
        o.string("OOMKilled")
        o.key("signal")
        o.int(9)
      }
      o.close()
    }
    if let t = i.lastExitAt {
      o.key("lastExitAt")
      o.string(t.description)
    }
    o.key("memoryMB")
    o.int(i.memoryMB)
    o.key("milliCPU")
    o.int(i.milliCPU)
    if let t = i.nextStartAt {
      o.key("nextStartAt")
      o.string(t.description)
    }
    if let p = i.pid {
      o.key("pid")
      o.int(Int(p))
    }
    if let t = i.procStartTicks {
      o.key("procStartTicks")
      o.raw(String(t))
    }
    o.key("process")
    o.string(i.process)
    o.key("restarts")
    o.int(i.restarts)
    o.key("size")
    o.string(i.size)
    if let t = i.startedAt {
      o.key("startedAt")
      o.string(t.description)
    }
    o.key("state")
    o.string(i.state)
    o.close()
  }
}

/// A minimal streaming JSON writer (objects, strings, integers).
struct JSONWriter {
  var bytes: [UInt8] = []

  init() { bytes.reserveCapacity(4096) }

  mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }

  mutating func open() { bytes.append(UInt8(ascii: "{")) }

  mutating func close() { bytes.append(UInt8(ascii: "}")) }

  /// A key: preceded by a comma unless it is the object's first.
  mutating func key(_ k: String) {
    if let last = bytes.last, last != UInt8(ascii: "{") { bytes.append(UInt8(ascii: ",")) }
    string(k)
    bytes.append(UInt8(ascii: ":"))
  }

  mutating func int(_ v: Int) { raw(String(v)) }

  mutating func string(_ s: String) {
    bytes.append(UInt8(ascii: "\""))
    for c in s.utf8 {
      switch c {
      case UInt8(ascii: "\""): bytes.append(contentsOf: [92, 34])
      case UInt8(ascii: "\\"): bytes.append(contentsOf: [92, 92])
      case 10: bytes.append(contentsOf: [92, 110])
      case 13: bytes.append(contentsOf: [92, 114])
      case 9: bytes.append(contentsOf: [92, 116])
      case 0..<32:
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        bytes.append(contentsOf: [92, 117, 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
      default: bytes.append(c)
      }
    }
    bytes.append(UInt8(ascii: "\""))
  }
}
