// One preview frame: a real widget in preview mode, fed by the studio page (the parent) with
// postMessage. Protocol (same origin only, both ways):
//   frame → parent  {type: "ready"}                       once this script runs
//   parent → frame  {type: "config", config}              boot with it, then Dialoge('preview', config)
//                   {type: "replay"}                       Dialoge('preview'): replay the sample's answer
//                   {type: "scene", scene}                 Dialoge('previewScene', scene)
//                   {type: "contrast", pairs: [pair id]}   outline the elements of these pairs
// The query string says which build and scheme: ?scheme=light|dark&backend=dialoge|opendialog&position=right|left

import { PAIRS } from "./contrast.js";

const query = new URLSearchParams(location.search);
const scheme = query.get("scheme") === "dark" ? "dark" : "light";
const opendialog = query.get("backend") === "opendialog";
const position = query.get("position") === "left" ? "left" : "right";
document.documentElement.dataset.scheme = scheme;

// The usual queue stub: calls made before the loader has run wait in `.q` (EMBED.md section 3).
window.Dialoge = window.Dialoge || function () {
  (window.Dialoge.q = window.Dialoge.q || []).push(arguments);
};
// No data-chatbot-id on the tag, so the loader does not start on its own: boot() does.
const loader = document.createElement("script");
loader.src = opendialog ? "../opendialog/dialoge.js" : "../dialoge.js";
document.head.append(loader);

let booted = false;
let scene = "none";
let marked = [];

function boot(config) {
  const common = { preview: true, config, colorScheme: scheme, open: true, position, storage: "none" };
  window.Dialoge("boot", opendialog
    ? { backend: "opendialog", scenarioId: "studio", ...common }
    : { chatbotId: "studio", ...common });
  booted = true;
  if (scene !== "none") window.Dialoge("previewScene", scene);
  watch();
}

addEventListener("message", (e) => {
  if (e.origin !== location.origin || e.source !== parent) return;
  const m = e.data;
  switch (m?.type) {
    case "config":
      if (booted) window.Dialoge("preview", m.config);
      else boot(m.config);
      break;
    case "replay":
      if (booted) window.Dialoge("preview");
      break;
    case "scene":
      scene = String(m.scene);
      if (booted) window.Dialoge("previewScene", scene);
      break;
    case "contrast":
      marked = Array.isArray(m.pairs) ? m.pairs : [];
      mark();
      break;
  }
});

const shadow = () => document.querySelector("[data-dialoge]")?.shadowRoot ?? null;

/**
 * Sets `data-dlg-contrast` (the failing pair ids, space-separated) on the elements of the
 * failing pairs, and takes it off the rest. The widget's stylesheet outlines them.
 */
function mark() {
  const root = shadow();
  if (!root) return;
  const want = new Map();
  for (const pair of PAIRS) {
    if (!marked.includes(pair.id)) continue;
    for (const el of root.querySelectorAll(pair.selector)) want.set(el, [...(want.get(el) ?? []), pair.id]);
  }
  for (const el of root.querySelectorAll("[data-dlg-contrast]")) {
    if (!want.has(el)) el.removeAttribute("data-dlg-contrast");
  }
  for (const [el, ids] of want) {
    const value = ids.join(" ");
    if (el.getAttribute("data-dlg-contrast") !== value) el.setAttribute("data-dlg-contrast", value);
  }
}

/**
 * The widget keeps adding elements (the sample streams, scenes switch): mark new ones too.
 * Only childList is observed, so setting the attribute never wakes the observer again.
 */
function watch() {
  const root = shadow();
  if (root) {
    new MutationObserver(mark).observe(root, { childList: true, subtree: true });
    mark();
    return;
  }
  // The loader adds its host at once on boot; wait for it if it has not run yet.
  const waiting = new MutationObserver(() => {
    if (!shadow()) return;
    waiting.disconnect();
    watch();
  });
  waiting.observe(document.body, { childList: true });
}

parent.postMessage({ type: "ready" }, location.origin);
