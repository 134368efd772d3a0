import Testing

@testable import ProcctlCore

@Suite struct ShellCommandTests {
  @Test func simpleCommandsAreExecutedDirectly() {
    #expect(ShellCommand.directArgv("sleep 300") == ["sleep", "300"])
    #expect(ShellCommand.directArgv("exec /usr/bin/python3 -m http.server 8080") == [
      "/usr/bin/python3", "-m", "http.server", "8080",
    ])
    #expect(ShellCommand.directArgv("  node\tapp.js --port=80  ") == ["node", "app.js", "--port=80"])
    let direct: [(String, [String])] = [
      ("sleep", ["sleep"]),
      ("./server", ["./server"]),
      ("exec ./server --workers 4", ["./server", "--workers", "4"]),
      ("bin/worker queue=high", ["bin/worker", "queue=high"]),
      ("python3 worker.py --log-level=debug", ["python3", "worker.py", "--log-level=debug"]),
      ("java -Xmx512m -jar app.jar", ["java", "-Xmx512m", "-jar", "app.jar"]),
      ("redis-server --port 6380", ["redis-server", "--port", "6380"]),
      ("nc -l 127.0.0.1:8080", ["nc", "-l", "127.0.0.1:8080"]),
      ("curl user@host:/a,b+c%20", ["curl", "user@host:/a,b+c%20"]),
      ("/opt/app/bin/run_v2.sh", ["/opt/app/bin/run_v2.sh"]),
      ("exec    sleep\t\t5", ["sleep", "5"]),
      ("sleep exec", ["sleep", "exec"]),
      ("prog cd", ["prog", "cd"]),
      ("echoer hi", ["echoer", "hi"]),
    ]
    for (command, argv) in direct {
      #expect(ShellCommand.directArgv(command) == argv, "\(command)")
    }
  }

  @Test func anythingTheShellInterpretsGoesThroughSh() {
    for c in [
      "echo hi", "exit 3", "sleep 1; exit 0", "a | b", "a && b", "a > f", "FOO=1 prog",
      "prog $HOME", "prog 'x'", "prog \"x\"", "prog *", "prog ~/x", "prog # c", "(prog)",
      "while true; do x; done", "exec", "", "   ", "prog a\\ b", "cd /tmp", "trap '' TERM",
      "prog `x`", "prog\nother",
      // quoting, expansion, substitution
      "prog ${X}", "prog $(date)", "prog $1", "prog \\n", "prog 'a b'",
      // globs and tilde
      "prog ?", "prog [ab]", "prog a*b", "~/bin/prog", "prog ~", "prog a~b",
      // redirections and descriptors
      "prog < in", "prog >> out", "prog 2>&1", "prog >&2", "prog <<EOF",
      // lists, pipelines, background, grouping
      "prog &", "a || b", "a;b", "{ prog; }", "( a ) ", "a|b",
      // comments and history
      "prog #", "#prog", "prog !x", "! prog",
      // assignments in front, also after exec
      "A=1 B=2 prog", "exec FOO=bar prog", "PATH=/x prog",
      // reserved words, builtins (dash, bash), and exec with nothing or only an option
      "if", "for x in a; do b; done", "case x in", "until x", "{", "time prog", "select x",
      ". ./env.sh", ": noop", "[ -f x ]", "test -f x", "true", "false", "pwd", "printf x",
      "read x", "set -e", "ulimit -n 10", "umask 022", "wait", "kill 1", "export A",
      "source ./x", "let x", "declare x", "exec exec prog", "command prog", "eval prog",
      "type prog", "hash prog", "alias x", "newgrp x",
      // newlines, tabs with syntax, carriage returns, non-ASCII
      "prog\n", "prog\r", "prog caf\u{e9}", "prog\u{0}",
    ] {
      #expect(ShellCommand.directArgv(c) == nil, "\(c)")
    }
  }
}
