// The stylesheet's feature sections (scripts/css-features.mjs): each release build keeps the rules
// of its own cargo features and no others, and a section that is not closed or names no feature
// stops the build.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { cargoFeatures, forFeatures } from "../scripts/css-features.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const css = readFileSync(join(root, "style", "dialoge.css"), "utf8");

test("the crate's features are read from Cargo.toml", () => {
  assert.deepEqual(cargoFeatures().sort(), ["opendialog", "preview"]);
  assert.deepEqual(cargoFeatures("[package]\nname = \"x\"\n[features]\ndefault = [\"a\"]\na = []\nb-c = []\n[lints]\nd = 1\n"), ["a", "b-c"]);
});

test("each build keeps its own features' rules and no others", () => {
  const thumbs = ".dlg-thumb {";
  const contrast = "[data-dlg-contrast] {";
  assert.ok(css.includes(thumbs) && css.includes(contrast));
  const shop = forFeatures(css, "");
  assert.ok(!shop.includes(thumbs) && !shop.includes(contrast), "the shipped Dialoge build has neither");
  assert.ok(shop.includes(".dlg-chip"), "and keeps everything outside the sections");
  const preview = forFeatures(css, "preview");
  assert.ok(preview.includes(contrast) && !preview.includes(thumbs));
  const od = forFeatures(css, "opendialog preview");
  assert.ok(od.includes(contrast) && od.includes(thumbs));
  assert.equal(forFeatures(css, undefined), css, "a development build keeps every section");
});

test("a section that is not closed, or names no feature, is an error", () => {
  const known = ["preview"];
  assert.throws(() => forFeatures("/* feature: preview */ a {}", "", known), /not closed/);
  assert.throws(() => forFeatures("a {} /* end feature */", "", known), /not closed/);
  assert.throws(() => forFeatures("/* feature: previw */ a {} /* end feature */", "", known), /"previw", which is no cargo feature/);
  assert.equal(forFeatures("x{} /* feature: preview */ a {} /* end feature */ y{}", "", known), "x{}  y{}");
});
