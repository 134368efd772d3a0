import ProcctlCore

// The cron scheduler's small files, written compact with keys sorted and read back with the
// core JSON reader (no Foundation).

extension CronJobMemory: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("jobCreatedAt", jobCreatedAt)
    w.member("lastScheduledAt", lastScheduledAt)
    w.member("schedule", ifPresent: schedule)
    w.member("timeZone", ifPresent: timeZone)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var last: Timestamp? = nil
    var created: Timestamp? = nil
    var schedule: String? = nil
    var zone: String? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("lastScheduledAt") {
        last = try r.readTimestamp()
      } else if r.keyIs("jobCreatedAt") {
        created = try r.readTimestamp()
      } else if r.keyIs("schedule") {
        schedule = try r.readString()
      } else if r.keyIs("timeZone") {
        zone = try r.readString()
      } else {
        try r.skipValue()
      }
    }
    guard let last else { throw r.missing("lastScheduledAt", in: "the scheduler memory") }
    guard let created else { throw r.missing("jobCreatedAt", in: "the scheduler memory") }
    self.init(lastScheduledAt: last, jobCreatedAt: created, schedule: schedule, timeZone: zone)
  }
}

/// `cron/scheduler.json`: job memories keyed by "app/process".
struct CronMemoryFile: JSONWritable, JSONReadable {
  var jobs: [String: CronJobMemory]

  init(_ jobs: [String: CronJobMemory]) { self.jobs = jobs }

  func write(to w: inout JSONWriter) {
    w.beginObject()
    for (k, v) in jobs.sorted(by: { $0.key < $1.key }) {
      w.key(data: k)
      v.write(to: &w)
    }
    w.endObject()
  }

  init(reading r: inout JSONReader) throws(JSONError) {
    jobs = [:]
    try r.beginObject()
    while try r.nextKey() {
      let k = r.key
      jobs[k] = try CronJobMemory(reading: &r)
    }
  }
}

extension CronRunRequest: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("app", app)
    w.member("id", id)
    w.member("process", process)
    w.member("requestedAt", requestedAt)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var id: String? = nil
    var app: String? = nil
    var process: String? = nil
    var at: Timestamp? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("id") {
        id = try r.readString()
      } else if r.keyIs("app") {
        app = try r.readString()
      } else if r.keyIs("process") {
        process = try r.readString()
      } else if r.keyIs("requestedAt") {
        at = try r.readTimestamp()
      } else {
        try r.skipValue()
      }
    }
    let o = "a cron run request"
    guard let id else { throw r.missing("id", in: o) }
    guard let app else { throw r.missing("app", in: o) }
    guard let process else { throw r.missing("process", in: o) }
    guard let at else { throw r.missing("requestedAt", in: o) }
    self.init(id: id, app: app, process: process, requestedAt: at)
  }
}

extension CronRunReply: JSONWritable, JSONReadable {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("error", ifPresent: error)
    w.member("outcome", ifPresent: outcome?.rawValue)
    w.member("runID", ifPresent: runID)
    w.endObject()
  }

  public init(reading r: inout JSONReader) throws(JSONError) {
    var runID: String? = nil
    var outcome: CronOutcome? = nil
    var error: String? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("runID") {
        runID = try r.optionalString()
      } else if r.keyIs("outcome") {
        outcome = try r.optional { (r) throws(JSONError) in try r.readEnum(CronOutcome.self) }
      } else if r.keyIs("error") {
        error = try r.optionalString()
      } else {
        try r.skipValue()
      }
    }
    self.init(runID: runID, outcome: outcome, error: error)
  }
}
