import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `procctl ARGS` in the background (for `-f`), collecting its stdout until `stop()`.
public final class FollowProcess: @unchecked Sendable {
  public let process = Process()
  private let pipe = Pipe()
  private let lock = NSLock()
  private var data = Data()

  public init(_ args: [String], home: TempHome) throws {
    process.executableURL = URL(fileURLWithPath: procctlBinary)
    process.arguments = args
    var env = ProcessInfo.processInfo.environment
    env["PROCCTL_HOME"] = home.path
    env.removeValue(forKey: "PROCCTL_APP")
    process.environment = env
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    process.standardInput = FileHandle.nullDevice
    pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
      let d = handle.availableData
      guard let self, !d.isEmpty else { return }
      self.lock.lock()
      self.data.append(d)
      self.lock.unlock()
    }
    try process.run()
  }

  public var output: String {
    lock.lock()
    defer { lock.unlock() }
    return String(decoding: data, as: UTF8.self)
  }

  public func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    pipe.fileHandleForReading.readabilityHandler = nil
  }
}
