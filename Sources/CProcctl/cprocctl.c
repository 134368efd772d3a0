#include "cprocctl.h"
#include <errno.h>

int cprocctl_errno(void) { return errno; }
