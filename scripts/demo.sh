#!/usr/bin/env bash
# Runs the demo: builds the widget, starts the sandbox API with its demo shop page, and prints
# the URL. Installs whatever is missing first. PORT=9000 picks another port;
# DIALOGE_AUTO_AGENT=1 lets a scripted agent answer handovers (else be the agent at /console).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"
trunk build --release --offline
trunk build --release --offline --features opendialog --dist dist/opendialog
exec cargo run -p dialoge-sandbox --quiet -- --port "${PORT:-8080}" --widget-dir "$ROOT/dist"
