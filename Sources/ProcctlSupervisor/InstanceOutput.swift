#if canImport(Glibc)
  import Glibc
#endif
import CProcctl
import ProcctlStore

/// Where an instance's stdout and stderr go: the one place that decides it. Until the log writer
/// (issue 4) takes over with pipes, both go to `logs/<app>/<process>.<n>.log`, opened O_APPEND.
public protocol InstanceOutput: AnyObject {
  /// Descriptors to hand to the next process of `key` as fd 1 and 2.
  func open(for key: InstanceKey) throws(SpawnFailure) -> (stdout: Int32, stderr: Int32)
  /// Called once the spawn attempt is over (whether it succeeded): close what the child
  /// inherited and the supervisor does not keep.
  func spawnFinished(for key: InstanceKey, stdout: Int32, stderr: Int32, pid: Int32?)
  /// Called after the instance's process was reaped.
  func exited(_ key: InstanceKey)
}

/// Appends both streams to a per-instance file in the state directory.
public final class FileInstanceOutput: InstanceOutput {
  private let logsDir: String
  private var madeDirs: Set<String> = []

  public init(logsDir: String) { self.logsDir = logsDir }

  public func path(for key: InstanceKey) -> String {
    "\(logsDir)/\(key.app)/\(key.process).\(key.index).log"
  }

  public func open(for key: InstanceKey) throws(SpawnFailure) -> (stdout: Int32, stderr: Int32) {
    let dir = "\(logsDir)/\(key.app)"
    if !madeDirs.contains(dir) {
      do { try FileIO.makeDirectories(dir) } catch {
        throw SpawnFailure(step: "mkdir", errno: cprocctl_errno(), detail: dir)
      }
      madeDirs.insert(dir)
    }
    let p = path(for: key)
    let fd = FileIO.retrying { Glibc.open(p, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o640) }
    if fd < 0 { throw SpawnFailure(step: "open", errno: cprocctl_errno(), detail: p) }
    return (fd, fd)
  }

  public func spawnFinished(for key: InstanceKey, stdout: Int32, stderr: Int32, pid: Int32?) {
    close(stdout)
    if stderr != stdout { close(stderr) }
  }

  public func exited(_ key: InstanceKey) {}
}
