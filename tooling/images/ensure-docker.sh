#!/usr/bin/env bash
# Makes sure a Docker engine responds on this machine. When `docker info` fails, it
# installs Debian's docker.io package if dockerd is missing, starts dockerd in the
# background with published ports bound to 127.0.0.1 by default and every registry
# request sent to a closed loopback port, and waits until the engine responds. Safe to run from several shells at once (one lock).
#
#   tooling/images/ensure-docker.sh
#
# Environment:
#   TOKENSTORE_DOCKERD_LOG      dockerd's log file (default /var/log/tokenstore-dockerd.log)
#   TOKENSTORE_DOCKER_WAIT_S    how long to wait for the engine, in seconds (default 60)
set -euo pipefail

log_file="${TOKENSTORE_DOCKERD_LOG:-/var/log/tokenstore-dockerd.log}"
wait_seconds="${TOKENSTORE_DOCKER_WAIT_S:-60}"
lock_file=/var/lock/tokenstore-ensure-docker.lock

engine_responds() {
  docker info >/dev/null 2>&1
}

elapsed_since() {
  echo "$(($(date +%s%N) / 1000000 - $1))"
}

now_ms() {
  echo "$(($(date +%s%N) / 1000000))"
}

# Polls `docker info` every 0.2 s until it succeeds or the deadline passes.
wait_for_engine() {
  local deadline=$(($(date +%s) + wait_seconds))
  until engine_responds; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "ensure-docker: the Docker engine did not respond within ${wait_seconds} s; see $log_file" >&2
      tail -n 20 "$log_file" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

if engine_responds; then
  echo "ensure-docker: the Docker engine already responds"
  exit 0
fi

exec 9>"$lock_file"
flock 9
# Another shell may have started the engine while this one waited for the lock.
if engine_responds; then
  echo "ensure-docker: the Docker engine already responds"
  exit 0
fi

if ! command -v dockerd >/dev/null 2>&1; then
  started=$(now_ms)
  echo "ensure-docker: dockerd is missing; installing Debian's docker.io package"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io
  echo "ensure-docker: installed docker.io in $(elapsed_since "$started") ms"
fi

if ! command -v docker >/dev/null 2>&1; then
  echo "ensure-docker: dockerd is installed but the docker client is not on the PATH" >&2
  exit 1
fi

started=$(now_ms)
echo "ensure-docker: starting dockerd (log: $log_file)"
# --ip sets the default host address of published ports, so a port published
# without an explicit address is still reachable from this machine only.
# The proxy variables send every registry request of this daemon to a closed port on
# loopback, so that no image pull can reach a registry: the images come from
# build-images.sh. (Port 9 is the discard service, which nothing here listens on.)
# dockerd must not inherit the lock's descriptor, or it would hold the lock forever.
HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY= \
  setsid nohup dockerd --ip=127.0.0.1 >>"$log_file" 2>&1 </dev/null 9>&- &
dockerd_pid=$!

if ! wait_for_engine; then
  if ! kill -0 "$dockerd_pid" 2>/dev/null; then
    echo "ensure-docker: dockerd (pid $dockerd_pid) exited" >&2
  fi
  exit 1
fi
echo "ensure-docker: dockerd (pid $dockerd_pid) responded after $(elapsed_since "$started") ms"
