/// Names one instance: application, process and index (1...N).
public struct InstanceKey: Hashable, Sendable, CustomStringConvertible {
  public var app: String
  public var process: String
  public var index: Int

  public init(app: String, process: String, index: Int) {
    self.app = app
    self.process = process
    self.index = index
  }

  public var processKey: ProcessKey { ProcessKey(app: app, process: process) }

  /// "demo/worker.3": unique across applications, for events.
  public var description: String { "\(app)/\(process).\(index)" }
}

/// Names one process of one application.
public struct ProcessKey: Hashable, Sendable, CustomStringConvertible {
  public var app: String
  public var process: String

  public init(app: String, process: String) {
    self.app = app
    self.process = process
  }

  public var description: String { "\(app)/\(process)" }
}
