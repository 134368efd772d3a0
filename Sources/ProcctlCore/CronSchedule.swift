/// A parsed cron schedule (5 fields or a macro). STUB: the cron issue replaces the body with the
/// full cronie grammar and next-fire computation; the API stays.
public struct CronSchedule: Sendable, Equatable {
  public let expression: String

  public init(parsing expression: String) throws(CoreError) {
    let fields = expression.split(separator: " ", omittingEmptySubsequences: true)
    if !expression.hasPrefix("@") && fields.count != 5 {
      throw .invalid(
        "invalid schedule \"\(expression)\": expected 5 fields (minute hour day-of-month month day-of-week), got \(fields.count)"
      )
    }
    self.expression = expression
  }
}
