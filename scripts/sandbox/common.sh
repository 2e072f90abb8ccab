# shellcheck shell=bash
# Generic helpers, sourced first by scripts/sandbox.sh (function definitions only).
# Logging to stderr (say, die, log_tail) and timing; running a command as, or giving
# a path to, the `postgres` OS user when we are root (as_pg, own_pg); inspecting
# processes by pid or pid file (pid_alive, pidfile_pid, proc_state, child_pids);
# stopping a daemon through its pid file (kill_pidfile); and running bring-up steps
# as parallel jobs that fail together (run_parallel). Uses the entry's globals
# SANDBOX_NAME and IS_ROOT.

say() { printf '[sandbox:%s] %s\n' "$SANDBOX_NAME" "$*" >&2; }
die() { say "error: $*"; exit 1; }

now() { date +%s.%N; }
elapsed_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# Run a command as the OS user that owns the Postgres/PgBouncer files.
as_pg() {
  if [ "$IS_ROOT" = 1 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Give a path to the postgres OS user (no-op when not root).
own_pg() {
  if [ "$IS_ROOT" = 1 ]; then chown -R postgres:postgres "$@"; fi
}

log_tail() {
  local file=$1
  if [ -f "$file" ]; then
    say "last lines of $file:"
    tail -n 20 "$file" | sed 's/^/    /' >&2
  fi
}

# pid_alive PID [PATTERN]: the process exists (and its command line contains PATTERN).
pid_alive() {
  local pid=$1 pattern=${2:-}
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -n "$pattern" ] && [ -r "/proc/$pid/cmdline" ]; then
    local cmdline
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    [[ "$cmdline" == *"$pattern"* ]] || return 1
  fi
  return 0
}

pidfile_pid() { [ -f "$1" ] && head -n 1 "$1" | tr -d '[:space:]' || true; }

# Process state letter from /proc (T = stopped), empty when unknown.
proc_state() { [ -r "/proc/$1/stat" ] && sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1 || true; }

# Direct children of PID (from /proc). Postgres backends call setsid(), so they are
# not in the postmaster's process group: a hung node means signalling each of them.
child_pids() {
  local parent=$1 stat line fields
  for stat in /proc/[0-9]*/stat; do
    { read -r line <"$stat"; } 2>/dev/null || continue
    read -r -a fields <<<"${line##*) }"   # state ppid pgrp ...
    if [ "${fields[1]:-}" = "$parent" ]; then
      line=${stat#/proc/}
      echo "${line%/stat}"
    fi
  done
}

# kill_pidfile LABEL PIDFILE PATTERN: SIGTERM the recorded pid and wait until it is gone.
kill_pidfile() {
  local label=$1 pidfile=$2 pattern=$3 pid i
  pid=$(pidfile_pid "$pidfile")
  [ -n "$pid" ] || return 0
  if ! pid_alive "$pid" "$pattern"; then
    rm -f "$pidfile"
    return 0
  fi
  say "[$label] stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    pid_alive "$pid" "$pattern" || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  die "[$label] pid $pid did not exit within 10s"
}

# run_parallel FAIL_MESSAGE FN ARGS... ;; FN ARGS... : runs each call in the
# background, waits for all, dies with FAIL_MESSAGE if any failed. Call it as a
# plain command: inside `if`/`||`, bash would ignore `set -e` within the jobs.
run_parallel() {
  local fail_message=$1 pids=() names=() call=() failed=0 i
  shift
  while [ $# -gt 0 ]; do
    call=()
    while [ $# -gt 0 ] && [ "$1" != ";;" ]; do call+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    "${call[@]}" &
    pids+=($!)
    names+=("${call[*]}")
  done
  for i in "${!pids[@]}"; do
    if ! wait "${pids[$i]}"; then
      say "failed: ${names[$i]}"
      failed=1
    fi
  done
  if [ "$failed" = 1 ]; then die "$fail_message"; fi
}
