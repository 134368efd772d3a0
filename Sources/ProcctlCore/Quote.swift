/// The price of a desired state: monthly cost of workers (instances x pod size price). Cron jobs
/// are billed per second of an active run, so their fixed monthly cost is zero and their quote
/// gives the hourly rate of one instance.
public enum Pricing {
  /// Fixed monthly cost of one process (0 for a cron job).
  public static func monthly(_ p: ProcessSpec, size: PodSize?) -> Cents {
    guard p.type == .worker, let size else { return .zero }
    return size.monthly * p.instances
  }

  public static func monthly(_ app: Application, catalogue: SizeCatalogue) -> Cents {
    app.processes.reduce(.zero) { $0 + monthly($1, size: catalogue.size(named: $1.size)) }
  }

  public static func monthly(_ doc: StateDocument, catalogue: SizeCatalogue) -> Cents {
    doc.apps.reduce(.zero) { $0 + monthly($1, catalogue: catalogue) }
  }

  /// Cost of a cron run that was active for `seconds`, rounded up to whole cents.
  public static func cronRunCost(size: PodSize, seconds: Int) -> Cents {
    let perMonthSeconds = BillingPeriod.hoursPerMonth * 3600
    return Cents((size.monthly.value * seconds + perMonthSeconds - 1) / perMonthSeconds)
  }
}

/// A summary of one change that costs money, shown before it is applied.
public struct Quote: Sendable, Equatable {
  public enum Action: String, Sendable { case create, scale, resize, delete }
  public struct Line: Sendable, Equatable {
    public var app: String
    public var process: String
    public var type: ProcessType
    public var command: String
    public var action: Action
    public var sizeBefore: PodSize?
    public var sizeAfter: PodSize?
    public var instancesBefore: Int
    public var instancesAfter: Int
    public var monthlyBefore: Cents
    public var monthlyAfter: Cents

    public init(
      app: String, process: String, type: ProcessType, command: String, action: Action,
      sizeBefore: PodSize?, sizeAfter: PodSize?, instancesBefore: Int, instancesAfter: Int
    ) {
      self.app = app
      self.process = process
      self.type = type
      self.command = command
      self.action = action
      self.sizeBefore = sizeBefore
      self.sizeAfter = sizeAfter
      self.instancesBefore = instancesBefore
      self.instancesAfter = instancesAfter
      func cost(_ s: PodSize?, _ n: Int) -> Cents {
        guard type == .worker, let s else { return .zero }
        return s.monthly * n
      }
      monthlyBefore = cost(sizeBefore, instancesBefore)
      monthlyAfter = cost(sizeAfter, instancesAfter)
    }

    public var delta: Cents { monthlyAfter - monthlyBefore }

    /// True when the change can make the bill grow: a higher fixed monthly cost, or a cron job
    /// created or moved to a dearer size (billed while it runs).
    public var raisesCost: Bool {
      if delta.value > 0 { return true }
      if type == .cron, let after = sizeAfter {
        return after.monthly > (sizeBefore?.monthly ?? .zero)
      }
      return false
    }
  }

  public var lines: [Line]
  public var paymentMethod: String?

  public init(lines: [Line], paymentMethod: String?) {
    self.lines = lines
    self.paymentMethod = paymentMethod
  }

  public var monthlyBefore: Cents { lines.reduce(.zero) { $0 + $1.monthlyBefore } }
  public var monthlyAfter: Cents { lines.reduce(.zero) { $0 + $1.monthlyAfter } }
  public var delta: Cents { monthlyAfter - monthlyBefore }
  public var raisesCost: Bool { lines.contains { $0.raisesCost } }
  public var isNoChange: Bool {
    lines.allSatisfy {
      $0.action != .create && $0.action != .delete && $0.instancesBefore == $0.instancesAfter
        && $0.sizeBefore == $0.sizeAfter
    }
  }
}
