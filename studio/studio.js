// The branding studio: a JSON editor and a form kept in step over one config, three preview
// frames fed through postMessage, contrast checks, export and a share link.
//
// The editor's text is the single source of truth. The form writes into it; every change is
// parsed and validated, and only a config without a single error reaches the frames, so they
// always show the last valid config (a bad value is never half-applied). The page runs under
// the widget's strict CSP: no inline script or style, DOM built with createElement only.

import { checkContrast, defaultFor, isColor } from "./contrast.js";
import { validate } from "./schema.js";
import { getPath, withPath, encodeShare, decodeShare } from "./json.js";
import { DIALOGE_SAMPLE, OPENDIALOG_SAMPLE } from "./samples.js";

const $ = (id) => document.getElementById(id);
const editor = $("json");
const pretty = (value) => JSON.stringify(value, null, 2);

const state = {
  backend: "dialoge",
  /** Editor text per backend, so switching back and forth loses nothing. */
  texts: { dialoge: pretty(DIALOGE_SAMPLE), opendialog: pretty(OPENDIALOG_SAMPLE) },
  config: null, // the editor's parsed value; null while it is not JSON
  errors: [], // [{path, message}] of the editor's value
  good: null, // the last valid config: what the frames show
  editing: "theme", // which theme the colour fields edit: "theme" or "dark_theme"
  scene: "none",
  position: "right",
};

/** createElement with attributes (`text` = textContent, `on…` = listener) and children. */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  el.append(...children.filter((c) => c != null));
  return el;
}

function say(el, text, error = false) {
  el.textContent = text;
  el.classList.toggle("error", error);
}

/** A label, the input, and a message line the input is described by. */
function field(label, input, ...extra) {
  const msg = h("p", { id: `${input.id}-msg`, class: "field-msg", hidden: true });
  input.setAttribute("aria-describedby", msg.id);
  return h("div", { class: "field" }, h("label", { for: input.id, text: label }), input, ...extra, msg);
}

/** Sets a value unless the visitor is typing in that very element. */
function fill(el, value) {
  if (el !== document.activeElement && el.value !== value) el.value = value;
}

// ---- form controls ------------------------------------------------------------------------

/** Everything the form shows: {mode, render()}; render reads state.config. */
const controls = [];

/** Writes one value (undefined removes it) through the editor. */
function edit(path, value) {
  if (!state.config) return;
  editor.value = pretty(withPath(state.config, path, value));
  onText();
}

/** `themePath` inside a theme: the field edits the theme chosen with "Editing". */
function colourField(mode, label, path, themePath = path) {
  const full = () => (mode === "dialoge" ? `${state.editing}.${path}` : path);
  const id = "c-" + path.replace(/[^a-z0-9]+/gi, "-");
  const text = h("input", { id, type: "text", class: "hex", spellcheck: "false", autocomplete: "off" });
  const pick = h("input", { id: `${id}-pick`, type: "color" });
  text.addEventListener("input", () => edit(full(), text.value.trim() || undefined));
  pick.addEventListener("input", () => {
    // The picker knows no alpha: keep the one the value had.
    const current = getPath(state.config, full());
    const alpha = isColor(current) && current.length === 9 ? current.slice(7) : "";
    edit(full(), pick.value.toUpperCase() + alpha);
  });
  const pickLabel = h("label", { for: pick.id, class: "sr-only", text: `${label}: colour picker` });
  controls.push({
    mode,
    render() {
      const value = getPath(state.config, full());
      const inherited = state.editing === "dark_theme" && mode === "dialoge"
        ? getPath(state.config, `theme.${path}`)
        : undefined;
      text.dataset.path = full();
      fill(text, typeof value === "string" ? value : value == null ? "" : JSON.stringify(value));
      text.placeholder = isColor(inherited) ? `light: ${inherited}` : `default ${defaultFor(themePath)}`;
      // While the text is not a colour the picker keeps what it showed: the last good one.
      if (value != null && !isColor(value)) return;
      const shown = isColor(value) ? value : isColor(inherited) ? inherited : defaultFor(themePath);
      fill(pick, shown.slice(0, 7).toLowerCase());
    },
  });
  return h("div", { class: "colour" }, field(label, text, pickLabel, pick));
}

/** A text field (or textarea) for one string; empty removes the key. */
function textField(mode, label, path, { multiline = false, list } = {}) {
  const id = "t-" + path.replace(/[^a-z0-9]+/gi, "-");
  const input = multiline
    ? h("textarea", { id, rows: 3, "data-path": path })
    : h("input", { id, type: "text", "data-path": path, list, spellcheck: "false", autocomplete: "off" });
  input.addEventListener("input", () => edit(path, input.value === "" ? undefined : input.value));
  controls.push({
    mode,
    render() {
      const v = getPath(state.config, path);
      fill(input, typeof v === "string" ? v : v == null ? "" : JSON.stringify(v));
    },
  });
  return field(label, input);
}

/** A list of objects (start prompts, popup messages): a row of fields per item. */
function listField(mode, { id, legend, path, itemName, fields, blank }) {
  const rows = h("ol", { class: "rows" });
  const add = h("button", { type: "button", text: `Add ${itemName}` });
  const items = () => {
    const v = getPath(state.config, path);
    return Array.isArray(v) ? v : [];
  };
  const write = (list) => edit(path, list.length ? list : undefined);
  const firstInput = (i) => rows.children[i]?.querySelector("input");
  add.addEventListener("click", () => {
    write([...items(), blank(items())]);
    firstInput(rows.children.length - 1)?.focus();
  });
  const inputs = []; // [[input, key, field]] per row
  function build(list) {
    inputs.length = 0;
    rows.replaceChildren(...list.map((_, i) => {
      const row = fields.map((f) => {
        const input = h("input", {
          id: `${id}-${i}-${f.key}`, type: f.number ? "number" : "text", min: f.number ? 0 : null,
          "data-path": `${path}.${i}.${f.key}`, spellcheck: "false", autocomplete: "off",
        });
        input.addEventListener("input", () => {
          const list = structuredClone(items());
          if (list[i] === null || typeof list[i] !== "object") list[i] = {};
          const raw = input.value;
          if (raw === "" && f.optional) delete list[i][f.key];
          else list[i][f.key] = f.number ? (raw === "" ? raw : Number(raw)) : raw;
          write(list);
        });
        inputs.push([input, i, f.key]);
        return field(f.label, input);
      });
      const remove = h("button", { type: "button", class: "remove", text: "Remove", "aria-label": `Remove ${itemName} ${i + 1}` });
      remove.addEventListener("click", () => {
        write(items().filter((_, j) => j !== i));
        (firstInput(i) ?? firstInput(i - 1) ?? add).focus();
      });
      return h("li", {}, ...row, remove);
    }));
  }
  controls.push({
    mode,
    render() {
      const list = items();
      if (rows.children.length !== list.length) build(list);
      for (const [input, i, key] of inputs) {
        const v = list[i]?.[key];
        fill(input, v == null ? "" : String(v));
      }
    },
  });
  return h("fieldset", { class: "list" }, h("legend", { text: legend }), rows, add);
}

function buildForms() {
  const editing = h("fieldset", { class: "switch" }, h("legend", { text: "Colour fields edit" }),
    ...[["theme", "Light theme"], ["dark_theme", "Dark theme (dark_theme)"]].flatMap(([value, label]) => [
      h("input", { type: "radio", name: "editing", id: `editing-${value}`, value, checked: value === "theme",
        onchange: () => { state.editing = value; render(); } }),
      h("label", { for: `editing-${value}`, text: label }),
    ]));
  const dark = h("p", { class: "hint", text: "Dark fields left empty show the light theme's colour (the widget overlays dark_theme on theme)." });
  const c = (label, path) => colourField("dialoge", label, path);
  $("form-dialoge").append(
    h("fieldset", { class: "group" }, h("legend", { text: "Colours" }), editing, dark,
      c("Brand primary", "brand.primary_color"),
      c("Header button background", "header.button.background_color"),
      c("Header button icon", "header.button.icon_color"),
      c("Assistant bubble background", "messages.assistant.background_color"),
      c("Assistant bubble text", "messages.assistant.text_color"),
      c("User bubble background", "messages.user.background_color"),
      c("User bubble text", "messages.user.text_color"),
      c("Input background", "input.background_color"),
      c("Input text", "input.text_color"),
      c("Input placeholder", "input.placeholder_color"),
      c("Send icon", "input.send_button.icon_color"),
      c("Background", "surface.background_color"),
      c("Muted text", "surface.muted_text_color"),
      c("Product card button background", "product_card.button.background_color"),
      c("Discount price", "product_card.discount_price_color")),
    h("fieldset", { class: "group" }, h("legend", { text: "Texts" }),
      textField("dialoge", "Name", "display.name"),
      textField("dialoge", "Avatar URL", "display.avatar.url"),
      textField("dialoge", "Subtitle", "display.subtitle.text"),
      textField("dialoge", "Welcome text", "display.welcome_message", { multiline: true }),
      textField("dialoge", "Language (da, en, …)", "language", { list: "languages" }),
      h("datalist", { id: "languages" }, ...["da", "en", "sv", "nb", "de", "fi"].map((l) => h("option", { value: l }))),
      textField("dialoge", "Font (web font family)", "theme.font.web.family")),
    listField("dialoge", {
      id: "prompt", legend: "Start prompts", path: "start_prompts", itemName: "start prompt",
      fields: [{ key: "prompt_text", label: "Prompt" }, { key: "url_pattern", label: "Only on pages (glob, optional)", optional: true }],
      blank: () => ({ prompt_text: "" }),
    }),
    listField("dialoge", {
      id: "popup", legend: "Popup messages", path: "popup_messages", itemName: "popup message",
      fields: [
        { key: "text", label: "Text" },
        { key: "delay_ms", label: "Delay (ms, optional)", number: true, optional: true },
        { key: "url_pattern", label: "Only on pages (glob, optional)", optional: true },
      ],
      blank: (list) => ({ id: `pm_${Date.now().toString(36)}_${list.length + 1}`, text: "" }),
    }),
  );
  // OpenDialog colours the widget reads, with the Dialoge theme field each becomes (for defaults).
  const od = (label, key, themePath) => colourField("opendialog", label, `colours.${key}`, themePath);
  $("form-opendialog").append(
    h("fieldset", { class: "group" }, h("legend", { text: "Colours" }),
      h("p", { class: "hint", text: "OpenDialog has no dark theme, and the widget picks the header text colour itself (headerText is not used)." }),
      od("Header background (brand primary)", "headerBackground", "brand.primary_color"),
      od("Launcher background (when no header background)", "launcherBackground", "brand.primary_color"),
      od("Background (messageListBackground)", "messageListBackground", "surface.background_color"),
      od("Bot bubble background", "receivedMessageBackground", "messages.assistant.background_color"),
      od("Bot bubble text", "receivedMessageText", "messages.assistant.text_color"),
      od("Visitor bubble background", "sentMessageBackground", "messages.user.background_color"),
      od("Visitor bubble text", "sentMessageText", "messages.user.text_color"),
      od("Input background (userInputBackground)", "userInputBackground", "input.background_color"),
      od("Input text (userInputText)", "userInputText", "input.text_color"),
      od("Send icon (iconBackground)", "iconBackground", "input.send_button.icon_color"),
      od("Product card button background (buttonBackground)", "buttonBackground", "product_card.button.background_color")),
    h("fieldset", { class: "group" }, h("legend", { text: "Texts" }),
      textField("opendialog", "Name (chatbotName)", "general.chatbotName"),
      textField("opendialog", "Avatar URL (chatbotAvatarPath)", "general.chatbotAvatarPath"),
      textField("opendialog", "Input placeholder text (texts.inputPlaceholder)", "texts.inputPlaceholder")),
  );
}

// ---- editor → everything ------------------------------------------------------------------

function onText() {
  let parsed;
  try {
    parsed = JSON.parse(editor.value);
  } catch (e) {
    parsed = new Error(`Invalid JSON: ${e.message}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed) || parsed instanceof Error) {
    state.config = null;
    state.errors = [{ path: "", message: parsed instanceof Error ? parsed.message : "The config must be a JSON object ({…})." }];
  } else {
    state.config = parsed;
    state.errors = validate(parsed, state.backend);
  }
  render();
  if (state.errors.length === 0) {
    state.good = state.config;
    for (const f of FRAMES) if (f.ready) post(f, { type: "config", config: state.good });
    updateContrast();
  }
}

function render() {
  const broken = state.config === null;
  $("form").disabled = broken;
  $("form-note").hidden = !broken;
  if (!broken) for (const c of controls) if (c.mode === state.backend) c.render();
  for (const el of document.querySelectorAll("#form [data-path]")) {
    const own = state.errors.filter((e) => e.path === el.dataset.path);
    mark(el, own.map((e) => e.message).join("; "));
  }
  mark(editor, state.errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("\n"));
  for (const id of ["export-button", "copy-button", "share-button"]) $(id).disabled = state.errors.length > 0;
}

/** Shows `message` at `el` (aria-invalid + its described-by line), or clears it. */
function mark(el, message) {
  const msg = $(el.getAttribute("aria-describedby"));
  if (message) el.setAttribute("aria-invalid", "true");
  else el.removeAttribute("aria-invalid");
  msg.textContent = message;
  msg.hidden = !message;
}

// ---- contrast -----------------------------------------------------------------------------

let issues = [];

function updateContrast() {
  issues = checkContrast(state.good, state.backend);
  $("contrast-issues").replaceChildren(...issues.map((i) => {
    const sample = h("span", { class: "sample", "aria-hidden": "true", text: "Aa" });
    sample.style.color = i.fg;
    sample.style.backgroundColor = i.bg;
    return h("li", { "data-testid": "contrast-issue", "data-pair": i.pair, "data-theme": i.theme, "data-ratio": i.text },
      sample, h("strong", { text: `${i.text}:1` }),
      ` ${i.label}: ${i.fg.toUpperCase()} on ${i.bg.toUpperCase()} (${i.theme} theme)`
        + (i.shown ? `; shoppers see ${i.shown.toUpperCase()} instead, which the widget picks to stay readable` : ""));
  }));
  say($("contrast-summary"), issues.length
    ? `${issues.length} ${issues.length === 1 ? "pair is" : "pairs are"} under 4.5:1, outlined in the preview.`
    : "Every checked pair reaches 4.5:1.");
  for (const f of FRAMES) if (f.ready) post(f, contrastMessage(f));
}

/** A frame outlines only its own scheme's failures. */
const contrastMessage = (f) => ({
  type: "contrast",
  pairs: [...new Set(issues.filter((i) => i.theme === f.scheme).map((i) => i.pair))],
});

// ---- frames -------------------------------------------------------------------------------

const FRAMES = [
  { name: "light", scheme: "light", size: "desktop", title: "Desktop, light" },
  { name: "dark", scheme: "dark", size: "desktop", title: "Desktop, dark" },
  { name: "phone", scheme: "light", size: "phone", title: "Phone 375 × 667, light" },
];

function buildFrames() {
  for (const f of FRAMES) {
    f.el = h("iframe", { class: `frame frame-${f.size}`, "data-frame": f.name, "data-testid": `frame-${f.name}`, title: `Preview: ${f.title}` });
    $("frames").append(h("figure", { class: "frame-box" }, f.el, h("figcaption", { text: f.title })));
  }
}

function loadFrames() {
  for (const f of FRAMES) {
    f.ready = false;
    f.el.src = "frame.html?" + new URLSearchParams({ scheme: f.scheme, backend: state.backend, position: state.position });
  }
}

const post = (f, message) => f.el.contentWindow?.postMessage(message, location.origin);

addEventListener("message", (e) => {
  if (e.origin !== location.origin) return;
  const f = FRAMES.find((f) => f.el.contentWindow === e.source);
  if (!f || e.data?.type !== "ready") return;
  f.ready = true;
  if (state.good) post(f, { type: "config", config: state.good });
  if (state.scene !== "none") post(f, { type: "scene", scene: state.scene });
  post(f, contrastMessage(f));
});

// ---- backend, loading, export, share ------------------------------------------------------

const LOAD_DEFAULTS = { dialoge: "shop-bot", opendialog: "3377699723000023" };

function setBackend(backend, text) {
  if (editor.value) state.texts[state.backend] = editor.value;
  const od = backend === "opendialog";
  const bot = $("load-bot");
  if (bot.value === LOAD_DEFAULTS[state.backend]) bot.value = LOAD_DEFAULTS[backend];
  state.backend = backend;
  $(`backend-${backend}`).checked = true;
  $("form-dialoge").hidden = od;
  $("form-opendialog").hidden = !od;
  for (const el of document.querySelectorAll(".od-only")) el.hidden = !od;
  $("load-bot-label").textContent = od ? "Scenario id" : "Chatbot id";
  $("json-label").textContent = od ? "The OpenDialog configuration (GET /chat-api/configuration), as JSON" : "The config (GET /config), as JSON";
  editor.value = text ?? state.texts[backend];
  state.good = null;
  onText();
  loadFrames();
}

/** The token handshake (EMBED.md section 2), then the config with the token. */
async function load(event) {
  event.preventDefault();
  const status = $("load-status");
  const od = state.backend === "opendialog";
  const base = ($("load-base").value.trim() || location.origin).replace(/\/+$/, "");
  const bot = $("load-bot").value.trim();
  say(status, "Loading…");
  try {
    let token = od ? $("load-key").value.trim() : "";
    if (!token) {
      const res = await fetch($("load-token").value.trim(), {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ chatbot_id: bot }),
      });
      if (!res.ok) throw new Error(`the token URL answered ${res.status} ${await reason(res)}`);
      token = (await res.json())?.token;
      if (typeof token !== "string" || !token) throw new Error("the token URL answered without a token");
    }
    const res = od
      ? await fetch(`${base}/chat-api/configuration`, {
        credentials: "include", // anonymous authentication sets its cookie on the first call
        headers: { Authorization: `Bearer ${token}`, "OPENDIALOG-USER-ID": crypto.randomUUID(), "OPENDIALOG-SCENARIO-ID": bot },
      })
      : await fetch(`${base}/api/v1/chat/config`, { headers: { Authorization: `Bearer ${token}` } });
    if (!res.ok) throw new Error(`the config answered ${res.status} ${await reason(res)}`);
    editor.value = pretty(await res.json());
    onText();
    say(status, `Loaded ${od ? "scenario" : "chatbot"} ${bot}.`);
  } catch (e) {
    say(status, `Could not load: ${e.message}`, true);
  }
}

/** The message of an error body (Dialoge's envelope or Laravel's), if there is one. */
async function reason(res) {
  try {
    const body = await res.json();
    return body?.error?.message ?? body?.message ?? "";
  } catch {
    return "";
  }
}

function exportJson() {
  const blob = new Blob([pretty(state.config) + "\n"], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: state.backend === "opendialog" ? "opendialog-configuration.json" : "dialoge-config.json", hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

async function copy(text, done, failed) {
  try {
    await navigator.clipboard.writeText(text);
    say($("editor-status"), done);
  } catch {
    say($("editor-status"), failed);
  }
}

function shareLink() {
  const params = new URLSearchParams();
  if (state.backend === "opendialog") params.set("backend", "opendialog");
  params.set("config", encodeShare(state.config));
  const url = `${location.origin}${location.pathname}#${params}`;
  $("share-url").value = url;
  copy(url, "Share link made and copied.", "Share link made: copy it from the field.");
}

/** Restores `#config=…` (and `backend=`); false when the fragment has none. */
function fromFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  const encoded = params.get("config");
  if (!encoded) return false;
  try {
    setBackend(params.get("backend") === "opendialog" ? "opendialog" : "dialoge", pretty(decodeShare(encoded)));
    say($("editor-status"), "Config restored from the link.");
  } catch {
    say($("editor-status"), "The link's config could not be read.", true);
    return false;
  }
  return true;
}

// ---- wiring -------------------------------------------------------------------------------

buildForms();
buildFrames();
$("load-base").value = location.origin;
editor.addEventListener("input", onText);
$("load-form").addEventListener("submit", load);
for (const b of ["dialoge", "opendialog"]) $(`backend-${b}`).addEventListener("change", () => setBackend(b));
$("export-button").addEventListener("click", exportJson);
$("copy-button").addEventListener("click", () =>
  copy(pretty(state.config), "JSON copied.", "Could not copy: select the JSON and copy it by hand."));
$("share-button").addEventListener("click", shareLink);
$("replay-button").addEventListener("click", () => FRAMES.forEach((f) => f.ready && post(f, { type: "replay" })));
$("scene").addEventListener("change", (e) => {
  state.scene = e.target.value;
  for (const f of FRAMES) if (f.ready) post(f, { type: "scene", scene: state.scene });
});
$("position").addEventListener("change", (e) => {
  state.position = e.target.value;
  loadFrames();
});
addEventListener("hashchange", fromFragment);
if (!fromFragment()) setBackend("dialoge");
