import ProcctlCore

/// The rows of `procctl list`, human and JSON, rendered in one place so the supervisor can add
/// its running/desired column (issue 3) by filling `running` and nothing else.
public struct ProcessRow {
  public var app: String
  public var spec: ProcessSpec
  public var size: PodSize?
  /// Instances running now, from the supervisor's status; nil when unknown (no supervisor).
  public var running: Int?
  /// Cron jobs: the next run (RFC 3339 in the job's zone), from the running scheduler.
  public var nextRunAt: String?

  public init(app: String, spec: ProcessSpec, size: PodSize?, running: Int? = nil) {
    self.app = app
    self.spec = spec
    self.size = size
    self.running = running
  }

  public var view: ProcessView {
    var v = ProcessView(app: app, spec: spec, size: size)
    v.running = running
    v.nextRunAt = nextRunAt
    return v
  }
}

public enum ProcessListing {
  /// Every process of `app` (or of all applications), in state order.
  public static func rows(_ doc: StateDocument, catalogue: SizeCatalogue, app: String?)
    -> [ProcessRow]
  {
    var out: [ProcessRow] = []
    out.reserveCapacity(doc.apps.reduce(0) { $0 + (app == nil || $1.name == app ? $1.processes.count : 0) })
    for a in doc.apps where app == nil || a.name == app {
      for p in a.processes {
        out.append(ProcessRow(app: a.name, spec: p, size: catalogue.size(named: p.size)))
      }
    }
    return out
  }

  /// The aligned table. The RUNNING column appears once any row knows its running count.
  public static func table(_ rows: [ProcessRow]) -> String {
    String(decoding: tableBytes(rows), as: UTF8.self)
  }

  public static func tableBytes(_ rows: [ProcessRow]) -> [UInt8] {
    let showRunning = rows.contains { $0.running != nil }
    var cols: [Table.Column] = [.init("APP"), .init("NAME"), .init("TYPE"), .init("SIZE")]
    cols.append(.init(showRunning ? "RUNNING" : "INSTANCES", rightAligned: true))
    cols += [.init("SCHEDULE"), .init("MONTHLY", rightAligned: true)]
    let showNext = rows.contains { $0.nextRunAt != nil }
    if showNext { cols.append(.init("NEXT RUN")) }
    var t = Table(cols)
    for r in rows {
      let p = r.spec
      let instances =
        showRunning ? "\(r.running.map(String.init) ?? "-")/\(p.instances)" : "\(p.instances)"
      var schedule = "-"
      if let s = p.schedule {
        let tz = p.timeZone ?? "UTC"
        schedule = tz == "UTC" ? s : "\(s) (\(tz))"
      }
      var cells = [r.app, p.name, p.type.rawValue, p.size, instances, schedule, cost(r)]
      if showNext { cells.append(r.nextRunAt ?? "-") }
      t.add(cells)
    }
    return t.renderBytes()
  }

  /// A worker's monthly cost; a cron job's hourly rate while a run is active.
  static func cost(_ r: ProcessRow) -> String {
    guard let size = r.size else { return "?" }
    if r.spec.type == .cron {
      return BillingPeriod.hourlyDescription(monthly: size.monthly) + " active"
    }
    return Pricing.monthly(r.spec, size: size).description
  }
}

/// `list --json`: `{"processes": [...]}`, an object so fields can be added beside the list.
public struct ProcessListView {
  public var processes: [ProcessView]
}
