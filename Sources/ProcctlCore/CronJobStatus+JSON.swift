/// `cron/status.json`: an array of these, written by the scheduler, read by `ps` and `list`.
extension CronJobStatus: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("activeRuns", activeRuns)
    w.member("app", app)
    w.member("lastRun", ifPresent: lastRun)
    w.member("nextRunAt", ifPresent: nextRunAt)
    w.member("process", process)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var app: String? = nil
    var process: String? = nil
    var nextRunAt: Timestamp? = nil
    var activeRuns: [ActiveRun] = []
    var lastRun: CronRun? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("app") {
        app = try r.readString()
      } else if r.keyIs("process") {
        process = try r.readString()
      } else if r.keyIs("nextRunAt") {
        nextRunAt = try r.optionalTimestamp()
      } else if r.keyIs("activeRuns") {
        activeRuns = try [ActiveRun](reading: &r)
      } else if r.keyIs("lastRun") {
        lastRun = try r.optional { (r) throws(JSONError) in try CronRun(reading: &r) }
      } else {
        try r.skipValue()
      }
    }
    guard let app else { throw r.missing("app", in: "a cron job status") }
    guard let process else { throw r.missing("process", in: "a cron job status") }
    self.init(
      app: app, process: process, nextRunAt: nextRunAt, activeRuns: activeRuns, lastRun: lastRun)
  }
}

extension CronJobStatus.ActiveRun: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("id", id)
    w.member("pid", Int(pid))
    w.member("startedAt", startedAt)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var id: String? = nil
    var pid: Int? = nil
    var startedAt: Timestamp? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("id") {
        id = try r.readString()
      } else if r.keyIs("pid") {
        pid = try r.readInt()
      } else if r.keyIs("startedAt") {
        startedAt = try r.readTimestamp()
      } else {
        try r.skipValue()
      }
    }
    let o = "an active cron run"
    guard let id else { throw r.missing("id", in: o) }
    guard let pid else { throw r.missing("pid", in: o) }
    guard let startedAt else { throw r.missing("startedAt", in: o) }
    self.init(id: id, pid: Int32(truncatingIfNeeded: pid), startedAt: startedAt)
  }
}
