import ProcctlCore

/// The human summary shown before a change is applied: for each process the app, name, type,
/// command, pod size (CPU, RAM), instances, monthly cost before/after/difference and the hourly
/// rate; then the application's monthly total and the payment method.
public enum ChangeSummary {
  public static func render(_ plan: ChangePlan, dryRun: Bool = false) -> String {
    var s = ""
    if let q = plan.quote {
      for l in q.lines {
        s += "\(verb(l.action)) \(l.type.rawValue) \(l.app)/\(l.process):\n"
        var rows: [(String, String)] = [
          ("app", l.app + (plan.newApp ? " (new)" : "")),
          ("process", l.process),
          (
            "type",
            l.type == .worker
              ? "worker (background, restarted forever)" : "cron (runs on a schedule)"
          ),
          ("command", l.command),
          ("pod size", change(l.sizeBefore.map(describe), l.sizeAfter.map(describe), l.action)),
          (
            "instances",
            change(l.instancesBefore.description, l.instancesAfter.description, l.action)
          ),
        ]
        if l.type == .cron {
          let size = l.sizeAfter ?? l.sizeBefore
          rows.append(
            ("monthly cost", "\(Cents.zero) fixed (billed per hour while a run is active)"))
          rows.append(
            (
              "hourly rate",
              (size.map { BillingPeriod.hourlyDescription(monthly: $0.monthly) } ?? "?")
                + " for one instance, billed only while a run is active"
            ))
        } else {
          rows.append(
            (
              "monthly cost",
              "\(l.monthlyBefore) -> \(l.monthlyAfter) (\(l.delta.signedDescription))"
            ))
          let hb = BillingPeriod.hourlyDescription(monthly: l.monthlyBefore)
          let ha = BillingPeriod.hourlyDescription(monthly: l.monthlyAfter)
          rows.append(("hourly rate", l.action == .create || hb == ha ? ha : "\(hb) -> \(ha)"))
        }
        s += keyValues(rows)
      }
      let d = plan.appMonthlyAfter - plan.appMonthlyBefore
      s +=
        "Monthly total of \(plan.app): \(plan.appMonthlyBefore) -> \(plan.appMonthlyAfter) (\(d.signedDescription))\n"
      s +=
        "Payment method: \(q.paymentMethod ?? "none (set one with 'procctl billing payment-method set LABEL')")\n"
    }
    if !plan.changes.isEmpty && (plan.showChanges || dryRun) {
      s += "\(plan.headline):\n"
      for c in plan.changes { s += "  \(c)\n" }
    }
    return s
  }

  static func verb(_ a: Quote.Action) -> String {
    switch a {
    case .create: return "Create"
    case .scale: return "Scale"
    case .resize: return "Resize"
    case .delete: return "Delete"
    }
  }

  static func describe(_ s: PodSize) -> String {
    "\(s.name) (\(s.cpuDescription) CPU, \(s.memoryDescription))"
  }

  static func change(_ before: String?, _ after: String?, _ action: Quote.Action) -> String {
    switch action {
    case .create: return after ?? "?"
    case .delete: return "\(before ?? "?") -> none"
    case .scale, .resize:
      let b = before ?? "?"
      let a = after ?? "?"
      return b == a ? a : "\(b) -> \(a)"
    }
  }

  /// "  key:   value" lines, aligned.
  public static func keyValues(_ rows: [(String, String)], indent: String = "  ") -> String {
    let w = (rows.map { $0.0.count }.max() ?? 0) + 2
    var s = ""
    for (k, v) in rows {
      let key = k.isEmpty ? " " : k + ":"
      s += indent + key + String(repeating: " ", count: w - key.count) + v + "\n"
    }
    return s
  }
}
