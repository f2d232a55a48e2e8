#!/usr/bin/env bash
# Runs every test: native (api + sandbox), browser component tests (wasm-bindgen-test in
# headless Chromium), end-to-end tests of the built widget against the sandbox, and the size
# report. Installs whatever is missing first. Prints one summary line at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "native tests (dialoge-api, dialoge-sandbox)"
cargo test -p dialoge-api -p dialoge-sandbox 2>&1 | tee "$LOG/native.txt"

step "browser component tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p dialoge-widget 2>&1 | tee "$LOG/wasm.txt"

step "build the widget (release)"
trunk build --release --offline

step "end-to-end tests (built widget + sandbox, headless Chromium)"
cargo build -p dialoge-sandbox --quiet
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$LOG/e2e.tap" e2e/

step "size report"
node bench/size.mjs

# One closing line over every layer.
passed=0; failed=0
for f in "$LOG/native.txt" "$LOG/wasm.txt"; do
  while read -r p q; do passed=$((passed + p)); failed=$((failed + q)); done < <(
    sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$f")
done
passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)/\1/p' "$LOG/e2e.tap" | tail -1)))
failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)/\1/p' "$LOG/e2e.tap" | tail -1)))
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
