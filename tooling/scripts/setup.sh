#!/usr/bin/env bash
# Sourced by test.sh and demo.sh: makes a fresh machine with only Node and npm ready.
#   RECUR_SYSTEM_DEPS=1  also install the Debian packages the GPU and browser tests need.
set -euo pipefail

export TURBO_TELEMETRY_DISABLED=1
export DO_NOT_TRACK=1
# node-gyp (headless-gl) must build against this machine's Node headers: nothing is downloaded.
if [ -z "${npm_config_nodedir:-}" ] && [ -f /usr/include/node/node.h ]; then
  export npm_config_nodedir=/usr
fi

PNPM_VERSION=12.4.2
SYSTEM_PACKAGES=(xvfb xauth libgl1-mesa-dri libxi-dev libx11-dev libxext-dev pkg-config chromium)

log() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

ensure_system_packages() {
  local missing=()
  for p in "${SYSTEM_PACKAGES[@]}"; do
    # "install ok installed": a removed package keeps its config files and `dpkg -s` still succeeds
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      # Not fatal: the CPU tests still run; the GPU and browser suites report why they skipped.
      echo "setup: missing Debian packages (${missing[*]}) and no root or password-less sudo to install them; the GPU and browser tests will be skipped." >&2
      return 0
    fi
  fi
  log "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_VERSION" ]; then
    return 0
  fi
  log "Installing pnpm@$PNPM_VERSION"
  if npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1; then return 0; fi
  # No permission for a global install: use a project-local copy.
  npm install --no-save --prefix "$PWD/.pnpm-bootstrap" "pnpm@$PNPM_VERSION" >/dev/null
  export PATH="$PWD/.pnpm-bootstrap/node_modules/.bin:$PATH"
}

install_dependencies() {
  log "pnpm install"
  if [ -n "${CI:-}" ]; then pnpm install --frozen-lockfile; else pnpm install; fi
}

# Whether headless-gl's native addon loads, resolved from gpu.js as the GPU backend resolves it.
gl_loads() {
  (cd packages/tensor &&
    node -e "require(require.resolve('gl', { paths: [require.resolve('gpu.js')] }))") >/dev/null 2>&1
}

# headless-gl compiles at install time against the X headers. A machine that installed the
# dependencies before those headers existed (`npm start` first, say) has no addon, and later
# installs leave it so: the lockfile is satisfied, nothing is rebuilt. Check that it really loads
# and rebuild it when it does not.
ensure_gl() {
  gl_loads && return 0
  log "Rebuilding headless-gl (its native addon does not load)"
  local out
  if out=$(pnpm rebuild gl 2>&1) && gl_loads; then return 0; fi
  printf '%s\n' "$out" | tail -n 15 >&2
  echo "setup: headless-gl's native addon does not build here (see above; it needs python3, make, g++ and libx11-dev libxi-dev libxext-dev pkg-config); the GPU tests will be skipped." >&2
  return 0
}
