#!/usr/bin/env node
// Trunk post-build hook (Trunk.toml), release builds only: shortens the wasm's import names
// (scripts/short-imports.mjs), then minifies the loader and the wasm-bindgen glue with terser —
// Trunk's own JS minifier cannot parse the glue's ES module syntax.
import { readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { shortenImports } from "./short-imports.mjs";

if (process.env.TRUNK_PROFILE !== "release") process.exit(0);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { minify } = createRequire(join(root, ".tools", "package.json"))("terser");
const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("minify.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)");
  process.exit(1);
}
const renamed = shortenImports(join(dir, "dialoge-widget_bg.wasm"), join(dir, "dialoge-widget.js"));
console.log(`shortened ${renamed} import names`);
const jobs = [
  // The loader keeps its licence comment; it is a classic script.
  ["dialoge.js", { module: false, format: { comments: /^!/ } }],
  ["dialoge-widget.js", { module: true }],
];
for (const [name, opts] of jobs) {
  const path = join(dir, name);
  const src = readFileSync(path, "utf8");
  const out = await minify(src, { compress: { passes: 2 }, mangle: true, ...opts });
  writeFileSync(path, out.code);
  console.log(`minified ${name}: ${src.length} → ${out.code.length} bytes`);
}
