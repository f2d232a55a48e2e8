#!/usr/bin/env bash
# Runs every test: clippy (warnings denied, native crates and the widget on wasm32), native
# tests (api + sandbox), browser component tests (wasm-bindgen-test in headless Chromium),
# end-to-end tests of the built widget against the sandbox, and the size gate. Installs whatever
# is missing first. Prints one summary line at the end.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$ROOT/scripts/setup.sh"
cd "$ROOT"

LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "clippy (warnings denied): native crates, then the widget on wasm32"
cargo clippy -p dialoge-api -p dialoge-api-derive -p dialoge-sandbox --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p dialoge-widget --all-targets --quiet -- -D warnings
cargo clippy --target wasm32-unknown-unknown -p dialoge-widget --features opendialog --all-targets --quiet -- -D warnings
# The shipped Dialoge build: no preview (its tests need the preview, so the library alone).
cargo clippy --target wasm32-unknown-unknown -p dialoge-widget --no-default-features --quiet -- -D warnings

step "native tests (dialoge-api, dialoge-sandbox)"
cargo test -p dialoge-api -p dialoge-sandbox 2>&1 | tee "$LOG/native.txt"

step "browser component tests (wasm-bindgen-test, headless Chromium)"
cargo test --target wasm32-unknown-unknown -p dialoge-widget 2>&1 | tee "$LOG/wasm.txt"

step "build the widget (release): the preview, the Dialoge build, then the OpenDialog build"
bash scripts/build.sh

step "end-to-end tests (built widget + sandbox, headless Chromium)"
cargo build -p dialoge-sandbox --quiet
node --test --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$LOG/e2e.tap" e2e/

step "size report and gate (bench/budget.json)"
size_failed=0
node bench/size.mjs || size_failed=1

# One closing line over every layer.
passed=0; failed=0
for f in "$LOG/native.txt" "$LOG/wasm.txt"; do
  while read -r p q; do passed=$((passed + p)); failed=$((failed + q)); done < <(
    sed -n 's/^test result: [a-zA-Z]*\. \([0-9]*\) passed; \([0-9]*\) failed.*/\1 \2/p' "$f")
done
passed=$((passed + $(sed -n 's/^# pass \([0-9]*\)/\1/p' "$LOG/e2e.tap" | tail -1)))
failed=$((failed + $(sed -n 's/^# fail \([0-9]*\)/\1/p' "$LOG/e2e.tap" | tail -1)))
# The size gate counts as one test.
if [ "$size_failed" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
echo
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
