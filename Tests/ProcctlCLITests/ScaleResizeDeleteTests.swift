import Foundation
import ProcctlTestSupport
import Testing

@Suite("scale, resize, delete") struct ScaleResizeDeleteTests {
  func instances(_ s: Sandbox, _ name: String) -> Int? { s.process("demo", name)?["instances"] as? Int }

  @Test func scaleForms() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-n", "api", "--command", "x", "--size", "hobby", "-y"]))
    let r = s.run(["scale", "web=5", "api", "3", "--yes"])
    expectRun(r, exit: 0, stderr: "scaled demo/web to 5, demo/api to 3\n")
    #expect(r.stdout.contains("  instances:    2 -> 5\n  monthly cost: $10.00 -> $25.00 (+$15.00)\n"))
    #expect(r.stdout.contains("Monthly total of demo: $15.00 -> $40.00 (+$25.00)\n"))
    expectOK(s.run(["scale", "web-2", "api+1", "-y"]))
    #expect(instances(s, "web") == 3)
    #expect(instances(s, "api") == 4)
    expectOK(s.run(["scale", "web", "-1", "-y"]))
    #expect(instances(s, "web") == 2)
  }

  @Test func scaleValidatesEverythingBeforeChangingAnything() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectInvalid(s.run(["scale", "web=0", "-y"]), "instances must be between 1 and 50, got 0")
    expectInvalid(s.run(["scale", "web=51", "-y"]), "instances must be between 1 and 50, got 51")
    expectInvalid(s.run(["scale", "web=-1", "-y"]), "instances must be between 1 and 50, got -1")
    expectInvalid(s.run(["scale", "web=abc", "-y"]), "invalid instances \"abc\": use a whole number from 1 to 50")
    expectInvalid(
      s.run(["scale", "web+49", "-y"]),
      "scale web+49: 2 would become 51; instances must be between 1 and 50")
    expectInvalid(s.run(["scale", "web", "-y"]), "missing instance count for \"web\": use web=N, web N, web+N or web-N")
    expectInvalid(s.run(["scale", "-y"]), "missing NAME=N for 'procctl scale' (e.g. 'procctl scale web=3')")
    expectRun(
      s.run(["scale", "web=3", "nope=2", "-y"]), exit: 4, stdout: "",
      stderr: "error: process \"nope\" not found in application \"demo\"; processes: web\n")
    #expect(s.stateBytes == before)
  }

  /// Numbers of any size are the range error (never a crash, never "nothing to change"); a
  /// '+' after '=' is refused with the relative form as a hint.
  static let hugeOrSigned: [([String], String)] = [
    (
      ["web", "+9223372036854775807"],
      "scale web+9223372036854775807: 2 would become more than 50; instances must be between 1 and 50"
    ),
    (
      ["web+9223372036854775807"],
      "scale web+9223372036854775807: 2 would become more than 50; instances must be between 1 and 50"
    ),
    (
      ["web", "-9223372036854775807"],
      "scale web-9223372036854775807: 2 would become -9223372036854775805; instances must be between 1 and 50"
    ),
    (
      ["web", "+99999999999999999999"],
      "scale web+99999999999999999999: instances must be between 1 and 50, so a change is at most 49 either way"
    ),
    (
      ["web", "-99999999999999999999"],
      "scale web-99999999999999999999: instances must be between 1 and 50, so a change is at most 49 either way"
    ),
    (
      ["web+99999999999999999999"],
      "scale web+99999999999999999999: instances must be between 1 and 50, so a change is at most 49 either way"
    ),
    (
      ["web-99999999999999999999"],
      "scale web-99999999999999999999: instances must be between 1 and 50, so a change is at most 49 either way"
    ),
    (["web=99999999999999999999"], "instances must be between 1 and 50, got 99999999999999999999"),
    (["web", "99999999999999999999"], "instances must be between 1 and 50, got 99999999999999999999"),
    (
      ["web=+3"],
      "invalid instances \"+3\": give the count from 1 to 50 without a '+'; to add 3 instances use web+3"
    ),
  ]

  @Test(arguments: hugeOrSigned)
  func hugeNumbersAndSignsAreOneLineExit2(_ args: [String], _ message: String) {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    expectInvalid(s.run(["scale"] + args + ["--yes"]), message)
    #expect(s.stateBytes == before)
  }

  @Test func signedCountAfterASpaceIsRelative() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["scale", "web", "+3", "--yes"]))
    #expect(instances(s, "web") == 5)
  }

  @Test func scaleNeedsConfirmationAndRefusesCronJobs() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    let r = s.run(["scale", "web=3"])
    #expect(r.exitCode == 3)
    #expect(r.stderr.contains("pass --yes"))
    expectRun(s.run(["scale", "web=3", "--dry-run"]), exit: 0, stderr: "dry run: nothing changed\n")
    #expect(s.stateBytes == before)
    expectRun(s.run(["scale", "web=2"]), exit: 0, stdout: "", stderr: "nothing to change\n")
    expectOK(s.run(["create", "-n", "job", "-t", "cron", "--schedule", "@daily", "--command", "x", "-y"]))
    expectInvalid(
      s.run(["scale", "job=2", "-y"]),
      "cannot scale cron job \"job\": a cron job runs one instance per run")
  }

  @Test func scaleDownNeedsNoPaymentMethodButStillConfirmation() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["billing", "payment-method", "unset"]))
    #expect(s.run(["scale", "web+1", "-y"]).exitCode == 1)
    #expect(s.run(["scale", "web-1"]).exitCode == 3)
    let r = s.run(["scale", "web-1", "--json", "--yes"])
    #expect(r.exitCode == 0)
    let j = json(r.stdout)
    #expect((j["quote"] as? [String: Any])?["raisesCost"] as? Bool == false)
    #expect((j["quote"] as? [String: Any])?["differenceCents"] as? Int == -500)
  }

  @Test func resize() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-n", "api", "--command", "x", "-y"]))
    let r = s.run(["resize", "web=S2", "api", "c1", "-y"])
    expectRun(r, exit: 0, stderr: "resized demo/web to s2, demo/api to c1\n")
    #expect(r.stdout.contains("  pod size:     hobby (0.25 CPU, 256 MiB) -> s2 (1 CPU, 2 GiB)\n"))
    #expect(r.stdout.contains("  monthly cost: $10.00 -> $80.00 (+$70.00)\n"))
    #expect(s.process("demo", "web")?["size"] as? String == "s2")
    #expect(s.process("demo", "api")?["size"] as? String == "c1")
    let before = s.stateBytes
    expectInvalid(
      s.run(["resize", "web=xl", "-y"]),
      "unknown pod size \"xl\": use one of hobby, s1, s2, s3, s4, s5, c1, c2, c3, m1, m2, m3 (see 'procctl sizes')")
    expectInvalid(s.run(["resize", "web"]), "missing size for \"web\": use web=SIZE or web SIZE")
    expectRun(s.run(["resize", "web=s2"]), exit: 0, stdout: "", stderr: "nothing to change\n")
    #expect(s.run(["resize", "web=s3"]).exitCode == 3)
    #expect(s.stateBytes == before)
  }

  @Test func delete() {
    let s = Sandbox().withDemo()
    expectOK(s.run(["create", "-n", "api", "--command", "x", "-y"]))
    expectOK(s.run(["create", "-n", "db", "--command", "x", "-y"]))
    let before = s.stateBytes
    expectRun(
      s.run(["delete", "api", "nope", "-y"]), exit: 4, stdout: "",
      stderr: "error: process \"nope\" not found in application \"demo\"; processes: web, api, db\n")
    let r = s.run(["delete", "api", "db"])
    #expect(r.exitCode == 3)
    #expect(r.stdout.contains("Delete worker demo/api:"))
    #expect(s.stateBytes == before)
    expectRun(s.run(["delete", "api", "db", "--yes"]), exit: 0, stderr: "deleted demo/api, demo/db\n")
    #expect(s.process("demo", "api") == nil)
    #expect(s.process("demo", "web") != nil)
    expectInvalid(s.run(["delete"]), "missing NAME for 'procctl delete'")
  }
}
