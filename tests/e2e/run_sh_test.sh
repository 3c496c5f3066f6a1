#!/usr/bin/env bash
# scripts/run.sh stops everything it started, PostgreSQL included, when its output pipe is gone
# first: (1) `scripts/run.sh | head -n 1` (the next write after head's exit fails); (2) its
# output read until the platform runs, the reader gone, then SIGINT (Ctrl-C with `| tee log`:
# tee dies with it). Afterwards no process whose command line names this test's run directory
# or database port is left. Each run has its own directory and free ports; every wait is bounded.
#   tests/e2e/run_sh_test.sh BUILD_DIR
set -euo pipefail
readonly SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
readonly BUILD_DIR=$(cd "$1" && pwd)
readonly BOUND_SECONDS=120
work=$(mktemp -d /tmp/loyalty-run-sh-XXXXXX)
failures=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# Pids of the processes whose command line holds one of the arguments (services, postmaster).
processes_naming() {
  local dir pid cmdline pattern
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    [[ $pid == "$$" ]] && continue
    cmdline=$({ tr '\0' ' ' <"$dir/cmdline"; } 2>/dev/null) || continue
    for pattern in "$@"; do
      if [[ $cmdline == *"$pattern"* ]]; then
        echo "$pid $cmdline"
        break
      fi
    done
  done
}

# Six loopback ports free a moment ago.
free_ports() {
  python3 - <<'PY'
import socket
sockets = [socket.socket() for _ in range(6)]
for s in sockets:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))
PY
}

# Sets up the environment of one run of scripts/run.sh in $work/NAME.
prepare() {
  local name=$1 ports
  read -r -a ports <<<"$(free_ports)"
  run_dir=$work/$name
  pg_port=${ports[0]}
  mkdir -p "$run_dir"
  export LOYALTY_RUN_DIR=$run_dir LOYALTY_BUILD_DIR=$BUILD_DIR LOYALTY_PG_PORT=$pg_port
  export LOYALTY_COMMAND_ADDRESS=127.0.0.1:${ports[1]}
  export LOYALTY_QUERY_ADDRESS=127.0.0.1:${ports[2]}
  export LOYALTY_METRICS_ADDRESS=127.0.0.1:${ports[3]}
  export LOYALTY_QUERY_METRICS_ADDRESS=127.0.0.1:${ports[4]}
  export LOYALTY_WORKER_METRICS_ADDRESS=127.0.0.1:${ports[5]}
}

# Fails when a process of this run is left, and then stops it (it is ours: its command line names
# our temporary directory or our database port).
check_nothing_left() {
  local name=$1 left
  left=$(processes_naming "$run_dir" "127.0.0.1:$pg_port/")
  if [[ -n $left ]]; then
    fail "$name: processes left after scripts/run.sh exited:"$'\n'"$left"
    local pid
    for pid in $(cut -d' ' -f1 <<<"$left"); do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  if bash "$SOURCE_DIR/scripts/pg-local.sh" status "$run_dir/pgdata" >/dev/null 2>&1; then
    fail "$name: PostgreSQL still runs in $run_dir/pgdata"
    bash "$SOURCE_DIR/scripts/pg-local.sh" stop "$run_dir/pgdata" >/dev/null 2>&1 || true
  fi
}

cleanup() {
  [[ -n ${run_dir:-} ]] && check_nothing_left cleanup >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# (1) | head -n 1
prepare head
set +e
timeout -s KILL "$BOUND_SECONDS" bash "$SOURCE_DIR/scripts/run.sh" 2>"$run_dir/stderr.log" |
  head -n 1 >"$run_dir/first-line"
statuses=("${PIPESTATUS[@]}")
set -e
[[ ${statuses[0]} -eq 137 ]] && fail "head: scripts/run.sh did not exit within ${BOUND_SECONDS}s"
[[ -s $run_dir/first-line ]] || fail "head: scripts/run.sh printed nothing"
check_nothing_left head
echo "head: scripts/run.sh exited with ${statuses[0]}; first line: $(cat "$run_dir/first-line")"

# (2) read until it runs, close the pipe, SIGINT. Job control on: a background job of a script
# would otherwise ignore SIGINT.
prepare interrupt
mkfifo "$run_dir/out"
set -m
bash "$SOURCE_DIR/scripts/run.sh" >"$run_dir/out" 2>"$run_dir/stderr.log" &
run_pid=$!
set +m
exec 3<"$run_dir/out"
running=false
deadline=$((SECONDS + BOUND_SECONDS))
while ((SECONDS < deadline)) && IFS= read -r -t "$BOUND_SECONDS" line <&3; do
  if [[ $line == "Press Ctrl-C to stop everything." ]]; then
    running=true
    break
  fi
done
exec 3<&-
if ! $running; then
  fail "interrupt: scripts/run.sh did not bring the platform up; its stderr:"
  tail -n 30 "$run_dir/stderr.log"
fi
services=$(processes_naming "$run_dir" "127.0.0.1:$pg_port/" |
  grep -cE '/loyalty-(command|query|worker) ' || true)
$running && ((services != 3)) && fail "interrupt: $services loyalty-* processes ran, not 3"
kill -INT "$run_pid" 2>/dev/null || true
deadline=$((SECONDS + BOUND_SECONDS))
while kill -0 "$run_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
if kill -0 "$run_pid" 2>/dev/null; then
  fail "interrupt: scripts/run.sh still runs ${BOUND_SECONDS}s after SIGINT"
  kill -KILL "$run_pid" 2>/dev/null || true
fi
wait "$run_pid" 2>/dev/null || true
check_nothing_left interrupt

if ((failures > 0)); then
  echo "--- stderr of the last run:"
  tail -n 30 "$run_dir/stderr.log" || true
  exit 1
fi
echo "PASS"
