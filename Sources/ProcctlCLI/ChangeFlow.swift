import ProcctlCore
import ProcctlStore

/// What a changing command proposes, decided from the current state under the lock.
public struct ChangePlan {
  public var app: String
  /// "create", "scale", "update", ... (JSON `action`).
  public var action: String
  /// The cost side; nil for changes that cost nothing (update, payment method).
  public var quote: Quote?
  /// The application is created by this change (`create` into a new app).
  public var newApp: Bool = false
  /// For changes without a quote: a title and one line per change ("env LOG_LEVEL=debug (new)").
  public var headline: String = ""
  public var changes: [String] = []
  /// Print `changes` even when not a dry run (update: say what changed).
  public var showChanges = false
  /// Printed on stderr once applied: "created worker demo/web".
  public var done: String
  /// The processes to show in `--json` (after the change; as they were, for a delete).
  public var processes: [(app: String, spec: ProcessSpec)] = []
  /// Set by the flow: the application's monthly total before and after.
  public var appMonthlyBefore: Cents = .zero
  public var appMonthlyAfter: Cents = .zero

  public init(app: String, action: String, quote: Quote? = nil, done: String) {
    self.app = app
    self.action = action
    self.quote = quote
    self.done = done
  }

  /// Changes that create, scale, resize or delete need confirmation (or --yes).
  public var needsConfirmation: Bool { quote != nil }
}

/// `--json` result of every changing command.
public struct ChangeResultView: JSONWritable {
  public var action: String
  public var app: String
  /// True when the change was written to the state file.
  public var applied: Bool
  public var dryRun: Bool
  /// False when the state already was as asked ("nothing to change").
  public var changed: Bool
  public var quote: QuoteView?
  public var changes: [String]
  public var processes: [ProcessView]

  public func write(to w: inout JSONWriter) {
    w.beginObject()
    w.member("action", action)
    w.member("app", app)
    w.member("applied", applied)
    w.member("changed", changed)
    w.member("changes", changes)
    w.member("dryRun", dryRun)
    w.member("processes", processes)
    w.member("quote", ifPresent: quote)
    w.endObject()
  }
}

/// The one path every changing command takes: under the state lock, read the state, let the
/// command propose the new state, show the summary, refuse cost increases without a payment
/// method, stop for --dry-run, confirm (--yes, or a y/N prompt on a terminal, else exit 3), and
/// only then write. Holding the lock from read to write means the change confirmed is exactly
/// the change applied; nobody else can slip in between.
public enum ChangeFlow {
  public static func perform(
    _ ctx: Context, flags: ChangeFlags,
    propose: (_ state: inout StateDocument, _ catalogue: SizeCatalogue) throws -> ChangePlan
  ) throws -> Int32 {
    let catalogue = try ctx.store.catalogue()
    var plan: ChangePlan?
    var changed = false
    var applied = false
    try ctx.store.mutate { doc in
      var proposed = doc
      var p = try propose(&proposed, catalogue)
      p.quote?.paymentMethod = doc.paymentMethod
      plan = p
      if proposed == doc { return }
      changed = true
      if let old = doc.app(named: p.app) {
        p.appMonthlyBefore = Pricing.monthly(old, catalogue: catalogue)
      }
      if let new = proposed.app(named: p.app) {
        p.appMonthlyAfter = Pricing.monthly(new, catalogue: catalogue)
      }
      plan = p
      let summary = ChangeSummary.render(p, dryRun: flags.dryRun)
      (flags.json ? ctx.err : ctx.out).write(summary)
      if let q = p.quote, q.raisesCost, doc.paymentMethod == nil {
        throw CoreError.refused(
          "refusing a change that raises the monthly cost: no payment method is set; set one with 'procctl billing payment-method set LABEL'"
        )
      }
      if flags.dryRun { return }
      if p.needsConfirmation && !flags.yes {
        guard ctx.stdinIsTerminal else {
          throw CLIError.notConfirmed(
            "not confirmed: standard input is not a terminal; pass --yes to apply (or --dry-run to preview); nothing changed"
          )
        }
        ctx.out.flush()
        ctx.err.write("Confirm? [y/N] ")
        ctx.err.flush()
        let answer = (ctx.readLine() ?? "").trimmingCharacters().lowercased()
        guard answer == "y" || answer == "yes" else {
          throw CLIError.notConfirmed("not confirmed; nothing changed")
        }
      }
      doc = proposed
      applied = true
    }
    guard let plan else { return ExitCode.success }
    if !changed {
      ctx.note("nothing to change")
    } else if applied {
      ctx.note(plan.done)
    } else {
      ctx.note("dry run: nothing changed")
    }
    if flags.json {
      let views = plan.processes.map { a, s in
        ProcessView(app: a, spec: s, size: catalogue.size(named: s.size))
      }
      JSONOutput.write(
        ChangeResultView(
          action: plan.action, app: plan.app, applied: applied, dryRun: flags.dryRun,
          changed: changed, quote: plan.quote.map(QuoteView.init), changes: plan.changes,
          processes: views), to: ctx)
    }
    return ExitCode.success
  }
}

extension String {
  /// Without leading and trailing spaces, tabs and carriage returns.
  func trimmingCharacters() -> String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\r" { s = s.dropFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
    return String(s)
  }
}
