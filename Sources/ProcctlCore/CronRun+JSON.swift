/// A run as the history file (`cron/runs/APP/NAME.json`), `cron/status.json` and
/// `procctl runs --json` hold it: keys sorted, absent optionals left out.
extension CronRun: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("activeSeconds", ifPresent: activeSeconds)
    w.member("app", app)
    w.member("durationMs", ifPresent: durationMs.map { Int($0) })
    w.member("endedAt", ifPresent: endedAt)
    w.member("error", ifPresent: error)
    w.member("exitCode", ifPresent: exitCode)
    w.member("id", id)
    w.member("logPath", ifPresent: logPath)
    w.member("outcome", outcome.rawValue)
    w.member("pid", ifPresent: pid.map { Int($0) })
    w.member("process", process)
    w.member("scheduledAt", scheduledAt)
    w.member("signal", ifPresent: signal)
    w.member("startedAt", ifPresent: startedAt)
    w.member("trigger", trigger.rawValue)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var id: String? = nil
    var app: String? = nil
    var process: String? = nil
    var trigger: CronTrigger? = nil
    var scheduledAt: Timestamp? = nil
    var outcome: CronOutcome? = nil
    var run = CronRun(
      id: "", app: "", process: "", trigger: .schedule, scheduledAt: Timestamp(epochMs: 0),
      outcome: .running)
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("id") {
        id = try r.readString()
      } else if r.keyIs("app") {
        app = try r.readString()
      } else if r.keyIs("process") {
        process = try r.readString()
      } else if r.keyIs("trigger") {
        trigger = try r.readEnum(CronTrigger.self)
      } else if r.keyIs("scheduledAt") {
        scheduledAt = try r.readTimestamp()
      } else if r.keyIs("outcome") {
        outcome = try r.readEnum(CronOutcome.self)
      } else if r.keyIs("startedAt") {
        run.startedAt = try r.optionalTimestamp()
      } else if r.keyIs("endedAt") {
        run.endedAt = try r.optionalTimestamp()
      } else if r.keyIs("durationMs") {
        run.durationMs = try r.optionalInt().map { Int64($0) }
      } else if r.keyIs("exitCode") {
        run.exitCode = try r.optionalInt()
      } else if r.keyIs("signal") {
        run.signal = try r.optionalInt()
      } else if r.keyIs("error") {
        run.error = try r.optionalString()
      } else if r.keyIs("pid") {
        run.pid = try r.optionalInt().map { Int32(truncatingIfNeeded: $0) }
      } else if r.keyIs("logPath") {
        run.logPath = try r.optionalString()
      } else if r.keyIs("activeSeconds") {
        run.activeSeconds = try r.optional { (r) throws(JSONError) in try r.readDouble() }
      } else {
        try r.skipValue()
      }
    }
    let o = "a cron run"
    guard let id else { throw r.missing("id", in: o) }
    guard let app else { throw r.missing("app", in: o) }
    guard let process else { throw r.missing("process", in: o) }
    guard let trigger else { throw r.missing("trigger", in: o) }
    guard let scheduledAt else { throw r.missing("scheduledAt", in: o) }
    guard let outcome else { throw r.missing("outcome", in: o) }
    run.id = id
    run.app = app
    run.process = process
    run.trigger = trigger
    run.scheduledAt = scheduledAt
    run.outcome = outcome
    self = run
  }
}
