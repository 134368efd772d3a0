import ProcctlCore

/// `procctl billing payment-method set LABEL`.
public struct BillingPaymentMethodSetCommand: Command {
  public static let name = "billing payment-method set"
  public static let abstract = "Set the payment method label."
  public static let discussion = """
    Stores a label such as visa-4242 or cost-center-4711 (1 to 64 characters). A label that looks
    like a full card number (13 to 19 digits, spaces or dashes allowed, passing the Luhn check) is
    refused: procctl never stores card numbers. Changes that raise the monthly cost need a payment
    method. Exit codes: 0 set (or unchanged), 2 invalid label.
    """
  public static let arguments = [ArgumentSpec("LABEL", "The payment method's label.")]
  public static let options = CommonOptions.change
  public static let examples = ["procctl billing payment-method set visa-4242"]

  public var label: String
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    label = try args.single("LABEL")
    flags = ChangeFlags(args)
  }

  public func validate() throws { try PaymentMethod.validate(label) }

  public func run(_ context: Context) throws -> Int32 {
    let value = label.trimmingCharacters()
    return try ChangeFlow.perform(context, flags: flags) { doc, _ in
      let old = doc.paymentMethod
      doc.paymentMethod = value
      var plan = ChangePlan(
        app: "", action: "billing payment-method set", done: "payment method set to \(value)")
      plan.headline = "Set the payment method"
      plan.changes = ["payment method: \(old ?? "none") -> \(value)"]
      return plan
    }
  }
}
