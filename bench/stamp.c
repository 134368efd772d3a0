/* stamp: the bench's instance program. Every timing in the bench comes from the stamps it writes.
 *
 * Each event is one line appended (O_APPEND, one write(2)) to FILE:
 *   "<instance> <event> <CLOCK_REALTIME ns> <pid> [extra]\n"
 * where <instance> is $PROCCTL_INSTANCE ("-" when unset).
 *
 * Modes:
 *   stamp FILE exit MS          start stamp, live MS milliseconds, exit stamp, exit 0
 *   stamp FILE crash            start stamp, exit stamp, exit 1 at once (a crash loop)
 *   stamp FILE sleep            start stamp, sleep until SIGTERM/SIGINT, then exit stamp, exit 0
 *   stamp FILE flood SECS [LEN] start stamp, print numbered lines of LEN bytes (default 100) on
 *                               stdout as fast as possible for SECS seconds, then "flood" stamp
 *                               with the line count and bytes, then sleep like `sleep`
 *   stamp FILE mark LABEL CMD.. write "LABEL mark ns pid" and exec CMD in the same process
 *                               (lets the bench take t0 without its own spawn overhead)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *stamp_file;
static volatile sig_atomic_t terminated;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void stamp(const char *id, const char *event, const char *extra) {
  long long t = now_ns();
  char line[256];
  int n = snprintf(line, sizeof line, "%s %s %lld %d%s%s\n", id, event, t, (int)getpid(),
                   extra ? " " : "", extra ? extra : "");
  int fd = open(stamp_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  ssize_t w;
  do { w = write(fd, line, (size_t)n); } while (w < 0 && errno == EINTR);
  close(fd);
}

static void on_term(int sig) {
  (void)sig;
  terminated = 1;
}

static void sleep_until_term(const char *id) {
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &old);
  while (!terminated) sigsuspend(&old);
  stamp(id, "exit", "term");
  _exit(0);
}

static int usage(void) {
  fprintf(stderr,
          "usage: stamp FILE exit MS | crash | sleep | flood SECS [LEN] | mark LABEL CMD...\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3) return usage();
  stamp_file = argv[1];
  const char *mode = argv[2];
  const char *id = getenv("PROCCTL_INSTANCE");
  if (!id || !*id) id = "-";

  if (strcmp(mode, "mark") == 0) {
    if (argc < 5) return usage();
    stamp(argv[3], "mark", NULL);
    execvp(argv[4], argv + 4);
    perror("stamp: exec");
    return 127;
  }

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  stamp(id, "start", NULL);
  if (strcmp(mode, "exit") == 0 && argc >= 4) {
    long ms = atol(argv[3]);
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR && !terminated) {}
    stamp(id, "exit", terminated ? "term" : NULL);
    return 0;
  }
  if (strcmp(mode, "crash") == 0) {
    stamp(id, "exit", "crash");
    return 1;
  }
  if (strcmp(mode, "sleep") == 0) sleep_until_term(id);
  if (strcmp(mode, "flood") == 0 && argc >= 4) {
    double secs = atof(argv[3]);
    int len = argc >= 5 ? atoi(argv[4]) : 100;
    if (len < 24) len = 24;
    if (len > 4000) len = 4000;
    /* Lines of exactly `len` bytes including the newline: "<seq, 12 digits> xxxx...\n". */
    static char buf[1 << 16];
    long long deadline = now_ns() + (long long)(secs * 1e9);
    long long seq = 0, bytes = 0;
    size_t used = 0;
    while (!terminated) {
      if (used + (size_t)len > sizeof buf) {
        size_t off = 0;
        while (off < used) {
          ssize_t w = write(1, buf + off, used - off);
          if (w < 0) {
            if (errno == EINTR) continue;
            bytes += (long long)off;
            goto done;
          }
          off += (size_t)w;
        }
        bytes += (long long)used;
        used = 0;
        if (now_ns() >= deadline) break;
      }
      seq++;
      char *p = buf + used;
      int h = snprintf(p, 14, "%012lld ", seq);
      memset(p + h, 'x', (size_t)(len - h - 1));
      p[len - 1] = '\n';
      used += (size_t)len;
    }
  done:;
    /* Every line has the same length, so what was written is bytes / len lines. */
    char extra[96];
    snprintf(extra, sizeof extra, "lines=%lld bytes=%lld len=%d", bytes / len, bytes, len);
    stamp(id, "flood", extra);
    sleep_until_term(id);
  }
  return usage();
}
