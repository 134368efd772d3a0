/// What happens when a cron run is due while the previous run is still active.
public enum ConcurrencyPolicy: String, Sendable, CaseIterable {
  case forbid, allow, replace
}

/// What the supervisor does about scheduled times that passed while it was down.
public enum CatchUpPolicy: String, Sendable, CaseIterable {
  case none, once
}
