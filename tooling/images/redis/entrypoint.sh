#!/bin/sh
# Entrypoint of the tokenstore/redis test image: Debian's redis-server, started the
# way the official redis image starts it. Arguments that start with "-", or a first
# argument naming a .conf file, are options of redis-server. "redis-server" followed
# by options runs the server with them: the default command is plain "redis-server",
# and `redis-server --appendonly yes` turns AOF on. Any other command runs instead
# of the server.
#
# The server listens on every interface of the container with protected mode off,
# since it is reached through a published port. Options given afterwards can still
# override both. Data (RDB and AOF files) goes to the working folder, /data.
set -eu

case "${1:-}" in
  "" | -* | *.conf) set -- redis-server "$@" ;;
esac

if [ "$1" != redis-server ]; then
  exec "$@"
fi
shift

# redis-server reads a configuration file, and options such as --version, only as
# its first argument.
case "${1:-}" in
  -v | --version | -h | --help | --test-memory | --check-system)
    exec redis-server "$@"
    ;;
  *.conf)
    config_file=$1
    shift
    exec redis-server "$config_file" --bind 0.0.0.0 --protected-mode no "$@"
    ;;
esac
exec redis-server --bind 0.0.0.0 --protected-mode no "$@"
