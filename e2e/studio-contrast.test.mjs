// Unit tests of the branding studio's pure modules (studio/contrast.js, schema.js, json.js):
// WCAG arithmetic, what the widget will actually show (its own text colour choice, defaults,
// the dark overlay, translucent colours), the OpenDialog mapping, validation and the share
// encoding. No browser: `node --test e2e/studio-contrast.test.mjs`.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkContrast, composite, contrastRatio, formatRatio, measure, odToConfig, parseColor, PAIRS,
  themeVars, widgetTextOn,
} from "../studio/contrast.js";
import { isFontFamily, isUrl, validate } from "../studio/schema.js";
import { decodeShare, encodeShare, withPath, withoutPath } from "../studio/json.js";
import { DIALOGE_SAMPLE, OPENDIALOG_SAMPLE } from "../studio/samples.js";

const ratio = (a, b) => contrastRatio(parseColor(a), parseColor(b));
const issue = (issues, pair, theme) => issues.find((i) => i.pair === pair && i.theme === theme);

test("WCAG ratios: the extremes and well-known pairs", () => {
  assert.equal(ratio("#000000", "#FFFFFF"), 21);
  assert.equal(ratio("#777777", "#777777"), 1);
  assert.equal(formatRatio(ratio("#999999", "#FFFFFF")), "2.85");
  assert.equal(formatRatio(ratio("#767676", "#FFFFFF")), "4.54");
  assert.equal(formatRatio(ratio("#FFFFFF", "#0B5FFF")), "5.13");
  // Order does not matter.
  assert.equal(ratio("#FFFFFF", "#595959"), ratio("#595959", "#FFFFFF"));
});

test("a failing ratio never prints as a passing 4.50", () => {
  assert.equal(formatRatio(4.4951), "4.49");
  assert.equal(formatRatio(4.5), "4.50");
  assert.equal(formatRatio(3.534), "3.53");
});

test("colours: #RRGGBB and #RRGGBBAA only; alpha is composited over what is below", () => {
  assert.deepEqual(parseColor("#FF000080"), { r: 255, g: 0, b: 0, a: 128 / 255 });
  for (const bad of ["#fff", "red", "rgb(0,0,0)", "#12345G", " #123456", "#1234567"]) {
    assert.equal(parseColor(bad), null, bad);
  }
  const half = composite(parseColor("#00000080"), parseColor("#FFFFFF"));
  assert.equal(Math.round(half.r), 127);
  assert.equal(half.a, 1);
});

test("the header text is what the widget picks (theme.rs text_on), which always reaches 4.5:1", () => {
  // White on the demo's teal (5.02:1); the stylesheet's dark text would be 3.54:1.
  assert.equal(widgetTextOn("#0E7C7B"), "#ffffff");
  assert.equal(widgetTextOn("#2DD4BF"), "#111827");
  // A mid-tone where neither white nor the dark text reaches 4.5:1: black.
  assert.equal(widgetTextOn("#DD4444"), "#000000");
  assert.equal(issue(checkContrast({ theme: { brand: { primary_color: "#0E7C7B" } } }), "header-title", "light"), undefined);
  for (let v = 0; v < 0x1000000; v += 0x0f0f0f) {
    const primary = "#" + v.toString(16).padStart(6, "0");
    assert.equal(issue(checkContrast({ theme: { brand: { primary_color: primary } } }), "header-title", "light"), undefined, primary);
  }
  // The button pair is only reported when the config colours the buttons.
  assert.equal(issue(checkContrast({ theme: { brand: { primary_color: "#0E7C7B" } } }), "header-button", "light"), undefined);
});

test("a weak config text colour is listed with what the widget shows instead", () => {
  const issues = checkContrast({ theme: { messages: { assistant: { text_color: "#999999", background_color: "#FFFFFF" } } } });
  assert.equal(issue(issues, "assistant-text", "light").shown, "#111827");
});

test("a low-contrast assistant bubble is reported with its ratio, in both schemes without a dark theme", () => {
  const config = { theme: { messages: { assistant: { text_color: "#999999", background_color: "#FFFFFF" } } } };
  const issues = checkContrast(config);
  assert.equal(issue(issues, "assistant-text", "light").text, "2.85");
  assert.equal(issue(issues, "assistant-text", "dark").text, "2.85");
  // A dark theme that sets its own readable bubble fixes the dark scheme only.
  const dark = { ...config, dark_theme: { messages: { assistant: { text_color: "#F0FDFA", background_color: "#1F2A29" } } } };
  assert.ok(issue(checkContrast(dark), "assistant-text", "light"));
  assert.equal(issue(checkContrast(dark), "assistant-text", "dark"), undefined);
});

test("the dark scheme is the light theme overlaid with what dark_theme sets", () => {
  const config = {
    theme: { brand: { primary_color: "#0B6463" }, messages: { user: { text_color: "#FFFFFF" } } },
    dark_theme: { brand: { primary_color: "#FDE68A" } },
  };
  assert.equal(themeVars(config, false)["--dlg-primary"], "#0B6463");
  assert.equal(themeVars(config, true)["--dlg-primary"], "#FDE68A");
  // The user bubble follows the primary: white on light yellow fails only in the dark scheme.
  const issues = checkContrast(config);
  assert.equal(issue(issues, "user-text", "light"), undefined);
  assert.ok(issue(issues, "user-text", "dark").ratio < 1.5);
  // An invalid dark value is skipped, as the widget skips it.
  assert.equal(themeVars({ theme: { brand: { primary_color: "#0B6463" } }, dark_theme: { brand: { primary_color: "teal" } } }, true)["--dlg-primary"], "#0B6463");
});

test("translucent colours sit on what is below them (the bubble on the panel, the panel on white)", () => {
  const pair = PAIRS.find((p) => p.id === "assistant-text");
  // 50% black over a white panel is mid grey; white text on it.
  const vars = themeVars({ theme: { messages: { assistant: { background_color: "#00000080", text_color: "#FFFFFF" } } } }, false);
  const m = measure(pair, vars);
  assert.equal(m.bg, "#7f7f7f");
  assert.equal(formatRatio(m.ratio), "4.00");
  // Over a dark panel the same bubble is darker, and the white text passes.
  const onDark = themeVars({ theme: { surface: { background_color: "#000000" }, messages: { assistant: { background_color: "#00000080", text_color: "#FFFFFF" } } } }, false);
  assert.equal(measure(pair, onDark).ratio, 21);
});

test("pairs made only of the stylesheet's defaults are not the config's to report", () => {
  assert.deepEqual(checkContrast({}), []);
  assert.deepEqual(checkContrast({ display: { name: "Bot" } }), []);
  // Setting the input background makes the default placeholder the config's pair: it reads
  // on white (4.83:1) but not on a mid grey.
  assert.equal(issue(checkContrast({ theme: { input: { background_color: "#FFFFFF" } } }), "input-placeholder", "light"), undefined);
  const issues = checkContrast({ theme: { input: { background_color: "#9CA3AF" } } });
  assert.equal(issue(issues, "input-placeholder", "light").text, "1.90");
});

test("the samples the studio starts with pass every check", () => {
  assert.deepEqual(validate(DIALOGE_SAMPLE), []);
  assert.deepEqual(checkContrast(DIALOGE_SAMPLE), []);
  assert.deepEqual(validate(OPENDIALOG_SAMPLE, "opendialog"), []);
});

test("OpenDialog colours map as the adapter maps them (src/backend/opendialog.rs)", () => {
  const od = {
    general: { chatbotName: "Bot" },
    colours: { launcherBackground: "#123456", receivedMessageBackground: "#FFFFFF", receivedMessageText: "#999999", iconBackground: "#EEEEEE" },
  };
  const config = odToConfig(od);
  // No headerBackground: the launcher's colour is the primary.
  assert.equal(config.theme.brand.primary_color, "#123456");
  assert.equal(config.theme.input.send_button.icon_color, "#EEEEEE");
  const issues = checkContrast(od, "opendialog");
  assert.equal(issue(issues, "assistant-text", "light").text, "2.85");
  assert.ok(issue(issues, "send-icon", "light"));
  // headerText is not used: the widget derives the header text itself.
  assert.equal(odToConfig({ colours: { headerText: "#000000" } }).theme.brand.primary_color, undefined);
});

test("validation names the path of every wrong value", () => {
  const errors = validate({
    display: { name: 5, avatar: { url: "javascript:alert(1)" } },
    theme: { brand: { primary_color: "teal", secondary: "#FFFFFF" }, font: { web: { family: "x;}body{" } } },
    dark_theme: null,
    start_prompts: [{ prompt_text: "Hi", url_pattern: 3 }],
    popup_messages: "no",
    language: "english please",
    forms: [{ name: "Missing id" }],
    colour: "#FFFFFF",
  });
  const paths = Object.fromEntries(errors.map((e) => [e.path, e.message]));
  assert.match(paths["display.name"], /text/);
  assert.match(paths["display.avatar.url"], /image URL/);
  assert.match(paths["theme.brand.primary_color"], /not a colour/);
  assert.equal(paths["theme.brand.secondary"], "unknown key");
  assert.match(paths["theme.font.web.family"], /font/);
  assert.equal(paths.dark_theme, undefined, "dark_theme may be null");
  assert.match(paths["start_prompts.0.url_pattern"], /text/);
  assert.match(paths.popup_messages, /list/);
  assert.match(paths.language, /language/);
  assert.equal(paths["forms.0.form_id"], "is required");
  assert.equal(paths.colour, "unknown key");
  // Keys that look like Object.prototype's are unknown too.
  assert.equal(validate({ toString: 1 })[0].message, "unknown key");
});

test("OpenDialog: colours is closed (a typo loses a colour), the rest is open", () => {
  const errors = validate({ colours: { headerBackgrund: "#FFFFFF", sentMessageText: "white" }, general: { somethingNew: 1 }, extra: {} }, "opendialog");
  assert.deepEqual(errors.map((e) => e.path).sort(), ["colours.headerBackgrund", "colours.sentMessageText"]);
});

test("URLs and fonts: what the widget would use, nothing it would refuse", () => {
  for (const ok of ["https://cdn.example.com/a.png", "http://127.0.0.1:8080/x.svg", "/img/bot.svg", "data:image/png;base64,AAAA"]) {
    assert.ok(isUrl(ok, { image: true }), ok);
  }
  for (const bad of ["javascript:alert(1)", "//evil.example/x.png", "bot.png", "", " https://a.b/", "ftp://a.b/c"]) {
    assert.ok(!isUrl(bad, { image: true }), bad);
  }
  assert.ok(isUrl("mailto:help@example.com", { link: true }));
  assert.ok(!isUrl("data:image/png;base64,AAAA"), "data: only for images");
  for (const ok of ["Inter", "Inter, 'Segoe UI', sans-serif", '"Helvetica Neue", Arial', "Åbenrå Sans"]) assert.ok(isFontFamily(ok), ok);
  for (const bad of ["", "Inter;", "url(x)", "a\\b", "Inter,", "'"]) assert.ok(!isFontFamily(bad), bad);
});

test("paths: set creates what is missing, removing prunes what it emptied", () => {
  assert.deepEqual(withPath({}, "theme.brand.primary_color", "#FFFFFF"), { theme: { brand: { primary_color: "#FFFFFF" } } });
  assert.deepEqual(withPath({}, "start_prompts.0.prompt_text", "Hi"), { start_prompts: [{ prompt_text: "Hi" }] });
  const config = { theme: { brand: { primary_color: "#FFFFFF" }, surface: { background_color: "#000000" } } };
  assert.deepEqual(withoutPath(config, "theme.brand.primary_color"), { theme: { surface: { background_color: "#000000" } } });
  assert.deepEqual(withPath(config, "theme.brand.primary_color", undefined), withoutPath(config, "theme.brand.primary_color"));
  // A list item stays in place (indexes mean something), even when emptied.
  assert.deepEqual(withoutPath({ list: [{ a: 1 }] }, "list.0.a"), { list: [{}] });
  assert.deepEqual(withoutPath(config, "nothing.here"), config);
  assert.equal(config.theme.brand.primary_color, "#FFFFFF", "the input is not changed");
});

test("share encoding: base64url of UTF-8 JSON, restored exactly", () => {
  const config = { display: { name: "Æblegrød ✓ 🍎" }, theme: { brand: { primary_color: "#0B6463" } }, list: [1, null, true] };
  const encoded = encodeShare(config);
  assert.match(encoded, /^[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeShare(encoded), config);
  assert.throws(() => decodeShare("not base64!"));
  assert.throws(() => decodeShare(encodeShare("x").slice(0, 3)));
});
