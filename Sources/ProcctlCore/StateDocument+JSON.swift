/// The state file's JSON form, written and read with procctl's own codec (see JSONValue for why).
/// Field names are the file format: change them only with a schema version bump.
extension StateDocument {
  /// The document as `state.json` holds it: indented down to the processes, each process on one
  /// line (readable, diffable, and a third smaller and faster than indenting every member).
  public func jsonBytes() -> [UInt8] { writer().document }

  /// The same bytes, handed to `sink` 64 KiB at a time as they are written (the store writes
  /// them to the file: no 1,000-process document held whole, no copy of it).
  public func writeJSON(to sink: @escaping (UnsafeRawBufferPointer) -> Void) {
    var w = JSONWriter(pretty: true, prettyDepth: 4, chunk: 65536, sink: sink)
    write(to: &w)
    w.finish()
  }

  private func writer() -> JSONWriter {
    var w = JSONWriter(pretty: true, prettyDepth: 4, capacity: 1024 + allProcessCount * 400)
    write(to: &w)
    return w
  }

  private func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("schemaVersion", schemaVersion)
    w.member("revision", revision)
    w.member("paymentMethod", orNull: paymentMethod)
    w.key("apps")
    w.beginArray()
    for app in apps { app.write(to: &w) }
    w.endArray()
    w.endObject()
  }

  var allProcessCount: Int { apps.reduce(0) { $0 + $1.processes.count } }

  /// Reads `state.json`. A file whose schemaVersion is newer than this build's is reported as
  /// `newerSchema` before anything else is judged, so it is never mistaken for a corrupt one.
  public init(jsonBytes bytes: [UInt8]) throws(StateDecodingError) {
    do {
      self = try bytes.withUnsafeBufferPointer { (buf) throws(JSONError) -> StateDocument in
        var r = JSONReader(buf)
        let doc = try StateDocument(reading: &r)
        try r.end()
        return doc
      }
    } catch {
      // Find out whether a newer procctl wrote it: its shape may be anything.
      if let v = try? JSONParser.parse(bytes), case .object(let o) = v,
        case .int(let version)? = o["schemaVersion"], version > StateDocument.currentSchemaVersion
      {
        throw .newerSchema(version)
      }
      throw .invalid(error)
    }
  }

  init(reading r: inout JSONReader) throws(JSONError) {
    self.init()
    var version: Int? = nil
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("schemaVersion") {
        let v = try r.readInt()
        if v > StateDocument.currentSchemaVersion { throw r.error("newer schema") }
        version = v
      } else if r.keyIs("revision") {
        revision = try r.readInt()
      } else if r.keyIs("paymentMethod") {
        paymentMethod = try r.takeNull() ? nil : try r.readString()
      } else if r.keyIs("apps") {
        try r.beginArray()
        var seen: [String: Int] = [:]
        while try r.nextElement() {
          let app = try Application(reading: &r, path: "apps[\(apps.count)]")
          if let first = seen.updateValue(apps.count, forKey: app.name) {
            throw r.error(
              "apps[\(apps.count)]: application \"\(app.name)\" appears twice (also apps[\(first)])"
            )
          }
          apps.append(app)
        }
      } else {
        try r.skipValue()
      }
    }
    guard let version else { throw r.error("missing field \"schemaVersion\"") }
    if version < 1 { throw r.error("schemaVersion \(version) is not valid") }
    schemaVersion = version
  }
}

/// Why `state.json` could not be read.
public enum StateDecodingError: Error, Sendable, CustomStringConvertible {
  case newerSchema(Int)
  case invalid(JSONError)

  public var description: String {
    switch self {
    case .newerSchema(let v):
      return
        "written by a newer procctl (schema version \(v); this procctl reads up to \(StateDocument.currentSchemaVersion)); upgrade procctl"
    case .invalid(let e): return e.description
    }
  }
}

extension Application {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("name", name)
    w.member("createdAt", createdAt)
    w.key("processes")
    w.beginArray()
    for p in processes { p.write(to: &w) }
    w.endArray()
    w.endObject()
  }

  init(reading r: inout JSONReader, path: String) throws(JSONError) {
    var name: String? = nil
    var createdAt: Timestamp? = nil
    var processes: [ProcessSpec] = []
    try r.beginObject()
    while try r.nextKey() {
      if r.keyIs("name") {
        name = try r.readString()
      } else if r.keyIs("createdAt") {
        createdAt = try r.readTimestamp()
      } else if r.keyIs("processes") {
        try r.beginArray()
        var seen: [String: Int] = [:]
        while try r.nextElement() {
          let i = processes.count
          let p = try ProcessSpec(reading: &r, path: "\(path).processes[\(i)]")
          if let first = seen.updateValue(i, forKey: p.name) {
            throw r.error(
              "\(path).processes[\(i)]: process \"\(p.name)\" appears twice"
                + " (also processes[\(first)])")
          }
          processes.append(p)
        }
      } else {
        try r.skipValue()
      }
    }
    guard let name else { throw r.error("missing field \"name\" in \(path)") }
    guard let createdAt else { throw r.error("missing field \"createdAt\" in \(path)") }
    if let problem = Name.problem(name, kind: "application name") {
      throw r.error("\(path): \(problem)")
    }
    self.init(name: name, createdAt: createdAt, processes: processes)
  }
}

extension ProcessSpec {
  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("name", name)
    w.member("type", type.rawValue)
    w.member("command", command)
    w.member("size", size)
    w.member("instances", instances)
    w.key("env")
    w.beginObject()
    w.members(sortedByKey: env)
    w.endObject()
    w.member("cwd", cwd)
    w.member("schedule", ifPresent: schedule)
    w.member("timeZone", ifPresent: timeZone)
    w.member("minUptimeMs", minUptimeMs)
    w.member("stopTimeoutMs", stopTimeoutMs)
    w.member("concurrency", ifPresent: concurrency?.rawValue)
    w.member("timeoutMs", ifPresent: timeoutMs)
    w.member("catchUp", ifPresent: catchUp?.rawValue)
    w.member("logMaxSize", ifPresent: logMaxSize)
    w.member("logFiles", ifPresent: logFiles)
    w.member("restartGeneration", restartGeneration)
    w.member("createdAt", createdAt)
    w.member("updatedAt", updatedAt)
    w.endObject()
  }

  init(reading r: inout JSONReader, path: @autoclosure () -> String) throws(JSONError) {
    var name: String? = nil
    var type: ProcessType? = nil
    var command: String? = nil
    var size: String? = nil
    var instances: Int? = nil
    var env: [String: String] = [:]
    var cwd: String? = nil
    var createdAt: Timestamp? = nil
    var updatedAt: Timestamp? = nil
    var p = ProcessSpec(
      name: "", type: .worker, command: "", cwd: "/", createdAt: Timestamp(epochMs: 0),
      updatedAt: Timestamp(epochMs: 0))
    try r.beginObject()
    while try r.nextKey() {
      if try r.takeNull() { continue }
      if r.keyIs("name") {
        name = try r.readString()
      } else if r.keyIs("type") {
        type = try r.readEnum(ProcessType.self)
      } else if r.keyIs("command") {
        command = try r.readString()
      } else if r.keyIs("size") {
        size = try r.readString()
      } else if r.keyIs("instances") {
        instances = try r.readInt()
      } else if r.keyIs("env") {
        try r.beginObject()
        // Room for a few variables at once: growing from empty rehashes at every doubling.
        if !r.atObjectEnd { env = Dictionary(minimumCapacity: 4) }
        while try r.nextKey() {
          let k = r.key
          env[k] = try r.readString()
        }
      } else if r.keyIs("cwd") {
        cwd = try r.readString()
      } else if r.keyIs("schedule") {
        p.schedule = try r.readString()
      } else if r.keyIs("timeZone") {
        p.timeZone = try r.readString()
      } else if r.keyIs("minUptimeMs") {
        p.minUptimeMs = try r.readInt()
      } else if r.keyIs("stopTimeoutMs") {
        p.stopTimeoutMs = try r.readInt()
      } else if r.keyIs("concurrency") {
        p.concurrency = try r.readEnum(ConcurrencyPolicy.self)
      } else if r.keyIs("timeoutMs") {
        p.timeoutMs = try r.readInt()
      } else if r.keyIs("catchUp") {
        p.catchUp = try r.readEnum(CatchUpPolicy.self)
      } else if r.keyIs("logMaxSize") {
        p.logMaxSize = try r.readInt()
      } else if r.keyIs("logFiles") {
        p.logFiles = try r.readInt()
      } else if r.keyIs("restartGeneration") {
        p.restartGeneration = try r.readInt()
      } else if r.keyIs("createdAt") {
        createdAt = try r.readTimestamp()
      } else if r.keyIs("updatedAt") {
        updatedAt = try r.readTimestamp()
      } else {
        try r.skipValue()
      }
    }
    func missing(_ field: String) -> JSONError {
      r.error("missing field \"\(field)\" in \(path())")
    }
    guard let name else { throw missing("name") }
    guard let type else { throw missing("type") }
    guard let command else { throw missing("command") }
    guard let size else { throw missing("size") }
    guard let instances else { throw missing("instances") }
    guard let cwd else { throw missing("cwd") }
    guard let createdAt else { throw missing("createdAt") }
    guard let updatedAt else { throw missing("updatedAt") }
    p.name = name
    p.type = type
    p.command = command
    p.size = size
    p.instances = instances
    p.env = env
    p.cwd = cwd
    p.createdAt = createdAt
    p.updatedAt = updatedAt
    // The model's rules hold for what the file says too (a hand edit, another tool): a file
    // that breaks them is unreadable, never rewritten. No allocation when all is well.
    if let problem = ProcessRules.problems(p, loaded: true).first {
      throw r.error("\(path()) \"\(name)\": \(problem)")
    }
    self = p
  }
}
