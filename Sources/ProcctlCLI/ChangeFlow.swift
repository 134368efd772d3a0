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
  /// The application changed; empty (and left out of the JSON) for a change of no application.
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
    // Commands of no application (`billing payment-method set`) leave the field out.
    if !app.isEmpty { w.member("app", app) }
    w.member("applied", applied)
    w.member("changed", changed)
    w.member("changes", changes)
    w.member("dryRun", dryRun)
    w.member("processes", processes)
    w.member("quote", ifPresent: quote)
    w.endObject()
  }
}

/// The one path every changing command takes: read the state, let the command propose the new
/// state, show the summary, refuse cost increases without a payment method, stop for --dry-run,
/// confirm (--yes, or a y/N prompt on a terminal, else exit 3), and only then write, under the
/// state lock.
///
/// A person at the prompt never holds the lock: the question is asked on a snapshot, and the
/// answer applies only if, under the lock, the change still reads the same (same revision, or
/// the same summary). Otherwise the new summary is shown and asked again. So a script's
/// `scale --yes` never waits on someone's terminal, and what was confirmed is what is applied.
public enum ChangeFlow {
  /// One evaluation of a command's proposal against a state.
  struct Evaluation {
    var proposed: StateDocument
    var plan: ChangePlan
    var changed: Bool
    var summary: String
  }

  static func evaluate(
    _ doc: StateDocument, _ catalogue: SizeCatalogue, dryRun: Bool,
    propose: (_ state: inout StateDocument, _ catalogue: SizeCatalogue) throws -> ChangePlan
  ) throws -> Evaluation {
    var proposed = doc
    var p = try propose(&proposed, catalogue)
    p.quote?.paymentMethod = doc.paymentMethod
    if proposed == doc {
      return Evaluation(proposed: proposed, plan: p, changed: false, summary: "")
    }
    if let old = doc.app(named: p.app) {
      p.appMonthlyBefore = Pricing.monthly(old, catalogue: catalogue)
    }
    if let new = proposed.app(named: p.app) {
      p.appMonthlyAfter = Pricing.monthly(new, catalogue: catalogue)
    }
    return Evaluation(
      proposed: proposed, plan: p, changed: true,
      summary: ChangeSummary.render(p, dryRun: dryRun))
  }

  /// Refuses a change that raises the monthly cost while no payment method is set.
  static func checkPayment(_ e: Evaluation, _ doc: StateDocument) throws {
    if let q = e.plan.quote, q.raisesCost, doc.paymentMethod == nil {
      throw CoreError.refused(
        "refusing a change that raises the monthly cost: no payment method is set; set one with 'procctl billing payment-method set LABEL'"
      )
    }
  }

  /// Asks `Confirm? [y/N]` on the terminal; anything but y/yes is "not confirmed".
  static func ask(_ ctx: Context) throws {
    ctx.out.flush()
    ctx.err.write("Confirm? [y/N] ")
    ctx.err.flush()
    let answer = (ctx.readLine() ?? "").trimmingCharacters().lowercased()
    guard answer == "y" || answer == "yes" else {
      throw CLIError.notConfirmed("not confirmed; nothing changed")
    }
  }

  /// Thrown inside the locked pass when the state moved on since the person confirmed.
  struct StateMoved: Error {}

  /// How many times a moving state is shown again before giving up.
  static let maxAsks = 5

  public static func perform(
    _ ctx: Context, flags: ChangeFlags,
    propose: (_ state: inout StateDocument, _ catalogue: SizeCatalogue) throws -> ChangePlan
  ) throws -> Int32 {
    let catalogue = try ctx.store.catalogue()
    let interactive = !flags.yes && !flags.dryRun && ctx.stdinIsTerminal
    var outcome: (plan: ChangePlan, changed: Bool, applied: Bool)?
    var asks = 0
    while outcome == nil {
      // On a terminal, ask on a snapshot, without the lock.
      var confirmed: (revision: Int, summary: String)?
      if interactive {
        let snapshot = try ctx.store.read()
        let e = try evaluate(snapshot, catalogue, dryRun: false, propose: propose)
        if e.changed && e.plan.needsConfirmation {
          (flags.json ? ctx.err : ctx.out).write(e.summary)
          try checkPayment(e, snapshot)
          try ask(ctx)
          asks += 1
          confirmed = (snapshot.revision, e.summary)
        }
      }
      do {
        outcome = try ctx.store.mutate { doc in
          let e = try evaluate(doc, catalogue, dryRun: flags.dryRun, propose: propose)
          guard e.changed else { return (e.plan, false, false) }
          if let confirmed {
            guard doc.revision == confirmed.revision || e.summary == confirmed.summary else {
              throw StateMoved()
            }
          } else {
            (flags.json ? ctx.err : ctx.out).write(e.summary)
            try checkPayment(e, doc)
            if flags.dryRun { return (e.plan, true, false) }
            if e.plan.needsConfirmation && !flags.yes {
              // On a terminal: the snapshot needed no question but the state now does; ask.
              if interactive { throw StateMoved() }
              throw CLIError.notConfirmed(
                "not confirmed: standard input is not a terminal; pass --yes to apply (or --dry-run to preview); nothing changed"
              )
            }
          }
          doc = e.proposed
          return (e.plan, true, true)
        }
      } catch is StateMoved {
        guard asks < maxAsks else {
          throw CLIError.failed(
            "the state kept changing while confirming; nothing changed; try again (or pass --yes)")
        }
        ctx.note("the state changed while you were confirming; here is the change as it is now:")
      }
    }
    guard let (plan, changed, applied) = outcome else { return ExitCode.success }
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
