import Foundation
import ProcctlTestSupport
import Testing

@Suite("list and show") struct ListShowCommandTests {
  @Test func listTableAndJSON() {
    let s = Sandbox().withDemo()
    expectOK(
      s.run([
        "create", "-n", "nightly", "--type", "cron", "--schedule", "@daily", "--tz", "Europe/Amsterdam",
        "--command", "x", "-y",
      ]))
    expectRun(
      s.run(["list"]), exit: 0,
      stdout: """
        APP   NAME     TYPE    SIZE   INSTANCES  SCHEDULE                            MONTHLY
        demo  web      worker  hobby          2  -                                    $10.00
        demo  nightly  cron    s1             1  @daily (Europe/Amsterdam)  $0.0274/h active

        """)
    // Without a supervisor, list says so (issue 3).
    #expect(s.run(["list"]).stderr.hasPrefix("no supervisor is running"))
    let j = json(s.run(["list", "--json"]).stdout)
    let ps = j["processes"] as? [[String: Any]] ?? []
    #expect(ps.count == 2)
    #expect(
      Set(ps[0].keys) == [
        "app", "name", "type", "command", "size", "cpu", "memoryMB", "instances", "env", "cwd",
        "minUptimeMs", "stopTimeoutMs", "logMaxSize", "logFiles", "monthlyCents",
        "hourlyMillicents", "createdAt", "updatedAt",
      ])
    #expect(ps[0]["monthlyCents"] as? Int == 1000)
    #expect(ps[1]["schedule"] as? String == "@daily")
    #expect(ps[1]["concurrency"] as? String == "forbid")
    #expect(ps[1]["catchUp"] as? String == "none")
  }

  @Test func listFiltersByAppAndReportsAMissingOne() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-a", "other", "-n", "w", "--command", "x", "-y"]))
    #expect(s.run(["list"]).stdout.split(separator: "\n").count == 3)
    #expect(s.run(["list", "--app", "other"]).stdout.split(separator: "\n").count == 2)
    #expect(s.run(["list"], env: ["PROCCTL_APP": "demo"]).stdout.contains("other") == false)
    expectRun(
      s.run(["list", "-a", "nope"]), exit: 4, stdout: "",
      stderr:
        "error: application \"nope\" not found; applications: demo, other (create it with 'procctl apps create nope')\n"
    )
  }

  @Test func emptyList() {
    let s = Sandbox()
    expectRun(s.run(["list"]), exit: 0, stdout: "", stderr: "no processes yet; add one with 'procctl create'\n")
    let r = s.run(["list", "--json"])
    expectRun(r, exit: 0, stderr: "")
    #expect((json(r.stdout)["processes"] as? [Any])?.isEmpty == true, "\(r)")
  }

  @Test func showHumanAndJSON() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["update", "web", "--env", "B=2", "--env", "A=1"]))
    let r = s.run(["show", "web"])
    #expect(r.exitCode == 0)
    #expect(r.stdout.hasPrefix("app:          demo\nname:         web\ntype:         worker\ncommand:      sleep 1000\nsize:         hobby (0.25 CPU, 256 MiB)\ninstances:    2\nmin uptime:   1s\nstop timeout: 10s\n"), "\(r)")
    #expect(r.stdout.hasSuffix("env:          A=1\n              B=2\n"), "\(r)")
    let j = json(s.run(["show", "--app", "demo", "web", "--json"]).stdout)
    #expect(j["name"] as? String == "web")
    #expect(j["env"] as? [String: String] == ["A": "1", "B": "2"])
    #expect(j["hourlyMillicents"] as? Int == 1370)
    expectRun(
      s.run(["show", "nope"]), exit: 4, stdout: "",
      stderr: "error: process \"nope\" not found in application \"demo\"; processes: web\n")
    expectInvalid(s.run(["show"]), "missing NAME for 'procctl show'")
  }

  @Test func appIsRequiredWhenSeveralExist() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["apps", "create", "other"]))
    expectInvalid(
      s.run(["show", "web"]),
      "several applications exist (demo, other): name one with --app APP or PROCCTL_APP")
    expectOK(s.run(["show", "web"], env: ["PROCCTL_APP": "demo"]))
    expectOK(s.run(["show", "web", "--app", "demo"]))
  }

  /// PROCCTL_APP is checked like --app: a bad name is exit 2 naming the variable, not "not found".
  @Test(arguments: [
    ["show", "web"], ["list"], ["scale", "web=3", "-y"], ["ps"], ["update", "web", "--env", "A=1"],
    ["create", "-n", "api", "--command", "x", "-y"], ["delete", "web", "-y"],
  ])
  func badNameInProcctlAppIsAUsageError(_ args: [String]) {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectInvalid(
      s.run(args, env: ["PROCCTL_APP": "BAD"]),
      "invalid name \"BAD\" (from PROCCTL_APP): use lowercase letters, digits and '-' (e.g. bad)")
    #expect(s.stateBytes == before)
    // --app wins over the variable, so a good --app still works.
    if args[0] == "show" { expectOK(s.run(args + ["--app", "demo"], env: ["PROCCTL_APP": "BAD"])) }
  }
}
