#define _GNU_SOURCE
#include "cprocctl.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int cprocctl_errno(void) { return errno; }

/// One record of getdents64(2) (glibc declares no wrapper for it).
struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};

// MARK: spawn

/// Formats a positive number into `buf` (no allocation); returns its length.
static int format_decimal(char *buf, long v) {
  char tmp[24];
  int n = 0;
  if (v == 0) tmp[n++] = '0';
  while (v > 0) {
    tmp[n++] = (char)('0' + v % 10);
    v /= 10;
  }
  for (int i = 0; i < n; i++) buf[i] = tmp[n - 1 - i];
  return n;
}

struct child_args {
  struct cprocctl_spawn_request *req;
  pid_t parent;
  /// The child was created inside its cgroup (clone3 CLONE_INTO_CGROUP): no files to write.
  int in_cgroup;
};

/// clone3 path only (the child has its own copy of memory): where a failure is reported.
/// Stays -1 in the parent and in CLONE_VM children.
static int child_error_fd = -1;

static void child_fail(struct cprocctl_spawn_request *req, int stage) {
  if (child_error_fd >= 0) {
    int rec[2] = {stage, errno};
    ssize_t w;
    do { w = write(child_error_fd, rec, sizeof rec); } while (w < 0 && errno == EINTR);
    _exit(127);
  }
  // CLONE_VM: the parent sees these writes once it resumes.
  req->error = errno;
  req->stage = stage;
  _exit(127);
}

/// The kernel's struct sigaction (rt_sigaction(2)): glibc's wrapper refuses signals 32 and 33,
/// which it keeps for itself, so one of those inherited ignored would otherwise stay ignored.
struct kernel_sigaction {
  void *handler;
  unsigned long flags;
  void *restorer;
  uint64_t mask;
};

/// The signals whose disposition in this process is not SIG_DFL (ignored, or handled), which
/// the child resets before exec: looked up once (64 rt_sigaction calls) instead of 64 resets in
/// every child, and again whenever procctl changes a disposition (`cprocctl_ignore_sigpipe`,
/// the only place it does). A handler something else installed after the first spawn would
/// not be reset; harmless for exec (it resets handlers), and signals stay blocked until then.
static int nondefault_signals[NSIG];
static int nondefault_count = -1;

static void snapshot_dispositions(void) {
  int found[NSIG];
  int n = 0;
  for (int sig = 1; sig < NSIG; sig++) {
    if (sig == SIGKILL || sig == SIGSTOP) continue;
    struct kernel_sigaction cur;
    if (syscall(SYS_rt_sigaction, sig, NULL, &cur, sizeof cur.mask) != 0) continue;
    if (cur.handler == (void *)SIG_DFL) continue;
    found[n++] = sig;
  }
  // Published once complete. A spawn on another thread during the copy (only in-process tests
  // spawn from several threads; procctl re-snapshots once, at start) may see a mix of the old
  // and the new list for that moment.
  memcpy(nondefault_signals, found, sizeof found[0] * (size_t)n);
  __atomic_store_n(&nondefault_count, n, __ATOMIC_RELEASE);
}

/// Runs in the child, on the caller's memory (CLONE_VM), while the parent is suspended
/// (CLONE_VFORK). Only async-signal-safe system calls from here to execve.
static int child_main(void *arg) {
  struct child_args *a = arg;
  struct cprocctl_spawn_request *req = a->req;

  // Every signal is blocked (the parent blocked them before clone). Reset dispositions so the
  // supervisor's ignored signals (SIGPIPE, and any it inherited ignored) are not inherited
  // through exec, and no handler of the supervisor's can run here once they are unblocked.
  struct kernel_sigaction dfl;
  memset(&dfl, 0, sizeof dfl);  // SIG_DFL, no flags, empty mask (all zeros on any layout)
  int resets = __atomic_load_n(&nondefault_count, __ATOMIC_ACQUIRE);
  for (int i = 0; i < resets; i++)
    syscall(SYS_rt_sigaction, nondefault_signals[i], &dfl, NULL, sizeof dfl.mask);
  if (setsid() < 0) child_fail(req, CPROCCTL_STAGE_SETSID);
  if (req->pdeathsig > 0) {
    if (prctl(PR_SET_PDEATHSIG, req->pdeathsig, 0, 0, 0) < 0)
      child_fail(req, CPROCCTL_STAGE_PDEATHSIG);
    // The parent may have died between clone and prctl: then nobody would signal us.
    if (getppid() != a->parent) _exit(127);
  }
  if (req->cgroup_procs != NULL && !a->in_cgroup) {
    // "0" means the writer itself. Written to a cgroup v1 `tasks` file it moves just this
    // (single-threaded) process without the global threadgroup lock, whose write side waits
    // for an RCU grace period: about 0.2 ms instead of about 10 ms per spawn.
    const char num[] = "0\n";
    const int len = 2;
    for (const char *const *p = req->cgroup_procs; *p != NULL; p++) {
      int fd = open(*p, O_WRONLY | O_CLOEXEC);
      if (fd < 0) child_fail(req, CPROCCTL_STAGE_CGROUP);
      ssize_t w;
      do { w = write(fd, num, (size_t)len); } while (w < 0 && errno == EINTR);
      if (w < 0) child_fail(req, CPROCCTL_STAGE_CGROUP);
      close(fd);
    }
  }
  if (req->rlimit_as >= 0) {
    struct rlimit rl = {(rlim_t)req->rlimit_as, (rlim_t)req->rlimit_as};
    if (setrlimit(RLIMIT_AS, &rl) < 0) child_fail(req, CPROCCTL_STAGE_RLIMIT);
  }
  if (dup2(req->stdin_fd, 0) < 0) child_fail(req, CPROCCTL_STAGE_DUP2);
  if (dup2(req->stdout_fd, 1) < 0) child_fail(req, CPROCCTL_STAGE_DUP2);
  if (dup2(req->stderr_fd, 2) < 0) child_fail(req, CPROCCTL_STAGE_DUP2);
  // Belt and braces: no supervisor descriptor (the lock!) may leak into an instance even if one
  // was opened without O_CLOEXEC. close_range needs Linux 5.11; older kernels skip this.
#ifdef SYS_close_range
  syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */);
#endif
  if (req->cwd != NULL && chdir(req->cwd) < 0) child_fail(req, CPROCCTL_STAGE_CHDIR);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  execve(req->path, req->argv, req->envp);
  // A program exec'd directly in place of `sh -c` that cannot be (a script without #!, gone
  // since it was looked up): let the shell do what it would have done.
  if (req->fallback_path != NULL) execve(req->fallback_path, req->fallback_argv, req->envp);
  child_fail(req, CPROCCTL_STAGE_EXEC);
  return 127;
}

/// clone3(CLONE_VFORK | CLONE_INTO_CGROUP) (Linux 5.7): the child starts inside its cgroup, so
/// nothing is migrated and the global threadgroup lock (an RCU grace period, ~10 ms) is not
/// taken. Without CLONE_VM the child has its own memory (copy-on-write, like fork), so a failure
/// comes back through a close-on-exec pipe. Returns the pid; -1 with `req->stage` set when the
/// child failed; -2 when clone3 itself failed (errno set; the caller falls back).
static pid_t spawn_into_cgroup(struct cprocctl_spawn_request *req) {
  struct {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid,
      set_tid_size, cgroup;
  } args;
  memset(&args, 0, sizeof args);
  args.flags = CLONE_VFORK | 0x200000000ULL /* CLONE_INTO_CGROUP */;
  args.exit_signal = SIGCHLD;
  args.cgroup = (uint64_t)req->cgroup_fd;
  int errpipe[2];
  if (pipe2(errpipe, O_CLOEXEC) < 0) return -2;
  struct child_args a = {req, getpid(), 1};
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
#ifdef SYS_clone3
  long pid = syscall(SYS_clone3, &args, sizeof args);
#else
  long pid = syscall(435, &args, sizeof args);
#endif
  if (pid == 0) {
    close(errpipe[0]);
    child_error_fd = errpipe[1];
    child_main(&a);
    _exit(127);
  }
  int clone_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  close(errpipe[1]);
  if (pid < 0) {
    close(errpipe[0]);
    errno = clone_errno;
    return -2;
  }
  // CLONE_VFORK: the child has exec'd (the pipe closed: EOF) or failed (a record).
  int rec[2];
  ssize_t n;
  do { n = read(errpipe[0], rec, sizeof rec); } while (n < 0 && errno == EINTR);
  close(errpipe[0]);
  if (n == (ssize_t)sizeof rec) {
    req->stage = rec[0];
    req->error = rec[1];
    int st;
    while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR) {}
    return -1;
  }
  return (pid_t)pid;
}

pid_t cprocctl_spawn(struct cprocctl_spawn_request *req) {
  req->error = 0;
  req->stage = CPROCCTL_STAGE_NONE;
  if (__atomic_load_n(&nondefault_count, __ATOMIC_ACQUIRE) < 0) snapshot_dispositions();
  if (req->cgroup_fd > 0) {
    pid_t p = spawn_into_cgroup(req);
    if (p != -2) return p;
    // Older kernel (ENOSYS, E2BIG) or not allowed: join through the cgroup files instead.
  }
  struct child_args a = {req, getpid(), 0};
  // The child runs on this stack area while this thread is suspended (CLONE_VFORK).
  static const size_t stack_size = 32 * 1024;
  char stack[32 * 1024] __attribute__((aligned(16)));
  sigset_t all, old;
  sigfillset(&all);
  // Block every signal so no handler of ours ever runs in the child on shared memory.
  pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = clone(child_main, stack + stack_size, CLONE_VM | CLONE_VFORK | SIGCHLD, &a);
  int clone_errno = errno;
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (pid < 0) {
    req->error = clone_errno;
    req->stage = CPROCCTL_STAGE_CLONE;
    return -1;
  }
  if (req->stage != CPROCCTL_STAGE_NONE) {
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    return -1;
  }
  return pid;
}

// MARK: guard

#define GUARD_MAX 8192

/// Writes `text` into the file `name` of directory `dfd`, if it exists (errors ignored).
static void write_at(int dfd, const char *name, const char *text) {
  int fd = openat(dfd, name, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  ssize_t r = write(fd, text, strlen(text));
  (void)r;
  close(fd);
}

/// SIGKILLs every pid listed in the file `name` (cgroup.procs) of directory `dfd`.
static void kill_listed_at(int dfd, const char *name) {
  int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[4096];
  long pid = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
      } else {
        if (pid > 0 && pid != getpid()) kill((pid_t)pid, SIGKILL);
        pid = 0;
      }
    }
  }
  if (pid > 0 && pid != getpid()) kill((pid_t)pid, SIGKILL);
  close(fd);
}

/// One pass over the cgroup tree open at `dfd`: thaws (v1 freezer) and kills what is inside,
/// removes the empty groups bottom-up. Returns how many groups below `dfd` are still there.
/// No allocation: the guard is a fork of a multithreaded process.
static int guard_clean_tree(int dfd, int depth) {
  int left = 0;
  char buf[4096];
  if (depth < 8) {
    for (;;) {
      long n = syscall(SYS_getdents64, dfd, buf, sizeof buf);
      if (n <= 0) break;
      for (long off = 0; off < n;) {
        struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
        off += d->d_reclen;
        if (d->d_type != DT_DIR || d->d_name[0] == '.') continue;
        int sub = openat(dfd, d->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sub < 0) continue;
        left += guard_clean_tree(sub, depth + 1);
        close(sub);
        if (unlinkat(dfd, d->d_name, AT_REMOVEDIR) != 0 && errno != ENOENT) left++;
      }
    }
  }
  write_at(dfd, "freezer.state", "THAWED");
  write_at(dfd, "cgroup.kill", "1");
  kill_listed_at(dfd, "cgroup.procs");
  return left;
}

/// After the supervisor died: if no new supervisor holds the state directory's lock yet, take
/// it and remove this directory's cgroup subtrees (`roots`, one path per line), ending what is
/// still inside, for up to `budget_ms`. Holding the lock means no new supervisor creates groups
/// there meanwhile; one that starts waits for the lock (it sees its holder's pid gone).
static void guard_remove_cgroups(int lockfd, const char *roots, long budget_ms) {
  if (lockfd < 0 || roots == NULL || *roots == 0) return;
  // The dead supervisor's lock is released when the kernel drops its last file reference,
  // which can come a little after its pipe closed: try for a while. Whoever gets it first, this
  // guard or a new supervisor, is right; a new supervisor removes stale groups itself.
  struct timespec start, now;
  struct timespec pause = {0, 2 * 1000 * 1000};
  clock_gettime(CLOCK_MONOTONIC, &start);
  while (flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > 300)
      return;
    nanosleep(&pause, NULL);
  }
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    int left = 0;
    const char *p = roots;
    while (*p) {
      const char *e = strchr(p, '\n');
      size_t len = e ? (size_t)(e - p) : strlen(p);
      char path[4096];
      if (len > 0 && len < sizeof path) {
        memcpy(path, p, len);
        path[len] = 0;
      }
      // Only ever a state directory's own subtree: ".../procctl/<ns>".
      const char *last = len > 0 && len < sizeof path ? strrchr(path, '/') : NULL;
      if (last && last - path >= 8 && memcmp(last - 8, "/procctl/", 9) == 0 && last[1] != 0) {
        int dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
          left += guard_clean_tree(dfd, 0);
          close(dfd);
          if (rmdir(path) != 0 && errno != ENOENT) {
            left++;
          } else {
            // The shared `procctl` parent goes too once no state directory uses it.
            char *slash = strrchr(path, '/');
            if (slash && slash != path) {
              *slash = 0;
              rmdir(path);
            }
          }
        }
      }
      p += len;
      if (*p == '\n') p++;
    }
    if (left == 0) break;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (ms > budget_ms) break;
    nanosleep(&pause, NULL);
  }
  flock(lockfd, LOCK_UN);
}

static void guard_main(int rfd, const char *marker, int lockfd, const char *roots) {
  static pid_t groups[GUARD_MAX];
  int count = 0;
  int disarmed = 0;
  int32_t rec[2];
  size_t have = 0;
  for (;;) {
    ssize_t n = read(rfd, (char *)rec + have, sizeof rec - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EOF: the supervisor is gone
    have += (size_t)n;
    if (have < sizeof rec) continue;
    have = 0;
    if (rec[0] == 3) {
      disarmed = 1;
    } else if (rec[0] == 1) {
      if (count < GUARD_MAX) groups[count++] = rec[1];
    } else {
      for (int i = 0; i < count; i++) {
        if (groups[i] == rec[1]) {
          groups[i] = groups[--count];
          break;
        }
      }
    }
  }
  // A clean stop ended everything and removed the groups itself.
  if (disarmed) _exit(0);
  for (int i = 0; i < count; i++) kill(-groups[i], SIGKILL);
  // Whatever escaped its group (a double-forked daemon) still carries the marker. Repeat: a
  // process may fork while we scan.
  for (int pass = 0; pass < 3; pass++) {
    if (cprocctl_signal_marked(marker, SIGKILL) == 0) break;
  }
  guard_remove_cgroups(lockfd, roots, 600);
  _exit(0);
}

pid_t cprocctl_guard_start(int *write_fd, const char *marker, const char *lock_path,
                            const char *cgroup_roots, int keep_fd) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return -1;
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    if (devnull >= 0) close(devnull);
    return -1;
  }
  if (pid == 0) {
    // Own session: the terminal's Ctrl-C goes to the supervisor, which stops everything in
    // order; the guard only acts when the supervisor vanishes.
    setsid();
    prctl(PR_SET_NAME, "procctl-guard", 0, 0, 0);
    struct sigaction ign;
    memset(&ign, 0, sizeof ign);
    ign.sa_handler = SIG_IGN;
    int ignored[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU};
    for (unsigned i = 0; i < sizeof ignored / sizeof ignored[0]; i++)
      sigaction(ignored[i], &ign, NULL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (devnull >= 0) {
      dup2(devnull, 0);
      dup2(devnull, 1);
      dup2(devnull, 2);
    }
    // Keep only the pipe's read end (3), our own open of the lock file (4) and `keep_fd` (5):
    // holding the supervisor's lock or the pipe's write end would keep them alive after the
    // supervisor dies. Moved out of the way first, so no dup2 below overwrites another.
    // Its own open of the lock file: flock locks belong to one open file description, and this
    // one holds nothing until the guard asks, after the supervisor is gone.
    int lockfd = lock_path ? open(lock_path, O_RDONLY | O_CLOEXEC) : -1;
    int high_r = fcntl(fds[0], F_DUPFD, 100);
    if (high_r < 0) _exit(1);  // no pipe, no guard (the supervisor notes it and goes on)
    int high_l = lockfd >= 0 ? fcntl(lockfd, F_DUPFD, 100) : -1;
    int high_k = keep_fd >= 0 ? fcntl(keep_fd, F_DUPFD, 100) : -1;
    int rfd = 3;
    dup2(high_r, 3);
    lockfd = -1;
    if (high_l >= 0) {
      dup2(high_l, 4);
      lockfd = 4;
    }
    if (high_k >= 0) dup2(high_k, 5);
#ifdef SYS_close_range
    if (syscall(SYS_close_range, 6U, ~0U, 0U) < 0)
#endif
    {
      for (int fd = 6; fd < 4096; fd++) close(fd);
    }
    if (lockfd < 0) close(4);
    if (high_k < 0) close(5);
    guard_main(rfd, marker, lockfd, cgroup_roots);
  }
  close(fds[0]);
  if (devnull >= 0) close(devnull);
  *write_fd = fds[1];
  return pid;
}

int cprocctl_guard_send(int write_fd, const int32_t *ops, int count) {
  // At most PIPE_BUF (4096) bytes per write, so the guard never sees half a record.
  int32_t buf[1024];
  int done = 0;
  while (done < count) {
    int k = 0;
    while (done < count && k < 1024) {
      int add = ops[2 * done];
      buf[k++] = add == 2 ? 3 : add ? 1 : 2;
      buf[k++] = ops[2 * done + 1];
      done++;
    }
    size_t len = (size_t)k * sizeof buf[0];
    ssize_t n;
    do { n = write(write_fd, buf, len); } while (n < 0 && errno == EINTR);
    if (n != (ssize_t)len) return -1;
  }
  return 0;
}

long cprocctl_read_environ(pid_t pid, char *buf, long cap) {
  char path[40] = "/proc/";
  int len = 6;
  len += format_decimal(path + len, (long)pid);
  memcpy(path + len, "/environ", 9);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long total = 0;
  while (total < cap) {
    ssize_t n = read(fd, buf + total, (size_t)(cap - total));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += n;
  }
  close(fd);
  return total;
}

/// True when one entry of the environment block starts with `entry`.
static int environ_has(const char *env, long len, const char *entry, size_t elen) {
  long i = 0;
  while (i < len) {
    const char *s = env + i;
    size_t n = strnlen(s, (size_t)(len - i));
    if (n >= elen && memcmp(s, entry, elen) == 0) return 1;
    i += (long)n + 1;
  }
  return 0;
}



int cprocctl_signal_marked(const char *marker, int sig) {
  static char env[65536];
  char dirbuf[8192];
  size_t mlen = strlen(marker);
  pid_t self = getpid();
  int matched = 0;
  int dfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return 0;
  for (;;) {
    long n = syscall(SYS_getdents64, dfd, dirbuf, sizeof dirbuf);
    if (n <= 0) break;
    for (long off = 0; off < n;) {
      struct linux_dirent64 *d = (struct linux_dirent64 *)(dirbuf + off);
      off += d->d_reclen;
      long pid = 0;
      const char *c = d->d_name;
      if (*c < '1' || *c > '9') continue;
      for (; *c >= '0' && *c <= '9'; c++) pid = pid * 10 + (*c - '0');
      if (*c != 0 || pid == self) continue;
      long len = cprocctl_read_environ((pid_t)pid, env, (long)sizeof env);
      if (len <= 0 || !environ_has(env, len, marker, mlen)) continue;
      matched++;
      if (getpgid((pid_t)pid) == (pid_t)pid) kill(-(pid_t)pid, sig);
      kill((pid_t)pid, sig);
    }
  }
  close(dfd);
  return matched;
}

// MARK: event loop

int cprocctl_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int cprocctl_epoll_add(int epfd, int fd, uint32_t events, uint64_t data) {
  struct epoll_event ev;
  ev.events = events;
  ev.data.u64 = data;
  return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int cprocctl_epoll_del(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

int cprocctl_epoll_wait(int epfd, uint64_t *datas, uint32_t *events, int max, int timeout_ms) {
  struct epoll_event evs[64];
  if (max > 64) max = 64;
  int n = epoll_wait(epfd, evs, max, timeout_ms);
  for (int i = 0; i < n; i++) {
    datas[i] = evs[i].data.u64;
    events[i] = evs[i].events;
  }
  return n;
}

uint32_t cprocctl_epollin(void) { return EPOLLIN; }
uint32_t cprocctl_epollout(void) { return EPOLLOUT; }
uint32_t cprocctl_epollhup(void) { return EPOLLHUP; }
uint32_t cprocctl_epollerr(void) { return EPOLLERR; }

int cprocctl_signalfd(const int *sigs, int count) {
  sigset_t set;
  sigemptyset(&set);
  for (int i = 0; i < count; i++) sigaddset(&set, sigs[i]);
  if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0) return -1;
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int cprocctl_signalfd_read(int fd) {
  struct signalfd_siginfo si;
  for (;;) {
    ssize_t n = read(fd, &si, sizeof si);
    if (n == (ssize_t)sizeof si) return (int)si.ssi_signo;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return 0;
    return -1;
  }
}

void cprocctl_ignore_sigpipe(void) {
  signal(SIGPIPE, SIG_IGN);
  snapshot_dispositions();
}

int cprocctl_timerfd_create(void) {
  return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
}

int cprocctl_timerfd_set(int fd, uint64_t deadline_ns) {
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ULL);
  its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ULL);
  return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

void cprocctl_timerfd_drain(int fd) {
  uint64_t count;
  while (read(fd, &count, sizeof count) < 0 && errno == EINTR) {}
}

int cprocctl_timerfd_create_realtime(void) {
  return timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK | TFD_CLOEXEC);
}

int cprocctl_timerfd_set_realtime(int fd, int64_t deadline_ms) {
  struct itimerspec its;
  memset(&its, 0, sizeof its);
  if (deadline_ms > 0) {
    its.it_value.tv_sec = (time_t)(deadline_ms / 1000);
    its.it_value.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
  }
  return timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL);
}

int cprocctl_timerfd_read(int fd) {
  uint64_t count;
  for (;;) {
    if (read(fd, &count, sizeof count) == (ssize_t)sizeof count) return 1;
    if (errno == EINTR) continue;
    return errno == EAGAIN ? 0 : -1;
  }
}

uint64_t cprocctl_monotonic_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int64_t cprocctl_realtime_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cprocctl_inotify_init(void) { return inotify_init1(IN_NONBLOCK | IN_CLOEXEC); }
int cprocctl_inotify_watch(int fd, const char *path, uint32_t mask) {
  return inotify_add_watch(fd, path, mask);
}
uint32_t cprocctl_in_moved_to(void) { return IN_MOVED_TO; }
uint32_t cprocctl_in_close_write(void) { return IN_CLOSE_WRITE; }
uint32_t cprocctl_in_create(void) { return IN_CREATE; }

int cprocctl_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int cprocctl_set_subreaper(void) { return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); }

pid_t cprocctl_reap(int *status) { return waitpid(-1, status, WNOHANG); }

// MARK: memory

#include <malloc.h>
#include <sys/mman.h>

int cprocctl_trim_memory(void) {
  // Returns free heap (what start-up and reconciling allocated and freed) to the system. It used
  // to also MADV_DONTNEED the executable's code pages, which only made the RSS/PSS reading
  // smaller until the code ran again (issue 6 forbids that); the code the supervisor keeps
  // resident is kept small by the link order instead (link/procctl.order).
  return malloc_trim(0);
}

void cprocctl_malloc_for_one_shot(void) {
  // Large blocks (the state file, --json output) from the heap rather than their own mmap, and
  // freed memory kept rather than given back: what one phase frees (the state file's bytes once
  // decoded) the next reuses without faulting in fresh pages. The process exits within
  // milliseconds, so nothing is held for long.
  mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
}
