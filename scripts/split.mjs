// Splits the release wasm into the main module and the chunks of `src/chunk.rs`, then
// optimizes each with wasm-opt. Called by scripts/minify.mjs (the release post-build hook)
// before anything else touches the staged files.
//
// Trunk links, binds and stages the app in one go, but a split must happen between the link and
// wasm-bindgen: `wasm-split` reads the linker's relocations (the `split` feature's build.rs asks
// for them) to tell which code only a chunk's entry reaches, moves that code into the chunk and
// leaves the main module for wasm-bindgen. So with the `split` feature this re-runs wasm-bindgen
// on the split main module and replaces Trunk's glue and wasm with the result; without it, the
// staged wasm is only optimized. Trunk's own wasm-opt is off (index.html): the params are here,
// so both kinds of build get the same passes.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
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

/** The module every split point's loader is imported from before the split. */
const PLACEHOLDER = "__wasm_split_placeholder__";

function tool(root, name) {
  const local = join(root, ".tools", "node_modules", ".bin", name);
  return existsSync(local) ? local : name;
}

function optimize(root, from, to) {
  execFileSync(tool(root, "wasm-opt"), [...OPT, from, "-o", to], { stdio: "inherit" });
}

function targetDir(root) {
  if (process.env.CARGO_TARGET_DIR) return process.env.CARGO_TARGET_DIR;
  const meta = execFileSync("cargo", ["metadata", "--format-version", "1", "--no-deps", "--offline"], {
    cwd: root,
    maxBuffer: 64 << 20,
  });
  return JSON.parse(meta).target_directory;
}

/** Reads the unsigned LEB128 at `at`: [value, next offset]. */
function leb(buf, at) {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[at++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, at];
  }
}

/**
 * Drops the `name` custom section of a wasm file. `wasm-split` writes the chunks' names with a
 * subsection binaryen does not know (it warned "unknown name subsection with id 3" on every
 * build); the shipped files carry no names anyway (wasm-opt runs without `-g`).
 */
function dropNames(path) {
  const buf = readFileSync(path);
  const keep = [buf.subarray(0, 8)];
  let at = 8;
  while (at < buf.length) {
    const start = at;
    const id = buf[at];
    const [size, body] = leb(buf, at + 1);
    at = body + size;
    if (id === 0) {
      const [len, name] = leb(buf, body);
      if (buf.toString("utf8", name, name + len) === "name") continue;
    }
    keep.push(buf.subarray(start, at));
  }
  writeFileSync(path, Buffer.concat(keep));
}

/**
 * Splits (when the build asked for it) and optimizes the staged app in `dir`. Returns the file
 * names of the chunks written beside the main module (empty when unsplit).
 */
export function splitAndOptimize(root, dir) {
  const glue = join(dir, "dialoge-widget.js");
  const wasm = join(dir, "dialoge-widget_bg.wasm");
  const linked = join(targetDir(root), "wasm32-unknown-unknown", "release", "dialoge-widget.wasm");
  // Trunk's glue imports the placeholder only when a split point was compiled in.
  if (!readFileSync(glue, "utf8").includes(PLACEHOLDER)) {
    optimize(root, wasm, wasm);
    return [];
  }
  if (!existsSync(linked)) throw new Error(`split.mjs: the linked wasm is not at ${linked}`);
  const work = mkdtempSync(join(tmpdir(), "dialoge-split-"));
  try {
    const parts = join(work, "parts");
    execFileSync("wasm-split-cli", ["--target", "web", "--out-name", "dialoge-widget", linked, parts], {
      stdio: "inherit",
    });
    const bound = join(work, "bound");
    execFileSync(
      "wasm-bindgen",
      ["--target=web", "--keep-lld-exports", "--no-demangle", "--no-typescript", `--out-dir=${bound}`,
        "--out-name=dialoge-widget", join(parts, "dialoge-widget.wasm")],
      { stdio: "inherit" },
    );
    copyFileSync(join(bound, "dialoge-widget.js"), glue);
    optimize(root, join(bound, "dialoge-widget_bg.wasm"), wasm);
    copyFileSync(join(parts, "__wasm_split.js"), join(dir, "__wasm_split.js"));
    const chunks = readdirSync(parts).filter((f) => f.endsWith(".wasm") && f !== "dialoge-widget.wasm").sort();
    for (const chunk of chunks) {
      dropNames(join(parts, chunk));
      optimize(root, join(parts, chunk), join(dir, chunk));
    }
    return chunks;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
