#!/usr/bin/env bash
# Builds the local stand-in images that the server tests run on where no container
# registry can be reached, and never pulls an image:
#
#   tokenstore/mariadb:10.11     Debian 12's MariaDB, environment of the official mysql image
#   tokenstore/redis:7.0         Debian 12's redis-server, started like the official redis image
#   tokenstore/ferretdb:1.24.2   FerretDB (MongoDB wire protocol over SQLite), built with Go
#
#   tooling/images/build-images.sh
#
# An image is skipped when it exists and was built from the current recipe (the
# label org.tokenstore.recipe contains a hash of this script and the image's files).
# MariaDB and Redis come from one Debian root made with debootstrap, kept under the
# cache folder so that a rebuild takes seconds; without that folder it is made anew.
#
# Environment:
#   TOKENSTORE_IMAGE_CACHE   cache folder for the Debian root (default /var/cache/tokenstore)
#   TOKENSTORE_BIN_CACHE     cache folder for the FerretDB binary (see ferretdb/build-binary.sh)
set -euo pipefail

images_dir="$(cd "$(dirname "$0")" && pwd)"
cache_dir="${TOKENSTORE_IMAGE_CACHE:-/var/cache/tokenstore}"
debian_root="$cache_dir/bookworm-servers"
root_packages="mariadb-server redis-server"
recipe_label=org.tokenstore.recipe

mariadb_image=tokenstore/mariadb:10.11
redis_image=tokenstore/redis:7.0
ferretdb_image=tokenstore/ferretdb:1.24.2

now_ms() {
  echo "$(($(date +%s%N) / 1000000))"
}

# Runs a command and prints how long it took: timed "what" command [arguments...]
timed() {
  local what=$1 started
  shift
  started=$(now_ms)
  "$@"
  echo "build-images: $what took $(($(now_ms) - started)) ms"
}

recipe_hash() {
  cat "$images_dir/build-images.sh" "$@" | sha256sum | cut -c1-16
}

# Removes the image that a rebuild replaced, unless a container still uses it.
remove_replaced_image() {
  if [ -n "$1" ] && [ "$1" != "$(docker image inspect --format '{{.Id}}' "$2" 2>/dev/null)" ]; then
    docker image rm "$1" >/dev/null 2>&1 || true
  fi
}

image_id() {
  docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true
}

image_is_current() {
  local found
  found=$(docker image inspect --format "{{ index .Config.Labels \"$recipe_label\" }}" "$1" 2>/dev/null) || return 1
  [ "$found" = "$2" ]
}

# Creates the Debian root with both servers installed. Later runs reuse it.
prepare_debian_root() {
  if [ -f "$debian_root/.tokenstore-complete" ] &&
    [ "$(cat "$debian_root/.tokenstore-complete")" = "$root_packages" ]; then
    echo "build-images: reusing the Debian root $debian_root"
    return
  fi

  local partial="$debian_root.partial"
  rm -rf "$partial" "$debian_root"
  mkdir -p "$cache_dir"
  timed "debootstrap" run_debootstrap "$partial"

  cat >"$partial/etc/apt/sources.list" <<'SOURCES'
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  # Package scripts must not start the servers inside the chroot, on this machine.
  printf '#!/bin/sh\nexit 101\n' >"$partial/usr/sbin/policy-rc.d"
  chmod +x "$partial/usr/sbin/policy-rc.d"

  timed "apt-get in the Debian root" install_servers "$partial"

  # The package's own data folder would make the entrypoint skip its first-start
  # setup (root password, database), so the image starts with an empty one.
  rm -rf "$partial/var/lib/mysql" "$partial/var/lib/redis"
  mkdir -p "$partial/var/lib/mysql" "$partial/run/mysqld" "$partial/data"
  rm -rf "$partial/var/lib/apt/lists/"* "$partial/var/cache/apt/"*.bin

  echo "$root_packages" >"$partial/.tokenstore-complete"
  mv "$partial" "$debian_root"
}

run_debootstrap() {
  debootstrap --variant=minbase bookworm "$1" >"$cache_dir/debootstrap.log" 2>&1 ||
    { tail -n 30 "$cache_dir/debootstrap.log" >&2; return 1; }
}

install_servers() {
  local root=$1
  {
    chroot "$root" apt-get update &&
      # shellcheck disable=SC2086 # the package list is split on purpose
      chroot "$root" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y --no-install-recommends $root_packages &&
      chroot "$root" apt-get clean
  } >"$cache_dir/apt.log" 2>&1 || { tail -n 30 "$cache_dir/apt.log" >&2; return 1; }
}

# Imports the Debian root as an image: import_debian_root NAME HASH [--change ...]
import_debian_root() {
  local name=$1 hash=$2 replaced
  shift 2
  replaced=$(image_id "$name")
  tar -C "$debian_root" --numeric-owner \
    --exclude=./.tokenstore-complete --exclude=./proc/* --exclude=./sys/* \
    --exclude=./usr/share/doc/* --exclude=./usr/share/man/* --exclude=./usr/share/info/* \
    -c . | docker import --change "LABEL $recipe_label=$hash" "$@" - "$name" >/dev/null
  remove_replaced_image "$replaced" "$name"
}

build_server_images() {
  local mariadb_hash redis_hash
  mariadb_hash=$(recipe_hash "$images_dir"/mariadb/*)
  redis_hash=$(recipe_hash "$images_dir"/redis/*)

  if image_is_current "$mariadb_image" "$mariadb_hash" && image_is_current "$redis_image" "$redis_hash"; then
    echo "build-images: $mariadb_image and $redis_image are up to date"
    return
  fi

  prepare_debian_root
  install -m 0755 "$images_dir/mariadb/entrypoint.sh" "$debian_root/usr/local/bin/mariadb-entrypoint.sh"
  install -m 0644 "$images_dir/mariadb/tokenstore.cnf" "$debian_root/etc/mysql/mariadb.conf.d/90-tokenstore.cnf"
  install -m 0755 "$images_dir/redis/entrypoint.sh" "$debian_root/usr/local/bin/redis-entrypoint.sh"

  if image_is_current "$mariadb_image" "$mariadb_hash"; then
    echo "build-images: $mariadb_image is up to date"
  else
    timed "importing $mariadb_image" import_debian_root "$mariadb_image" "$mariadb_hash" \
      --change 'ENTRYPOINT ["/usr/local/bin/mariadb-entrypoint.sh"]' \
      --change 'CMD ["mariadbd"]' \
      --change 'EXPOSE 3306'
  fi

  if image_is_current "$redis_image" "$redis_hash"; then
    echo "build-images: $redis_image is up to date"
  else
    timed "importing $redis_image" import_debian_root "$redis_image" "$redis_hash" \
      --change 'ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]' \
      --change 'CMD ["redis-server"]' \
      --change 'WORKDIR /data' \
      --change 'EXPOSE 6379'
  fi
}

build_ferretdb_image() {
  local hash binary staging replaced
  hash=$(recipe_hash "$images_dir"/ferretdb/*)
  if image_is_current "$ferretdb_image" "$hash"; then
    echo "build-images: $ferretdb_image is up to date"
    return
  fi

  local started
  started=$(now_ms)
  binary=$("$images_dir/ferretdb/build-binary.sh")
  echo "build-images: the FerretDB binary took $(($(now_ms) - started)) ms"

  replaced=$(image_id "$ferretdb_image")
  staging=$(mktemp -d)
  mkdir -p "$staging/state" "$staging/tmp"
  chmod 1777 "$staging/tmp"
  install -m 0755 "$binary" "$staging/ferretdb"
  # FERRETDB_TELEMETRY keeps telemetry off even when a caller replaces the command.
  timed "importing $ferretdb_image" sh -c '
    tar -C "$1" --numeric-owner --owner=0 --group=0 -c . |
      docker import --change "LABEL $2=$3" \
        --change "ENV FERRETDB_TELEMETRY=disable" \
        --change "ENTRYPOINT [\"/ferretdb\"]" \
        --change "CMD [\"--handler=sqlite\", \"--sqlite-url=file:/state/\", \"--state-dir=/state\", \"--listen-addr=:27017\", \"--telemetry=disable\"]" \
        --change "EXPOSE 27017" - "$4" >/dev/null
  ' sh "$staging" "$recipe_label" "$hash" "$ferretdb_image"
  rm -rf "$staging"
  remove_replaced_image "$replaced" "$ferretdb_image"
}

if ! docker info >/dev/null 2>&1; then
  echo "build-images: no Docker engine responds; run tooling/images/ensure-docker.sh first" >&2
  exit 1
fi

# One build at a time on this machine, because two would write the same cached root.
mkdir -p "$cache_dir"
exec 9>"$cache_dir/build-images.lock"
flock 9

total_started=$(now_ms)
build_server_images
build_ferretdb_image
echo "build-images: all images ready in $(($(now_ms) - total_started)) ms"
