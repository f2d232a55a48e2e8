// Shortens the names the wasm imports its JavaScript glue functions by. wasm-bindgen names each
// import after the JS function and a hash (`__wbg_addEventListener_4e3a…`) under the module
// `./dialoge-widget_bg.js`; there are hundreds, and each name is in the wasm's import section
// and again in the glue. Renamed to `a`, `b`, … under the module `w` in both (the wasm's import
// section is rewritten, the glue's import object keys with it), the widget is a few KB smaller
// over the wire and behaves exactly the same.
//
// `shortenExports` does the same for the wasm's exports (below).
//
// Used by scripts/minify.mjs (the release post-build hook) before terser runs on the glue.
import { readFileSync, writeFileSync } from "node:fs";

function readU32(buf, pos) {
  let result = 0, shift = 0, byte;
  do {
    byte = buf[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return [result, pos];
}

function writeU32(n) {
  const out = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return Buffer.from(out);
}

function name(str) {
  const bytes = Buffer.from(str, "utf8");
  return Buffer.concat([writeU32(bytes.length), bytes]);
}

/** Skips one import description; returns the position after it. */
function skipDesc(buf, pos) {
  const kind = buf[pos++];
  const limits = (p) => {
    const flags = buf[p++];
    [, p] = readU32(buf, p);
    if (flags & 1) [, p] = readU32(buf, p);
    return p;
  };
  switch (kind) {
    case 0x00: return readU32(buf, pos)[1]; // function: type index
    case 0x01: return limits(pos + 1); // table: reftype, limits
    case 0x02: return limits(pos); // memory: limits
    case 0x03: return pos + 2; // global: valtype, mutability
    case 0x04: return readU32(buf, pos + 1)[1]; // tag: attribute, type index
    default: throw new Error(`unknown import kind ${kind}`);
  }
}

/**
 * `buf` (a wasm module) with the body of its section `id` replaced by what `rewrite(body start,
 * body end)` returns; every other section as it is.
 */
function withSection(buf, id, rewrite) {
  if (buf.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  let pos = 8;
  const parts = [buf.subarray(0, 8)];
  while (pos < buf.length) {
    const [size, bodyStart] = readU32(buf, pos + 1);
    const end = bodyStart + size;
    if (buf[pos] === id) {
      const section = rewrite(bodyStart, end);
      parts.push(Buffer.from([id]), writeU32(section.length), section);
    } else {
      parts.push(buf.subarray(pos, end));
    }
    pos = end;
  }
  return Buffer.concat(parts);
}

/** The name (a length-prefixed UTF-8 string) at `pos`, and the position after it. */
function readName(buf, pos) {
  const [len, start] = readU32(buf, pos);
  return [buf.subarray(start, start + len).toString("utf8"), start + len];
}

/**
 * A vector section's body (a count, then its entries) from `start` to `end`, rebuilt: `entry(pos)`
 * reads the entry at `pos` and returns its new bytes and the position after it.
 */
function mapEntries(buf, start, end, what, entry) {
  let [count, p] = readU32(buf, start);
  const body = [writeU32(count)];
  for (let i = 0; i < count; i++) {
    let bytes;
    [bytes, p] = entry(p);
    body.push(bytes);
  }
  if (p !== end) throw new Error(`the ${what} section has more than its entries`);
  return Buffer.concat(body);
}

/** The module every renamed import comes from. */
const SHORT_MODULE = "w";

/** The n-th short name: a, b, …, z, A, …, Z, aa, ab, … (valid JS identifiers). */
function shortName(n) {
  const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let s = "";
  do {
    s = chars[n % chars.length] + s;
    n = Math.floor(n / chars.length) - 1;
  } while (n >= 0);
  return s;
}

/** Renames the glue's imports of `wasmPath` and the matching keys in `gluePath`, in place. */
export function shortenImports(wasmPath, gluePath) {
  let glue = readFileSync(gluePath, "utf8");
  const renames = new Map();
  let glueModule = null;
  const buf = readFileSync(wasmPath);
  const wasm = withSection(buf, 2, (start, end) =>
    mapEntries(buf, start, end, "import", (p) => {
      let module, field;
      [module, p] = readName(buf, p);
      [field, p] = readName(buf, p);
      const descStart = p;
      p = skipDesc(buf, p);
      let fresh = field;
      let from = module;
      if (module.startsWith("./") && module.endsWith("_bg.js")) {
        if (!renames.has(field)) renames.set(field, shortName(renames.size));
        fresh = renames.get(field);
        from = SHORT_MODULE;
        glueModule = module;
      }
      return [Buffer.concat([name(from), name(fresh), buf.subarray(descStart, p)]), p];
    }),
  );
  // Each name is a unique hashed identifier; every mention in the glue is that import.
  for (const [long, short] of renames) {
    const pattern = new RegExp(`\\b${long.replace(/\$/g, "\\$")}\\b`, "g");
    const before = glue.length;
    glue = glue.replace(pattern, short);
    if (glue.length === before) throw new Error(`import ${long} is not in the glue`);
  }
  if (glueModule) {
    const key = JSON.stringify(glueModule);
    if (!glue.includes(key)) throw new Error(`module ${key} is not in the glue`);
    glue = glue.split(key).join(JSON.stringify(SHORT_MODULE));
  }
  writeFileSync(wasmPath, wasm);
  writeFileSync(gluePath, glue);
  return renames.size;
}

/** The export kinds' description sizes: function, table, memory, global, tag — an index each. */
function skipExportDesc(buf, pos) {
  return readU32(buf, pos + 1)[1];
}

/**
 * Renames the wasm's exports to `a`, `b`, … and the glue's uses of them (`wasm.<name>`), in
 * place. wasm-bindgen exports each closure kind's invoker by its Rust type path
 * (`wasm_bindgen_…___convert__closures_____invoke___…`, up to 300 characters), in the export
 * section and again in the glue; the glue reaches every export as `wasm.<name>` and nothing else
 * does (the loader talks to the glue's own `mount` and `App`), so the names are free. An export
 * the glue never uses (the toolchain's `main` and abort globals) is renamed too, not removed.
 */
export function shortenExports(wasmPath, gluePath) {
  const buf = readFileSync(wasmPath);
  let glue = readFileSync(gluePath, "utf8");
  const renames = new Map();
  const wasm = withSection(buf, 7, (start, end) =>
    mapEntries(buf, start, end, "export", (p) => {
      let field;
      [field, p] = readName(buf, p);
      const descStart = p;
      p = skipExportDesc(buf, p);
      const fresh = shortName(renames.size);
      renames.set(field, fresh);
      return [Buffer.concat([name(fresh), buf.subarray(descStart, p)]), p];
    }),
  );
  // Every use in the glue is `wasm.<name>`; nothing is renamed that is not one.
  glue = glue.replace(/\bwasm\.([A-Za-z_$][\w$]*)/g, (all, long) => {
    const short = renames.get(long);
    if (short === undefined) throw new Error(`the glue uses wasm.${long}, which the wasm does not export`);
    return `wasm.${short}`;
  });
  writeFileSync(wasmPath, wasm);
  writeFileSync(gluePath, glue);
  return renames.size;
}
