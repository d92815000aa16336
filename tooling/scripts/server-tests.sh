#!/usr/bin/env bash
# Runs the tests that need database servers on a machine that reaches no container
# registry: makes sure Docker responds, builds the local stand-in images, points the
# test servers at them, and runs `npm test` or the command given.
#
#   tooling/scripts/server-tests.sh
#   tooling/scripts/server-tests.sh pnpm --filter @tokenstore/redis test
#
# With TOKENSTORE_OFFLINE=1 the tests never pull an image: a missing one fails with
# its name. Ryuk, testcontainers' clean-up container, is off because its image cannot
# be pulled either; the tests remove their labelled containers themselves.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"

"$root/tooling/images/ensure-docker.sh"
"$root/tooling/images/build-images.sh"

export TOKENSTORE_MYSQL_IMAGE=tokenstore/mariadb:10.11
export TOKENSTORE_REDIS_IMAGE=tokenstore/redis:7.0
export TOKENSTORE_MONGODB_IMAGE=tokenstore/ferretdb:1.24.2
export TOKENSTORE_OFFLINE=1
export TESTCONTAINERS_RYUK_DISABLED=true

cd "$root"
if [ "$#" -eq 0 ]; then
  set -- npm test
fi
exec "$@"
