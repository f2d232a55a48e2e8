// The XSS corpus the xss*.test.mjs files push through the widget, and the in-page reading of
// what the widget then shows. Not a test file itself.

/** Text payloads: each sets `window.__xss` if it ever runs. */
export const TEXTS = [
  `<script>window.__xss="script"</script>`,
  `<img src=x onerror="window.__xss='img'">`,
  `"><svg onload="window.__xss='svg'">`,
  `</p><iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`,
  `{{constructor.constructor('window.__xss="tpl"')()}}`,
  `<a href="javascript:window.__xss='a'">click</a>`,
  `&lt;b&gt;entities&lt;/b&gt; &#60;script&#62;`,
];

/** URL payloads: none may become a link or an image source. */
export const URLS = [
  "javascript:window.__xss='url'",
  "JaVaScRiPt:window.__xss='case'",
  "java\tscript:window.__xss='tab'",
  " \njavascript:window.__xss='space'",
  "&#106;avascript:window.__xss='entity'",
  "data:text/html,<script>window.__xss='data'</script>",
  "DATA:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9J2I2NCc8L3NjcmlwdD4=",
  "vbscript:msgbox(1)",
  "VBScript:msgbox(1)",
  "file:///etc/passwd",
];

/** Colour payloads: not `#RRGGBB`/`#RRGGBBAA`, so never set. */
export const COLOURS = [
  "red;}</style><script>window.__xss='css'</script>",
  "#fff;background:url(javascript:window.__xss='bg')",
  "expression(window.__xss='expr')",
  "var(--dlg-bg)",
  "#12345G",
  "#0E7C7B !important",
  "rgb(1,2,3)",
  "#0E7C7B;color:red",
];

/** Fonts that are more than family names. */
export const FONTS = [
  "x;}</style><script>window.__xss='font'</script>",
  "Inter; background: url(https://evil.example/x)",
  "url(https://evil.example/font.woff)",
  "Inter\\\"; }",
];

/** The shape of what a widget shows: tag names, attribute names, and the URLs it uses. */
export function shape() {
  const root = document.querySelector("[data-dialoge]").shadowRoot;
  const tags = new Set();
  const attrs = new Set();
  const urls = [];
  for (const el of root.querySelectorAll("*")) {
    tags.add(el.localName);
    for (const a of el.attributes) {
      attrs.add(a.name);
      if (["href", "src", "action", "formaction", "xlink:href", "srcdoc"].includes(a.name)) urls.push(`${el.localName} ${a.name}=${a.value}`);
    }
  }
  const style = root.querySelector(".dlg-root").style;
  const vars = {};
  for (let i = 0; i < style.length; i++) vars[style[i]] = style.getPropertyValue(style[i]);
  return { tags: [...tags].sort(), attrs: [...attrs].sort(), urls, vars };
}

/** The URLs the widget may put in `href`/`src`. */
export const SAFE_URL = /^(https?:|mailto:|tel:)|^data:image\//i;

/**
 * More URL payloads for a backend whose texts arrive HTML-escaped and whose links are written in
 * Markdown (OpenDialog): schemes hidden behind hex, padded and double-encoded entities or an
 * encoded tab, a named entity browsers would decode in markup, an attribute break-out, a
 * Markdown break-out and a `tel:` that is not a number.
 */
export const ENCODED_URLS = [
  "&#x6A;avascript:window.__xss='hex'",
  "&#0000106;&#0000097;vascript:window.__xss='pad'",
  "&amp;#106;avascript:window.__xss='double'",
  "jav&#x09;ascript:window.__xss='tab-entity'",
  "javascript&colon;window.__xss='colon'",
  "https://shop.example.com/\" onmouseover=\"window.__xss='attr'",
  "https://shop.example.com/)[x](javascript:window.__xss='md')",
  "tel:1\"><img src=x onerror=window.__xss='tel'>",
];

/**
 * Elements no content may ever bring into the widget, whatever a benign reply renders (the
 * widget's own stylesheet `<link>` is in every benign shape, so it is not listed).
 */
export const FORBIDDEN_TAGS = ["script", "iframe", "frame", "object", "embed", "style", "meta", "base", "template", "math"];

/** `&`, `<`, `>`, `"` and `'` as entities: how OpenDialog sends `data.text`. */
export function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#039;" })[c]);
}

/**
 * What a shape (see `shape`) has that it must not: elements and attributes a benign reply does
 * not render, forbidden elements, event-handler attributes, and URLs outside `SAFE_URL`. Empty
 * when all is well.
 */
export function findings(s, benign) {
  return [
    ...s.tags.filter((t) => !benign.tags.includes(t) || FORBIDDEN_TAGS.includes(t)).map((t) => `<${t}>`),
    ...s.attrs.filter((a) => !benign.attrs.includes(a) || a.startsWith("on")).map((a) => `[${a}]`),
    ...s.urls.filter((u) => !SAFE_URL.test(u.slice(u.indexOf("=") + 1).trim())),
  ];
}

/**
 * In the page: the widget's links that break EMBED.md's rule — every `<a href>` opens in a new
 * tab with `rel="noopener noreferrer"` — as `href (target, rel)` lines.
 */
export function unsafeAnchors() {
  const root = document.querySelector("[data-dialoge]").shadowRoot;
  return [...root.querySelectorAll("a[href]")]
    .filter((a) => {
      const rel = (a.getAttribute("rel") ?? "").split(/\s+/);
      return a.getAttribute("target") !== "_blank" || !rel.includes("noopener") || !rel.includes("noreferrer");
    })
    .map((a) => `${a.getAttribute("href")} (${a.getAttribute("target")}, ${a.getAttribute("rel")})`);
}

/**
 * How many (field, payload) pairs a JSON value carries: for every string and every object key,
 * how many of `payloads` it contains.
 */
export function countPairs(value, payloads) {
  const hits = (s) => payloads.filter((p) => s.includes(p)).length;
  if (typeof value === "string") return hits(value);
  if (Array.isArray(value)) return value.reduce((n, v) => n + countPairs(v, payloads), 0);
  if (value && typeof value === "object") {
    return Object.entries(value).reduce((n, [k, v]) => n + hits(k) + countPairs(v, payloads), 0);
  }
  return 0;
}
