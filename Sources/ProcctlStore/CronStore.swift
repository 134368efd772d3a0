#if canImport(Glibc)
  import Glibc
#endif
import ProcctlCore

/// What the scheduler must remember across restarts, per job (`cron/scheduler.json`).
public struct CronJobMemory: Sendable, Equatable {
  /// Every scheduled time up to this one was acted on (run, skipped or missed) or came before
  /// the job's schedule took effect: the last scheduled time acted on, or, until the job first
  /// fires, when it was first scheduled. Never acted on twice.
  public var lastScheduledAt: Timestamp
  /// The job's creation time, so a job deleted and created again under the same name while no
  /// supervisor ran starts afresh instead of catching up its predecessor's times.
  public var jobCreatedAt: Timestamp
  /// The schedule and zone `lastScheduledAt` was reached under (absent in files written before
  /// they were kept): when they differ from the job's, the schedule was changed while no
  /// supervisor ran, and missed times count from the change only.
  public var schedule: String?
  public var timeZone: String?

  public init(
    lastScheduledAt: Timestamp, jobCreatedAt: Timestamp, schedule: String? = nil,
    timeZone: String? = nil
  ) {
    self.lastScheduledAt = lastScheduledAt
    self.jobCreatedAt = jobCreatedAt
    self.schedule = schedule
    self.timeZone = timeZone
  }
}

/// A request from `procctl cron run` to the running supervisor (`run/cron-requests/ID.json`).
public struct CronRunRequest: Sendable, Equatable {
  public var id: String
  public var app: String
  public var process: String
  public var requestedAt: Timestamp
  public init(id: String, app: String, process: String, requestedAt: Timestamp) {
    self.id = id
    self.app = app
    self.process = process
    self.requestedAt = requestedAt
  }
}

/// The supervisor's answer (`run/cron-requests/ID.reply`): the run it started or recorded.
public struct CronRunReply: Sendable, Equatable {
  public var runID: String?
  public var outcome: CronOutcome?
  public var error: String?
  public init(runID: String?, outcome: CronOutcome?, error: String? = nil) {
    self.runID = runID
    self.outcome = outcome
    self.error = error
  }
}

/// The cron scheduler's files in the state directory: its memory of last scheduled times, the
/// run history of each job (the last 50 runs, with their logs), and the request drop box through
/// which `procctl cron run` reaches the running supervisor.
public struct CronStore: Sendable {
  public let paths: StatePaths

  public init(paths: StatePaths) { self.paths = paths }

  public var cronDir: String { paths.home + "/cron" }
  public var memoryFile: String { cronDir + "/scheduler.json" }
  public var requestsDir: String { paths.runDir + "/cron-requests" }
  public func historyFile(app: String, process: String) -> String {
    "\(cronDir)/runs/\(app)/\(process).json"
  }
  /// One log file per run: `logs/APP/NAME/runs/RUN-ID.log`.
  public func runLogPath(app: String, process: String, runID: String) -> String {
    "\(paths.logsDir)/\(app)/\(process)/runs/\(runID).log"
  }

  // MARK: scheduler memory

  /// Keyed by "app/process". Empty when the file is missing or unreadable (then nothing is
  /// caught up, which errs on the side of not running twice).
  public func readMemory() -> [String: CronJobMemory] {
    guard let bytes = try? FileIO.readFile(memoryFile), !bytes.isEmpty,
      let m = try? CronMemoryFile.decode(json: bytes)
    else { return [:] }
    return m.jobs
  }

  /// Written and fsynced before a run starts, so a crash right after cannot run it again.
  public func writeMemory(_ memory: [String: CronJobMemory]) throws(StoreError) {
    try FileIO.makeDirectories(cronDir)
    try FileIO.writeAtomically(CronMemoryFile(memory).jsonDocument(pretty: false), to: memoryFile)
  }

  // MARK: status

  /// What the running scheduler last reported (`cron/status.json`): next run and active runs
  /// per job. Nil when missing or unreadable.
  public func readStatus() -> [CronJobStatus]? {
    guard let bytes = try? FileIO.readFile(statusFile), !bytes.isEmpty else { return nil }
    return try? [CronJobStatus].decode(json: bytes)
  }

  /// Atomic but not fsynced: it describes live processes, like the supervisor's status file.
  public func writeStatus(_ status: [CronJobStatus]) throws(StoreError) {
    try FileIO.makeDirectories(cronDir)
    try writeWithoutSync(status.jsonDocument(pretty: false), to: statusFile, mode: 0o644)
  }

  /// Temporary file and rename: readers see the old or the new file, never a torn one. No
  /// fsync: it would stall the supervisor's loop for files that describe, not decide.
  private func writeWithoutSync(_ bytes: [UInt8], to path: String, mode: mode_t)
    throws(StoreError)
  {
    let tmp = path + ".tmp"
    let fd = FileIO.retrying { open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
    if fd < 0 { throw .system(call: "open", path: tmp, errno: errno) }
    do {
      defer { close(fd) }
      try FileIO.writeAll(fd, bytes, path: tmp)
    }
    if rename(tmp, path) != 0 { throw .system(call: "rename", path: path, errno: errno) }
  }

  public var statusFile: String { cronDir + "/status.json" }

  // MARK: history

  /// The job's runs, oldest first; empty when none were recorded.
  public func history(app: String, process: String) throws(StoreError) -> [CronRun] {
    let path = historyFile(app: app, process: process)
    guard let bytes = try FileIO.readFile(path), !bytes.isEmpty else { return [] }
    do {
      return try [CronRun].decode(json: bytes)
    } catch {
      throw .unreadable(path: path, reason: error.description)
    }
  }

  /// Writes the job's runs (oldest first), keeping the last 50 and deleting the logs of the
  /// ones dropped. Not fsynced: the scheduler's memory, not the history, prevents double runs.
  public func writeHistory(_ runs: [CronRun], app: String, process: String) throws(StoreError) {
    let path = historyFile(app: app, process: process)
    let kept = Array(runs.suffix(CronRun.historyLimit))
    for old in runs.dropLast(kept.count) {
      if let log = old.logPath { unlink(log) }
    }
    try FileIO.makeDirectories(FileIO.directory(of: path))
    try writeWithoutSync(kept.jsonDocument(pretty: false, capacity: 256 * kept.count), to: path, mode: 0o600)
  }

  /// Removes a deleted job's history and run logs.
  public func removeHistory(app: String, process: String) {
    if let runs = try? history(app: app, process: process) {
      for r in runs { if let log = r.logPath { unlink(log) } }
    }
    unlink(historyFile(app: app, process: process))
  }

  // MARK: requests

  /// Drops a request for the supervisor (atomically: it sees a complete file or none).
  public func submit(_ request: CronRunRequest) throws(StoreError) {
    try FileIO.makeDirectories(requestsDir)
    let path = "\(requestsDir)/\(request.id).json"
    try FileIO.writeAtomically(request.jsonDocument(pretty: false), to: path)
  }

  /// The pending requests, oldest first (the supervisor reads and removes them).
  public func pendingRequests() -> [CronRunRequest] {
    guard let dir = opendir(requestsDir) else { return [] }
    defer { closedir(dir) }
    var out: [CronRunRequest] = []
    while let e = readdir(dir) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      guard name.hasSuffix(".json") else { continue }
      let path = "\(requestsDir)/\(name)"
      if let bytes = try? FileIO.readFile(path),
        let r = try? CronRunRequest.decode(json: bytes)
      {
        out.append(r)
      } else {
        unlink(path)  // unreadable: nobody can answer it
      }
    }
    return out.sorted { $0.requestedAt < $1.requestedAt }
  }

  public func answer(_ request: CronRunRequest, with reply: CronRunReply) throws(StoreError) {
    let path = "\(requestsDir)/\(request.id).reply"
    try FileIO.writeAtomically(reply.jsonDocument(pretty: false), to: path)
    unlink("\(requestsDir)/\(request.id).json")
  }

  /// The supervisor's reply, once written; removes it.
  public func takeReply(id: String) -> CronRunReply? {
    let path = "\(requestsDir)/\(id).reply"
    guard let bytes = try? FileIO.readFile(path),
      let r = try? CronRunReply.decode(json: bytes)
    else { return nil }
    unlink(path)
    return r
  }

  /// Withdraws an unanswered request (the caller gave up waiting).
  public func withdraw(id: String) {
    unlink("\(requestsDir)/\(id).json")
  }
}
