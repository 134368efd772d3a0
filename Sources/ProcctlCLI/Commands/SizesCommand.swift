import ProcctlCore

/// `procctl sizes`: the pod-size catalogue.
public struct SizesCommand: Command {
  public static let name = "sizes"
  public static let abstract = "List the pod sizes and their prices."
  public static let discussion = """
    Three families: standard (1 CPU : 2 GiB), CPU-optimised (1:1) and memory-optimised (1:4).
    Prices are per instance per month of 730 hours. A sizes.json in the state directory (the
    same fields as --json prints) replaces the built-in catalogue. Exit codes: 0, 6 sizes.json
    invalid.
    """
  public static let options = [CommonOptions.json]
  public static let examples = [
    "procctl sizes", "procctl sizes --json > \"$PROCCTL_HOME/sizes.json\"",
  ]

  public var json: Bool

  public init(_ args: ParsedArguments) throws {
    try args.noPositionals()
    json = args.flag("json")
  }

  public func run(_ context: Context) throws -> Int32 {
    let catalogue = try context.store.catalogue()
    if json {
      JSONOutput.write(catalogue, to: context)
      return ExitCode.success
    }
    var t = Table([
      .init("NAME"), .init("FAMILY"), .init("CPU", rightAligned: true),
      .init("MEMORY", rightAligned: true), .init("MONTHLY", rightAligned: true),
      .init("HOURLY", rightAligned: true),
    ])
    for s in catalogue.sizes {
      t.add([
        s.name, s.family.rawValue, s.cpuDescription, s.memoryDescription, s.monthly.description,
        BillingPeriod.hourlyDescription(monthly: s.monthly),
      ])
    }
    context.out.write(t.render())
    return ExitCode.success
  }
}
