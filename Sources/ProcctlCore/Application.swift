/// An application: a name that holds processes.
public struct Application: Sendable, Equatable {
  public var name: String
  public var createdAt: Timestamp
  public var processes: [ProcessSpec]

  public init(name: String, createdAt: Timestamp, processes: [ProcessSpec] = []) {
    self.name = name
    self.createdAt = createdAt
    self.processes = processes
  }

  public func process(named name: String) -> ProcessSpec? {
    processes.first { $0.name == name }
  }

  public func processIndex(_ name: String) -> Int? {
    processes.firstIndex { $0.name == name }
  }
}
