// What a config may hold: the keys of crates/api/src/config.rs (Dialoge) and of OpenDialog's
// `configuration` (shared/api/OPENDIALOG.md), with the value rules the widget applies
// (src/view/theme.rs). A config with any error here is never sent to the preview frames: the
// widget would ignore a bad colour silently, and a wrong type can make it drop the whole config.

import { isColor } from "./contrast.js";

export { isColor };

// ---- value rules: each returns an error message, or null when the value is fine ----------

const COLOR = (v) => (isColor(v) ? null : "not a colour: use #RRGGBB or #RRGGBBAA");
const STRING = (v) => (typeof v === "string" ? null : "must be text");
const BOOL = (v) => (typeof v === "boolean" ? null : "must be true or false");
const UINT = (v) => (Number.isInteger(v) && v >= 0 ? null : "must be a whole number, 0 or more");
const oneOf = (...values) => (v) =>
  values.includes(v) ? null : `must be one of ${values.map((x) => JSON.stringify(x)).join(", ")}`;

/** Absolute http(s), a host-less path (resolved against the API base) or, for images, data:. */
export function isUrl(v, { image = false, link = false } = {}) {
  if (typeof v !== "string" || v.trim() !== v || v === "") return false;
  if (v.startsWith("/") && !v.startsWith("//")) return true;
  if (image && /^data:image\/[a-z0-9.+-]+[;,]/i.test(v)) return true;
  if (link && /^(mailto|tel):./i.test(v)) return true;
  try {
    const u = new URL(v);
    return (u.protocol === "https:" || u.protocol === "http:") && u.host !== "";
  } catch {
    return false;
  }
}
const IMAGE_URL = (v) => (isUrl(v, { image: true }) ? null : "not an image URL: use https://…, /path or data:image/…");
const LINK_URL = (v) => (isUrl(v, { link: true }) ? null : "not a URL: use https://…, /path, mailto: or tel:");
const STYLESHEET_URL = (v) => (isUrl(v) ? null : "not a URL: use https://… or /path");

/** theme.rs font_family: a plain list of family names, nothing CSS could read as more. */
export function isFontFamily(v) {
  if (typeof v !== "string" || new TextEncoder().encode(v).length > 200) return false;
  return v.split(",").map((n) => n.trim()).every((n) => {
    const quoted = n.length >= 2 && (n[0] === '"' || n[0] === "'") && n.at(-1) === n[0];
    const name = quoted ? n.slice(1, -1) : n;
    return name !== "" && [...name].every((c) => /[A-Za-z0-9 _-]/.test(c) || c.codePointAt(0) > 0x9f);
  });
}
const FONT = (v) => (isFontFamily(v) ? null : "not a font family list (names only, e.g. Inter, 'Segoe UI', sans-serif)");
const LANGUAGE = (v) =>
  typeof v === "string" && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(v) ? null : "not a language code (e.g. da, en)";

// ---- shapes -----------------------------------------------------------------------------

/** An object with these fields; `open` lets unknown keys pass (a section the widget ignores). */
const obj = (fields, { open = false, required = [] } = {}) => ({ fields, open, required });
/** An array of `item`. */
const arr = (item) => ({ item });
/** The field may be `null` (an `Option` in config.rs: null means "not set"). */
const opt = (node) => (typeof node === "function" ? { check: node, nullable: true } : { ...node, nullable: true });

const THEME = obj({
  brand: obj({ primary_color: opt(COLOR) }),
  surface: obj({ background_color: opt(COLOR), muted_text_color: opt(COLOR) }),
  header: obj({
    alignment: opt(oneOf("left", "center")),
    logo: obj({ url: opt(IMAGE_URL) }),
    button: obj({ background_color: opt(COLOR), icon_color: opt(COLOR) }),
  }),
  messages: obj({
    assistant: obj({
      background_color: opt(COLOR),
      text_color: opt(COLOR),
      avatar_size: opt(UINT),
      border_color: opt(COLOR),
      thinking_border_gradient: arr(COLOR),
    }),
    user: obj({ background_color: opt(COLOR), text_color: opt(COLOR), border_color: opt(COLOR) }),
  }),
  input: obj({
    text_color: opt(COLOR),
    placeholder_color: opt(COLOR),
    background_color: opt(COLOR),
    border_color: opt(COLOR),
    send_button: obj({ icon_color: opt(COLOR) }),
  }),
  product_card: obj({
    discount_price_color: opt(COLOR),
    button: opt(obj({ background_color: opt(COLOR), bold: opt(BOOL) })),
  }),
  // The contract leaves `font` open ({…}); the widget reads only `web`.
  font: opt(obj({ web: opt(obj({ family: FONT, url: opt(STYLESHEET_URL) }, { required: ["family"] })) }, { open: true })),
});

export const DIALOGE_SCHEMA = obj({
  display: obj({
    name: STRING,
    avatar: obj({ url: opt(IMAGE_URL) }),
    welcome_message: opt(STRING),
    subtitle: opt(obj({ text: opt(STRING), link: opt(obj({ text: STRING, url: LINK_URL })) })),
    privacy_policy_url: opt(LINK_URL),
  }),
  theme: THEME,
  dark_theme: opt(THEME),
  start_prompts: arr(obj({ prompt_text: STRING, url_pattern: opt(STRING) })),
  product_card: obj({ open_label: opt(STRING), add_to_cart: obj({ enabled: BOOL }) }),
  livechat: opt(obj({
    enabled: BOOL,
    configured: BOOL,
    availability_status: oneOf("live", "offline"),
    availability_reason: opt(oneOf("disabled", "manual_live", "manual_offline", "always_on",
      "within_working_hours", "outside_working_hours")),
    show_livechat_logo: BOOL,
    attachments_enabled: BOOL,
    max_attachment_size_bytes: opt(UINT),
  })),
  forms: arr(obj({ form_id: STRING, name: opt(STRING), trigger: oneOf("session_start", "livechat_waiting", "llm") },
    { required: ["form_id", "trigger"] })),
  image_enabled: opt(BOOL),
  popup_messages: arr(obj({ id: STRING, text: STRING, delay_ms: opt(UINT), url_pattern: opt(STRING) })),
  language: opt(LANGUAGE),
});

/** The OpenDialog colours the widget reads (src/backend/opendialog.rs branding()). */
export const OD_COLOURS = [
  "headerBackground", "headerText", "launcherBackground", "messageListBackground",
  "sentMessageBackground", "sentMessageText", "receivedMessageBackground", "receivedMessageText",
  "userInputBackground", "userInputText", "buttonBackground", "buttonHoverBackground", "buttonText",
  "externalButtonBackground", "externalButtonHoverBackground", "externalButtonText",
  "iconBackground", "iconHoverBackground",
];

// OpenDialog ignores unknown keys and a real tenant's configuration carries many more than the
// public docs name, so only `colours` (where a typo silently loses a colour) is closed.
export const OD_SCHEMA = obj({
  general: obj({
    chatbotName: opt(STRING),
    chatbotAvatarPath: opt(IMAGE_URL),
    logo: opt(IMAGE_URL),
    teamName: opt(STRING),
    messageDelay: opt(UINT),
    typingIndicatorSettings: opt(obj({ color: opt(COLOR), texts: arr(STRING) }, { open: true })),
  }, { open: true }),
  colours: obj(Object.fromEntries(OD_COLOURS.map((k) => [k, opt(COLOR)]))),
  webchatHistory: obj({ showHistory: opt(BOOL), numberOfMessages: opt(UINT) }, { open: true }),
  texts: obj({}, { open: true }),
  messages: obj({}, { open: true }),
  userType: opt(oneOf("new", "returning", "ongoing")),
  showMinimized: opt(BOOL),
  openIntent: opt(STRING),
}, { open: true });

/** Every problem in `value`: [{path: "theme.brand.primary_color", message}], [] when valid. */
export function validate(value, backend = "dialoge") {
  const errors = [];
  walk(backend === "opendialog" ? OD_SCHEMA : DIALOGE_SCHEMA, value, "", errors);
  return errors;
}

function walk(node, v, path, errors) {
  const at = (message) => errors.push({ path, message });
  if (v === null) {
    if (!node.nullable) at("must not be null");
    return;
  }
  if (node.check) {
    const message = node.check(v);
    if (message) at(message);
  } else if (node.item) {
    if (!Array.isArray(v)) return at("must be a list");
    v.forEach((x, i) => walk(node.item, x, join(path, i), errors));
  } else if (typeof node === "function") {
    const message = node(v);
    if (message) at(message);
  } else {
    if (typeof v !== "object" || Array.isArray(v)) return at("must be an object");
    for (const key of node.required) if (!Object.hasOwn(v, key)) errors.push({ path: join(path, key), message: "is required" });
    for (const [key, x] of Object.entries(v)) {
      if (Object.hasOwn(node.fields, key)) walk(node.fields[key], x, join(path, key), errors);
      else if (!node.open) errors.push({ path: join(path, key), message: "unknown key" });
    }
  }
}

const join = (path, key) => (path === "" ? String(key) : `${path}.${key}`);
