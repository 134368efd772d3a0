import ProcctlCore

// `list --json`, `show --json` and the processes of a change's `--json` result.
//
// Why by hand: on a state with 1,000 processes `procctl list --json` ran ~160 M instructions
// (~27 ms) with Foundation's `JSONEncoder`, of which the encoder was 115 M (72%); the target is
// 10 ms including process start-up (issue 6).

extension ProcessListView: JSONWritable {
  public func write(to w: inout JSONWriter) {
    ProcessListView.write(processes, to: &w)
  }

  /// `{"processes": [...]}` from views made one at a time (`list` makes them from its rows
  /// without holding 1,000 of them).
  static func write(_ views: some Sequence<ProcessView>, to w: inout JSONWriter) {
    w.beginObject()
    w.key("processes")
    w.beginArray()
    for v in views { v.write(to: &w) }
    w.endArray()
    w.endObject()
  }

  /// The document as `list --json` prints it.
  public func jsonDocument() -> [UInt8] {
    jsonDocument(pretty: true, capacity: processes.count * 768 + 64)
  }
}

extension ProcessView: JSONWritable {
  /// Members in sorted key order, optional ones left out when nil. A field added to
  /// ProcessView must be added here too (ProcessViewJSONTests fails until it is).
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("app", app)
    w.member("catchUp", ifPresent: catchUp)
    w.member("command", command)
    w.member("concurrency", ifPresent: concurrency)
    w.member("cpu", ifPresent: cpu)
    w.member("createdAt", createdAt)
    w.member("cwd", cwd)
    w.member("env", env)
    w.member("hourlyMillicents", hourlyMillicents)
    w.member("instances", instances)
    w.member("logFiles", logFiles)
    w.member("logMaxSize", logMaxSize)
    w.member("memoryMB", ifPresent: memoryMB)
    w.member("minUptimeMs", ifPresent: minUptimeMs)
    w.member("monthlyCents", monthlyCents)
    w.member("name", name)
    w.member("nextRunAt", ifPresent: nextRunAt)
    w.member("running", ifPresent: running)
    w.member("schedule", ifPresent: schedule)
    w.member("size", size)
    w.member("stopTimeoutMs", stopTimeoutMs)
    w.member("timeZone", ifPresent: timeZone)
    w.member("timeoutMs", ifPresent: timeoutMs)
    w.member("type", type)
    w.member("updatedAt", updatedAt)
    w.endObject()
  }
}
