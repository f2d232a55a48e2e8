#!/usr/bin/env node
// The loader gate's margin (bench/size.mjs fails above 2,048 bytes brotli for dialoge.js). The
// loader embeds the build's version, `?v=` and 12 hex digits of a hash, and brotli's size moves
// with those digits alone: one measurement is one sample, and a build whose hash happened to
// compress badly could fail the gate with no change to the loader. This substitutes N random
// versions of the same shape and prints the distribution.
//
//   node bench/loader-margin.mjs [dist/dialoge.js] [--n=200] [--source]
//
// --source minifies ./dialoge.js as the build does (scripts/minify-loader.mjs) instead of reading
// a built one: a change to the loader is measured in a second, without a build.
import { readFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { brotliCompressSync, constants } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { minifyLoader } from "../scripts/minify-loader.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const n = Number(args.find((a) => a.startsWith("--n="))?.slice(4) ?? 200);
const file = args.find((a) => !a.startsWith("--")) ?? join(here, "..", "dist", "dialoge.js");
const code = args.includes("--source")
  ? await minifyLoader(readFileSync(join(here, "..", "dialoge.js"), "utf8"), "?v=000000000000", "preview/")
  : readFileSync(file, "utf8");

// The version as scripts/minify.mjs writes it: the first 12 hex digits of a sha256.
const found = code.match(/\?v=[0-9a-f]{12}/g) ?? [];
if (found.length !== 1) {
  console.error(`loader-margin: expected one ?v=<12 hex> in the loader, found ${found.length}`);
  process.exit(1);
}
const brotli = (s) => brotliCompressSync(Buffer.from(s), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const [at] = found;
const sizes = [];
for (let i = 0; i < n; i++) sizes.push(brotli(code.replace(at, "?v=" + randomBytes(6).toString("hex"))));
sizes.sort((a, b) => a - b);
const q = (p) => sizes[Math.min(sizes.length - 1, Math.floor(p * sizes.length))];
console.log(`dialoge.js: ${Buffer.byteLength(code)} bytes minified; brotli over ${n} random versions:`);
const over = sizes.filter((b) => b > 2048).length;
console.log(`min ${sizes[0]}  median ${q(0.5)}  p95 ${q(0.95)}  max ${sizes.at(-1)}  (this build's own ${at}: ${brotli(code)})`);
console.log(`over the 2,048-byte gate: ${over} of ${n}; margin at the max: ${2048 - sizes.at(-1)} bytes`);
