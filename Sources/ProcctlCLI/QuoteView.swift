import ProcctlCore

/// A change's cost summary as `--json` prints it (field names documented in the README).
public struct QuoteView: Sendable, JSONWritable {
  public struct Line: Sendable, JSONWritable {
    public var action: String
    public var app: String
    public var process: String
    public var type: String
    public var command: String
    public var sizeBefore: String?
    public var sizeAfter: String?
    public var cpu: Double?
    public var memoryMB: Int?
    public var instancesBefore: Int
    public var instancesAfter: Int
    public var monthlyBeforeCents: Int
    public var monthlyAfterCents: Int
    public var differenceCents: Int
    /// Workers: the process after the change per hour; cron: one instance per hour of a run.
    public var hourlyMillicents: Int
    /// True for cron jobs: charged only while a run is active.
    public var billedWhileRunning: Bool

    public func write(to w: inout JSONWriter) {
      w.beginObject()
      w.member("action", action)
      w.member("app", app)
      w.member("billedWhileRunning", billedWhileRunning)
      w.member("command", command)
      w.member("cpu", ifPresent: cpu)
      w.member("differenceCents", differenceCents)
      w.member("hourlyMillicents", hourlyMillicents)
      w.member("instancesAfter", instancesAfter)
      w.member("instancesBefore", instancesBefore)
      w.member("memoryMB", ifPresent: memoryMB)
      w.member("monthlyAfterCents", monthlyAfterCents)
      w.member("monthlyBeforeCents", monthlyBeforeCents)
      w.member("process", process)
      w.member("sizeAfter", ifPresent: sizeAfter)
      w.member("sizeBefore", ifPresent: sizeBefore)
      w.member("type", type)
      w.endObject()
    }
  }

  public var lines: [Line]
  public var monthlyBeforeCents: Int
  public var monthlyAfterCents: Int
  public var differenceCents: Int
  public var paymentMethod: String?
  public var raisesCost: Bool

  public init(_ q: Quote) {
    lines = q.lines.map { l in
      let size = l.sizeAfter ?? l.sizeBefore
      let hourly: Int
      if l.type == .cron {
        hourly = size.map { BillingPeriod.hourlyMillicents(monthly: $0.monthly) } ?? 0
      } else {
        hourly = BillingPeriod.hourlyMillicents(monthly: l.monthlyAfter)
      }
      return Line(
        action: l.action.rawValue, app: l.app, process: l.process, type: l.type.rawValue,
        command: l.command, sizeBefore: l.sizeBefore?.name, sizeAfter: l.sizeAfter?.name,
        cpu: size.map { Double($0.milliCPU) / 1000 }, memoryMB: size?.memoryMB,
        instancesBefore: l.instancesBefore, instancesAfter: l.instancesAfter,
        monthlyBeforeCents: l.monthlyBefore.value, monthlyAfterCents: l.monthlyAfter.value,
        differenceCents: l.delta.value, hourlyMillicents: hourly,
        billedWhileRunning: l.type == .cron)
    }
    monthlyBeforeCents = q.monthlyBefore.value
    monthlyAfterCents = q.monthlyAfter.value
    differenceCents = q.delta.value
    paymentMethod = q.paymentMethod
    raisesCost = q.raisesCost
  }

  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("differenceCents", differenceCents)
    w.member("lines", lines)
    w.member("monthlyAfterCents", monthlyAfterCents)
    w.member("monthlyBeforeCents", monthlyBeforeCents)
    w.member("paymentMethod", ifPresent: paymentMethod)
    w.member("raisesCost", raisesCost)
    w.endObject()
  }
}
