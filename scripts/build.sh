#!/usr/bin/env bash
# Builds the release widget: the branding preview, the Dialoge build into dist/ (with the preview's
# app files in dist/preview/), then the OpenDialog build into dist/opendialog/. Called by
# scripts/test.sh and scripts/demo.sh after scripts/setup.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# The release wasm compiles the standard library itself (scripts/setup.sh adds its source), so
# std is optimized for size like the rest (`optimize_for_size`) and a panic is an immediate abort:
# no panic messages, no formatting machinery for them. That is what the widget had already: it
# installs no panic hook, and a panic on wasm32-unknown-unknown was a silent trap. Measured:
# app −12.7 KB brotli, whole −14.6 KB (bench/size-profile.md). Both are unstable options of this
# toolchain; RUSTC_BOOTSTRAP allows them for this build alone (tests and the sandbox build as
# before, on the shipped std).
export RUSTC_BOOTSTRAP=1
export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
export CARGO_UNSTABLE_BUILD_STD_FEATURES=optimize_for_size
export CARGO_UNSTABLE_PANIC_IMMEDIATE_ABORT=true
export CARGO_PROFILE_RELEASE_PANIC=immediate-abort

# The branding preview first, on its own (target/preview-dist): the Dialoge build leaves the
# preview out (--no-default-features) and its post-build hook (scripts/minify.mjs) ships these app
# files in dist/preview/, where the loader fetches them for `data-preview`. The OpenDialog build
# keeps its preview in (default features).
# DIALOGE_FEATURES names each build's cargo features for scripts/minify.mjs, which keeps only
# their sections of the stylesheet.
# (DIALOGE_PREVIEW_DIST is set for the Dialoge build alone: one exported in the shell must not
# reach the other two.)
DIALOGE_FEATURES="preview" DIALOGE_PREVIEW_DIST="" \
  trunk build --release --offline --dist target/preview-dist
DIALOGE_FEATURES="" DIALOGE_PREVIEW_DIST="$ROOT/target/preview-dist" \
  trunk build --release --offline --no-default-features
DIALOGE_FEATURES="opendialog preview" DIALOGE_PREVIEW_DIST="" \
  trunk build --release --offline --features opendialog --dist dist/opendialog
