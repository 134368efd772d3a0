/// Help text in swift-argument-parser's shape: OVERVIEW, USAGE, ARGUMENTS, OPTIONS (with
/// defaults), EXAMPLES, then a pointer to `procctl help <subcommand>`.
public enum Help {
  public static let version = "0.1.0"

  static let column = 28

  /// `procctl --help`.
  public static func root(_ commands: [any Command.Type] = CommandRegistry.all) -> String {
    var s = "OVERVIEW: procctl declares applications and their processes (background workers and\n"
    s += "cron jobs) on one Linux host, with their pod sizes and what they cost.\n\n"
    s += "USAGE: procctl [--home DIR] <subcommand> [options]\n\n"
    s += "OPTIONS:\n"
    s += row(
      "--home DIR",
      "State directory (default: $PROCCTL_HOME, else ${XDG_STATE_HOME:-~/.local/state}/procctl).")
    s += row("--version", "Show the version.")
    s += row("-h, --help", "Show help information.")
    s += "\nSUBCOMMANDS:\n"
    for c in commands { s += row(c.name, c.abstract) }
    s += row("help <subcommand>", "Show help for a subcommand.")
    s += "\nEXIT CODES:\n"
    s +=
      "  0 success (also: nothing to change)   1 operation failed   2 usage error or invalid value\n"
    s += "  3 not confirmed   4 not found   5 conflict (already exists)   6 state file unreadable\n"
    s += "\n  See 'procctl help <subcommand>' for detailed help.\n"
    return s
  }

  /// `procctl help apps`: a group's subcommands.
  public static func group(_ name: String, _ commands: [any Command.Type] = CommandRegistry.all)
    -> String
  {
    var s = ""
    if let abstract = CommandRegistry.groups[name] { s += "OVERVIEW: \(abstract)\n\n" }
    s += "USAGE: procctl \(name) <subcommand> [options]\n\nSUBCOMMANDS:\n"
    for c in CommandRegistry.members(of: name, in: commands) {
      s += row(String(c.name.dropFirst(name.count + 1)), c.abstract)
    }
    s += "\n  See 'procctl help \(name) <subcommand>' for detailed help.\n"
    return s
  }

  /// `procctl help CMD` / `procctl CMD --help`.
  public static func command(_ c: any Command.Type) -> String {
    var s = "OVERVIEW: \(c.abstract)\n"
    if !c.discussion.isEmpty { s += "\n\(c.discussion)\n" }
    s += "\nUSAGE: \(usage(c))\n"
    if !c.arguments.isEmpty {
      s += "\nARGUMENTS:\n"
      for a in c.arguments { s += row(a.name, a.help) }
    }
    s += "\nOPTIONS:\n"
    for o in c.allOptions {
      var left = o.short.map { "-\($0), " } ?? ""
      left += "--\(o.long)"
      if let v = o.valueName { left += " \(v)" }
      var help = o.help
      if let d = o.defaultValue { help += " (default: \(d))" }
      if o.repeatable { help += " Repeatable." }
      s += row(left, help)
    }
    if !c.examples.isEmpty {
      s += "\nEXAMPLES:\n"
      for e in c.examples { s += "  \(e)\n" }
    }
    s += "\n  See 'procctl help <subcommand>' for detailed help.\n"
    return s
  }

  /// "procctl create [--app APP] --name NAME ...": arguments and options, compact.
  public static func usage(_ c: any Command.Type) -> String {
    var parts = ["procctl", c.name]
    for o in c.options {
      var p = "--\(o.long)"
      if let v = o.valueName { p += " \(v)" }
      parts.append(o.required ? p : o.repeatable ? "[\(p)]..." : "[\(p)]")
    }
    parts += c.arguments.map(\.name)
    return parts.joined(separator: " ")
  }

  /// One aligned, wrapped row: name in the left column, text on the right.
  static func row(_ left: String, _ text: String) -> String {
    let indent = String(repeating: " ", count: column)
    var out = "  " + left
    var first = true
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + word.count + 1 > 100 - column {
        out += (first ? pad(out) : indent) + line + "\n"
        first = false
        line = ""
      }
      line += line.isEmpty ? String(word) : " " + word
    }
    out += (first ? pad(out) : indent) + line + "\n"
    return out
  }

  private static func pad(_ prefix: String) -> String {
    prefix.count + 1 > column
      ? "\n" + String(repeating: " ", count: column)
      : String(repeating: " ", count: column - prefix.count)
  }
}
