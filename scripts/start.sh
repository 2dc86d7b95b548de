#!/usr/bin/env bash
# `npm start`: the quickstart, on local files only (no registry, no cluster, no network, no root).
# Writes the samples into .packsmith-samples/ (git-ignored), builds their builders with local mode
# and shows one the way `pack builder inspect` would. Each step prints the command it runs.
set -euo pipefail
cd "$(dirname "$0")/.."

dir=.packsmith-samples
run() {
  printf '\n$ packsmith %s\n' "$*"
  ./bin/packsmith.js "$@"
}

run samples "$dir" --force
run build -f "$dir"
run inspect builder "oci:$dir/out/builder:builder-samples-web"
