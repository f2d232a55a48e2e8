// WCAG 2.x contrast of what the widget will actually draw. The colours are resolved the way
// src/view/theme.rs (theme_vars, text_on) and style/dialoge.css (defaults, var() fallbacks)
// resolve them, so keep the tables below in step with those two files.
// Pure functions only: node:test imports this module (e2e/studio-contrast.test.mjs), and the
// preview frames import PAIRS for their selectors.

/** `#RRGGBB` or `#RRGGBBAA` — the only colours the widget accepts (theme.rs is_color). */
export const isColor = (v) => typeof v === "string" && /^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/.test(v);

/** Each themeable colour: its custom property and where it sits in a theme (theme.rs COLORS). */
export const COLORS = [
  ["--dlg-primary", "brand.primary_color"],
  ["--dlg-bg", "surface.background_color"],
  ["--dlg-muted", "surface.muted_text_color"],
  ["--dlg-header-btn-bg", "header.button.background_color"],
  ["--dlg-header-btn-fg", "header.button.icon_color"],
  ["--dlg-bot-bg", "messages.assistant.background_color"],
  ["--dlg-bot-fg", "messages.assistant.text_color"],
  ["--dlg-bot-border", "messages.assistant.border_color"],
  ["--dlg-user-bg", "messages.user.background_color"],
  ["--dlg-user-fg", "messages.user.text_color"],
  ["--dlg-user-border", "messages.user.border_color"],
  ["--dlg-input-fg", "input.text_color"],
  ["--dlg-placeholder", "input.placeholder_color"],
  ["--dlg-input-bg", "input.background_color"],
  ["--dlg-input-border", "input.border_color"],
  ["--dlg-send", "input.send_button.icon_color"],
  ["--dlg-discount", "product_card.discount_price_color"],
  ["--dlg-card-btn-bg", "product_card.button.background_color"],
];

/** The stylesheet's own values (style/dialoge.css `:host`), used where the config sets nothing. */
export const DEFAULTS = {
  "--dlg-primary": "#0b5fff",
  "--dlg-on-primary": "#ffffff",
  "--dlg-bg": "#ffffff",
  "--dlg-muted": "#6b7280",
  "--dlg-header-fg": "#ffffff",
  "--dlg-header-btn-bg": "transparent",
  "--dlg-bot-bg": "#f3f4f6",
  "--dlg-bot-fg": "#111827",
  "--dlg-user-fg": "#ffffff",
  "--dlg-input-fg": "#111827",
  "--dlg-input-bg": "#ffffff",
  "--dlg-placeholder": "#6b7280",
  "--dlg-discount": "#dc2626",
  "--dlg-card-btn-bg": "#111827",
  "--dlg-card-btn-fg": "#ffffff",
};

/** Properties that default to another one (`.dlg-root` rules and `var(--x, fallback)`). */
const FOLLOWS = {
  "--dlg-header-bg": "--dlg-primary",
  "--dlg-user-bg": "--dlg-primary",
  "--dlg-send": "--dlg-primary",
  "--dlg-header-btn-fg": "--dlg-header-fg",
};

/**
 * The pairs checked. `layers` are the backgrounds from the bottom up (each may be translucent),
 * `fg` the text or icon colour; both are custom properties or literal colours. `selector` finds
 * the elements inside the widget's shadow root that the preview frames outline. `only`: the
 * pair counts only when the config sets one of these.
 */
export const PAIRS = [
  {
    id: "header-title", label: "Header title on the header (brand primary)",
    fg: "--dlg-header-fg", layers: ["--dlg-bg", "--dlg-header-bg"],
    selector: ".dlg-header .dlg-title, .dlg-header .dlg-subtitle",
  },
  {
    // The menu and "talk to a person" buttons draw header text on the header, not these.
    // Without button colours this is the header title's pair again: not reported twice.
    id: "header-button", label: "Header button icon on its background",
    fg: "--dlg-header-btn-fg", layers: ["--dlg-bg", "--dlg-header-bg", "--dlg-header-btn-bg"],
    only: ["--dlg-header-btn-fg", "--dlg-header-btn-bg"],
    selector: ".dlg-header .dlg-header-btn:not(.dlg-menu-btn):not(.dlg-human-btn)",
  },
  {
    id: "assistant-text", label: "Assistant bubble text on its background",
    fg: "--dlg-bot-fg", layers: ["--dlg-bg", "--dlg-bot-bg"],
    selector: '.dlg-message:not([data-role="user"]):not([data-role="system"]) .dlg-bubble',
  },
  {
    id: "user-text", label: "User bubble text on its background",
    fg: "--dlg-user-fg", layers: ["--dlg-bg", "--dlg-user-bg"],
    selector: '.dlg-message[data-role="user"] .dlg-bubble',
  },
  {
    id: "input-text", label: "Input text on the input background",
    fg: "--dlg-input-fg", layers: ["--dlg-bg", "--dlg-input-bg"],
    selector: ".dlg-input, .dlg-field-input",
  },
  {
    id: "input-placeholder", label: "Input placeholder on the input background",
    fg: "--dlg-placeholder", layers: ["--dlg-bg", "--dlg-input-bg"],
    selector: ".dlg-input, .dlg-field-input",
  },
  {
    id: "send-icon", label: "Send icon on the input background",
    fg: "--dlg-send", layers: ["--dlg-bg", "--dlg-input-bg"],
    selector: ".dlg-send",
  },
  {
    id: "card-button", label: "Product card button text on its background",
    fg: "--dlg-card-btn-fg", layers: ["--dlg-bg", "--dlg-card-btn-bg"],
    selector: ".dlg-card-actions a",
  },
  {
    id: "discount-price", label: "Discount price on the background",
    fg: "--dlg-discount", layers: ["--dlg-bg"],
    selector: ".dlg-price-before",
  },
  {
    id: "muted-text", label: "Muted text on the background",
    fg: "--dlg-muted", layers: ["--dlg-bg"],
    selector: ".dlg-card-desc, .dlg-suggestion-desc, .dlg-field-hint, .dlg-handover-offline, .dlg-status, .dlg-sender",
  },
];

/** WCAG AA for normal text. */
export const MINIMUM = 4.5;

/** `{r, g, b, a}` (channels 0–255, alpha 0–1) of `#RRGGBB`, `#RRGGBBAA` or `transparent`. */
export function parseColor(value) {
  if (value === "transparent") return { r: 0, g: 0, b: 0, a: 0 };
  if (!isColor(value)) return null;
  const n = (i) => parseInt(value.slice(i, i + 2), 16);
  return { r: n(1), g: n(3), b: n(5), a: value.length === 9 ? n(7) / 255 : 1 };
}

/** `top` drawn over `below` (source-over; the result is opaque when `below` is). */
export function composite(top, below) {
  const a = top.a + below.a * (1 - top.a);
  if (a === 0) return { r: 0, g: 0, b: 0, a: 0 };
  const mix = (c) => (top[c] * top.a + below[c] * below.a * (1 - top.a)) / a;
  return { r: mix("r"), g: mix("g"), b: mix("b"), a };
}

/** WCAG 2.x relative luminance of an opaque colour (sRGB linearised). */
export function luminance({ r, g, b }) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two opaque colours, 1–21. */
export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** `#rrggbb` of an opaque colour. */
export function toHex({ r, g, b }) {
  return "#" + [r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("");
}

/**
 * The widget's text for a fill (theme.rs text_on): white or its dark text, whichever reads
 * better, and black when neither reaches 4.5:1.
 */
export function widgetTextOn(color) {
  const fill = parseColor(color);
  const white = contrastRatio(parseColor("#ffffff"), fill);
  const dark = contrastRatio(parseColor("#111827"), fill);
  if (Math.max(white, dark) < MINIMUM) return "#000000";
  return white >= dark ? "#ffffff" : "#111827";
}

/**
 * Config text colours the widget replaces when they are under 4.5:1 on their fill (theme.rs
 * TEXT_PAIRS). The studio still lists the config's own pair — it is the brand's to fix — and
 * says what the widget shows instead.
 */
export const WIDGET_CORRECTS = new Set(["--dlg-bot-fg", "--dlg-user-fg", "--dlg-input-fg", "--dlg-header-btn-fg", "--dlg-muted"]);

export function getPath(obj, path) {
  let v = obj;
  for (const key of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = v[key];
  }
  return v;
}

/**
 * The custom properties the config sets for a scheme (theme.rs theme_vars, colours only): the
 * light theme, overlaid in the dark scheme by what `dark_theme` sets. Invalid colours are
 * skipped exactly as the widget skips them.
 */
export function themeVars(config, dark) {
  const themes = [config?.theme, dark ? config?.dark_theme : null].filter(
    (t) => t && typeof t === "object",
  );
  const vars = {};
  for (const [name, path] of COLORS) {
    for (const t of themes) {
      const v = getPath(t, path);
      if (isColor(v)) vars[name] = v;
    }
  }
  if (vars["--dlg-primary"]) {
    vars["--dlg-on-primary"] = widgetTextOn(vars["--dlg-primary"]);
    vars["--dlg-header-fg"] = widgetTextOn(vars["--dlg-primary"]);
  }
  if (vars["--dlg-card-btn-bg"]) vars["--dlg-card-btn-fg"] = widgetTextOn(vars["--dlg-card-btn-bg"]);
  return vars;
}

/** The value the widget shows for `name`, and every property consulted to find it. */
function resolve(vars, name, seen = []) {
  seen.push(name);
  if (name.startsWith("#")) return { value: name, seen };
  if (vars[name]) return { value: vars[name], seen };
  if (DEFAULTS[name]) return { value: DEFAULTS[name], seen };
  return resolve(vars, FOLLOWS[name], seen);
}

/** One pair's colours and ratio, and whether the config sets any colour it depends on. */
export function measure(pair, vars) {
  const used = [];
  const get = (name) => {
    const r = resolve(vars, name);
    used.push(...r.seen);
    return r.value;
  };
  // Only the layers that show through count: walk down until an opaque one.
  const stack = [];
  for (let i = pair.layers.length - 1; i >= 0; i--) {
    const c = parseColor(get(pair.layers[i]));
    stack.unshift(c);
    if (c.a === 1) break;
  }
  // Whatever still shows through sits on the host page, taken as white.
  let bg = { r: 255, g: 255, b: 255, a: 1 };
  for (const layer of stack) bg = composite(layer, bg);
  const fgValue = get(pair.fg);
  const fg = composite(parseColor(fgValue), bg);
  return {
    fg: fgValue,
    bg: toHex(bg),
    ratio: contrastRatio(fg, bg),
    defined: (pair.only ?? used).some((n) => n in vars),
    // What the widget draws instead of a weak config text colour.
    shown: WIDGET_CORRECTS.has(pair.fg) && contrastRatio(fg, bg) < MINIMUM ? widgetTextOn(toHex(bg)) : null,
  };
}

/** OpenDialog `configuration` as the widget's config (src/backend/opendialog.rs branding()). */
export function odToConfig(od) {
  const section = (k) => (od && typeof od[k] === "object" && od[k] !== null ? od[k] : {});
  const c = section("colours");
  const g = section("general");
  const s = (v) => (typeof v === "string" ? v : undefined);
  return {
    display: { name: s(g.chatbotName) ?? "", avatar: { url: s(g.chatbotAvatarPath) } },
    theme: {
      brand: { primary_color: s(c.headerBackground) ?? s(c.launcherBackground) },
      surface: { background_color: s(c.messageListBackground) },
      header: { logo: { url: s(g.logo) } },
      messages: {
        assistant: { background_color: s(c.receivedMessageBackground), text_color: s(c.receivedMessageText) },
        user: { background_color: s(c.sentMessageBackground), text_color: s(c.sentMessageText) },
      },
      input: {
        background_color: s(c.userInputBackground),
        text_color: s(c.userInputText),
        send_button: { icon_color: s(c.iconBackground) },
      },
      product_card: { button: { background_color: s(c.buttonBackground) } },
    },
  };
}

/**
 * Every pair under 4.5:1 in each scheme, for pairs the config has a say in (a pair made only
 * of the stylesheet's defaults is the widget's business, not the brand's).
 * → [{pair, label, theme: "light"|"dark", fg, bg, ratio (number), text ("3.53")}]
 */
export function checkContrast(config, backend = "dialoge") {
  const cfg = backend === "opendialog" ? odToConfig(config) : config;
  const issues = [];
  for (const theme of ["light", "dark"]) {
    const vars = themeVars(cfg, theme === "dark");
    for (const pair of PAIRS) {
      const m = measure(pair, vars);
      if (m.defined && m.ratio < MINIMUM) {
        issues.push({ pair: pair.id, label: pair.label, theme, fg: m.fg, bg: m.bg, ratio: m.ratio, text: formatRatio(m.ratio), shown: m.shown });
      }
    }
  }
  return issues;
}

/**
 * Two decimals, rounded, except that a failing ratio never reads as a passing "4.50".
 */
export function formatRatio(ratio) {
  const text = ratio.toFixed(2);
  return ratio < MINIMUM && text === "4.50" ? "4.49" : text;
}

/** The widget's colour for a themed path when the config sets none (for the colour pickers). */
export function defaultFor(themePath) {
  const entry = COLORS.find(([, p]) => p === themePath);
  if (!entry) return "#000000";
  const v = resolve({}, entry[0]).value;
  return isColor(v) ? v : "#ffffff";
}
