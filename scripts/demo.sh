#!/usr/bin/env bash
# Runs the demo: builds the widget, starts the sandbox API with its demo shop page, and prints
# the URL. Installs whatever is missing first. PORT=9000 picks another port;
# DIALOGE_AUTO_AGENT=1 lets a scripted agent answer handovers (else be the agent at /console).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
# A second run with nothing changed starts in seconds: the widget is built again only when a
# file it is built from is newer than the last build (dist/.built).
stamp="dist/.built"
sources=(src style studio crates/api crates/api-derive dialoge.js dialoge-phone.js index.html Trunk.toml Cargo.toml Cargo.lock scripts)
if [ -f "$stamp" ] && [ -f dist/opendialog/dialoge.js ] && [ -f dist/preview/dialoge-widget_bg.wasm ] &&
   [ -z "$(find "${sources[@]}" -newer "$stamp" -print -quit)" ]; then
  echo "widget up to date in dist/ (nothing changed since its build)"
else
  bash scripts/build.sh
  touch "$stamp"
fi
exec cargo run -p dialoge-sandbox --quiet -- --port "${PORT:-8080}" --widget-dir "$ROOT/dist"
