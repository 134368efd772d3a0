/// Splits argv into options and positionals against a command's option list. Pure.
///
/// Accepted forms: `--name value`, `--name=value`, `-n value`, `-nvalue`, flags `--yes`/`-y`, and
/// `--` ending the options. An option's value is the next argument even when it starts with '-'
/// (so `--command "-x"` and `--instances -1` work), unless that argument is itself one of the
/// command's long options (`--app --yes` reports the missing value). An argument that starts with
/// '-' and a digit is a positional: a negative number (`scale web -1`) or a cron expression
/// (`cron next '-5 * * * *'`, whose parser then names the field); no option is a digit.
public enum ArgumentParser {
  public static func parse(_ argv: [String], options: [OptionSpec], command: String)
    throws(CLIError) -> ParsedArguments
  {
    var result = ParsedArguments(command: command)
    var i = 0
    var onlyPositionals = false
    func isKnownLong(_ a: String) -> Bool {
      guard a.hasPrefix("--") else { return false }
      let body = a.dropFirst(2)
      let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
      return options.contains { $0.long == name }
    }
    func take(_ spec: OptionSpec, inline: String?, shown: String) throws(CLIError) {
      if spec.takesValue {
        let value: String
        if let inline {
          value = inline
        } else if i + 1 < argv.count, !isKnownLong(argv[i + 1]) {
          i += 1
          value = argv[i]
        } else {
          throw .usage(
            "missing value for \(shown) \(spec.valueName ?? "VALUE") in 'procctl \(command)'")
        }
        result.options[spec.long, default: []].append(value)
      } else {
        if inline != nil { throw .usage("\(shown) takes no value in 'procctl \(command)'") }
        result.options[spec.long, default: []].append("")
      }
    }
    while i < argv.count {
      let a = argv[i]
      if onlyPositionals {
        result.positionals.append(a)
      } else if a == "--" {
        onlyPositionals = true
      } else if a.hasPrefix("--") {
        let body = a.dropFirst(2)
        let parts = body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let name = String(parts[0])
        guard let spec = options.first(where: { $0.long == name }) else {
          throw unknown("--\(name)", command)
        }
        try take(spec, inline: parts.count > 1 ? String(parts[1]) : nil, shown: "--\(name)")
      } else if a.hasPrefix("-"), a.count > 1, !isNegativeNumber(a) {
        let chars = Array(a.dropFirst())
        var j = 0
        while j < chars.count {
          let c = chars[j]
          guard let spec = options.first(where: { $0.short == c }) else {
            throw unknown("-\(c)", command)
          }
          if spec.takesValue {
            let rest = String(chars[(j + 1)...])
            try take(spec, inline: rest.isEmpty ? nil : rest, shown: "-\(c)")
            break
          }
          try take(spec, inline: nil, shown: "-\(c)")
          j += 1
        }
      } else {
        result.positionals.append(a)
      }
      i += 1
    }
    return result
  }

  static func isNegativeNumber(_ s: String) -> Bool {
    s.count > 1 && s.hasPrefix("-") && s.dropFirst().first.map { $0.isASCII && $0.isNumber } == true
  }

  static func unknown(_ option: String, _ command: String) -> CLIError {
    .usage("unknown option '\(option)' for 'procctl \(command)' (see 'procctl help \(command)')")
  }
}
