#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// The guard process (see `cprocctl_guard_start`): if the supervisor is killed outright, the
/// guard sees its pipe close and SIGKILLs every instance process group and every process
/// carrying this run's marker. PR_SET_PDEATHSIG alone only reaches the direct child, not what
/// the instance's shell started.
final class SupervisorGuard {
  let pid: Int32
  private var fd: Int32

  init(marker: String) throws(SupervisorError) {
    var w: Int32 = -1
    let pid = marker.withCString { cprocctl_guard_start(&w, $0) }
    if pid < 0 { throw .system(call: "fork (guard)", errno: cprocctl_errno()) }
    self.pid = pid
    self.fd = w
  }

  func add(_ pgid: Int32) { if fd >= 0 { _ = cprocctl_guard_send(fd, 1, pgid) } }
  func remove(_ pgid: Int32) { if fd >= 0 { _ = cprocctl_guard_send(fd, 0, pgid) } }

  /// Closes the pipe: the guard kills whatever is still registered (nothing after a clean stop)
  /// and exits.
  func close() {
    if fd >= 0 {
      Glibc.close(fd)
      fd = -1
    }
  }

  deinit { close() }
}
