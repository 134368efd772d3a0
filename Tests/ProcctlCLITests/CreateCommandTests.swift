import Foundation
import ProcctlTestSupport
import Testing

@Suite("create: summary, confirmation, validation") struct CreateCommandTests {
  static let webSummary = """
    Create worker demo/api:
      app:          demo
      process:      api
      type:         worker (background, restarted forever)
      command:      ./api --port 8080
      pod size:     s2 (1 CPU, 2 GiB)
      instances:    3
      monthly cost: $0.00 -> $120.00 (+$120.00)
      hourly rate:  $0.1644/h
    Monthly total of demo: $10.00 -> $130.00 (+$120.00)
    Payment method: visa-4242

    """
  static let apiArgs = [
    "create", "--app", "demo", "--name", "api", "--command", "./api --port 8080", "--size", "S2",
    "--instances", "3",
  ]

  @Test func createWithYesPrintsTheSummaryAndStoresTheProcess() {
    let s = Sandbox().withDemo()
    expectRun(
      s.run(Self.apiArgs + ["--yes", "--env", "A=1", "--cwd", "/srv"]), exit: 0,
      stdout: Self.webSummary, stderr: "created worker demo/api\n")
    let p = s.process("demo", "api")
    #expect(p?["size"] as? String == "s2")
    #expect(p?["instances"] as? Int == 3)
    #expect(p?["env"] as? [String: String] == ["A": "1"])
    #expect(p?["cwd"] as? String == "/srv")
  }

  @Test func withoutATerminalAndWithoutYesItExits3AndChangesNothing() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectRun(
      s.run(Self.apiArgs), exit: 3, stdout: Self.webSummary,
      stderr:
        "error: not confirmed: standard input is not a terminal; pass --yes to apply (or --dry-run to preview); nothing changed\n"
    )
    #expect(s.stateBytes == before)
  }

  @Test func dryRunPrintsTheSummaryAndChangesNothing() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectRun(
      s.run(Self.apiArgs + ["--dry-run"]), exit: 0, stdout: Self.webSummary,
      stderr: "dry run: nothing changed\n")
    #expect(s.stateBytes == before)
  }

  @Test func aCostIncreaseIsRefusedWithoutAPaymentMethod() {
    let s = Sandbox()
    let r = s.run(["create", "-a", "demo", "-n", "web", "--command", "x", "--yes"])
    expectRun(
      r, exit: 1,
      stderr:
        "error: refusing a change that raises the monthly cost: no payment method is set; set one with 'procctl billing payment-method set LABEL'\n"
    )
    #expect(r.stdout.contains("Payment method: none (set one with 'procctl billing payment-method set LABEL')"))
    #expect(s.stateBytes == nil)
  }

  @Test func createIntoANewApplicationCreatesIt() {
    let s = Sandbox()
    expectOK(s.run(["billing", "payment-method", "set", "cost-center-4711"]))
    let r = s.run(["create", "-a", "shop", "-n", "web", "--command", "x", "-y"])
    expectRun(r, exit: 0, stderr: "created worker shop/web (and application shop)\n")
    #expect(r.stdout.contains("  app:          shop (new)\n"))
    #expect(s.process("shop", "web") != nil)
  }

  @Test func cronJobSummaryGivesTheHourlyRateOfOneInstance() {
    let s = Sandbox().withDemo()
    let r = s.run([
      "create", "--name", "report", "--type", "cron", "--schedule", "0 6 * * mon-fri", "--tz",
      "Europe/Amsterdam", "--command", "./report.sh", "--size", "s2", "--yes", "--concurrency",
      "replace", "--timeout", "5m", "--catch-up", "once", "--log-max-size", "1MiB", "--log-files", "3",
    ])
    expectRun(r, exit: 0, stderr: "created cron demo/report\n")
    #expect(r.stdout.contains("  monthly cost: $0.00 fixed (billed per hour while a run is active)\n"))
    #expect(r.stdout.contains("  hourly rate:  $0.0548/h for one instance, billed only while a run is active\n"))
    let p = s.process("demo", "report")
    #expect(p?["schedule"] as? String == "0 6 * * mon-fri")
    #expect(p?["timeZone"] as? String == "Europe/Amsterdam")
    #expect(p?["concurrency"] as? String == "replace")
    #expect(p?["timeoutMs"] as? Int == 300_000)
    #expect(p?["catchUp"] as? String == "once")
    #expect(p?["logMaxSize"] as? Int == 1 << 20)
    #expect(p?["logFiles"] as? Int == 3)
  }

  @Test func existingProcessIsAConflict() {
    let s = Sandbox().withDemo()
    expectRun(
      s.run(["create", "-n", "web", "--command", "x", "-y"]), exit: 5, stdout: "",
      stderr:
        "error: process \"web\" already exists in application \"demo\"; change it with 'procctl update', 'scale' or 'resize'\n"
    )
  }

  static let badInputs: [([String], String)] = [
    (["--bogus"], "unknown option '--bogus' for 'procctl create' (see 'procctl help create')"),
    (["--size"], "missing value for --size SIZE in 'procctl create'"),
    (["--instances", "0"], "instances must be between 1 and 50, got 0"),
    (["--instances", "51"], "instances must be between 1 and 50, got 51"),
    (["--instances", "-1"], "instances must be between 1 and 50, got -1"),
    (["--instances", "abc"], "invalid instances \"abc\": use a whole number from 1 to 50"),
    (["--instances", "99999999999999999999"], "instances must be between 1 and 50, got 99999999999999999999"),
    (
      ["--instances", "+3"],
      "invalid instances \"+3\": give the count from 1 to 50 without a '+' (to add instances to a process, use 'procctl scale NAME+3')"
    ),
    (
      ["--size", "xl"],
      "unknown pod size \"xl\": use one of hobby, s1, s2, s3, s4, s5, c1, c2, c3, m1, m2, m3 (see 'procctl sizes')"
    ),
    (["--schedule", "* * * * *"], "--schedule is only for cron jobs: \"job\" is a worker (use --type cron)"),
    (["--type", "cron"], "cron job \"job\" needs --schedule EXPR (5 fields, e.g. \"*/5 * * * *\")"),
    (["--type", "daemon"], "invalid type \"daemon\": use worker or cron"),
    (
      ["--type", "cron", "--schedule", "* * * *"],
      "invalid schedule \"* * * *\": expected 5 fields (minute hour day-of-month month day-of-week), got 4"
    ),
    (
      ["--type", "cron", "--schedule", "@daily", "--tz", "Mars/Olympus"],
      "unknown time zone \"Mars/Olympus\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York"
    ),
    (
      ["--type", "cron", "--schedule", "@daily", "--instances", "2"],
      "a cron job runs one instance per run: --instances must be 1, got 2"
    ),
    (["--env", "NOEQUALS"], "invalid --env \"NOEQUALS\": use KEY=VALUE (e.g. LOG_LEVEL=debug)"),
    (
      ["--min-uptime", "soon"],
      "invalid --min-uptime \"soon\": use a duration such as 500ms, 10s or 2m, from 0 to 1h"
    ),
    // Numbers too large for the arithmetic are out of range, not a crash (was exit 132).
    (
      ["--stop-timeout", "9223372036854776"],
      "invalid --stop-timeout \"9223372036854776\": too long; use a duration from 0 to 1h"
    ),
    (
      ["--stop-timeout", "9223372036854775"],
      "invalid --stop-timeout \"9223372036854775\": too long; use a duration from 0 to 1h"
    ),
    (["--stop-timeout", "61m"], "invalid --stop-timeout \"61m\": too long; use a duration from 0 to 1h"),
    (["--min-uptime", "3601"], "invalid --min-uptime \"3601\": too long; use a duration from 0 to 1h"),
    (
      ["--type", "cron", "--schedule", "@daily", "--timeout", "9223372036854775807"],
      "invalid --timeout \"9223372036854775807\": too long; use a duration from 0 to 30d"
    ),
    (
      ["--type", "cron", "--schedule", "@daily", "--timeout", "31d"],
      "invalid --timeout \"31d\": too long; use a duration from 0 to 30d"
    ),
    (["--concurrency", "maybe"], "invalid --concurrency \"maybe\": use forbid, allow or replace"),
    (["--log-max-size", "10 parsecs"], "invalid --log-max-size \"10 parsecs\": use a size such as 512KiB, 10MiB or 1GiB"),
    (["--log-files", "0"], "invalid --log-files \"0\": use a whole number from 1 to 100"),
    (["extra"], "unexpected argument 'extra' for 'procctl create'"),
  ]

  @Test(arguments: badInputs)
  func badInputIsOneLineExit2AndChangesNothing(_ extra: [String], _ message: String) {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectInvalid(s.run(["create", "--name", "job", "--command", "true", "--yes"] + extra), message)
    #expect(s.stateBytes == before)
  }

  @Test func invalidProcessNameSuggestsOne() {
    let s = Sandbox().withDemo()
    expectInvalid(
      s.run(["create", "--name", "Price calculation", "--command", "x", "-y"]),
      "invalid name \"Price calculation\": use lowercase letters, digits and \'-\' (e.g. price-calculation)"
    )
  }

  @Test func invalidCronFieldValueIsRejected() {
    let s = Sandbox().withDemo()
    let r = s.run(["create", "-n", "job", "--type", "cron", "--schedule", "61 * * * *", "--command", "x", "-y"])
    #expect(r.exitCode == 2, "\(r)")
    #expect(r.stdout == "")
    #expect(r.stderr.hasPrefix("error: ") && r.stderr.contains("61"), "\(r)")
  }

  @Test func everyProblemIsReportedAtOnce() {
    let s = Sandbox().withDemo()
    expectRun(
      s.run(["create", "-n", "job", "--command", "x", "--instances", "0", "--env", "X"]), exit: 2,
      stdout: "",
      stderr: """
        error: instances must be between 1 and 50, got 0
        error: invalid --env "X": use KEY=VALUE (e.g. LOG_LEVEL=debug)

        """)
  }

  @Test func jsonOutputIsOneDocument() {
    let s = Sandbox().withDemo()
    let r = s.run(Self.apiArgs + ["--yes", "--json"])
    #expect(r.exitCode == 0)
    let j = json(r.stdout)
    #expect(j["applied"] as? Bool == true)
    #expect(j["dryRun"] as? Bool == false)
    #expect(j["action"] as? String == "create")
    let q = j["quote"] as? [String: Any]
    #expect(q?["differenceCents"] as? Int == 12000)
    #expect(q?["paymentMethod"] as? String == "visa-4242")
    let line = (q?["lines"] as? [[String: Any]])?.first
    #expect(line?["hourlyMillicents"] as? Int == 16438)
    #expect((j["processes"] as? [[String: Any]])?.first?["name"] as? String == "api")
    #expect(r.stderr.contains("Create worker demo/api:"))
  }
}
