# shellcheck shell=bash
# The sandbox Redis, sourced by scripts/sandbox.sh (function definitions only): a
# daemonised redis-server on 127.0.0.1 without persistence, run as the invoking user
# (root included); start waits until our own process answers PING, stop goes
# through its pid file.

redis_pidfile() { echo "$DIR/redis/redis.pid"; }
redis_running() { pid_alive "$(pidfile_pid "$(redis_pidfile)")" ":$REDIS_PORT"; }
redis_answers() { [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

start_redis() {
  local i
  if ! redis_running; then
    rm -f "$(redis_pidfile)"
    say "[redis] starting on port $REDIS_PORT"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
      --pidfile "$(redis_pidfile)" --dir "$DIR/redis" --logfile "$DATA_DIR/log/redis.log" </dev/null >/dev/null 2>&1 || {
      log_tail "$DATA_DIR/log/redis.log"
      die "[redis] failed to start"
    }
  fi
  for ((i = 0; i < SERVICE_TIMEOUT * 10; i++)); do
    if redis_running; then
      redis_answers && return 0
    elif [ "$i" -ge 20 ]; then
      break
    fi
    sleep 0.1
  done
  log_tail "$DATA_DIR/log/redis.log"
  die "[redis] does not answer PING on port $REDIS_PORT"
}

stop_redis() { kill_pidfile redis "$(redis_pidfile)" ":$REDIS_PORT"; }
