#!/usr/bin/env bash
# Makes sure a Redis server answers for the @aimux/redis tests. With AIMUX_TEST_REDIS_URL set, it
# only checks that server. Otherwise it uses 127.0.0.1:6379: started when it is down, after
# installing Debian's redis-server package when Redis is not installed at all. Prints one line
# saying what it did; exits non-zero with the reason when Redis cannot be brought up.
set -uo pipefail

did=()

fail() {
  echo "ensure-redis: $*" >&2
  exit 1
}

if [ -n "${AIMUX_TEST_REDIS_URL:-}" ]; then
  command -v redis-cli >/dev/null || fail "redis-cli not found, cannot check AIMUX_TEST_REDIS_URL"
  # The URL may hold a password: it is passed to redis-cli only, and never printed.
  reply=$(timeout 10 redis-cli --no-auth-warning -u "$AIMUX_TEST_REDIS_URL" ping 2>/dev/null)
  [ "$reply" = PONG ] || fail "no Redis server answers PING at AIMUX_TEST_REDIS_URL"
  echo "redis: the server at AIMUX_TEST_REDIS_URL answers"
  exit 0
fi

# PING over bash's own TCP, so that the check needs no redis-cli; a server that accepts and
# never answers counts as down after 2 seconds.
answers() {
  (
    exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && IFS= read -r -t 2 reply <&3 &&
      [ "${reply%$'\r'}" = "+PONG" ]
  ) 2>/dev/null
}

if answers; then
  echo "redis: already running on 127.0.0.1:6379"
  exit 0
fi

if ! command -v redis-server >/dev/null; then
  [ "$(id -u)" = 0 ] || fail "Redis is not installed, and installing it needs root"
  command -v apt-get >/dev/null || fail "Redis is not installed, and there is no apt-get to install it"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } >/dev/null ||
    fail "apt-get install redis-server failed"
  did+=("installed $(redis-server --version | cut -d' ' -f1-3)")
fi

# The package may have started its own service: use it if it answers on 6379.
if ! answers; then
  mkdir -p /var/lib/redis /var/log/redis || fail "cannot create /var/lib/redis and /var/log/redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log ||
    fail "redis-server did not start (see /var/log/redis/ci.log)"
  did+=("started redis-server")
fi

for _ in $(seq 1 30); do
  answers && break
  sleep 1
done
answers || fail "Redis did not answer on 127.0.0.1:6379 within 30 seconds (see /var/log/redis/ci.log)"

if [ ${#did[@]} -eq 0 ]; then
  echo "redis: running on 127.0.0.1:6379"
else
  summary=$(printf '%s, ' "${did[@]}")
  echo "redis: ${summary%, }; running on 127.0.0.1:6379"
fi
