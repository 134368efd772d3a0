import ProcctlCore
import Synchronization

/// The system's time zone database (/usr/share/zoneinfo, Debian's `tzdata`).
///
/// Only the one zone file a command needs is read, on first use, and kept for the life of the
/// process: start-up stays cheap and the supervisor does not re-read files on every schedule
/// computation.
public enum ZoneInfo {
  public static var directory: String { "/usr/share/zoneinfo" }

  private static let cache = Mutex<[String: TimeZoneRules]>([:])

  /// Throws when `name` is not an IANA zone name found in the database.
  public static func validate(_ name: String) throws(CoreError) {
    _ = try load(name)
  }

  /// The rules of the zone `name`. `UTC` works even without the database.
  public static func load(_ name: String) throws(CoreError) -> TimeZoneRules {
    if name == "UTC" { return .utc }
    if let hit = cache.withLock({ $0[name] }) { return hit }
    let unknown = CoreError.invalid(
      "unknown time zone \"\(name)\": use an IANA name such as UTC, Europe/Amsterdam or America/New_York"
    )
    // A name is a relative path inside the database, never a way out of it.
    if name.isEmpty || name.hasPrefix("/") || name.contains("..") || name.hasPrefix(".")
      || name.utf8.contains(0)
    {
      throw unknown
    }
    let path = directory + "/" + name
    let bytes: [UInt8]?
    do { bytes = try FileIO.readFile(path) } catch { throw unknown }  // e.g. EISDIR for "America"
    guard let bytes, bytes.starts(with: [0x54, 0x5A, 0x69, 0x66]) else { throw unknown }
    let rules = try TimeZoneRules(name: name, tzif: bytes)
    cache.withLock { $0[name] = rules }
    return rules
  }
}
