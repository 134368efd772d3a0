import Foundation
import ProcctlTestSupport
import Testing

@testable import ProcctlCLI
@testable import ProcctlCore
@testable import ProcctlStore

/// Commands parsed and run in-process against a test Context: no terminal, output in memory,
/// a fixed clock and scripted answers to the confirmation prompt.
@Suite struct CommandUnitTests {
  @Test func parsingOfEachCommand() throws {
    let u = try UpdateCommand.parse(["web", "--env", "A=1", "--unset-env", "B", "-a", "shop"])
    #expect(u.process == "web" && u.app == "shop" && u.env == ["A=1"] && u.unsetEnv == ["B"])
    #expect(throws: CLIError.self) { try UpdateCommand.parse(["web"]) }
    let r = try ResizeCommand.parse(["web=s2", "api", "C1", "-y"])
    #expect(r.targets.map(\.name) == ["web", "api"] && r.targets.map(\.size) == ["s2", "C1"])
    #expect(r.flags.yes)
    let d = try DeleteCommand.parse(["a", "b", "--dry-run"])
    #expect(d.names == ["a", "b"] && d.flags.dryRun)
    #expect(throws: CoreError.self) { try AppsCreateCommand.parse(["Bad Name"]) }
    #expect(try AppsCreateCommand.parse(["ok"]).app == "ok")
    #expect(throws: CLIError.self) { try ListCommand.parse(["extra"]) }
    #expect(try ShowCommand.parse(["--json", "web"]).json)
    #expect(throws: CoreError.self) {
      try BillingPaymentMethodSetCommand.parse(["4242424242424242"])
    }
    // `--` ends the options: what follows is positional even if it looks like a flag.
    let p = try ArgumentParser.parse(["--", "--yes"], options: DeleteCommand.allOptions, command: "delete")
    #expect(p.positionals == ["--yes"] && !p.flag("yes"))
  }

  @Test func exitCodeMap() {
    #expect(ExitCode.of(CLIError.usage("x")) == 2)
    #expect(ExitCode.of(CLIError.notConfirmed("x")) == 3)
    #expect(ExitCode.of(CLIError.failed("x")) == 1)
    #expect(ExitCode.of(CoreError.invalid("x")) == 2)
    #expect(ExitCode.of(CoreError.notFound("x")) == 4)
    #expect(ExitCode.of(CoreError.conflict("x")) == 5)
    #expect(ExitCode.of(CoreError.refused("x")) == 1)
    #expect(ExitCode.of(StoreError.unreadable(path: "p", reason: "r")) == 6)
    #expect(ExitCode.of(StoreError.badCatalogue(path: "p", reason: "r")) == 6)
    #expect(ExitCode.of(StoreError.system(call: "open", path: "p", errno: 13)) == 1)
    #expect(ExitCode.of(Problems([CoreError.notFound("a"), CoreError.invalid("b")])) == 4)
    #expect(ExitCode.messages(Problems([CoreError.notFound("a"), CoreError.invalid("b")])) == ["a", "b"])
  }

  @Test func helpShowsDefaultsAndUsage() {
    let h = Help.command(ScaleCommand.self)
    #expect(h.contains("USAGE: procctl scale [--app APP] [--yes] [--dry-run] [--json] NAME=N..."))
    #expect(h.contains("(default: $PROCCTL_APP, else the only application)"))
    #expect(Help.usage(CreateCommand.self).hasPrefix("procctl create [--app APP] --name NAME [--type worker|cron] --command CMD"))
  }

  @Test func helpFitsIn100Columns() {
    var pages = [Help.root()] + CommandRegistry.all.map { Help.command($0) }
    pages += CommandRegistry.groups.keys.map { Help.group($0) }
    for page in pages {
      for line in page.split(separator: "\n") {
        #expect(line.count <= 100, "too long (\(line.count)): \(line)")
      }
    }
  }

  @Test func longUsageWrapsBetweenPartsAlignedAfterTheCommand() {
    let usage = Help.wrapUsage(CreateCommand.self)
    let lines = usage.split(separator: "\n")
    #expect(lines.count > 1)
    #expect(lines[0].hasPrefix("USAGE: procctl create [--app APP] --name NAME"))
    let indent = String(repeating: " ", count: "USAGE: procctl create ".count)
    for l in lines.dropFirst() {
      #expect(l.hasPrefix(indent + "["), "\(l)")
    }
    // Nothing lost, nothing split: joined again it is the one-line usage.
    let joined = lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    #expect(joined == "USAGE: " + Help.usage(CreateCommand.self))
    #expect(Help.wrapUsage(ScaleCommand.self) == "USAGE: \(Help.usage(ScaleCommand.self))\n")
  }

  @Test func longExamplesBreakBetweenShellWordsWithBackslashes() {
    let e =
      "procctl create --app shop --name web --command 'python3 -m http.server 8080' --size s2 --instances 3 --yes"
    #expect(
      Help.wrapExample(e)
        == "  procctl create --app shop --name web --command 'python3 -m http.server 8080' --size s2 \\\n      --instances 3 --yes\n"
    )
    #expect(Help.wrapExample("procctl list") == "  procctl list\n")
    #expect(Help.shellWords("a 'b c' \"d e\"  f") == ["a", "'b c'", "\"d e\"", "f"])
  }

  @Test func longDiscussionLinesWrapAtWords() {
    let long = Array(repeating: "word", count: 40).joined(separator: " ")
    let wrapped = Help.wrapParagraphs("short line\n" + long)
    let lines = wrapped.split(separator: "\n")
    #expect(lines[0] == "short line")
    #expect(lines.dropFirst().allSatisfy { $0.count <= 100 })
    #expect(lines.dropFirst().joined(separator: " ") == long)
  }

  @Test func tableAlignment() {
    var t = Table([.init("A"), .init("NUM", rightAligned: true), .init("LAST")])
    t.add(["long-name", "5", "x"])
    t.add(["é", "1234", ""])
    #expect(t.render() == "A           NUM  LAST\nlong-name     5  x\né          1234\n")
  }

  func context(_ home: TempHome, terminal: Bool, answers: [String?]) -> Context {
    var queue = answers
    return Context(
      paths: StatePaths(home: home.path), environment: [:], stdinIsTerminal: terminal,
      out: TextOutput(fd: -1), err: TextOutput(fd: -1), useColor: false, workingDirectory: "/srv",
      now: { Timestamp(epochMs: 1_800_000_000_000) },
      readLine: { queue.isEmpty ? nil : queue.removeFirst() })
  }

  func seed(_ home: TempHome) throws {
    let ctx = context(home, terminal: false, answers: [])
    _ = try BillingPaymentMethodSetCommand.parse(["visa-4242"]).run(ctx)
    _ = try CreateCommand.parse(["-a", "demo", "-n", "web", "--command", "x", "-y"]).run(ctx)
  }

  @Test func promptAnswers() throws {
    let home = TempHome()
    defer { home.remove() }
    try seed(home)
    let store = StateStore(paths: StatePaths(home: home.path))
    let yes = context(home, terminal: true, answers: [" Yes "])
    #expect(try ScaleCommand.parse(["web=3"]).run(yes) == 0)
    #expect(yes.err.text == "Confirm? [y/N] scaled demo/web to 3\n")
    #expect(try store.read().apps[0].processes[0].instances == 3)
    #expect(try store.read().apps[0].processes[0].updatedAt == Timestamp(epochMs: 1_800_000_000_000))
    for answer in ["n", "", nil] as [String?] {
      let no = context(home, terminal: true, answers: [answer])
      #expect(throws: CLIError.notConfirmed("not confirmed; nothing changed")) {
        try ScaleCommand.parse(["web=4"]).run(no)
      }
    }
    let script = context(home, terminal: false, answers: ["y"])
    #expect(throws: CLIError.self) { try ScaleCommand.parse(["web=4"]).run(script) }
    #expect(script.out.text.contains("instances:    3 -> 4"))
    #expect(try store.read().apps[0].processes[0].instances == 3)
  }

  @Test func createDefaultsTheWorkingDirectoryToTheCurrentOne() throws {
    let home = TempHome()
    defer { home.remove() }
    try seed(home)
    let ctx = context(home, terminal: false, answers: [])
    _ = try CreateCommand.parse(["-n", "rel", "--command", "x", "--cwd", "sub/dir", "-y"]).run(ctx)
    let doc = try StateStore(paths: StatePaths(home: home.path)).read()
    #expect(doc.apps[0].process(named: "web")?.cwd == "/srv")
    #expect(doc.apps[0].process(named: "rel")?.cwd == "/srv/sub/dir")
  }
}

/// `Context.live` reads the environment from libc's `environ` (no Foundation).
@Suite struct ProcessEnvironmentTests {
  @Test func sameAsFoundationsView() {
    let ours = Context.processEnvironment()
    let foundation = ProcessInfo.processInfo.environment
    #expect(ours == foundation)
    #expect(ours["PATH"] != nil)
  }
}
