// The loader's minification, in one place for the build (scripts/minify.mjs) and for
// bench/loader-margin.mjs, which measures the 2 KB gate's margin from the source alone (no
// build per try): both must see the very same bytes.
import { join, dirname } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Where the loader takes the preview's folder (`P`) and its version (`V`), both "" in
 * development: the last two arguments of its call. */
export const PLACEHOLDER = '(window, document, "", "")';

/** The minified loader asking for the app's files with the version `v` (`?v=…`), and for a
 * branding preview's from the folder `p` (`preview/`, or "" when the app has the preview). */
export async function minifyLoader(src, v, p = "") {
  if (src.split(PLACEHOLDER).length !== 2) throw new Error(`the loader lost its placeholder ${PLACEHOLDER}`);
  const { minify } = createRequire(join(root, ".tools", "package.json"))("terser");
  const out = await minify(src.replace(PLACEHOLDER, `(window, document, "${p}", "${v}")`), {
    // A classic script; the syntax it is written in (it needs `import()`, which is newer).
    module: false,
    ecma: 2018,
    compress: { passes: 2 },
    mangle: true,
    format: { comments: /^!/ }, // a licence comment would stay
  });
  return out.code;
}
