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
