import Foundation
import ProcctlTestSupport
import Testing

/// A temporary state directory with a shorthand to run procctl in it.
final class Sandbox: @unchecked Sendable {
  let home = TempHome()
  deinit { home.remove() }

  @discardableResult
  func run(
    _ args: [String], env: [String: String] = [:], stdin: String? = nil, cwd: String? = nil
  ) -> CommandResult {
    runProcctl(args, home: home, env: env, stdin: stdin, cwd: cwd)
  }

  /// The bytes of state.json (nil when absent).
  var stateBytes: Data? { FileManager.default.contents(atPath: home.stateFile) }

  /// state.json parsed, for assertions on what was stored.
  var state: [String: Any] {
    guard let d = stateBytes, let o = try? JSONSerialization.jsonObject(with: d) as? [String: Any]
    else { return [:] }
    return o
  }

  func process(_ app: String, _ name: String) -> [String: Any]? {
    let apps = state["apps"] as? [[String: Any]] ?? []
    let a = apps.first { $0["name"] as? String == app }
    let ps = a?["processes"] as? [[String: Any]] ?? []
    return ps.first { $0["name"] as? String == name }
  }

  /// An app "demo" with a payment method and a worker "web" (hobby x 2) and nothing else.
  func withDemo() -> Sandbox {
    expectOK(run(["billing", "payment-method", "set", "visa-4242"]))
    expectOK(run(["apps", "create", "demo"]))
    expectOK(
      run([
        "create", "--app", "demo", "--name", "web", "--command", "sleep 1000", "--size", "hobby",
        "--instances", "2", "--yes",
      ]))
    return self
  }
}

func expectOK(_ r: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(r.exitCode == 0, "\(r)", sourceLocation: sourceLocation)
}

/// Exit code, exact stderr, and stdout (exact, or empty when nil is given as "").
func expectRun(
  _ r: CommandResult, exit: Int32, stdout: String? = nil, stderr: String? = nil,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(r.exitCode == exit, "\(r)", sourceLocation: sourceLocation)
  if let stdout { #expect(r.stdout == stdout, "\(r)", sourceLocation: sourceLocation) }
  if let stderr { #expect(r.stderr == stderr, "\(r)", sourceLocation: sourceLocation) }
}

/// A usage/validation failure: exit 2, nothing on stdout, exactly one error line on stderr.
func expectInvalid(
  _ r: CommandResult, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
) {
  expectRun(r, exit: 2, stdout: "", stderr: "error: \(message)\n", sourceLocation: sourceLocation)
}

func json(_ s: String) -> [String: Any] {
  (try? JSONSerialization.jsonObject(with: Data(s.utf8)) as? [String: Any]) ?? [:]
}
