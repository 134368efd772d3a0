/// `status.json`, written by the supervisor on every change of an instance's state (compact,
/// keys sorted, absent optionals left out) and read by `ps`, `list` and `restart`.
extension SupervisorStatus: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("apps", ifPresent: apps)
    w.member("instances", instances)
    w.member("limits", ifPresent: limits)
    w.member("pid", Int(pid))
    w.member("procStartTicks", Int(truncatingIfNeeded: procStartTicks))
    w.member("revision", revision)
    w.member("startedAt", startedAt)
    w.member("updatedAt", updatedAt)
    w.endObject()
  }

  /// The file's bytes: compact, sized for its instances up front.
  public func fileBytes() -> [UInt8] {
    jsonDocument(pretty: false, capacity: 256 + instances.count * 320)
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var pid: Int? = nil
    var ticks: Int? = nil
    var startedAt: Timestamp? = nil
    var updatedAt: Timestamp? = nil
    var revision: Int? = nil
    var apps: [String]? = nil
    var instances: [InstanceStatus] = []
    var limits: String? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("pid") {
        pid = try r.readInt()
      } else if r.keyIs("procStartTicks") {
        ticks = try r.readInt()
      } else if r.keyIs("startedAt") {
        startedAt = try r.readTimestamp()
      } else if r.keyIs("updatedAt") {
        updatedAt = try r.readTimestamp()
      } else if r.keyIs("revision") {
        revision = try r.readInt()
      } else if r.keyIs("apps") {
        apps = try r.optional { (r) throws(JSONError) in try r.readStrings() }
      } else if r.keyIs("instances") {
        instances = try [InstanceStatus](reading: &r)
      } else if r.keyIs("limits") {
        limits = try r.optionalString()
      } else {
        try r.skipValue()
      }
    }
    let o = "the status file"
    guard let pid else { throw r.missing("pid", in: o) }
    guard let ticks else { throw r.missing("procStartTicks", in: o) }
    guard let startedAt else { throw r.missing("startedAt", in: o) }
    guard let updatedAt else { throw r.missing("updatedAt", in: o) }
    guard let revision else { throw r.missing("revision", in: o) }
    self.init(
      pid: Int32(truncatingIfNeeded: pid), procStartTicks: UInt64(truncatingIfNeeded: ticks),
      startedAt: startedAt, updatedAt: updatedAt, revision: revision, apps: apps,
      instances: instances)
    self.limits = limits
  }
}

extension InstanceStatus: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("app", app)
    w.member("backoffAttempts", backoffAttempts)
    w.member("cgroup", ifPresent: cgroup)
    w.member("cpuUsecAtStart", ifPresent: cpuUsecAtStart)
    w.member("error", ifPresent: error)
    w.member("instance", instance)
    w.member("lastExit", ifPresent: lastExit)
    w.member("lastExitAt", ifPresent: lastExitAt)
    w.member("limitsError", ifPresent: limitsError)
    w.member("memoryMB", memoryMB)
    w.member("milliCPU", milliCPU)
    w.member("nextStartAt", ifPresent: nextStartAt)
    w.member("pid", ifPresent: pid.map { Int($0) })
    w.member("procStartTicks", ifPresent: procStartTicks.map { Int(truncatingIfNeeded: $0) })
    w.member("process", process)
    w.member("restarts", restarts)
    w.member("rollout", ifPresent: rollout)
    w.member("size", size)
    w.member("startedAt", ifPresent: startedAt)
    w.member("state", state)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var app: String? = nil
    var process: String? = nil
    var instance: Int? = nil
    var state: String? = nil
    var size: String? = nil
    var milliCPU: Int? = nil
    var memoryMB: Int? = nil
    var s = InstanceStatus(
      app: "", process: "", instance: 0, state: "", size: "", milliCPU: 0, memoryMB: 0)
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("app") {
        app = try r.readString()
      } else if r.keyIs("process") {
        process = try r.readString()
      } else if r.keyIs("instance") {
        instance = try r.readInt()
      } else if r.keyIs("state") {
        state = try r.readString()
      } else if r.keyIs("size") {
        size = try r.readString()
      } else if r.keyIs("milliCPU") {
        milliCPU = try r.readInt()
      } else if r.keyIs("memoryMB") {
        memoryMB = try r.readInt()
      } else if r.keyIs("pid") {
        s.pid = try r.optionalInt().map { Int32(truncatingIfNeeded: $0) }
      } else if r.keyIs("procStartTicks") {
        s.procStartTicks = try r.optionalInt().map { UInt64(truncatingIfNeeded: $0) }
      } else if r.keyIs("startedAt") {
        s.startedAt = try r.optionalTimestamp()
      } else if r.keyIs("restarts") {
        s.restarts = try r.readInt()
      } else if r.keyIs("lastExit") {
        s.lastExit = try r.optional { (r) throws(JSONError) in try ExitStatus(reading: &r) }
      } else if r.keyIs("lastExitAt") {
        s.lastExitAt = try r.optionalTimestamp()
      } else if r.keyIs("nextStartAt") {
        s.nextStartAt = try r.optionalTimestamp()
      } else if r.keyIs("backoffAttempts") {
        s.backoffAttempts = try r.readInt()
      } else if r.keyIs("error") {
        s.error = try r.optionalString()
      } else if r.keyIs("cgroup") {
        s.cgroup = try r.optional { (r) throws(JSONError) in try r.readStrings() }
      } else if r.keyIs("cpuUsecAtStart") {
        s.cpuUsecAtStart = try r.optionalInt()
      } else if r.keyIs("limitsError") {
        s.limitsError = try r.optionalString()
      } else if r.keyIs("rollout") {
        s.rollout = try r.optionalString()
      } else {
        try r.skipValue()
      }
    }
    let o = "an instance of the status file"
    guard let app else { throw r.missing("app", in: o) }
    guard let process else { throw r.missing("process", in: o) }
    guard let instance else { throw r.missing("instance", in: o) }
    guard let state else { throw r.missing("state", in: o) }
    guard let size else { throw r.missing("size", in: o) }
    guard let milliCPU else { throw r.missing("milliCPU", in: o) }
    guard let memoryMB else { throw r.missing("memoryMB", in: o) }
    s.app = app
    s.process = process
    s.instance = instance
    s.state = state
    s.size = size
    s.milliCPU = milliCPU
    s.memoryMB = memoryMB
    self = s
  }
}
