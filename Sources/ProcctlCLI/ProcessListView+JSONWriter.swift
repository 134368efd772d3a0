import ProcctlCore

/// `list --json` written with the core `JSONWriter` instead of Foundation's `JSONEncoder`.
///
/// Why: on a state with 1,000 processes `procctl list --json` ran ~160 M instructions (~27 ms), of
/// which `JSONEncoder` was 115 M (72%); the target is 10 ms including process start-up (issue 6).
/// The generic `JSONOutput.write` stays for the small documents; this overload is chosen for
/// `ProcessListView` by overload resolution, so `ListCommand` needs no change.
extension JSONOutput {
  public static func write(_ value: ProcessListView, to context: Context) throws {
    // The body, then the newline: no copy of the ~700 KB document (JSONWriter.document copies).
    context.out.write(bytes: value.jsonBody())
    context.out.line()
  }
}

extension ProcessListView {
  /// The same document `JSONOutput.encode` gives (keys sorted); ProcessViewJSONTests checks it.
  public func jsonDocument() -> [UInt8] { jsonBody() + [10] }

  func jsonBody() -> [UInt8] {
    var w = JSONWriter(capacity: processes.count * 768 + 64)
    w.beginObject()
    w.key("processes")
    w.beginArray()
    for p in processes { p.write(to: &w) }
    w.endArray()
    w.endObject()
    return w.bytes
  }
}

extension ProcessView {
  /// Members in sorted key order, optional ones left out when nil, like the Encodable form.
  /// A field added to ProcessView must be added here too (a test fails until it is).
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("app", app)
    w.member("catchUp", ifPresent: catchUp)
    w.member("command", command)
    w.member("concurrency", ifPresent: concurrency)
    if let cpu {
      w.key("cpu")
      w.double(cpu)
    }
    w.member("createdAt", createdAt)
    w.member("cwd", cwd)
    w.key("env")
    w.beginObject()
    for (k, v) in env.sorted(by: { $0.key < $1.key }) { w.member(k, v) }
    w.endObject()
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
