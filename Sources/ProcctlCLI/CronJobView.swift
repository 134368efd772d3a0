import ProcctlCore
import ProcctlStore

/// One cron job as `ps` and `list` show it: its next run and whether a run is active, from the
/// running scheduler's `cron/status.json` (nothing when no supervisor runs); its last run from
/// there too, else from the job's stored history.
struct CronJobView: JSONWritable {
  var app: String
  var process: String
  var schedule: String
  var timeZone: String
  /// When the running supervisor starts the next run (RFC 3339 in the job's zone).
  var nextRunAt: String?
  var active: Bool
  var activeRuns: [CronJobStatus.ActiveRun]
  var lastRunID: String?
  var lastOutcome: String?
  var lastExit: String?

  func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("active", active)
    w.member("activeRuns", activeRuns)
    w.member("app", app)
    w.member("lastExit", ifPresent: lastExit)
    w.member("lastOutcome", ifPresent: lastOutcome)
    w.member("lastRunID", ifPresent: lastRunID)
    w.member("nextRunAt", ifPresent: nextRunAt)
    w.member("process", process)
    w.member("schedule", schedule)
    w.member("timeZone", timeZone)
    w.endObject()
  }

  /// The cron jobs of `doc` (filtered), joined with the scheduler's report. A job the report
  /// does not cover (no supervisor runs, or it runs other applications) takes its last run from
  /// `history` (app, process -> runs, oldest first), when given: the last one that is not still
  /// marked running, as no supervisor runs it.
  static func rows(
    doc: StateDocument, status: [CronJobStatus]?, app: String?, process: String?,
    history: ((String, String) -> [CronRun])? = nil
  ) -> [CronJobView] {
    var byKey: [String: CronJobStatus] = [:]
    for s in status ?? [] { byKey["\(s.app)/\(s.process)"] = s }
    var out: [CronJobView] = []
    for a in doc.apps where app == nil || a.name == app {
      for p in a.processes where p.type == .cron && (process == nil || p.name == process) {
        let s = byKey["\(a.name)/\(p.name)"]
        let tz = p.timeZone ?? "UTC"
        let zone = (try? ZoneInfo.load(tz)) ?? .utc
        let last =
          s == nil
          ? history?(a.name, p.name).last { $0.outcome != .running } : s?.lastRun
        out.append(
          CronJobView(
            app: a.name, process: p.name, schedule: p.schedule ?? "", timeZone: tz,
            nextRunAt: s?.nextRunAt.map {
              $0.rfc3339(offsetSeconds: zone.offset(at: $0), fraction: false, zulu: false)
            },
            active: !(s?.activeRuns.isEmpty ?? true), activeRuns: s?.activeRuns ?? [],
            lastRunID: last?.id, lastOutcome: last?.outcome.rawValue,
            lastExit: last?.signal.map { "signal \($0)" } ?? last?.exitCode.map { "exit \($0)" }))
      }
    }
    return out
  }

  /// The cron table of `ps`.
  static func table(_ rows: [CronJobView], now: Timestamp, supervised: Bool) -> String {
    var t = Table([
      .init("APP"), .init("CRON JOB"), .init("NEXT RUN"), .init("ACTIVE"), .init("LAST RUN"),
    ])
    for r in rows {
      let active =
        r.activeRuns.isEmpty
        ? "-"
        : r.activeRuns.map {
          "\($0.id) (pid \($0.pid), \(PsCommand.duration(max(0, Int(now.epochMs - $0.startedAt.epochMs)))))"
        }.joined(separator: ", ")
      var last = "-"
      if let id = r.lastRunID, let o = r.lastOutcome {
        last = "\(o)" + (r.lastExit.map { " (\($0))" } ?? "") + " \(id)"
      }
      t.add([r.app, r.process, r.nextRunAt ?? (supervised ? "-" : "not running"), active, last])
    }
    return t.render()
  }
}
