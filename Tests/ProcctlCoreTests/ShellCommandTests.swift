import Testing

@testable import ProcctlCore

@Suite struct ShellCommandTests {
  @Test func simpleCommandsAreExecutedDirectly() {
    #expect(ShellCommand.directArgv("sleep 300") == ["sleep", "300"])
    #expect(ShellCommand.directArgv("exec /usr/bin/python3 -m http.server 8080") == [
      "/usr/bin/python3", "-m", "http.server", "8080",
    ])
    #expect(ShellCommand.directArgv("  node\tapp.js --port=80  ") == ["node", "app.js", "--port=80"])
  }

  @Test func anythingTheShellInterpretsGoesThroughSh() {
    for c in [
      "echo hi", "exit 3", "sleep 1; exit 0", "a | b", "a && b", "a > f", "FOO=1 prog",
      "prog $HOME", "prog 'x'", "prog \"x\"", "prog *", "prog ~/x", "prog # c", "(prog)",
      "while true; do x; done", "exec", "", "   ", "prog a\\ b", "cd /tmp", "trap '' TERM",
      "prog `x`", "prog\nother",
    ] {
      #expect(ShellCommand.directArgv(c) == nil, "\(c)")
    }
  }
}
