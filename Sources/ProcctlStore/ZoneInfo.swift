import ProcctlCore

/// The system's time zone database (/usr/share/zoneinfo). STUB: the cron issue adds loading and
/// parsing of TZif files; the API (`validate`) stays.
public enum ZoneInfo {
  public static var directory: String { "/usr/share/zoneinfo" }

  /// Throws when `name` is not an IANA zone name found in the database.
  public static func validate(_ name: String) throws(CoreError) {
    if name == "UTC" { return }
    let bad = CoreError.invalid(
      "unknown time zone \"\(name)\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York"
    )
    if name.isEmpty || name.hasPrefix("/") || name.contains("..") { throw bad }
    if !FileIO.exists(directory + "/" + name) { throw bad }
  }
}
