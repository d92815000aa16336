#!/usr/bin/env bash
# Builds the FerretDB server binary from the Go module proxy, or reuses the one
# built before, and prints its path on stdout. Progress goes to stderr.
#
#   tooling/images/ferretdb/build-binary.sh
#
# A plain `go install github.com/FerretDB/FerretDB/cmd/ferretdb@VERSION` gives a
# binary that panics at start: FerretDB reads its own version from the generated
# file build/version/version.txt, which the published module does not contain. So
# this script copies the module's source out of the Go module cache, writes that
# file, and builds from the copy.
#
# Environment:
#   TOKENSTORE_BIN_CACHE   folder that keeps the binary between runs
#                          (default ${XDG_CACHE_HOME:-$HOME/.cache}/tokenstore/bin)
# GOCACHE, GOMODCACHE and GOPROXY are Go's own and are honoured as usual.
set -euo pipefail

ferretdb_version=v1.24.2
module=github.com/FerretDB/FerretDB
bin_dir="${TOKENSTORE_BIN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/tokenstore/bin}"
binary="$bin_dir/ferretdb"

# A binary from an earlier run is reused only if it starts and reports this version.
if [ -x "$binary" ] && "$binary" --version 2>/dev/null | grep -q "version: $ferretdb_version\$"; then
  echo "ferretdb: reusing $binary" >&2
  echo "$binary"
  exit 0
fi

# Non-interactive shells (CI) may not have the PATH of a login shell; /usr/local/go
# is where Go's own installer puts it.
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "ferretdb: go is not on the PATH; install Go 1.24 or later to build FerretDB $ferretdb_version" >&2
  exit 1
fi

# GOTOOLCHAIN=local: build with the installed Go, never download another toolchain.
export CGO_ENABLED=0 GOTOOLCHAIN=local GOFLAGS=-mod=readonly

echo "ferretdb: downloading $module@$ferretdb_version through the Go module proxy" >&2
module_dir=$(go mod download -json "$module@$ferretdb_version" |
  sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')
if [ -z "$module_dir" ] || [ ! -d "$module_dir" ]; then
  echo "ferretdb: go mod download did not report the module's folder" >&2
  exit 1
fi

source_dir=$(mktemp -d)
trap 'rm -rf "$source_dir"' EXIT
cp -R "$module_dir/." "$source_dir"
chmod -R u+w "$source_dir"
echo "$ferretdb_version" >"$source_dir/build/version/version.txt"

echo "ferretdb: building $ferretdb_version with $(go version | cut -d' ' -f3) (about a minute on two cores with empty Go caches)" >&2
mkdir -p "$bin_dir"
(cd "$source_dir" && go build -trimpath -o "$binary.partial" ./cmd/ferretdb) >&2
mv "$binary.partial" "$binary"

"$binary" --version | grep -q "version: $ferretdb_version\$" || {
  echo "ferretdb: the built binary does not report version $ferretdb_version" >&2
  exit 1
}
echo "$binary"
