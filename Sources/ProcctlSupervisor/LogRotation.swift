import ProcctlCore

/// Size-based rotation of a log file: when the next write would take the current file past
/// `maxBytes`, `x.log` becomes `x.log.1` (`.1` becomes `.2`, ...) and a new `x.log` is opened.
/// `files` counts every file kept, the current one included: 5 means `x.log` and `.1` to `.4`.
public struct LogRotation: Sendable, Equatable {
  public var maxBytes: Int
  public var files: Int

  public init(maxBytes: Int? = nil, files: Int? = nil) {
    self.maxBytes = max(1, maxBytes ?? Limits.logMaxSizeDefault)
    self.files = max(1, files ?? Limits.logFilesDefault)
  }

  public static let `default` = LogRotation()
}
