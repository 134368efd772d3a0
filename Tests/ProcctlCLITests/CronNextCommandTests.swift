import ProcctlTestSupport
import Testing

@Suite("procctl cron next (end to end)")
struct CronNextCommandTests {
  @Test func printsFireTimesWithTheZonesOffset() {
    let r = runProcctl(
      ["cron", "next", "30 2 * * *", "--tz", "Europe/Amsterdam", "--from", "2026-03-28T00:00:00Z",
       "--count", "3"], home: nil)
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout == "2026-03-28T02:30:00+01:00\n2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n")
    #expect(r.stderr == "")
  }

  @Test func defaultsToFiveTimesInUTC() {
    let r = runProcctl(["cron", "next", "@daily", "--from", "2026-01-01T00:00:00+01:00"], home: nil)
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout == (0..<5).map { "2026-01-0\($0 + 1)T00:00:00+00:00\n" }.joined())
  }

  @Test func findsRunsYearsAway() {
    let r = runProcctl(
      ["cron", "next", "0 0 29 2 *", "--from", "2096-03-01T00:00:00Z", "-n", "1"], home: nil)
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout == "2104-02-29T00:00:00+00:00\n")
  }

  @Test func fallBackInNewYork() {
    let r = runProcctl(
      ["cron", "next", "*/30 1 * * *", "--tz", "America/New_York", "--from",
       "2026-11-01T00:00:00-04:00", "--count", "4"], home: nil)
    #expect(r.exitCode == 0, "\(r)")
    #expect(r.stdout == """
      2026-11-01T01:00:00-04:00
      2026-11-01T01:30:00-04:00
      2026-11-01T01:00:00-05:00
      2026-11-01T01:30:00-05:00

      """)
  }

  @Test func nowIsTheDefaultStart() throws {
    let r = runProcctl(["cron", "next", "* * * * *", "-n", "2"], home: nil)
    #expect(r.exitCode == 0, "\(r)")
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.count == 2)
    #expect(lines.allSatisfy { $0.hasSuffix(":00+00:00") })
  }

  @Test(arguments: [
    (["0 0 30 2 *"],
     "error: invalid schedule \"0 0 30 2 *\": day-of-month field \"30\" names no day that occurs in month field \"2\", so the schedule never fires\n"),
    (["@reboot"],
     "error: invalid schedule \"@reboot\": @reboot is not a time schedule; cron jobs run only at scheduled times\n"),
    (["TZ=UTC 0 0 * * *"],
     "error: invalid schedule \"TZ=UTC 0 0 * * *\": an inline TZ= prefix is not supported; give the time zone with --tz instead\n"),
    (["0 0 * * * 2026"],
     "error: invalid schedule \"0 0 * * * 2026\": expected 5 fields (minute hour day-of-month month day-of-week), got 6; seconds and year fields are not supported\n"),
    (["* * * * MON#2"],
     "error: invalid schedule \"* * * * MON#2\": day-of-week field \"MON#2\": \"#\" is not supported (cronie has no L, W, #, ?, H or ~); allowed: 0-7 (0 and 7 are Sunday) or sun-sat\n"),
    (["* * * * *", "--tz", "Mars/Olympus"],
     "error: unknown time zone \"Mars/Olympus\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York\n"),
    (["* * * * *", "--tz", "../../etc/passwd"],
     "error: unknown time zone \"../../etc/passwd\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York\n"),
    (["* * * * *", "--count", "0"], "error: invalid --count \"0\": use a number from 1 to 1000\n"),
    (["* * * * *", "--count", "x"], "error: invalid --count \"x\": use a number from 1 to 1000\n"),
    (["* * * * *", "--from", "tomorrow"],
     "error: invalid --from \"tomorrow\": use an RFC 3339 time such as 2026-03-29T01:30:00Z or 2026-03-29T03:30:00+02:00\n"),
  ])
  func rejectsBadInput(_ args: [String], _ message: String) {
    let r = runProcctl(["cron", "next"] + args, home: nil)
    #expect(r.exitCode == 2, "\(r)")
    #expect(r.stdout == "")
    #expect(r.stderr == message)
  }

  /// The parser's table of rejected expressions through the real binary (the rows run in
  /// parallel): exit 2, nothing on stdout, the message on stderr.
  @Test(arguments: badSchedules)
  func rejectsEveryInvalidExpression(_ c: BadSchedule) {
    let r = runProcctl(["cron", "next", c.expr], home: nil)
    #expect(r.exitCode == 2, "\(r)")
    #expect(r.stdout == "")
    #expect(r.stderr == "error: invalid schedule \"\(c.expr)\": \(c.message)\n")
  }

  /// A schedule that starts like a negative number is the schedule, not an unknown option, on
  /// `create` and `update` too; its parser names the field.
  @Test func aScheduleStartingWithMinusAndADigitNamesTheField() {
    let s = Sandbox()
    expectOK(s.run(["billing", "payment-method", "set", "visa-4242"]))
    expectOK(s.run(["apps", "create", "a"]))
    let message =
      "error: invalid schedule \"-5 * * * *\": minute field \"-5\": \"-5\" is malformed;"
      + " use n, a-b, a-b/s, * or */s\n"
    let next = runProcctl(["cron", "next", "-5 * * * *", "--count", "1"], home: nil)
    expectRun(next, exit: 2, stdout: "", stderr: message)
    let create = s.run([
      "create", "--app", "a", "--name", "job", "--type", "cron", "--schedule", "-5 * * * *",
      "--command", "true", "--yes",
    ])
    expectRun(create, exit: 2, stdout: "", stderr: message)
    let made = s.run([
      "create", "--app", "a", "--name", "job", "--type", "cron", "--schedule", "@daily",
      "--command", "true", "--yes",
    ])
    expectOK(made)
    let update = s.run(["update", "--app", "a", "job", "--schedule", "-5 * * * *", "--yes"])
    expectRun(update, exit: 2, stdout: "", stderr: message)
  }

  @Test func missingExpression() {
    let r = runProcctl(["cron", "next"], home: nil)
    #expect(r.exitCode == 2)
    #expect(r.stdout == "")
    #expect(r.stderr.contains("missing EXPR"))
  }
}
