#if canImport(Glibc)
  import Glibc
#endif
import CProcctl

/// The guard process (see `cprocctl_guard_start`): if the supervisor is killed outright, the
/// guard sees its pipe close and SIGKILLs every instance process group and every process
/// carrying this run's marker, then (unless a new supervisor already holds the state directory)
/// removes this directory's cgroups. PR_SET_PDEATHSIG alone only reaches the direct child, not
/// what the instance's shell started.
final class SupervisorGuard {
  let pid: Int32
  private var fd: Int32

  /// `keepFD`: a descriptor the guard holds open until it exits (the supervisor's inotify
  /// descriptor; see `cprocctl_guard_start`).
  init(marker: String, lockPath: String, cgroupRoots: [String], keepFD: Int32 = -1)
    throws(SupervisorError)
  {
    var w: Int32 = -1
    let roots = cgroupRoots.joined(separator: "\n")
    let pid = marker.withCString { m in
      lockPath.withCString { l in roots.withCString { r in cprocctl_guard_start(&w, m, l, r, keepFD) } }
    }
    if pid < 0 { throw .system(call: "fork (guard)", errno: cprocctl_errno()) }
    self.pid = pid
    self.fd = w
  }

  /// (add, pgid) pairs not sent yet. A new group is sent at once (with what is queued): a
  /// supervisor killed right after a start must not leave it unknown, since an instance that
  /// cleared its environment in rlimit mode has neither a marker nor a cgroup to be found by.
  /// A finished one waits for `flush` (once per loop iteration): the guard killing a group
  /// that has just ended costs nothing (its pgid is not reused within milliseconds).
  private var pending: [Int32] = []

  func add(_ pgid: Int32) {
    pending += [1, pgid]
    flush()
  }

  func remove(_ pgid: Int32) { pending += [0, pgid] }

  /// Sends what `add` and `remove` queued (the supervisor calls it once per loop iteration).
  func flush() {
    if pending.isEmpty { return }
    if fd >= 0 { _ = cprocctl_guard_send(fd, pending, Int32(pending.count / 2)) }
    pending.removeAll(keepingCapacity: true)
  }

  /// After a clean stop (every instance ended, groups removed): the guard will exit without
  /// acting. The pipe stays open until the supervisor exits (or this object goes), so the guard
  /// outlives it and the last close of the descriptor it keeps is the guard's.
  func disarm() {
    pending += [2, 0]
    flush()
  }

  /// Closes the pipe: the guard kills whatever is still registered and exits.
  func close() {
    flush()
    if fd >= 0 {
      Glibc.close(fd)
      fd = -1
    }
  }

  deinit { close() }
}
