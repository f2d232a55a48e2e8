// Production bundle of the reference chat: dist/ref.js (one IIFE, minified, NODE_ENV=production),
// dist/ref.css, each with .br and .gz twins like the widget's build (the sandbox serves those by
// Accept-Encoding). Run by bench/browser.mjs when dist/ is missing; `npm run build` by hand.
import { build } from "esbuild";
import { mkdirSync, readFileSync, writeFileSync, copyFileSync } from "node:fs";
import { brotliCompressSync, gzipSync, constants } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "dist");
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, "src", "main.jsx")],
  outfile: join(out, "ref.js"),
  bundle: true,
  format: "iife",
  minify: true,
  target: "es2022",
  jsx: "automatic",
  define: { "process.env.NODE_ENV": '"production"' },
  legalComments: "none",
  logLevel: "warning",
});
copyFileSync(join(here, "src", "ref.css"), join(out, "ref.css"));
for (const name of ["ref.js", "ref.css"]) {
  const bytes = readFileSync(join(out, name));
  writeFileSync(join(out, name + ".br"), brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
  writeFileSync(join(out, name + ".gz"), gzipSync(bytes, { level: 9 }));
  console.error(`reference: ${name} ${bytes.length} B, br ${readFileSync(join(out, name + ".br")).length} B`);
}
