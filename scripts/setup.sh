#!/usr/bin/env bash
# Installs what the demo and the tests need, only what is missing (re-running costs seconds).
# Sourced by scripts/demo.sh and scripts/test.sh; also runnable on its own.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TRUNK_VERSION=0.21.14
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
# The wasm-bindgen CLI must equal the crate in Cargo.lock (pinned with `=` in Cargo.toml).
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The release build compiles std from source (scripts/build.sh).
if ! rustup component list --installed | grep -qx 'rust-src'; then
  say "adding rust-src"
  rustup component add rust-src
fi

if ! cargo clippy --version >/dev/null 2>&1; then
  say "adding clippy"
  rustup component add clippy
fi

if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (about 15 minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION" \
   || ! command -v wasm-bindgen-test-runner >/dev/null; then
  say "installing wasm-bindgen-cli $WB_VERSION (about 5 minutes, once)"
  # Not --locked: its own lock file pins dependencies this toolchain cannot build.
  cargo install wasm-bindgen-cli --version "$WB_VERSION" --force
fi
if ! grep -q "wasm_bindgen = \"$WB_VERSION\"" Trunk.toml; then
  echo "Trunk.toml [tools] wasm_bindgen does not match Cargo.lock's wasm-bindgen $WB_VERSION" >&2
  exit 1
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian chromium and chromium-driver"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export CHROMEDRIVER=/usr/bin/chromedriver

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing node and npm"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi

# wasm-opt (binaryen 132, which Trunk.toml pins) and playwright-core for the e2e tests.
tools_ok() {
  [ -x .tools/node_modules/.bin/wasm-opt ] && [ -f .tools/node_modules/playwright-core/package.json ] &&
    node -e 'const l=require("./.tools/package.json").dependencies;for(const[n,v]of Object.entries(l)){if(require("./.tools/node_modules/"+n+"/package.json").version!==v)process.exit(1)}' 2>/dev/null
}
if ! tools_ok; then
  say "installing npm tools (binaryen, terser, playwright-core, axe-core)"
  (cd .tools && npm ci --no-audit --no-fund --loglevel=error)
fi

# Crates for offline builds (trunk build --offline never fetches).
cargo fetch --quiet
# ... and the crates std itself is built from (scripts/build.sh), which cargo resolves from
# std's own lock file only when asked to build std.
RUSTC_BOOTSTRAP=1 CARGO_UNSTABLE_BUILD_STD=std,panic_abort cargo fetch --quiet --target wasm32-unknown-unknown
