import Foundation
import ProcctlTestSupport
import Testing

@Suite("apps create/list/delete") struct AppsCommandTests {
  @Test func createListDelete() {
    let s = Sandbox()
    expectRun(s.run(["apps", "create", "shop"]), exit: 0, stdout: "", stderr: "created application shop\n")
    expectRun(
      s.run(["apps", "create", "shop"]), exit: 5, stdout: "",
      stderr: "error: application \"shop\" already exists\n")
    let list = s.run(["apps", "list"])
    #expect(list.exitCode == 0)
    #expect(list.stdout.hasPrefix("NAME  PROCESSES  MONTHLY  CREATED\nshop          0    $0.00  20"), "\(list)")
    let j = json(s.run(["apps", "list", "--json"]).stdout)
    let apps = j["apps"] as? [[String: Any]]
    #expect(apps?.count == 1)
    #expect(Set(apps?.first?.keys.map { $0 } ?? []) == ["name", "processes", "workers", "cronJobs", "monthlyCents", "createdAt"])
    expectRun(s.run(["apps", "delete", "shop"]), exit: 0, stdout: "", stderr: "deleted application shop\n")
    expectRun(
      s.run(["apps", "delete", "shop"]), exit: 4, stdout: "",
      stderr: "error: application \"shop\" not found; applications: (none)\n")
    expectRun(
      s.run(["apps", "list"]), exit: 0, stdout: "",
      stderr: "no applications yet; create one with 'procctl apps create NAME'\n")
  }

  @Test func invalidNameGetsASuggestion() {
    let s = Sandbox()
    expectInvalid(
      s.run(["apps", "create", "Price calculation"]),
      "invalid name \"Price calculation\": use lowercase letters, digits and \'-\' (e.g. price-calculation)"
    )
    #expect(s.stateBytes == nil)
  }

  @Test func deletingAnAppWithProcessesNeedsConfirmation() {
    let s = Sandbox().withDemo()
    let before = s.stateBytes
    let r = s.run(["apps", "delete", "demo"])
    expectRun(
      r, exit: 3,
      stderr:
        "error: not confirmed: standard input is not a terminal; pass --yes to apply (or --dry-run to preview); nothing changed\n"
    )
    #expect(r.stdout.contains("Delete worker demo/web:"))
    #expect(r.stdout.contains("monthly cost: $10.00 -> $0.00 (-$10.00)"))
    #expect(s.stateBytes == before)
    expectRun(s.run(["apps", "delete", "demo", "-y"]), exit: 0, stderr: "deleted application demo\n")
    #expect((s.state["apps"] as? [Any])?.isEmpty == true)
  }

  @Test func groupHelpAndUnknownSubcommand() {
    let s = Sandbox()
    let r = s.run(["apps"])
    #expect(r.exitCode == 0)
    #expect(r.stdout.contains("SUBCOMMANDS:\n  create"))
    expectInvalid(s.run(["apps", "nope"]), "unknown subcommand 'nope' for 'procctl apps': use one of create, list, delete")
  }
}
