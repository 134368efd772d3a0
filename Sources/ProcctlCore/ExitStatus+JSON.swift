/// `{"code": 1}` | `{"signal": 9}` | `{"spawnError": "..."}` |
/// `{"reason": "OOMKilled", "signal": 9}`: in `status.json` and `ps --json`.
extension ExitStatus: JSONWritable, JSONReadable {
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

  public init(reading r: inout JSONReader) throws(JSONError) {
    var code: Int? = nil
    var signal: Int? = nil
    var spawnError: String? = nil
    var reason: String? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("code") {
        code = try r.optionalInt()
      } else if r.keyIs("signal") {
        signal = try r.optionalInt()
      } else if r.keyIs("spawnError") {
        spawnError = try r.optionalString()
      } else if r.keyIs("reason") {
        reason = try r.optionalString()
      } else {
        try r.skipValue()
      }
    }
    if reason == "OOMKilled" {
      self = .oomKilled
    } else if let code {
      self = .code(code)
    } else if let signal {
      self = .signal(signal)
    } else {
      self = .spawnFailed(spawnError ?? "unknown")
    }
  }
}
