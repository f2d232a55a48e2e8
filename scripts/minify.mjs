#!/usr/bin/env node
// Trunk post-build hook (Trunk.toml), release builds only: optimizes the wasm
// (scripts/optimize.mjs), shortens the wasm's import and export names
// (scripts/short-imports.mjs), minifies the wasm-bindgen glue with terser and the stylesheet itself
// (Trunk's minifier is off: its JS minifier cannot parse the glue's ES module syntax and warned
// on every build), brings in the preview build's files, then the loader with the version of all
// of them (scripts/minify-loader.mjs), and writes each file's brotli and gzip twin (`.br`,
// `.gz`) so a server can send them as they are — the sandbox does, as a CDN would.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { shortenExports, shortenImports } from "./short-imports.mjs";
import { optimize } from "./optimize.mjs";
import { minifyLoader } from "./minify-loader.mjs";
import { forFeatures } from "./css-features.mjs";

if (process.env.TRUNK_PROFILE !== "release") process.exit(0);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { minify } = createRequire(join(root, ".tools", "package.json"))("terser");
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("minify.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)");
  process.exit(1);
}
optimize(root, dir);
const renamed = shortenImports(join(dir, "dialoge-widget_bg.wasm"), join(dir, "dialoge-widget.js"));
console.log(`shortened ${renamed} import names`);
const exported = shortenExports(join(dir, "dialoge-widget_bg.wasm"), join(dir, "dialoge-widget.js"));
console.log(`shortened ${exported} export names`);
// The glue and the phone script through terser.
const jobs = [
  ["dialoge-widget.js", { module: true }],
  ["dialoge-phone.js", { module: true }],
];
for (const [name, opts] of jobs) {
  const path = join(dir, name);
  const src = readFileSync(path, "utf8");
  const out = await minify(src, { compress: { passes: 2 }, mangle: true, ...opts });
  writeFileSync(path, out.code);
  console.log(`minified ${name}: ${src.length} → ${out.code.length} bytes`);
}

// The stylesheet: this build's feature sections (scripts/css-features.mjs), then comments out,
// whitespace collapsed, no space after `:` or around `{};,>`. (A space before `:` is kept:
// `.a :hover` and `.a:hover` are different selectors.)
const cssPath = join(dir, "dialoge.css");
let css;
try {
  css = forFeatures(readFileSync(cssPath, "utf8"), process.env.DIALOGE_FEATURES);
} catch (e) {
  console.error(`minify.mjs: ${e.message}`);
  process.exit(1);
}
const small = css
  .replace(/\/\*[\s\S]*?\*\//g, "")
  .replace(/\s+/g, " ")
  .replace(/\s*([{};,>])\s*/g, "$1")
  .replace(/:\s+/g, ":")
  .replace(/;}/g, "}")
  .trim();
writeFileSync(cssPath, small);
console.log(`minified dialoge.css: ${css.length} → ${small.length} bytes`);

// The loader names the app's files with a version (`?v=` + a hash of the files as shipped), so a
// server may cache them for a year (the sandbox does, as a CDN would); the loader itself stays
// short-lived, and a new build is a new URL. So it is hashed last, from the final bytes.
const APP = ["dialoge-widget.js", "dialoge-widget_bg.wasm", "dialoge.css", "dialoge-phone.js"];
const version = createHash("sha256");
for (const name of APP) version.update(readFileSync(join(dir, name)));
// The branding preview as its own build (scripts/build.sh builds it first and names its folder in
// DIALOGE_PREVIEW_DIST): its app files, already finished with their twins, go into `preview/`, and
// the loader fetches them from there for `data-preview`. The version covers them too.
const previewDist = process.env.DIALOGE_PREVIEW_DIST;
if (previewDist) {
  mkdirSync(join(dir, "preview"), { recursive: true });
  for (const name of APP) {
    for (const twin of ["", ".br", ".gz"]) {
      copyFileSync(join(previewDist, name + twin), join(dir, "preview", name + twin));
    }
    version.update(readFileSync(join(dir, "preview", name)));
  }
  console.log(`copied the preview build from ${previewDist} into preview/`);
}
const V = `?v=${version.digest("hex").slice(0, 12)}`;
{
  const path = join(dir, "dialoge.js");
  const src = readFileSync(path, "utf8");
  let code;
  try {
    code = await minifyLoader(src, V, previewDist ? "preview/" : "");
  } catch (e) {
    console.error(`minify.mjs: ${e.message}`);
    process.exit(1);
  }
  writeFileSync(path, code);
  console.log(`minified dialoge.js: ${src.length} → ${code.length} bytes`);
}

for (const name of ["dialoge.js", "dialoge-widget.js", "dialoge-widget_bg.wasm", "dialoge.css", "dialoge-phone.js"]) {
  const path = join(dir, name);
  const body = readFileSync(path);
  writeFileSync(path + ".br", brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(path + ".gz", gzipSync(body, { level: 9 }));
}
console.log("wrote .br and .gz beside each file");
