// The stylesheet's feature sections. Rules that only one cargo feature's code uses sit between
// `/* feature: NAME */` and `/* end feature */` in style/dialoge.css (the OpenDialog build's answer
// thumbs, the preview's contrast marks). scripts/build.sh names each release build's features in
// DIALOGE_FEATURES (space-separated; empty for the shipped Dialoge build), and scripts/minify.mjs
// keeps only those features' sections; without it (a development build) every section stays.
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The widget's cargo features (the `[features]` table of Cargo.toml, `default` aside). */
export function cargoFeatures(toml = readFileSync(join(root, "Cargo.toml"), "utf8")) {
  const table = toml.split(/^\[features\]\s*$/m)[1]?.split(/^\[/m)[0] ?? "";
  return [...table.matchAll(/^([\w-]+)\s*=/gm)].map((m) => m[1]).filter((n) => n !== "default");
}

/**
 * `css` with only the sections of `features` (a space-separated list; `undefined` keeps all).
 * Throws for a section that is not closed or names no feature of the crate's.
 */
export function forFeatures(css, features, known = cargoFeatures()) {
  const section = /\/\* feature: ([\w-]+) \*\/[\s\S]*?\/\* end feature \*\//g;
  const opened = (css.match(/\/\* feature: /g) ?? []).length;
  const closed = (css.match(/\/\* end feature \*\//g) ?? []).length;
  const found = [...css.matchAll(section)];
  if (opened !== closed || found.length !== opened) {
    throw new Error("a `/* feature: … */` section of the stylesheet is not closed by `/* end feature */`");
  }
  for (const [, name] of found) {
    if (!known.includes(name)) throw new Error(`the stylesheet has a section for "${name}", which is no cargo feature (${known.join(", ")})`);
  }
  if (features === undefined) return css;
  const kept = features.split(/\s+/).filter(Boolean);
  return css.replace(section, (all, name) => (kept.includes(name) ? all : ""));
}
