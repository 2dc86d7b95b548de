#!/usr/bin/env bash
# The whole test suite, as `npm test` runs it (npm puts node_modules/.bin, and so Node 24, first on PATH):
# provision the real test servers and tools, type-check, lint, check dependency directions and
# formatting, then run every unit and integration test. Any failure fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "packsmith tests on node $(node --version) ($(command -v node))"
case "$(node --version)" in
  v2[4-9].*|v[3-9][0-9].*) ;;
  *) echo "error: the tests need Node.js >= 24; run them with 'npm test' so that the project's Node is used" >&2; exit 1 ;;
esac

bash scripts/provision.sh
npm run --silent typecheck
npm run --silent lint
npm run --silent deps:check
npm run --silent format:check
NO_COLOR=1 FORCE_COLOR=0 vitest run "$@"
