// Editing a config by dotted path ("theme.brand.primary_color", "start_prompts.0.prompt_text"),
// and the share-link encoding. Pure functions (unit-tested under node).

export { getPath } from "./contrast.js";

/** A copy of `obj` with `value` at `path`; `undefined` removes the key (see withoutPath). */
export function withPath(obj, path, value) {
  if (value === undefined) return withoutPath(obj, path);
  const root = structuredClone(obj ?? {});
  const keys = path.split(".");
  let o = root;
  keys.slice(0, -1).forEach((key, i) => {
    if (o[key] === null || typeof o[key] !== "object") o[key] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    o = o[key];
  });
  o[keys.at(-1)] = value;
  return root;
}

/**
 * A copy of `obj` without the key at `path`. Objects left empty by the removal go too, so
 * clearing a field leaves no `"surface": {}` behind; lists stay (an index is meaningful).
 */
export function withoutPath(obj, path) {
  const root = structuredClone(obj ?? {});
  const keys = path.split(".");
  const chain = [root];
  for (const key of keys.slice(0, -1)) {
    const next = chain.at(-1)?.[key];
    if (next === null || typeof next !== "object") return root;
    chain.push(next);
  }
  delete chain.at(-1)[keys.at(-1)];
  for (let i = chain.length - 1; i > 0; i--) {
    const o = chain[i];
    if (Array.isArray(o) || Array.isArray(chain[i - 1]) || Object.keys(o).length > 0) break;
    delete chain[i - 1][keys[i - 1]];
  }
  return root;
}

/** base64url (no padding) of the UTF-8 JSON of `value`: safe in a URL fragment as it is. */
export function encodeShare(value) {
  let binary = "";
  for (const byte of new TextEncoder().encode(JSON.stringify(value))) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The value encodeShare encoded; throws on anything else. */
export function decodeShare(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
}
