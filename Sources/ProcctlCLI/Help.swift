/// Help text in swift-argument-parser's shape: OVERVIEW, USAGE, ARGUMENTS, OPTIONS (with
/// defaults), EXAMPLES, then a pointer to `procctl help <subcommand>`.
public enum Help {
  public static let version = "0.1.0"

  static let column = 28
  /// Help is wrapped to fit a 100-column terminal.
  static let width = 100

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
    s += "\nEXAMPLES:\n"
    for e in rootExamples { s += wrapExample(e) }
    s += "\nEXIT CODES:\n"
    s +=
      "  0 success (also: nothing to change)   1 operation failed   2 usage error or invalid value\n"
    s += "  3 not confirmed   4 not found   5 conflict (already exists)   6 state file unreadable\n"
    s += "\n  See 'procctl help <subcommand>' for detailed help.\n"
    return s
  }

  /// `procctl --help`'s examples: the quickstart, from nothing to a scaled application.
  static let rootExamples = [
    "procctl billing payment-method set visa-4242",
    "procctl apps create shop",
    "procctl create --app shop --name web --command './server' --size s2 --instances 3 --yes",
    "procctl list",
    "procctl scale --app shop web=5 --yes",
    "procctl --home /var/lib/procctl up",
  ]

  /// `procctl help apps`: a group's subcommands, and the first example of each.
  public static func group(_ name: String, _ commands: [any Command.Type] = CommandRegistry.all)
    -> String
  {
    var s = ""
    if let abstract = CommandRegistry.groups[name] { s += "OVERVIEW: \(abstract)\n\n" }
    s += "USAGE: procctl \(name) <subcommand> [options]\n\nSUBCOMMANDS:\n"
    let members = CommandRegistry.members(of: name, in: commands)
    for c in members {
      s += row(String(c.name.dropFirst(name.count + 1)), c.abstract)
    }
    let examples = members.compactMap { $0.examples.first }
    if !examples.isEmpty {
      s += "\nEXAMPLES:\n"
      for e in examples { s += wrapExample(e) }
    }
    s += "\n  See 'procctl help \(name) <subcommand>' for detailed help.\n"
    return s
  }

  /// `procctl help CMD` / `procctl CMD --help`.
  public static func command(_ c: any Command.Type) -> String {
    var s = "OVERVIEW: \(c.abstract)\n"
    if !c.discussion.isEmpty { s += "\n\(wrapParagraphs(c.discussion))\n" }
    s += "\n" + wrapUsage(c)
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
      for e in c.examples { s += wrapExample(e) }
    }
    s += "\n  See 'procctl help <subcommand>' for detailed help.\n"
    return s
  }

  /// "procctl create [--app APP] --name NAME ...": arguments and options, compact, on one line.
  public static func usage(_ c: any Command.Type) -> String {
    usageParts(c).joined(separator: " ")
  }

  /// The USAGE line, wrapped between its parts (never inside `[--app APP]`), continuation lines
  /// aligned after the command's name.
  static func wrapUsage(_ c: any Command.Type) -> String {
    let parts = usageParts(c)
    let head = "USAGE: " + parts.prefix(2).joined(separator: " ")
    let indent = head.count + 1 <= 40 ? head.count + 1 : 9
    return pack(Array(parts.dropFirst(2)), first: head, indent: indent, continuation: "")
  }

  /// An example command line; a long one is broken between shell words with ` \` so it can
  /// still be pasted into a shell.
  static func wrapExample(_ e: String) -> String {
    let words = shellWords(e)
    guard let first = words.first else { return "\n" }
    return pack(Array(words.dropFirst()), first: "  " + first, indent: 6, continuation: " \\")
  }

  /// Text whose lines may be longer than the width: each line wrapped between words.
  static func wrapParagraphs(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      guard line.count > width else { return String(line) }
      let words = line.split(separator: " ").map(String.init)
      var out = pack(Array(words.dropFirst()), first: words[0], indent: 0, continuation: "")
      out.removeLast()  // pack ends with a newline; the caller joins lines
      return out
    }.joined(separator: "\n")
  }

  /// Greedy line filling: `first`, then each item after a space, or on a new line indented by
  /// `indent` when it would pass the width (`continuation` ends the broken line). Ends with a
  /// newline.
  static func pack(_ items: [String], first: String, indent: Int, continuation: String) -> String {
    var out = ""
    var line = first
    let pad = String(repeating: " ", count: indent)
    for item in items {
      if line.count + 1 + item.count + continuation.count > width && line.count > indent {
        out += line + continuation + "\n"
        line = pad + item
      } else {
        line += (line.isEmpty ? "" : " ") + item
      }
    }
    return out + line + "\n"
  }

  /// Splits a command line at spaces outside quotes: `--command 'a b'` is two words.
  static func shellWords(_ s: String) -> [String] {
    var words: [String] = []
    var cur = ""
    var quote: Character? = nil
    for ch in s {
      if let q = quote {
        if ch == q { quote = nil }
        cur.append(ch)
      } else if ch == "'" || ch == "\"" {
        quote = ch
        cur.append(ch)
      } else if ch == " " {
        if !cur.isEmpty { words.append(cur) }
        cur = ""
      } else {
        cur.append(ch)
      }
    }
    if !cur.isEmpty { words.append(cur) }
    return words
  }

  static func usageParts(_ c: any Command.Type) -> [String] {
    var parts = ["procctl", c.name]
    for o in c.options {
      var p = "--\(o.long)"
      if let v = o.valueName { p += " \(v)" }
      parts.append(o.required ? p : o.repeatable ? "[\(p)]..." : "[\(p)]")
    }
    parts += c.arguments.map(\.name)
    return parts
  }

  /// One aligned, wrapped row: name in the left column, text on the right.
  static func row(_ left: String, _ text: String) -> String {
    let indent = String(repeating: " ", count: column)
    var out = "  " + left
    var first = true
    var line = ""
    for word in text.split(separator: " ") {
      if !line.isEmpty && line.count + word.count + 1 > width - column {
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
