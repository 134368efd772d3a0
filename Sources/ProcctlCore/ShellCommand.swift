/// Recognises command lines that need no shell: `/bin/sh -c "prog a b"` and `exec prog a b`
/// both end as prog running with argv [prog, a, b], so the supervisor can exec prog itself and
/// skip starting a shell (a shell costs about a millisecond of CPU per start). Anything with
/// shell syntax, a builtin, a reserved word or a variable assignment keeps going through
/// `/bin/sh -c`.
public enum ShellCommand {
  /// The argv of a simple command, or nil when the shell must interpret it.
  public static func directArgv(_ command: String) -> [String]? {
    var words: [String] = []
    var current: [UInt8] = []
    for c in command.utf8 {
      if c == 32 || c == 9 {
        if !current.isEmpty {
          words.append(String(decoding: current, as: UTF8.self))
          current.removeAll(keepingCapacity: true)
        }
        continue
      }
      guard isPlain(c) else { return nil }
      current.append(c)
    }
    if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
    if words.first == "exec" { words.removeFirst() }
    guard let first = words.first else { return nil }
    if first.utf8.contains(UInt8(ascii: "=")) || builtins.contains(first) { return nil }
    return words
  }

  /// Letters, digits and punctuation that mean nothing to sh inside a word (no quotes, $, `,
  /// globbing, redirection, grouping, comments, tilde, history).
  private static func isPlain(_ c: UInt8) -> Bool {
    switch c {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"):
      return true
    case UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: ":"),
      UInt8(ascii: "@"), UInt8(ascii: "%"), UInt8(ascii: "+"), UInt8(ascii: ","),
      UInt8(ascii: "="), UInt8(ascii: "-"):
      return true
    default:
      return false
    }
  }

  /// POSIX reserved words, dash's builtins, and bash's and ksh's extra ones (where /bin/sh is
  /// one of those): a shell runs these differently from a program of the same name on PATH.
  static let builtins: Set<String> = [
    "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "if", "in", "then",
    "until", "while", "function", ".", ":", "[", "alias", "bg", "break", "cd", "chdir", "command",
    "continue", "echo", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash",
    "jobs", "kill", "local", "printf", "pwd", "read", "readonly", "return", "set", "shift",
    "test", "times", "trap", "true", "type", "ulimit", "umask", "unalias", "unset", "wait",
    "time", "select", "coproc", "let", "declare", "typeset", "source", "enable", "builtin",
    "caller", "disown", "suspend", "shopt", "mapfile", "readarray", "logout", "dirs", "pushd",
    "popd", "help", "history", "compgen", "complete", "compopt", "bind", "print", "whence",
    "autoload", "functions", "integer", "nameref", "newgrp",
  ]
}
