import Testing

@testable import ProcctlCLI
@testable import ProcctlCore

/// Parsing is pure: argv in, a command value (or a usage error) out.
@Suite struct ArgumentParsingTests {
  @Test func createParsesEveryForm() throws {
    let c = try CreateCommand.parse([
      "-a", "shop", "--name=web", "--command", "-x arg", "--size", "S2", "-i", "3", "-e", "A=1",
      "--env", "B=x=y", "--yes",
    ])
    #expect(c.app == "shop")
    #expect(c.name == "web")
    #expect(c.command == "-x arg")
    #expect(c.size == "S2")
    #expect(c.instances == "3")
    #expect(c.env == ["A=1", "B=x=y"])
    #expect(c.flags == ChangeFlags(yes: true))
    let spec = try c.spec(cwdBase: "/srv", now: Timestamp(epochMs: 0))
    #expect(spec.size == "s2")
    #expect(spec.env == ["A": "1", "B": "x=y"])
    #expect(spec.cwd == "/srv")
  }

  @Test func unknownFlagAndMissingValue() {
    #expect(throws: CLIError.usage("unknown option '--bogus' for 'procctl list' (see 'procctl help list')")) {
      try ListCommand.parse(["--bogus"])
    }
    #expect(throws: CLIError.usage("missing value for --app APP in 'procctl list'")) {
      try ListCommand.parse(["--app"])
    }
    // A value that is another known option is a missing value, not the value.
    #expect(throws: CLIError.usage("missing value for --app APP in 'procctl show'")) {
      try ShowCommand.parse(["web", "--app", "--json"])
    }
  }

  @Test(arguments: ["0", "51", "-1", "abc"])
  func badInstances(_ n: String) {
    #expect(throws: CoreError.self) {
      try CreateCommand.parse(["--name", "w", "--command", "x", "--instances", n])
    }
  }

  @Test func scaleTargets() throws {
    let t = try ScaleTarget.parseAll(["web=3", "api", "2", "jobs+2", "db-1", "x-1", "4", "y", "-2"])
    #expect(
      t == [
        ScaleTarget(name: "web", change: .set(3)), ScaleTarget(name: "api", change: .set(2)),
        ScaleTarget(name: "jobs", change: .add(2)), ScaleTarget(name: "db", change: .add(-1)),
        ScaleTarget(name: "x-1", change: .set(4)), ScaleTarget(name: "y", change: .add(-2)),
      ])
    #expect(throws: (any Error).self) { try ScaleTarget.parseAll(["web=51"]) }
    #expect(throws: (any Error).self) { try ScaleTarget.parseAll(["web"]) }
    #expect(throws: (any Error).self) { try ScaleTarget.parseAll(["web", "abc"]) }
    #expect(throws: (any Error).self) { try ScaleTarget.parseAll(["web=2", "web=3"]) }
    #expect(try ScaleTarget(name: "w", change: .add(-1)).apply(to: 2) == 1)
    #expect(throws: CoreError.self) { try ScaleTarget(name: "w", change: .add(-2)).apply(to: 2) }
  }

  @Test func registryMatchesLongestNameAndGroups() {
    guard case .command(let c, 3) = CommandRegistry.match(["billing", "payment-method", "set", "x"])
    else { Issue.record("no match"); return }
    #expect(c.name == "billing payment-method set")
    guard case .command(let b, 1) = CommandRegistry.match(["billing", "--json"]) else {
      Issue.record("no match"); return
    }
    #expect(b.name == "billing")
    guard case .group("billing payment-method", 2) = CommandRegistry.match(["billing", "payment-method"])
    else { Issue.record("no group"); return }
    guard case .group("apps", 1) = CommandRegistry.match(["apps", "nope"]) else {
      Issue.record("no group"); return
    }
    guard case .none = CommandRegistry.match(["nope"]) else { Issue.record("matched"); return }
  }
}
