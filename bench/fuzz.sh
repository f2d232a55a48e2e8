#!/usr/bin/env bash
# Long fuzz run of crates/api/tests/fuzz.rs: TOTAL inputs (default 10 million) split evenly over
# its targets, in a release build. Prints each target's count and time, then the total.
#
#   bench/fuzz.sh [TOTAL]              e.g. bench/fuzz.sh 1000000 for a quicker pass
#   DIALOGE_FUZZ_SEED=0x… bench/fuzz.sh   another seed (default: the tests' fixed one)
#   THREADS=1 bench/fuzz.sh            targets one after another (default: 2 at a time)
#
# A failure prints the seed and iteration to replay it with `cargo test` (see fuzz.rs).
set -euo pipefail
cd "$(dirname "$0")/.."

total=${1:-10000000}
# The release profile is tuned for the wasm's size (opt-level "z", fat LTO, one codegen unit);
# for this run speed matters, and the build is much quicker too.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=3
export CARGO_PROFILE_RELEASE_LTO=false
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16

cargo test --release -p dialoge-api --test fuzz --no-run
targets=$(cargo test --release -p dialoge-api --test fuzz -q -- --list 2>/dev/null | grep -c '^fuzz_.*: test$')
per=$(( (total + targets - 1) / targets ))
echo "fuzz: $targets targets × $per inputs (${total} requested), seed ${DIALOGE_FUZZ_SEED:-default}"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
started=$(date +%s)
status=0
DIALOGE_FUZZ_ITERS=$per cargo test --release -p dialoge-api --test fuzz -- \
  --nocapture --test-threads="${THREADS:-2}" fuzz_ >"$log" 2>&1 || status=$?
elapsed=$(( $(date +%s) - started ))

grep -E '^fuzz ' "$log" || true
if [ "$status" -ne 0 ]; then
  grep -E 'panicked|replay with|left:|right:' "$log" | cut -c1-2000 || true
  echo "fuzz: FAILED after ${elapsed} s (full log above the summary in $log)"
  trap - EXIT
  exit "$status"
fi
awk -v s="$elapsed" '/^fuzz / { n += $3 } END { printf "fuzz: %d inputs in %d s (%.0f/s wall)\n", n, s, n / (s > 0 ? s : 1) }' "$log"
