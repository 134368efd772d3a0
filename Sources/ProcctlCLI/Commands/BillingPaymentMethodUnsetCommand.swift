import ProcctlCore

/// `procctl billing payment-method unset`: removes the payment method label.
///
/// Allowed even while applications cost money: what is running keeps running (the label is only
/// checked when a change raises the cost). The operator is told that such changes will be
/// refused from now on, so the removal is never a surprise later.
public struct BillingPaymentMethodUnsetCommand: Command {
  public static let name = "billing payment-method unset"
  public static let abstract = "Remove the payment method label."
  public static let discussion = """
    Removes the stored label. Running processes are not affected, but from then on every change
    that raises the monthly cost (create, scale up, a larger size) is refused until a payment
    method is set again; the command says so when applications cost money. Nothing to remove
    is not an error. Exit codes: 0 removed (or none was set), 2 usage error, 6 state file
    unreadable.
    """
  public static let options = CommonOptions.change
  public static let examples = [
    "procctl billing payment-method unset", "procctl billing payment-method unset --dry-run",
  ]

  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    flags = ChangeFlags(args)
  }

  public func run(_ context: Context) throws -> Int32 {
    try ChangeFlow.perform(context, flags: flags) { doc, catalogue in
      let old = doc.paymentMethod
      doc.paymentMethod = nil
      var plan = ChangePlan(
        app: "", action: "billing payment-method unset", done: "payment method removed")
      plan.headline = "Remove the payment method"
      plan.changes = ["payment method: \(old ?? "none") -> none"]
      let monthly = doc.apps.reduce(Cents.zero) { $0 + Pricing.monthly($1, catalogue: catalogue) }
      if old != nil && monthly > .zero {
        let warning =
          "applications cost \(monthly)/month; changes that raise the cost will be refused until a payment method is set ('procctl billing payment-method set LABEL')"
        plan.changes.append(warning)
        plan.done += "; " + warning
      }
      return plan
    }
  }
}
