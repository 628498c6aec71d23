#!/usr/bin/env bash
# The whole test suite: build, typecheck, lint, every package's tests, the GPU backend on real
# OpenGL (Mesa under Xvfb), the browser tests in headless Chromium, API docs, the bench smoke run.
# This is what `npm test` runs and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
source tooling/scripts/setup.sh

ensure_system_packages
ensure_pnpm
install_dependencies
ensure_gl

mkdir -p artifacts
LOG=artifacts/test-output.log
: >"$LOG"
status=0
step() {
  local name=$1
  shift
  log "$name"
  if ! "$@" 2>&1 | tee -a "$LOG"; then
    echo "FAILED: $name" | tee -a "$LOG"
    status=1
  fi
}

step "build" pnpm turbo run build --output-logs=errors-only
step "typecheck" pnpm turbo run typecheck --output-logs=errors-only --continue
step "lint" pnpm exec biome check .
step "unit tests" pnpm turbo run test --concurrency=2 --continue
# Without xvfb-run (no root to install it) the GPU suites still run, and skip saying why.
xvfb=()
command -v xvfb-run >/dev/null 2>&1 && xvfb=(xvfb-run -a -s "-screen 0 1280x1024x24")
step "GPU backend tests (Mesa llvmpipe under Xvfb)" "${xvfb[@]}" pnpm turbo run test:gpu --concurrency=1 --continue
step "browser tests (headless Chromium, WebGL2 on SwiftShader)" pnpm turbo run test:browser --concurrency=1 --continue
step "API reference (TypeDoc)" pnpm run api-docs
step "bench smoke run (--quick)" pnpm turbo run bench:quick --concurrency=1 --continue

node tooling/scripts/summarize.mjs "$LOG" || status=1
exit $status
