# shellcheck shell=bash
# The sandbox's one Prometheus node exporter, sourced by scripts/sandbox.sh (function
# definitions only): host CPU, memory and filesystems for the console's host metrics
# (every node of fleet.json points its metricsUrl here, as all of them share this
# host). It listens on 127.0.0.1 only, with just the cpu, meminfo and filesystem
# collectors, runs as the invoking user (root included) in a session of its own (a
# Ctrl-C in the caller's terminal does not reach it) and records its pid in
# node-exporter/node-exporter.pid; start waits until our own process serves CPU
# metrics, stop goes through the pid file.

node_exporter_pidfile() { echo "$DIR/node-exporter/node-exporter.pid"; }
node_exporter_running() {
  pid_alive "$(pidfile_pid "$(node_exporter_pidfile)")" "--web.listen-address=127.0.0.1:$NODE_EXPORTER_PORT"
}

# One scrape over bash's /dev/tcp (no curl needed): the exposition has CPU counters.
node_exporter_answers() {
  timeout 2 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1
    printf "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n" >&3
    grep -q "^node_cpu_seconds_total" <&3' "$NODE_EXPORTER_PORT" 2>/dev/null
}

start_node_exporter() {
  local pidfile i
  pidfile=$(node_exporter_pidfile)
  [ -x "$NODE_EXPORTER_BIN" ] ||
    die "[node-exporter] $NODE_EXPORTER_BIN not found: run scripts/bootstrap.sh (Debian package prometheus-node-exporter)"
  if ! node_exporter_running; then
    rm -f "$pidfile"
    say "[node-exporter] starting on port $NODE_EXPORTER_PORT"
    # The exporter does not daemonise itself: setsid -f detaches it, and the shell it
    # forks writes its own pid before exec'ing the exporter. No fd of ours stays open
    # in it (a caller reading our stdout would otherwise wait for it to exit).
    # fs-types-exclude is the exporter's default minus overlay: in a container the
    # data directories live on the overlay root filesystem.
    setsid -f bash -c 'echo $$ >"$0" && exec "$@"' "$pidfile" "$NODE_EXPORTER_BIN" \
      --web.listen-address="127.0.0.1:$NODE_EXPORTER_PORT" \
      --web.disable-exporter-metrics \
      --collector.disable-defaults --collector.cpu --collector.meminfo --collector.filesystem \
      --collector.filesystem.fs-types-exclude='^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$' \
      </dev/null >>"$DATA_DIR/log/node-exporter.log" 2>&1 || die "[node-exporter] failed to start"
  fi
  for ((i = 0; i < SERVICE_TIMEOUT * 10; i++)); do
    if node_exporter_running; then
      node_exporter_answers && return 0
    elif [ "$i" -ge 20 ]; then
      break
    fi
    sleep 0.1
  done
  log_tail "$DATA_DIR/log/node-exporter.log"
  die "[node-exporter] does not serve /metrics on port $NODE_EXPORTER_PORT"
}

stop_node_exporter() {
  kill_pidfile node-exporter "$(node_exporter_pidfile)" "--web.listen-address=127.0.0.1:$NODE_EXPORTER_PORT"
}
