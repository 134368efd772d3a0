#!/usr/bin/env bash
# `make run`: create the sample application in a local state directory, then supervise it.
set -euo pipefail
bin=$1
home=$2
export PROCCTL_HOME=$home
"$bin" billing payment-method set demo-card --yes >/dev/null
"$bin" apps create demo --yes 2>/dev/null || true
if ! "$bin" show --app demo ticker >/dev/null 2>&1; then
  "$bin" create --app demo --name ticker --type worker --size hobby --instances 2 \
    --command 'while true; do echo "tick from instance $PROCCTL_INSTANCE"; sleep 2; done' --yes
fi
"$bin" list
if "$bin" help up >/dev/null 2>&1; then
  echo "Supervising (state in $home). Press Ctrl-C to stop." >&2
  echo "Instance output, from another terminal: PROCCTL_HOME=$home $bin logs ticker -f" >&2
  exec "$bin" up
fi
