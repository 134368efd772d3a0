import ProcctlCore

/// `procctl resize NAME=SIZE ...`: changes pod sizes.
public struct ResizeCommand: Command {
  public static let name = "resize"
  public static let abstract = "Change the pod size of processes."
  public static let discussion = """
    Each argument is NAME=SIZE or NAME SIZE (sizes: 'procctl sizes'; names are
    case-insensitive). All are checked before anything changes. Shows the cost summary and asks
    for confirmation like 'create'. Exit codes: 0 resized (or nothing to change), 1 refused (no
    payment method), 2 invalid value or unknown size, 3 not confirmed, 4 not found.
    """
  public static let arguments = [ArgumentSpec("NAME=SIZE...", "Processes and their new pod sizes.")]
  public static let options = [CommonOptions.app] + CommonOptions.change
  public static let examples = ["procctl resize web=s2", "procctl resize web s3 report c1 --yes"]

  public var app: String?
  public var targets: [(name: String, size: String)]
  public var flags: ChangeFlags

  public init(_ args: ParsedArguments) throws {
    app = args.value("app")
    flags = ChangeFlags(args)
    targets = []
    let a = args.positionals
    if a.isEmpty {
      throw CLIError.usage("missing NAME=SIZE for 'procctl resize' (e.g. 'procctl resize web=s2')")
    }
    var i = 0
    while i < a.count {
      if let eq = a[i].firstIndex(of: "=") {
        targets.append((String(a[i][..<eq]), String(a[i][a[i].index(after: eq)...])))
      } else if i + 1 < a.count {
        targets.append((a[i], a[i + 1]))
        i += 1
      } else {
        throw CLIError.usage("missing size for \"\(a[i])\": use \(a[i])=SIZE or \(a[i]) SIZE")
      }
      i += 1
    }
  }

  public func validate() throws {
    var problems: [any Error] = []
    do { try Lookup.checkAppName(app) } catch { problems.append(error) }
    var seen = Set<String>()
    for t in targets {
      if let p = Name.problem(t.name, kind: "process name") {
        problems.append(CoreError.invalid(p))
      }
      if t.size.isEmpty {
        problems.append(CoreError.invalid("missing size for \"\(t.name)\": see 'procctl sizes'"))
      }
      if !seen.insert(t.name).inserted {
        problems.append(CLIError.usage("process \"\(t.name)\" is named more than once"))
      }
    }
    try Problems.throwIfAny(problems)
  }

  public func run(_ context: Context) throws -> Int32 {
    let catalogue = try context.store.catalogue()
    var problems: [any Error] = []
    var sizes: [PodSize] = []
    for t in targets {
      do { sizes.append(try catalogue.require(t.size)) } catch { problems.append(error) }
    }
    try Problems.throwIfAny(problems)
    return try ChangeFlow.perform(context, flags: flags) { doc, catalogue in
      let ai = try Lookup.app(app, in: doc, context: context)
      let appName = doc.apps[ai].name
      var lines: [Quote.Line] = []
      var updates: [(Int, PodSize)] = []
      for (t, size) in zip(targets, sizes) {
        do {
          let pi = try Lookup.process(t.name, in: doc.apps[ai])
          let p = doc.apps[ai].processes[pi]
          if p.size != size.name {
            lines.append(
              Quote.Line(
                app: appName, process: p.name, type: p.type, command: p.command, action: .resize,
                sizeBefore: catalogue.size(named: p.size), sizeAfter: size,
                instancesBefore: p.instances, instancesAfter: p.instances))
            updates.append((pi, size))
          }
        } catch { problems.append(error) }
      }
      try Problems.throwIfAny(problems)
      let now = context.now()
      for (pi, size) in updates {
        doc.apps[ai].processes[pi].size = size.name
        doc.apps[ai].processes[pi].updatedAt = now
      }
      var plan = ChangePlan(
        app: appName, action: "resize", quote: Quote(lines: lines, paymentMethod: nil),
        done: "resized "
          + lines.map { "\(appName)/\($0.process) to \($0.sizeAfter?.name ?? "?")" }
          .joined(separator: ", "))
      plan.processes = updates.map { (appName, doc.apps[ai].processes[$0.0]) }
      return plan
    }
  }
}
