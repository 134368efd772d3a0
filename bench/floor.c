/* floor: what the machine can do with no supervisor in the way. The same stamp helper, run by
 * the simplest possible C parent.
 *
 *   floor restart N direct|sh HELPER FILE
 *       fork, exec HELPER FILE exit 0, wait; N times. Restart latency = exit stamp -> next start
 *       stamp. `sh` runs it through /bin/sh -c "exec ..." as procctl does.
 *   floor cold N direct|sh HELPER FILE
 *       "cold mark" stamp, then fork+exec N helpers (sleep mode, PROCCTL_INSTANCE=1..N) without
 *       waiting; once the N start stamps are in FILE, "stop mark" stamp, SIGTERM to all, wait for
 *       all, "stopped mark" stamp.
 *   floor time N CMD [ARGS...]
 *       run CMD N times (stdin, stdout and stderr on /dev/null), print each run's wall time in ns
 *       (fork to reaped), one per line. Exits 1 if any run exited non-zero (its status on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void mark(const char *file, const char *label) {
  char line[128];
  int n = snprintf(line, sizeof line, "%s mark %lld %d\n", label, now_ns(), (int)getpid());
  int fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return;
  if (write(fd, line, (size_t)n) < 0) perror("floor: write");
  close(fd);
}

static int count_starts(const char *file) {
  FILE *f = fopen(file, "r");
  if (!f) return 0;
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, f))
    if (strstr(line, " start ")) n++;
  fclose(f);
  return n;
}

static int usage(void) {
  fprintf(stderr, "usage: floor restart N direct|sh HELPER FILE | cold N direct|sh HELPER FILE | "
                  "time N CMD [ARGS...]\n");
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 3) return usage();
  int n = atoi(argv[2]);
  if (strcmp(argv[1], "restart") == 0 && argc == 6) {
    int viaShell = strcmp(argv[3], "sh") == 0;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s %s exit 0", argv[4], argv[5]);
    setenv("PROCCTL_INSTANCE", "1", 1);
    for (int i = 0; i < n; i++) {
      pid_t pid = fork();
      if (pid == 0) {
        if (viaShell)
          execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        else
          execl(argv[4], argv[4], argv[5], "exit", "0", (char *)NULL);
        _exit(127);
      }
      int st;
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
    }
    return 0;
  }
  if (strcmp(argv[1], "cold") == 0 && argc == 6) {
    int viaShell = strcmp(argv[3], "sh") == 0;
    argv += 1; /* HELPER FILE now at argv[3], argv[4] */
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s %s sleep", argv[3], argv[4]);
    pid_t *pids = calloc((size_t)n, sizeof *pids);
    mark(argv[4], "cold");
    for (int i = 0; i < n; i++) {
      pids[i] = fork();
      if (pids[i] == 0) {
        char id[16];
        snprintf(id, sizeof id, "%d", i + 1);
        setenv("PROCCTL_INSTANCE", id, 1);
        if (viaShell)
          execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        else
          execl(argv[3], argv[3], argv[4], "sleep", (char *)NULL);
        _exit(127);
      }
    }
    long long deadline = now_ns() + 10000000000LL;
    while (count_starts(argv[4]) < n && now_ns() < deadline) {
      struct timespec ts = {0, 1000000};
      nanosleep(&ts, NULL);
    }
    mark(argv[4], "stop");
    for (int i = 0; i < n; i++) kill(pids[i], SIGTERM);
    for (int i = 0; i < n; i++) {
      int st;
      while (waitpid(pids[i], &st, 0) < 0 && errno == EINTR) {}
    }
    mark(argv[4], "stopped");
    return 0;
  }
  if (strcmp(argv[1], "time") == 0 && argc >= 4) {
    int failed = 0;
    for (int i = 0; i < n; i++) {
      long long t0 = now_ns();
      pid_t pid = fork();
      if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        execvp(argv[3], argv + 3);
        _exit(127);
      }
      int st;
      while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
      long long t1 = now_ns();
      printf("%lld\n", t1 - t0);
      if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        fprintf(stderr, "floor: run %d of %s: status %d\n", i + 1, argv[3], st);
        failed = 1;
      }
    }
    return failed;
  }
  return usage();
}
