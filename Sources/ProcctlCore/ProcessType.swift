/// What kind of process: a background worker runs forever and is restarted whenever it exits; a
/// cron job runs to completion on a schedule and is not restarted.
public enum ProcessType: String, Sendable, CaseIterable {
  case worker
  case cron

  public static func parse(_ s: String) throws(CoreError) -> ProcessType {
    guard let t = ProcessType(rawValue: s.lowercased()) else {
      throw .invalid("invalid type \"\(s)\": use worker or cron")
    }
    return t
  }
}
