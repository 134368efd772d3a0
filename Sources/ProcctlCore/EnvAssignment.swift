/// `--env KEY=VALUE` and `--unset-env KEY`: environment variable names as POSIX shells accept them
/// (letters, digits and '_', not starting with a digit), so `/bin/sh -c` sees every one.
public enum EnvAssignment {
  public static func parse(_ text: String) throws(CoreError) -> (key: String, value: String) {
    guard let eq = text.firstIndex(of: "=") else {
      throw .invalid("invalid --env \"\(text)\": use KEY=VALUE (e.g. LOG_LEVEL=debug)")
    }
    let key = String(text[..<eq])
    let value = String(text[text.index(after: eq)...])
    try validateKey(key, flag: "--env", original: text)
    if value.utf8.contains(0) {
      throw .invalid("invalid --env \"\(key)\": the value must not contain a NUL byte")
    }
    return (key, value)
  }

  public static func validateKey(_ key: String, flag: String, original: String? = nil)
    throws(CoreError)
  {
    if !isValidKey(key) {
      throw .invalid(
        "invalid \(flag) \"\(original ?? key)\": the variable name must be letters, digits and '_', not starting with a digit"
      )
    }
  }

  public static func isValidKey(_ key: String) -> Bool {
    let u = Array(key.utf8)
    guard let f = u.first, !(48...57).contains(f) else { return false }
    return u.allSatisfy {
      (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || $0 == 95
    }
  }
}
