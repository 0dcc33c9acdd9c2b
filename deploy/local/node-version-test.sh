#!/usr/bin/env bash
# Runs Sluice's tests on another Node.js major, leaving the machine's Node alone. The binary is
# Node's own build as the npm registry serves it (node-<platform>-<arch>), so it installs wherever
# `npm ci` does; it is kept in $SLUICE_CACHE/node (default ~/.cache/sluice/node).
# Usage: deploy/local/node-version-test.sh <major> [arguments of `sluice test`, e.g. --unit]
set -euo pipefail
major="${1:?usage: node-version-test.sh <major> [sluice test arguments]}"
shift
cd "$(dirname "$0")/../.."
package="node-$(node -p 'process.platform + "-" + process.arch')"
version=$(npm view "$package@$major" version --json | node -e '
  const versions = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
  console.log(versions.at(-1));')
dir="${SLUICE_CACHE:-$HOME/.cache/sluice}/node/$version"
if [ ! -x "$dir/bin/node" ]; then
  download=$(mktemp -d)
  trap 'rm -rf "$download"' EXIT
  npm pack "$package@$version" --pack-destination "$download" --silent > /dev/null
  mkdir -p "$dir"
  tar xzf "$download"/*.tgz --strip-components=1 -C "$dir"
fi
export PATH="$dir/bin:$PATH"
echo "sluice test $* on Node.js $(node --version) ($dir)"
node bin/sluice.mjs test "$@"
