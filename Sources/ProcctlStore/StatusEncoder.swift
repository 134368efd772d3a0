import ProcctlCore

/// Writes `status.json` with the core `JSONWriter` instead of JSONEncoder: the supervisor
/// rewrites it on every instance state change, and the generic encoder's code and allocations
/// would be most of the supervisor's steady-state footprint. Keys sorted, absent optionals left
/// out, like the Codable form it is read back with (StatusFileTests checks every field).
enum StatusEncoder {
  static func encode(_ s: SupervisorStatus) -> [UInt8] {
    var w = JSONWriter(pretty: false, capacity: 256 + s.instances.count * 320)
    w.beginObject()
    if let apps = s.apps {
      w.key("apps")
      w.beginArray()
      for a in apps { w.string(a) }
      w.endArray()
    }
    w.key("instances")
    w.beginArray()
    for inst in s.instances { instance(inst, &w) }
    w.endArray()
    w.member("limits", ifPresent: s.limits)
    w.member("pid", Int(s.pid))
    w.member("procStartTicks", Int(truncatingIfNeeded: s.procStartTicks))
    w.member("revision", s.revision)
    w.member("startedAt", s.startedAt)
    w.member("updatedAt", s.updatedAt)
    w.endObject()
    return w.document
  }

  private static func instance(_ i: InstanceStatus, _ w: inout JSONWriter) {
    w.beginObject()
    w.member("app", i.app)
    w.member("backoffAttempts", i.backoffAttempts)
    if let groups = i.cgroup {
      w.key("cgroup")
      w.beginArray()
      for g in groups { w.string(g) }
      w.endArray()
    }
    w.member("cpuUsecAtStart", ifPresent: i.cpuUsecAtStart)
    w.member("error", ifPresent: i.error)
    w.member("instance", i.instance)
    if let e = i.lastExit {
      w.key("lastExit")
      e.write(to: &w)
    }
    if let t = i.lastExitAt { w.member("lastExitAt", t) }
    w.member("memoryMB", i.memoryMB)
    w.member("milliCPU", i.milliCPU)
    if let t = i.nextStartAt { w.member("nextStartAt", t) }
    w.member("pid", ifPresent: i.pid.map { Int($0) })
    w.member("procStartTicks", ifPresent: i.procStartTicks.map { Int(truncatingIfNeeded: $0) })
    w.member("process", i.process)
    w.member("restarts", i.restarts)
    w.member("size", i.size)
    if let t = i.startedAt { w.member("startedAt", t) }
    w.member("state", i.state)
    w.endObject()
  }
}

extension ExitStatus {
  /// The Codable form, written directly: {"code"} | {"signal"} | {"spawnError"} |
  /// {"reason": "OOMKilled", "signal": 9}.
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    switch self {
    case .code(let c): w.member("code", c)
    case .signal(let n): w.member("signal", n)
    case .spawnFailed(let why): w.member("spawnError", why)
    case .oomKilled:
      w.member("reason", "OOMKilled")
      w.member("signal", 9)
    }
    w.endObject()
  }
}
