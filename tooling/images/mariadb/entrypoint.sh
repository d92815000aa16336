#!/bin/bash
# Entrypoint of the tokenstore/mariadb test image: Debian's MariaDB server, started
# with the environment contract of the official mysql and mariadb images.
#
# The first start (no mysql system database in the data folder yet) creates the
# system tables, sets the root password for root@localhost and root@'%', and creates
# the optional database and user. Later starts keep the data as it is. The script
# then replaces itself with mariadbd, so `docker stop` shuts the server down cleanly.
#
# Variables (MARIADB_* wins over MYSQL_* where both are set):
#   MYSQL_ROOT_PASSWORD, MARIADB_ROOT_PASSWORD   root password
#   MYSQL_ALLOW_EMPTY_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD   any value: root has no password
#   MYSQL_RANDOM_ROOT_PASSWORD, MARIADB_RANDOM_ROOT_PASSWORD        any value: print a generated one
#   MYSQL_DATABASE, MARIADB_DATABASE             database to create
#   MYSQL_USER + MYSQL_PASSWORD, MARIADB_USER + MARIADB_PASSWORD    user with all rights on that database
# Files in /docker-entrypoint-initdb.d (*.sql, *.sql.gz, *.sh) run once after that.
#
# Arguments: none or options starting with "-" (passed to mariadbd), "mariadbd" or
# "mysqld" followed by options, or any other command, which runs instead.
set -euo pipefail

datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
init_wait_seconds=60

log() {
  echo "entrypoint: $*" >&2
}

fail() {
  log "error: $*"
  exit 1
}

setting() {
  local mariadb_name="MARIADB_$1" mysql_name="MYSQL_$1"
  printf '%s' "${!mariadb_name:-${!mysql_name:-}}"
}

# Escapes a value for a single-quoted SQL string literal.
sql_string() {
  local value=${1//\\/\\\\}
  printf "'%s'" "${value//\'/\\\'}"
}

# Quotes a name as a SQL identifier.
sql_name() {
  printf '`%s`' "${1//\`/\`\`}"
}

start_temporary_server() {
  mariadbd --user=root --datadir="$datadir" --skip-networking --socket="$socket" "$@" &
  temporary_pid=$!

  local deadline=$((SECONDS + init_wait_seconds))
  until mariadb-admin --socket="$socket" --user=root ping >/dev/null 2>&1; do
    if ! kill -0 "$temporary_pid" 2>/dev/null; then
      fail "the temporary server for the first start exited"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      fail "the temporary server did not answer within ${init_wait_seconds} s"
    fi
    sleep 0.2
  done
}

stop_temporary_server() {
  MYSQL_PWD="$root_password" mariadb-admin --socket="$socket" --user=root shutdown
  wait "$temporary_pid"
}

accounts_sql() {
  local password_clause=""
  if [ -n "$root_password" ]; then
    password_clause=" IDENTIFIED BY $(sql_string "$root_password")"
  fi

  # The installer also creates root accounts for the loopback addresses and the
  # container's host name. Only root@localhost and root@'%' are kept, as in the
  # official images.
  echo "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';"
  echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@', QUOTE(@@hostname));"
  echo "ALTER USER 'root'@'localhost'${password_clause};"
  echo "CREATE USER 'root'@'%'${password_clause};"
  echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"

  if [ -n "$database" ]; then
    echo "CREATE DATABASE IF NOT EXISTS $(sql_name "$database");"
  fi
  if [ -n "$user" ]; then
    echo "CREATE USER $(sql_string "$user")@'%' IDENTIFIED BY $(sql_string "$password");"
    if [ -n "$database" ]; then
      echo "GRANT ALL ON $(sql_name "$database").* TO $(sql_string "$user")@'%';"
    fi
  fi
  echo "FLUSH PRIVILEGES;"
}

run_init_files() {
  local file
  local client=(mariadb --socket="$socket" --user=root)
  if [ -n "$database" ]; then
    client+=(--database="$database")
  fi

  shopt -s nullglob
  for file in /docker-entrypoint-initdb.d/*; do
    case "$file" in
      *.sh) log "running $file"; . "$file" ;;
      *.sql) log "running $file"; MYSQL_PWD="$root_password" "${client[@]}" <"$file" ;;
      *.sql.gz) log "running $file"; gunzip -c "$file" | MYSQL_PWD="$root_password" "${client[@]}" ;;
      *) log "ignoring $file" ;;
    esac
  done
  shopt -u nullglob
}

initialize() {
  root_password=$(setting ROOT_PASSWORD)
  database=$(setting DATABASE)
  user=$(setting USER)
  password=$(setting PASSWORD)
  local allow_empty="${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
  local random_password
  random_password=$(setting RANDOM_ROOT_PASSWORD)

  if [ -n "$random_password" ] && [ -z "$root_password" ]; then
    root_password=$(head -c 24 /dev/urandom | base64 | tr -d '/+=' | head -c 24)
    log "GENERATED ROOT PASSWORD: $root_password"
  fi
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    fail "the database is not initialized and no root password option is set: set one of" \
      "MYSQL_ROOT_PASSWORD, MYSQL_ALLOW_EMPTY_PASSWORD or MYSQL_RANDOM_ROOT_PASSWORD"
  fi
  if [ "$user" = root ]; then
    fail "MYSQL_USER=root is not allowed: MYSQL_USER and MYSQL_PASSWORD create a regular user"
  fi
  if [ -n "$user" ] && [ -z "$password" ]; then
    fail "MYSQL_USER is set but MYSQL_PASSWORD is empty"
  fi

  log "initializing the data folder $datadir"
  mariadb-install-db --user=root --datadir="$datadir" \
    --auth-root-authentication-method=normal --skip-test-db >/dev/null

  start_temporary_server "$@"
  accounts_sql | mariadb --socket="$socket" --user=root
  run_init_files
  stop_temporary_server
  log "initialization finished"
}

case "${1:-}" in
  mariadbd | mysqld) shift ;;
  -* | "") ;;
  *) exec "$@" ;;
esac

mkdir -p "$datadir" "$(dirname "$socket")"
if [ ! -d "$datadir/mysql" ]; then
  initialize "$@"
fi

exec mariadbd --user=root --datadir="$datadir" --socket="$socket" --bind-address=0.0.0.0 "$@"
