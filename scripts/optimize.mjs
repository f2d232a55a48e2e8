// Optimizes the release wasm with wasm-opt. Called by scripts/minify.mjs (the release post-build
// hook) before anything else touches the staged files. Trunk's own wasm-opt is off (index.html):
// the passes are here, where they are measured (bench/size-profile.md).
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";

// -Os rather than -Oz: measured 0.6 KB brotli smaller on this code (bench/size-profile.md); the
// flatten/rereloop round another 2.6 KB. Size levels only; none changes behaviour.
const OPT = [
  "--enable-bulk-memory", "--enable-bulk-memory-opt", "--enable-nontrapping-float-to-int",
  "--enable-sign-ext", "--enable-mutable-globals", "--enable-reference-types", "--enable-multivalue",
  "--low-memory-unused", "-Os", "--flatten", "--rereloop", "-Os", "-Os", "--merge-similar-functions",
  "-Os", "--converge",
  // The toolchain's `producers` and `target_features` sections: nothing reads them at run time.
  "--strip-producers", "--strip-target-features",
];

function tool(root, name) {
  const local = join(root, ".tools", "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
}

/** Optimizes the staged app's wasm in `dir` in place. */
export function optimize(root, dir) {
  const wasm = join(dir, "dialoge-widget_bg.wasm");
  execFileSync(tool(root, "wasm-opt"), [...OPT, wasm, "-o", wasm], { stdio: "inherit" });
}
