#!/usr/bin/env bash
# The README's main command: installs what is missing, builds the libraries, and runs the demo
# (a character-level LSTM trained on Moby Dick for about a minute, then generated text).
set -euo pipefail
cd "$(dirname "$0")/../.."
source tooling/scripts/setup.sh
ensure_pnpm
install_dependencies >/dev/null
log "build"
pnpm turbo run build --filter='./packages/*' --output-logs=errors-only >/dev/null
pnpm --filter @recur/demo exec node bin/recur.js train "$@"
