import Foundation
import ProcctlTestSupport
import Testing

@Suite("update") struct UpdateCommandTests {
  @Test func updateChangesSettingsWithoutConfirmation() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["update", "web", "--env", "A=1", "--env", "B=2"]))
    expectRun(
      s.run([
        "update", "web", "--unset-env", "A", "--env", "B=3", "--min-uptime", "5s", "--stop-timeout",
        "1m30s", "--command", "sleep 5", "--log-max-size", "512KiB", "--log-files", "2",
      ]), exit: 0,
      stdout: """
        Update worker demo/web:
          command: sleep 1000 -> sleep 5
          env B changed
          env A removed
          min uptime: 1s -> 5s
          stop timeout: 10s -> 1m30s
          log max size: 10MiB -> 512KiB
          log files: 5 -> 2

        """, stderr: "updated demo/web\n")
    let p = s.process("demo", "web")
    #expect(p?["env"] as? [String: String] == ["B": "3"])
    #expect(p?["minUptimeMs"] as? Int == 5000)
    #expect(p?["stopTimeoutMs"] as? Int == 90_000)
    #expect(p?["command"] as? String == "sleep 5")
    #expect(p?["logMaxSize"] as? Int == 512 * 1024)
    #expect(p?["logFiles"] as? Int == 2)
  }

  @Test func nothingToChangeIsSuccess() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectRun(
      s.run(["update", "web", "--command", "sleep 1000", "--yes"]), exit: 0, stdout: "",
      stderr: "nothing to change\n")
    #expect(s.stateBytes == before)
  }

  @Test func dryRunShowsTheChangesOnly() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectRun(
      s.run(["update", "web", "--env", "K=V", "--dry-run"]), exit: 0,
      stdout: "Update worker demo/web:\n  env K set\n", stderr: "dry run: nothing changed\n")
    #expect(s.stateBytes == before)
  }

  @Test func cronSettingsOnAWorkerAreRejected() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectInvalid(
      s.run(["update", "web", "--schedule", "* * * * *"]),
      "--schedule is only for cron jobs: \"web\" is a worker")
    expectRun(
      s.run(["update", "web", "--concurrency", "allow", "--timeout", "1m"]), exit: 2, stdout: "",
      stderr: """
        error: --concurrency is only for cron jobs: "web" is a worker
        error: --timeout is only for cron jobs: "web" is a worker

        """)
    #expect(s.stateBytes == before)
  }

  @Test func cronJobUpdates() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-n", "job", "-t", "cron", "--schedule", "@hourly", "--command", "x", "-y"]))
    expectOK(s.run(["update", "job", "--schedule", "*/5 * * * *", "--tz", "America/New_York", "--timeout", "30s", "--catch-up", "once", "--concurrency", "allow"]))
    let p = s.process("demo", "job")
    #expect(p?["schedule"] as? String == "*/5 * * * *")
    #expect(p?["timeZone"] as? String == "America/New_York")
    #expect(p?["timeoutMs"] as? Int == 30_000)
    #expect(p?["catchUp"] as? String == "once")
    #expect(p?["concurrency"] as? String == "allow")
    expectOK(s.run(["update", "job", "--timeout", "none"]))
    #expect(s.process("demo", "job")?["timeoutMs"] == nil)
    expectInvalid(
      s.run(["update", "job", "--min-uptime", "2s"]),
      "--min-uptime is only for workers; \"job\" is a cron job (not restarted)")
    expectInvalid(
      s.run(["update", "job", "--tz", "Nowhere/Land"]),
      "unknown time zone \"Nowhere/Land\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York")
  }

  @Test func badInput() {
    let s = Sandbox().withDemo()
    expectInvalid(
      s.run(["update", "web"]),
      "nothing to update for 'procctl update web': give --command, --env, --unset-env, --schedule, --tz, --cwd, --min-uptime, --stop-timeout, --concurrency, --timeout, --catch-up, --log-max-size or --log-files"
    )
    expectInvalid(s.run(["update", "web", "--env", "=x"]), "invalid --env \"=x\": the variable name must be letters, digits and '_', not starting with a digit")
    expectInvalid(s.run(["update", "web", "--env", "NOPE"]), "invalid --env \"NOPE\": use KEY=VALUE (e.g. LOG_LEVEL=debug)")
    expectInvalid(s.run(["update", "web", "--instances", "3"]), "unknown option '--instances' for 'procctl update' (see 'procctl help update')")
    expectRun(
      s.run(["update", "nope", "--env", "A=1"]), exit: 4, stdout: "",
      stderr: "error: process \"nope\" not found in application \"demo\"; processes: web\n")
  }

  /// Durations have a ceiling, the same in seconds and with units, and no number crashes.
  @Test func durationsPastTheirLimit() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-n", "job", "-t", "cron", "--schedule", "@daily", "--command", "x", "-y"]))
    let before = s.stateBytes
    for (args, message) in [
      (["web", "--stop-timeout", "99999999999999999"],
       "invalid --stop-timeout \"99999999999999999\": too long; use a duration from 0 to 1h"),
      (["web", "--stop-timeout", "9223372036854775"],
       "invalid --stop-timeout \"9223372036854775\": too long; use a duration from 0 to 1h"),
      (["web", "--stop-timeout", "3601"],
       "invalid --stop-timeout \"3601\": too long; use a duration from 0 to 1h"),
      (["web", "--stop-timeout", "1h1s"],
       "invalid --stop-timeout \"1h1s\": too long; use a duration from 0 to 1h"),
      (["web", "--min-uptime", "2h"],
       "invalid --min-uptime \"2h\": too long; use a duration from 0 to 1h"),
      (["job", "--timeout", "9223372036854775807"],
       "invalid --timeout \"9223372036854775807\": too long; use a duration from 0 to 30d"),
    ] {
      expectInvalid(s.run(["update"] + args), message)
    }
    #expect(s.stateBytes == before)
    // The limits themselves are accepted, in either form.
    expectOK(s.run(["update", "web", "--stop-timeout", "3600"]))
    #expect(s.process("demo", "web")?["stopTimeoutMs"] as? Int == 3_600_000)
    expectOK(s.run(["update", "web", "--stop-timeout", "1h", "--min-uptime", "1h"]))
    expectOK(s.run(["update", "job", "--timeout", "30d"]))
    #expect(s.process("demo", "job")?["timeoutMs"] as? Int == 2_592_000_000)
  }
}
