#!/usr/bin/env node
// Size report and gate of the built widget (run `bash scripts/build.sh` first): raw, gzip and
// brotli bytes of each file a shop's visitor downloads, and the whole widget: the loader (all a
// page view pays before `load`), then the app it fetches when the page is idle or the visitor
// shows intent (wasm, glue, css, phone js).
// Exits 1 when the whole is over its budget in bench/budget.json (the size line; lower it when a
// change saves). Targets (DEVELOPERS.md): whole widget ≤ 100 KB brotli, loader ≤ 2 KB.
import { readFileSync, existsSync, readdirSync } from "node:fs";
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = process.argv[2] ?? join(here, "..", "dist");
const budget = JSON.parse(readFileSync(join(here, "budget.json"), "utf8"));
const files = [
  ["loader", "dialoge.js"],
  ["wasm", "dialoge-widget_bg.wasm"],
  ["glue js", "dialoge-widget.js"],
  ["css", "dialoge.css"],
  ["phone js", "dialoge-phone.js"],
];

/** Raw, gzip and brotli bytes of one file. */
function measure(label, name, path) {
  const buf = readFileSync(path);
  return {
    label,
    name,
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** Raw, gzip and brotli bytes of each file of a built folder, and the totals; prints a table. */
function report(dir, heading) {
  const rows = [];
  const total = { raw: 0, gzip: 0, brotli: 0 };
  // Any other wasm file beside the app's counts too: none escapes the total.
  const more = readdirSync(dir).filter((f) => f.endsWith(".wasm") && f !== "dialoge-widget_bg.wasm").sort();
  for (const [label, name] of [...files, ...more.map((f) => ["wasm", f])]) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      console.error(`missing ${path}: run trunk build --release first`);
      process.exit(1);
    }
    const row = measure(label, name, path);
    rows.push(row);
    for (const k of ["raw", "gzip", "brotli"]) total[k] += row[k];
  }
  rows.push({ label: "whole", name: "(everything)", ...total });
  total.loader = rows[0].brotli;
  const kb = (n) => (n / 1024).toFixed(1).padStart(8);
  console.log(heading);
  console.log("| part     | file                     |      raw |     gzip |   brotli |");
  console.log("|----------|--------------------------|---------:|---------:|---------:|");
  for (const r of rows) {
    console.log(`| ${r.label.padEnd(8)} | ${r.name.padEnd(24)} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
  }
  return total;
}

const total = report(dist, "Dialoge build (dist/):");
console.log("(KB = 1024 bytes; targets: whole ≤ 100 KB brotli, loader ≤ 2 KB brotli)");
// The OpenDialog build (its own folder, `--features opendialog`): reported, not gated.
const od = join(dist, "opendialog");
if (existsSync(join(od, "dialoge-widget_bg.wasm"))) {
  const odTotal = report(od, "\nOpenDialog build (dist/opendialog/):");
  const more = (a, b) => ((a - b) / 1024).toFixed(1);
  console.log(`(${more(odTotal.brotli, total.brotli)} KB brotli more than the Dialoge build)`);
}

{
  const kb = total.brotli / 1024;
  const limit = budget.whole_brotli_kb;
  if (!(kb <= limit)) {
    // Two decimals: a total just over the budget must not read as equal to it.
    console.error(`size gate: whole ${kb.toFixed(2)} KB brotli is over the budget of ${limit} KB (bench/budget.json)`);
    process.exit(1);
  }
  console.log(`size gate: whole ${kb.toFixed(2)} KB brotli, budget ${limit} KB: ok`);
}
// The loader is all a shop's page view pays before `load` (it draws the launcher itself; the
// app comes later): it stays within 2 KB brotli.
if (total.loader > 2048) {
  console.error(`loader gate: dialoge.js is ${total.loader} bytes brotli, over 2048`);
  process.exit(1);
}
console.log(`loader gate: ${total.loader} bytes brotli, at most 2048: ok`);
