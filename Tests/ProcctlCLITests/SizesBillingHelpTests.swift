import Foundation
import ProcctlTestSupport
import Testing

@Suite("sizes, billing, help, version") struct SizesBillingHelpTests {
  @Test func sizesTableAndJSON() throws {
    let s = Sandbox()
    let r = s.run(["sizes"])
    #expect(r.exitCode == 0 && r.stderr == "")
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 13)
    #expect(lines[0] == "NAME   FAMILY             CPU   MEMORY  MONTHLY     HOURLY")
    #expect(lines[1] == "hobby  standard          0.25  256 MiB    $5.00  $0.0068/h")
    #expect(lines[12] == "m3     memory-optimised     2    8 GiB  $135.00  $0.1849/h")
    let j = json(s.run(["sizes", "--json"]).stdout)
    let sizes = j["sizes"] as? [[String: Any]] ?? []
    #expect(sizes.count == 12)
    #expect(sizes.first?["name"] as? String == "hobby")
    #expect(sizes.first?["cpu"] as? Double == 0.25)
    #expect(sizes.first?["memoryMB"] as? Int == 256)
    #expect(sizes.first?["monthlyCents"] as? Int == 500)
    #expect(sizes.first?["family"] as? String == "standard")
  }

  @Test func customCatalogueAndABrokenOne() throws {
    let s = Sandbox()
    try #"{"sizes":[{"name":"Tiny","family":"standard","cpu":0.1,"memoryMB":64,"monthlyCents":100}]}"#
      .write(toFile: s.home.path + "/sizes.json", atomically: true, encoding: .utf8)
    expectRun(
      s.run(["sizes"]), exit: 0,
      stdout: "NAME  FAMILY    CPU  MEMORY  MONTHLY     HOURLY\ntiny  standard  0.1  64 MiB    $1.00  $0.0014/h\n",
      stderr: "")
    try "{\"sizes\": [".write(toFile: s.home.path + "/sizes.json", atomically: true, encoding: .utf8)
    let r = s.run(["sizes"])
    #expect(r.exitCode == 6)
    #expect(r.stderr.hasPrefix("error: pod-size catalogue \(s.home.path)/sizes.json is invalid: "), "\(r)")
  }

  /// A sizes.json without s1 breaks only the default: create says so and points at --size.
  @Test func catalogueWithoutTheDefaultSize() throws {
    let s = Sandbox()
    try #"{"sizes":[{"name":"tiny","family":"standard","cpu":0.1,"memoryMB":64,"monthlyCents":100}]}"#
      .write(toFile: s.home.path + "/sizes.json", atomically: true, encoding: .utf8)
    expectOK(s.run(["billing", "payment-method", "set", "visa-4242"]))
    let before = s.stateBytes
    expectInvalid(
      s.run(["create", "-a", "shop", "-n", "web", "--command", "x", "-y"]),
      "the default pod size \"s1\" is not in \(s.home.path)/sizes.json (it has tiny): choose one with --size SIZE"
    )
    #expect(s.stateBytes == before)
    expectInvalid(
      s.run(["create", "-a", "shop", "-n", "web", "--command", "x", "--size", "s1", "-y"]),
      "unknown pod size \"s1\": use one of tiny (see 'procctl sizes')")
    expectOK(s.run(["create", "-a", "shop", "-n", "web", "--command", "x", "--size", "tiny", "-y"]))
  }

  /// A change of no application has no "app" field (not "app": "").
  @Test func paymentMethodJSONHasNoAppField() {
    let s = Sandbox()
    let r = s.run(["billing", "payment-method", "set", "visa-4242", "--json"])
    expectRun(r, exit: 0, stderr: "payment method set to visa-4242\n")
    let j = json(r.stdout)
    #expect(j["action"] as? String == "billing payment-method set")
    #expect(j["app"] == nil, "\(r)")
    #expect(!r.stdout.contains("\"app\""))
    let u = json(s.run(["billing", "payment-method", "unset", "--json"]).stdout)
    #expect(u["action"] as? String == "billing payment-method unset")
    #expect(u["app"] == nil)
    // A change of an application keeps it.
    #expect(json(s.run(["apps", "create", "shop", "--json"]).stdout)["app"] as? String == "shop")
  }

  @Test func billing() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-a", "shop", "-n", "job", "-t", "cron", "--schedule", "@daily", "--command", "x", "-y"]))
    expectRun(
      s.run(["billing"]), exit: 0,
      stdout: """
        Payment method: visa-4242

        APP    WORKERS  CRON JOBS  MONTHLY
        demo         1          0   $10.00
        shop         0          1    $0.00
        TOTAL                       $10.00

        Cron jobs are billed per hour while a run is active ('procctl list' shows their rates).

        """, stderr: "")
    let j = json(s.run(["billing", "--json"]).stdout)
    #expect(j["paymentMethod"] as? String == "visa-4242")
    #expect(j["totalMonthlyCents"] as? Int == 1000)
    let apps = j["apps"] as? [[String: Any]] ?? []
    #expect(apps.map { $0["name"] as? String } == ["demo", "shop"])
    #expect(apps[1]["cronHourlyMillicents"] as? Int == 2740)
  }

  @Test func paymentMethod() {
    let s = Sandbox()
    expectRun(s.run(["billing"]), exit: 0, stdout: "Payment method: none (set one with 'procctl billing payment-method set LABEL')\n\nAPP    WORKERS  CRON JOBS  MONTHLY\nTOTAL                        $0.00\n")
    expectRun(
      s.run(["billing", "payment-method", "set", "cost-center-4711"]), exit: 0, stdout: "",
      stderr: "payment method set to cost-center-4711\n")
    expectInvalid(
      s.run(["billing", "payment-method", "set", "4242 4242 4242 4242"]),
      "refusing payment method \"4242 4242 4242 4242\": it looks like a full card number; store a label such as visa-4242 instead"
    )
    expectInvalid(
      s.run(["billing", "payment-method", "set", "4111-1111-1111-1111"]),
      "refusing payment method \"4111-1111-1111-1111\": it looks like a full card number; store a label such as visa-4242 instead"
    )
    expectInvalid(s.run(["billing", "payment-method", "set"]), "missing LABEL for 'procctl billing payment-method set'")
    #expect(json(s.run(["billing", "--json"]).stdout)["paymentMethod"] as? String == "cost-center-4711")
  }

  @Test func paymentMethodUnset() {
    let s = Sandbox()
    // Nothing to remove: success, nothing changes.
    expectRun(
      s.run(["billing", "payment-method", "unset"]), exit: 0, stdout: "",
      stderr: "nothing to change\n")
    expectInvalid(
      s.run(["billing", "payment-method", "unset", "visa"]),
      "unexpected argument 'visa' for 'procctl billing payment-method unset'")
    _ = s.withDemo()
    let warning =
      "applications cost $10.00/month; changes that raise the cost will be refused until a payment method is set ('procctl billing payment-method set LABEL')"
    // --dry-run shows what would change, and the consequence, and changes nothing.
    let before = s.stateBytes
    expectRun(
      s.run(["billing", "payment-method", "unset", "--dry-run"]), exit: 0,
      stdout: "Remove the payment method:\n  payment method: visa-4242 -> none\n  \(warning)\n",
      stderr: "dry run: nothing changed\n")
    #expect(s.stateBytes == before)
    // No confirmation needed (nothing costs more), --yes accepted.
    expectRun(
      s.run(["billing", "payment-method", "unset", "--yes"]), exit: 0, stdout: "",
      stderr: "payment method removed; \(warning)\n")
    #expect(json(s.run(["billing", "--json"]).stdout)["paymentMethod"] == nil)
    // What runs stays; a cost increase is now refused, a decrease is not.
    #expect(s.run(["scale", "-a", "demo", "web=3", "--yes"]).exitCode == 1)
    expectOK(s.run(["scale", "-a", "demo", "web=1", "--yes"]))
    // --json: the change result document.
    expectOK(s.run(["billing", "payment-method", "set", "visa-4242"]))
    let j = json(s.run(["billing", "payment-method", "unset", "--json"]).stdout)
    #expect(j["action"] as? String == "billing payment-method unset")
    #expect(j["applied"] as? Bool == true)
    #expect((j["changes"] as? [String])?.first == "payment method: visa-4242 -> none")
  }

  @Test func helpEverywhere() {
    let s = Sandbox()
    let top = s.run(["--help"])
    #expect(top.exitCode == 0)
    #expect(top.stdout.hasPrefix("OVERVIEW: "))
    #expect(top.stdout.contains("USAGE: procctl [--home DIR] <subcommand> [options]"))
    #expect(top.stdout.contains("  billing payment-method set\n"))
    #expect(top.stdout.hasSuffix("See 'procctl help <subcommand>' for detailed help.\n"))
    #expect(top.stdout.contains("\nEXAMPLES:\n  procctl billing payment-method set visa-4242\n"))
    #expect(top.stdout.contains("  procctl scale --app shop web=5 --yes\n"))
    for group in [["apps"], ["billing", "payment-method"], ["cron"]] {
      let g = s.run(group)
      #expect(g.exitCode == 0 && g.stderr == "")
      #expect(g.stdout.contains("\nSUBCOMMANDS:\n"))
      #expect(g.stdout.contains("\nEXAMPLES:\n  procctl \(group.joined(separator: " ")) "), "\(g)")
      #expect(s.run(["help"] + group).stdout == g.stdout)
    }
    #expect(s.run(["apps"]).stdout.contains("EXAMPLES:\n  procctl apps create shop\n  procctl apps list\n"))
    // Duration flags state their limits.
    let create = s.run(["help", "create"]).stdout
    #expect(create.contains("SIGKILL; 0 to 1h. (default: 10s)"), "\(create)")
    #expect(create.contains("30d. (default: none)"), "\(create)")
    let h = s.run(["help", "create"])
    #expect(h.exitCode == 0 && h.stderr == "")
    for section in ["OVERVIEW:", "USAGE: procctl create", "OPTIONS:", "EXAMPLES:", "See 'procctl help <subcommand>'"] {
      #expect(h.stdout.contains(section), "\(section)")
    }
    #expect(h.stdout.contains("-s, --size SIZE           Pod size (see 'procctl sizes'). (default: s1)"))
    #expect(s.run(["create", "--help"]).stdout == h.stdout)
    #expect(s.run(["create", "--name", "x", "-h"]).stdout == h.stdout)
    #expect(s.run(["help", "billing", "payment-method", "set"]).stdout.contains("ARGUMENTS:\n  LABEL"))
    expectInvalid(s.run(["help", "nope"]), "no help for 'nope': unknown subcommand (see 'procctl --help')")
    expectInvalid(s.run(["nope"]), "unknown subcommand 'nope' (see 'procctl --help' for the list)")
    expectRun(s.run(["--version"]), exit: 0, stdout: "procctl 0.1.0\n", stderr: "")
  }

  @Test func homeFlagBeforeAndAfterTheSubcommand() {
    let s = Sandbox()
    let other = TempHome()
    defer { other.remove() }
    expectOK(s.run(["--home", other.path, "apps", "create", "a1"]))
    expectOK(s.run(["apps", "create", "a2", "--home", other.path]))
    expectOK(s.run(["--home=\(other.path)", "apps", "create", "a3"]))
    expectOK(s.run(["apps", "--home", other.path, "create", "a4"]))
    #expect(s.stateBytes == nil)
    let names = (json(s.run(["apps", "list", "--json", "--home", other.path]).stdout)["apps"] as? [[String: Any]])?
      .compactMap { $0["name"] as? String }
    #expect(names == ["a1", "a2", "a3", "a4"])
  }

  /// An empty --home is a usage error (never the default directory); an empty PROCCTL_HOME is
  /// unset, like XDG variables.
  @Test func emptyHome() throws {
    let s = Sandbox().withDemo()
    let message =
      "invalid --home \"\": give a state directory (leave --home out to use $PROCCTL_HOME or the default)"
    for args in [
      ["--home", "", "list"], ["--home=", "list"], ["list", "--home", ""], ["list", "--home="],
      ["apps", "--home", "", "create", "x"], ["apps", "create", "x", "--home", ""],
    ] {
      expectInvalid(s.run(args), message)
    }
    let xdg = TempHome()
    defer { xdg.remove() }
    expectOK(s.run(["apps", "create", "elsewhere"], env: ["PROCCTL_HOME": "", "XDG_STATE_HOME": xdg.path]))
    #expect(FileManager.default.fileExists(atPath: xdg.path + "/procctl/state.json"))
    #expect(!(s.state["apps"] as? [[String: Any]] ?? []).contains { $0["name"] as? String == "elsewhere" })
  }
}
