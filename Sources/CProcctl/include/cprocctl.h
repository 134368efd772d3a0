#ifndef CPROCCTL_H
#define CPROCCTL_H
// C shims for what Swift cannot do safely: code that runs between fork and exec must be
// async-signal-safe, and some Linux calls have no Glibc wrapper visible to Swift (epoll_event is
// a packed struct on x86_64, which Swift cannot import faithfully).
#include <stdint.h>
#include <sys/types.h>

/// Returns errno (Swift cannot read the thread-local errno macro reliably everywhere).
int cprocctl_errno(void);

// MARK: spawn

/// The step of `cprocctl_spawn` that failed (reported with its errno).
enum cprocctl_spawn_stage {
  CPROCCTL_STAGE_NONE = 0,
  CPROCCTL_STAGE_CLONE = 1,
  CPROCCTL_STAGE_SETSID = 2,
  CPROCCTL_STAGE_PDEATHSIG = 3,
  CPROCCTL_STAGE_CGROUP = 4,
  CPROCCTL_STAGE_RLIMIT = 5,
  CPROCCTL_STAGE_DUP2 = 6,
  CPROCCTL_STAGE_CHDIR = 7,
  CPROCCTL_STAGE_EXEC = 8,
};

/// One child to start. Everything is prepared by the caller before the call: the child runs only
/// async-signal-safe system calls and never allocates.
struct cprocctl_spawn_request {
  const char *path;            ///< program to execute, e.g. "/bin/sh"
  char *const *argv;           ///< NULL-terminated
  const char *fallback_path;   ///< tried when exec of `path` fails (e.g. "/bin/sh"), or NULL
  char *const *fallback_argv;  ///< its argv
  char *const *envp;           ///< NULL-terminated
  const char *cwd;             ///< working directory, or NULL to keep the supervisor's
  int stdin_fd;                ///< becomes fd 0 (e.g. an fd open on /dev/null)
  int stdout_fd;               ///< becomes fd 1
  int stderr_fd;               ///< becomes fd 2
  const char *const *cgroup_procs; ///< NULL or NULL-terminated list of cgroup files the child
                                   ///< writes "0" (itself) into before exec: v1 `tasks` (fast:
                                   ///< no global lock), v2 `cgroup.procs`
  int cgroup_fd;               ///< > 0: a cgroup v2 directory to start the child in (clone3
                               ///< CLONE_INTO_CGROUP); `cgroup_procs` is the fallback
  long long rlimit_as;         ///< RLIMIT_AS in bytes for the child; < 0: unchanged
  int pdeathsig;               ///< signal the child gets when the spawning thread dies; 0: none
  // Results:
  int error;                   ///< errno of the failed step, 0 on success
  int stage;                   ///< enum cprocctl_spawn_stage of the failed step
};

/// Starts a child in its own session and process group (clone with CLONE_VM|CLONE_VFORK, like
/// posix_spawn: the parent resumes once the child has exec'd or failed). Returns the pid, or -1
/// with `error`/`stage` set (a child that failed after clone has already been reaped).
/// Not reentrant across threads sharing one request; safe to call from one thread at a time.
pid_t cprocctl_spawn(struct cprocctl_spawn_request *req);


/// Starts the guard: a small forked process that holds the read end of a pipe whose write end
/// only the supervisor has (close-on-exec). The supervisor writes `cprocctl_guard_add/remove`
/// records as instance process groups come and go. When the pipe reaches EOF because the
/// supervisor died (even by SIGKILL), the guard SIGKILLs every recorded process group and every
/// process with an environment entry starting with `marker` (e.g. "PROCCTL_INSTANCE_ID=12.34/").
/// Then, if no new supervisor holds `lock_path` yet, it takes that lock and removes the cgroup
/// subtrees listed in `cgroup_roots` (one `.../procctl/<ns>` path per line; NULL or "" for
/// none), ending what is still inside, for up to 600 ms, and exits. The guard also keeps a copy
/// of `keep_fd` (-1: none) open until it exits: the supervisor passes its inotify descriptor, so
/// that the kernel's teardown of the inotify instance (an SRCU grace period, 5-20 ms) happens in
/// the guard's exit, after the supervisor's, not in it. Returns the guard's pid and stores the
/// pipe's write end in `*write_fd`; -1 on error.
pid_t cprocctl_guard_start(int *write_fd, const char *marker, const char *lock_path,
                           const char *cgroup_roots, int keep_fd);
/// Tells the guard, for each of `count` (add, pgid) pairs in `ops`, about a new (add=1) or
/// finished (add=0) process group, or (add=2) that the supervisor stopped cleanly, so the guard
/// exits without acting. Returns 0 or -1.
int cprocctl_guard_send(int write_fd, const int32_t *ops, int count);

/// Sends `sig` to every process other than the caller with an environment entry starting with
/// `marker`, and to its process group if it leads one. Returns how many matched.
int cprocctl_signal_marked(const char *marker, int sig);

/// Reads the NUL-separated environment of `pid` into `buf` (at most `cap` bytes); returns the
/// byte count or -1.
long cprocctl_read_environ(pid_t pid, char *buf, long cap);

// MARK: event loop

int cprocctl_epoll_create(void);
int cprocctl_epoll_add(int epfd, int fd, uint32_t events, uint64_t data);
int cprocctl_epoll_del(int epfd, int fd);
/// Waits for events; fills `datas`/`events` (parallel arrays of `max`); returns count or -1.
int cprocctl_epoll_wait(int epfd, uint64_t *datas, uint32_t *events, int max, int timeout_ms);
/// EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP as numbers.
uint32_t cprocctl_epollin(void);
uint32_t cprocctl_epollout(void);
uint32_t cprocctl_epollhup(void);
uint32_t cprocctl_epollerr(void);

/// Blocks `sigs` in the calling thread and returns a non-blocking, close-on-exec signalfd for
/// them; -1 on error.
int cprocctl_signalfd(const int *sigs, int count);
/// Reads one pending signal from a signalfd: its number, 0 when none is pending, -1 on error.
int cprocctl_signalfd_read(int fd);
/// SIGPIPE ignored, so a write to a closed pipe is an EPIPE error rather than death.
void cprocctl_ignore_sigpipe(void);

/// A non-blocking, close-on-exec CLOCK_MONOTONIC timerfd.
int cprocctl_timerfd_create(void);
/// Arms the timer for the absolute monotonic time `deadline_ns` (0 disarms it).
int cprocctl_timerfd_set(int fd, uint64_t deadline_ns);
/// Consumes the expiration count so the fd stops being readable.
void cprocctl_timerfd_drain(int fd);
/// A non-blocking, close-on-exec CLOCK_REALTIME timerfd, for wall-clock deadlines.
int cprocctl_timerfd_create_realtime(void);
/// Arms a CLOCK_REALTIME timerfd for the wall time `deadline_ms` (ms since the epoch; 0 disarms)
/// with TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, so setting the clock wakes it.
int cprocctl_timerfd_set_realtime(int fd, int64_t deadline_ms);
/// Reads a timerfd: 1 it expired, 0 nothing yet, -1 the clock was set (ECANCELED) or an error.
int cprocctl_timerfd_read(int fd);

uint64_t cprocctl_monotonic_ns(void);
int64_t cprocctl_realtime_ms(void);

/// inotify: non-blocking, close-on-exec instance, and a watch on `path`.
int cprocctl_inotify_init(void);
int cprocctl_inotify_watch(int fd, const char *path, uint32_t mask);
uint32_t cprocctl_in_moved_to(void);
uint32_t cprocctl_in_close_write(void);
uint32_t cprocctl_in_create(void);

/// pipe2(fds, O_CLOEXEC): both ends close-on-exec in one call. Returns 0 or -1 (errno set).
int cprocctl_pipe_cloexec(int fds[2]);

/// Makes the process a child subreaper: orphans of its descendants are reparented to it.
int cprocctl_set_subreaper(void);
/// Waits for any child without blocking: pid (status in *status), 0 when none has exited, -1
/// when there are no children (or error).
pid_t cprocctl_reap(int *status);

/// Returns free heap to the system (malloc_trim): 1 when memory was released. For a long-lived
/// idle process after a burst of one-off work.
int cprocctl_trim_memory(void);

/// Tunes malloc for a command that exits within milliseconds (everything but `up`): big blocks
/// from the heap and no trimming, so freed pages are reused instead of fresh ones faulted in.
void cprocctl_malloc_for_one_shot(void);

#endif
