#ifndef CPROCCTL_H
#define CPROCCTL_H
// C shims for what Swift cannot do safely: code that runs between fork and exec must be
// async-signal-safe, and some Linux calls have no Glibc wrapper visible to Swift.
#include <sys/types.h>

/// Returns errno (Swift cannot read the thread-local errno macro reliably everywhere).
int cprocctl_errno(void);

#endif
