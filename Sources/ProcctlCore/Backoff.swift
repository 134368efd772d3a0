/// The crash-loop delay of one instance: 100 ms, doubling with each further quick exit, ±10%
/// jitter, capped at 60 s. A run that lasts min-uptime resets it. It never gives up: a worker
/// that keeps crashing is retried every minute forever, so a fixed dependency brings it back.
public struct Backoff: Sendable, Equatable {
  public static let initialMs = 100
  public static let capMs = 60_000
  /// Jitter as a fraction of the delay (±10%): instances that crash together spread out.
  public static let jitter = 0.1

  /// Consecutive quick exits so far (0 when the last run was healthy).
  public private(set) var attempts: Int

  public init(attempts: Int = 0) { self.attempts = attempts }

  /// The delay before attempt `attempts + 1` without jitter.
  public var baseDelayMs: Int {
    // 100 ms * 2^attempts, computed without overflow: 2^10 * 100 ms already exceeds the cap.
    attempts >= 10 ? Backoff.capMs : min(Backoff.capMs, Backoff.initialMs << attempts)
  }

  /// Returns the delay before the next start and counts the attempt. `random` yields a value in
  /// 0..<1 (injected so tests are repeatable).
  public mutating func nextDelayMs(random: () -> Double) -> Int {
    let base = Double(baseDelayMs)
    let factor = 1 + Backoff.jitter * (2 * random() - 1)
    attempts += 1
    return min(Backoff.capMs, max(1, Int((base * factor).rounded())))
  }

  /// A healthy run: the next quick exit starts again at 100 ms.
  public mutating func reset() { attempts = 0 }
}
