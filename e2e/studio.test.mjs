// The branding studio end to end (studio/, served from the built folder at /widget/studio/,
// reached through /studio): the form and the JSON in step, three live frames (desktop light,
// desktop dark, phone) re-themed in place, contrast issues listed and outlined in the frames,
// every part type and livechat scene in the preview, export, share link, no network for the
// preview, wrong values held back at their field, OpenDialog mode — all under the strict CSP,
// with every securitypolicyviolation of the page and its frames failing the test.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { mkdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startSandbox, startBrowser, sandboxRequests } from "./harness.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SHOTS = join(ROOT, "target", "e2e-screenshots");
const FRAMES = ["light", "dark", "phone"];
const rgb = (hex) => `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;

// studio/samples.js: what the studio starts with.
const SAMPLE_PRIMARY = "#0B6463";
const SAMPLE_DARK_PRIMARY = "#2DD4BF";

let sandbox;
const browsers = [];

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  for (const b of browsers) await b.close();
  sandbox?.stop();
});

/** A fresh browser on `path` with the three frames' widgets up; CSP violations recorded. */
async function openStudio(path = "/studio", { requests } = {}) {
  const b = await startBrowser();
  browsers.push(b);
  const violations = [];
  // In every frame of every page: the studio, its preview frames, a page opened from a link.
  await b.context.exposeBinding("__studioCsp", (_source, v) => violations.push(v));
  await b.context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      window.__studioCsp(`${location.pathname}: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
  });
  if (requests) b.context.on("request", (r) => requests.push(r.url()));
  await b.page.setViewportSize({ width: 1600, height: 1400 });
  await b.page.goto(sandbox.url + path);
  const studio = new Studio(b.page);
  await studio.ready();
  return { ...b, violations, studio };
}

/** Polls `read` until it deep-equals `want` (the preview re-themes within a frame or two). */
async function until(read, want, message, timeout = 1000) {
  const end = Date.now() + timeout;
  let got;
  for (;;) {
    got = await read();
    if (isDeepStrictEqual(got, want) || Date.now() > end) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.deepEqual(got, want, message);
}

/** Page object for the studio. */
class Studio {
  constructor(page) {
    this.page = page;
    this.editor = page.locator("#json");
    this.issues = page.getByTestId("contrast-issues");
  }

  frame(name) {
    return this.page.frameLocator(`iframe[data-frame=${name}]`);
  }

  async ready() {
    for (const name of FRAMES) {
      await this.frame(name).getByTestId("panel").waitFor({ state: "visible", timeout: 30000 });
    }
  }

  /** The widget header's background in each frame, {light, dark, phone}. */
  async headers() {
    const out = {};
    for (const name of FRAMES) {
      out[name] = await this.frame(name).locator(".dlg-header")
        .evaluate((el) => getComputedStyle(el).backgroundColor);
    }
    return out;
  }

  /** A form field by its label (the colour fields' text inputs, texts, list rows). */
  field(label) {
    return this.page.getByLabel(label, { exact: true });
  }

  async json() {
    return JSON.parse(await this.editor.inputValue());
  }

  async setJson(value) {
    await this.editor.fill(typeof value === "string" ? value : JSON.stringify(value, null, 2));
  }

  /** The visible message an input is described by. */
  async messageOf(locator) {
    const id = await locator.getAttribute("aria-describedby");
    const msg = this.page.locator(`[id="${id}"]`);
    return (await msg.isVisible()) ? msg.innerText() : "";
  }

  async editing(theme) {
    await this.page.getByLabel(theme === "dark" ? "Dark theme (dark_theme)" : "Light theme", { exact: true }).check();
  }
}

function clean({ problems, violations }) {
  assert.deepEqual(violations, [], "no CSP violations in the studio or its frames");
  assert.deepEqual(problems, [], "no console errors");
}

test("a colour change re-themes all three frames in place, from the text field and the picker; JSON and form stay in step", async () => {
  const b = await openStudio();
  const { studio } = b;
  // A config without a dark theme: every frame shows the same brand colour.
  await studio.setJson({ display: { name: "Studio test" }, theme: { brand: { primary_color: "#0B6463" } } });
  await until(() => studio.headers(), { light: rgb("#0B6463"), dark: rgb("#0B6463"), phone: rgb("#0B6463") }, "JSON edit");
  assert.equal(await studio.field("Brand primary").inputValue(), "#0B6463", "JSON → form");

  const panel = await studio.frame("light").getByTestId("panel").elementHandle();
  await studio.field("Brand primary").fill("#8A2BE2");
  await until(() => studio.headers(), { light: rgb("#8A2BE2"), dark: rgb("#8A2BE2"), phone: rgb("#8A2BE2") }, "text field");
  assert.equal((await studio.json()).theme.brand.primary_color, "#8A2BE2", "form → JSON");

  await studio.field("Brand primary: colour picker").fill("#123456");
  await until(() => studio.headers(), { light: rgb("#123456"), dark: rgb("#123456"), phone: rgb("#123456") }, "picker");
  assert.equal(await studio.field("Brand primary").inputValue(), "#123456");
  assert.equal((await studio.json()).theme.brand.primary_color, "#123456");
  // Re-themed in place: the same panel element, not a remount.
  assert.ok(await panel.evaluate((el) => el.isConnected), "the widget was not remounted");

  // Other fields follow too: the name, and a list the form edits row by row.
  await studio.field("Name").fill("Renamed Bot");
  await until(() => studio.frame("phone").getByTestId("bot-name").innerText(), "Renamed Bot", "name");
  await studio.page.getByRole("button", { name: "Add start prompt" }).click();
  await studio.field("Prompt").fill("Where is my order?");
  assert.deepEqual((await studio.json()).start_prompts, [{ prompt_text: "Where is my order?" }]);
  clean(b);
});

test("a low-contrast pair is listed with its ratio and outlined in the light frames only", async () => {
  const b = await openStudio();
  const { studio, page } = b;
  assert.equal(await studio.issues.getByTestId("contrast-issue").count(), 0, "the sample passes");

  // The sample's dark theme sets its own (readable) assistant bubble.
  await studio.field("Assistant bubble text").fill("#999999");
  await studio.field("Assistant bubble background").fill("#ffffff");
  const item = studio.issues.locator("[data-testid=contrast-issue][data-pair=assistant-text][data-theme=light]");
  await item.waitFor({ timeout: 1000 });
  assert.equal(await item.getAttribute("data-ratio"), "2.85");
  assert.match(await item.innerText(), /2\.85:1/);
  assert.equal(await studio.issues.locator("[data-pair=assistant-text][data-theme=dark]").count(), 0);

  const marked = (name) => studio.frame(name)
    .locator('.dlg-bubble[data-dlg-contrast~="assistant-text"]').count().then((n) => n > 0);
  await until(() => marked("light"), true, "light frame outlines the assistant bubbles");
  // The preview build's stylesheet has the marks' rule (a feature section the shop's build leaves out).
  const outline = await studio.frame("light").locator('.dlg-bubble[data-dlg-contrast~="assistant-text"]').first()
    .evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.equal(outline, "dashed");
  await until(() => marked("phone"), true, "phone frame (light) outlines them");
  assert.equal(await marked("dark"), false, "the dark frame has its own readable colours");
  // New elements are marked too: the replayed answer streams new assistant bubbles.
  await page.getByRole("button", { name: "Replay answer" }).click();
  await page.waitForTimeout(300);
  const unmarked = await studio.frame("light")
    .locator('.dlg-message:not([data-role="user"]):not([data-role="system"]) .dlg-bubble:not([data-dlg-contrast])').count();
  assert.equal(unmarked, 0, "every assistant bubble, old and new, is marked");

  // Fixed: the issue and the outline go.
  await studio.field("Assistant bubble text").fill("#10201F");
  await until(() => item.count(), 0, "issue gone");
  await until(() => marked("light"), false, "outline gone");
  clean(b);
});

test("the preview shows every part type and marker, and the livechat scenes", async () => {
  const b = await openStudio();
  const { studio, page } = b;
  const light = studio.frame("light");
  for (const type of [
    "rich_text", "table", "products", "suggestions", "quick_replies", "image", "file",
    "show_contact_form", "show_support_ticket", "show_form", "request_image_upload", "request_human_agent",
  ]) {
    assert.ok(await light.locator(`[data-testid=part][data-part-type=${type}]`).count() > 0, `part ${type}`);
  }
  const products = light.locator("[data-testid=part][data-part-type=products]");
  assert.ok(await products.locator(".dlg-price-before").count() > 0, "a discounted price");
  assert.ok(await products.locator(".dlg-splash").count() > 0, "a splash badge");
  assert.ok(await light.getByTestId("form").count() >= 3, "contact, ticket and generic forms");
  assert.equal(await light.getByTestId("upload-prompt").count(), 1);
  assert.equal(await light.getByTestId("handover").count(), 1);

  // "Replay answer" streams the sample's reply again, in every frame (watched in all three at
  // once: the reply streams for well under a second).
  const streaming = FRAMES.map((name) => studio.frame(name)
    .locator("[data-testid=message][data-role=assistant][data-state=streaming]").waitFor({ timeout: 2000 }));
  await page.getByRole("button", { name: "Replay answer" }).click();
  await Promise.all(streaming);

  const scene = async (value) => page.getByLabel("Livechat", { exact: true }).selectOption(value);
  for (const name of FRAMES) {
    assert.equal(await studio.frame(name).getByTestId("livechat").count(), 0, `${name}: no livechat at first`);
  }
  await scene("waiting");
  for (const name of FRAMES) {
    await studio.frame(name).locator("[data-testid=livechat][data-status=waiting]").waitFor({ timeout: 2000 });
  }
  await scene("active");
  await light.locator("[data-testid=livechat][data-status=active]").waitFor({ timeout: 2000 });
  await light.getByTestId("agent-typing").waitFor({ timeout: 2000 });
  await scene("closed");
  await light.locator("[data-testid=livechat][data-status=closed]").waitFor({ timeout: 2000 });
  await light.getByTestId("livechat-feedback").waitFor({ timeout: 2000 });
  await scene("none");
  await until(() => light.getByTestId("livechat").count(), 0, "back to no livechat", 2000);
  clean(b);
});

test("the dark frame wears dark_theme, the light ones do not", async () => {
  const b = await openStudio();
  const { studio } = b;
  await until(() => studio.headers(),
    { light: rgb(SAMPLE_PRIMARY), dark: rgb(SAMPLE_DARK_PRIMARY), phone: rgb(SAMPLE_PRIMARY) }, "the sample", 3000);

  await studio.editing("dark");
  assert.equal(await studio.field("Brand primary").inputValue(), SAMPLE_DARK_PRIMARY, "the field shows dark_theme now");
  await studio.field("Brand primary").fill("#FF8800");
  await until(() => studio.headers(), { light: rgb(SAMPLE_PRIMARY), dark: rgb("#FF8800"), phone: rgb(SAMPLE_PRIMARY) }, "dark edit");
  const json = await studio.json();
  assert.equal(json.dark_theme.brand.primary_color, "#FF8800");
  assert.equal(json.theme.brand.primary_color, SAMPLE_PRIMARY);

  // An empty dark field falls back to the light theme's colour (the widget overlays dark_theme).
  await studio.field("Brand primary").fill("");
  assert.equal((await studio.json()).dark_theme.brand, undefined, "the key is removed, not left empty");
  assert.equal(await studio.field("Brand primary").getAttribute("placeholder"), `light: ${SAMPLE_PRIMARY}`);
  await until(() => studio.headers(), { light: rgb(SAMPLE_PRIMARY), dark: rgb(SAMPLE_PRIMARY), phone: rgb(SAMPLE_PRIMARY) }, "fallback");

  await studio.editing("light");
  assert.equal(await studio.field("Brand primary").inputValue(), SAMPLE_PRIMARY);
  clean(b);
});

test("export downloads exactly the edited config", async () => {
  const b = await openStudio();
  const { studio, page } = b;
  await studio.field("Name").fill("Export Bot ✓");
  await studio.field("User bubble background").fill("#123456CC");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export .json" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "dialoge-config.json");
  const exported = JSON.parse(readFileSync(await download.path(), "utf8"));
  assert.deepEqual(exported, await studio.json());
  assert.equal(exported.display.name, "Export Bot ✓");
  assert.equal(exported.theme.messages.user.background_color, "#123456CC");
  clean(b);
});

test("a share link restores the config exactly", async () => {
  const b = await openStudio();
  const { studio, page, context } = b;
  await studio.field("Name").fill("Æblegrød 🍎 Bot");
  await studio.field("Brand primary").fill("#6A1B9A");
  await studio.editing("dark");
  await studio.field("Input text").fill("#FAFAFA");
  const edited = await studio.json();
  await page.getByRole("button", { name: "Make share link" }).click();
  const link = await page.getByLabel("Share link", { exact: true }).inputValue();
  assert.match(link, /\/widget\/studio\/(index\.html)?#config=[A-Za-z0-9_-]+$/);

  const other = await context.newPage();
  await other.setViewportSize({ width: 1600, height: 1400 });
  await other.goto(link);
  const restored = new Studio(other);
  await restored.ready();
  assert.deepEqual(await restored.json(), edited);
  await until(() => restored.headers().then((h) => h.light), rgb("#6A1B9A"), "restored frames", 3000);
  await other.close();
  clean(b);
});

test("the preview makes no network request beyond the widget's and the studio's own files", async () => {
  const requests = [];
  const seenBefore = (await sandboxRequests(sandbox.url)).length;
  const b = await openStudio("/studio", { requests });
  const { studio, page } = b;
  await studio.field("Brand primary").fill("#8A2BE2");
  await until(() => studio.headers().then((h) => h.light), rgb("#8A2BE2"), "re-themed");
  await page.getByRole("button", { name: "Replay answer" }).click();
  await page.getByLabel("Livechat", { exact: true }).selectOption("active");
  await studio.frame("light").getByTestId("agent-typing").waitFor({ timeout: 2000 });
  // A visitor typing into the preview is answered locally too.
  await studio.frame("light").getByTestId("composer-input").fill("Hello preview");
  await studio.frame("light").getByTestId("composer-input").press("Enter");
  await page.waitForTimeout(1500);

  const foreign = requests.filter((url) =>
    !url.startsWith(`${sandbox.url}/widget/`) && url !== `${sandbox.url}/studio` && !/^(data|blob):/.test(url));
  assert.deepEqual(foreign, [], "only files under /widget/");
  assert.ok(requests.some((u) => /\/widget\/preview\/dialoge-widget_bg\.wasm(\?v=\w+)?$/.test(u)), "the preview build was loaded");
  assert.deepEqual((await sandboxRequests(sandbox.url)).slice(seenBefore), [], "no API, token or /chat-api request");
  clean(b);
});

test("a wrong value is shown at its field and never reaches the frames", async () => {
  const b = await openStudio();
  const { studio, page } = b;
  const good = { light: rgb(SAMPLE_PRIMARY), dark: rgb(SAMPLE_DARK_PRIMARY), phone: rgb(SAMPLE_PRIMARY) };
  await until(() => studio.headers(), good, "the sample", 3000);
  const holds = async (what) => {
    await page.waitForTimeout(400);
    assert.deepEqual(await studio.headers(), good, `${what}: the frames keep the last valid config`);
  };

  // A colour that is not one.
  const primary = studio.field("Brand primary");
  await primary.fill("teal");
  assert.equal(await primary.getAttribute("aria-invalid"), "true");
  assert.match(await studio.messageOf(primary), /not a colour/);
  assert.equal(await studio.editor.getAttribute("aria-invalid"), "true");
  assert.match(await studio.messageOf(studio.editor), /theme\.brand\.primary_color: not a colour/);
  assert.ok(await page.getByRole("button", { name: "Export .json" }).isDisabled(), "nothing invalid is exported");
  await holds("bad colour");
  await primary.fill(SAMPLE_PRIMARY);
  assert.equal(await primary.getAttribute("aria-invalid"), null);
  assert.equal(await studio.messageOf(primary), "");

  // A URL that is not one.
  const avatar = studio.field("Avatar URL");
  await avatar.fill("javascript:alert(1)");
  assert.equal(await avatar.getAttribute("aria-invalid"), "true");
  assert.match(await studio.messageOf(avatar), /not an image URL/);
  await avatar.fill("");
  assert.equal(await avatar.getAttribute("aria-invalid"), null);

  // An unknown key, next to a change that would be valid on its own: neither reaches the frames.
  const config = await studio.json();
  config.theme.brand.primary_color = "#FF0000";
  config.theme.colour_scheme = "dark";
  await studio.setJson(config);
  assert.equal(await studio.editor.getAttribute("aria-invalid"), "true");
  assert.match(await studio.messageOf(studio.editor), /theme\.colour_scheme: unknown key/);
  await holds("unknown key");

  // Not JSON at all: the form waits for the JSON to be fixed.
  await studio.setJson('{"theme": {"brand": ');
  assert.equal(await studio.editor.getAttribute("aria-invalid"), "true");
  assert.match(await studio.messageOf(studio.editor), /Invalid JSON/);
  assert.ok(await primary.isDisabled(), "the form is disabled while the JSON is broken");
  await holds("invalid JSON");

  // Fixed: applied at once.
  delete config.theme.colour_scheme;
  await studio.setJson(config);
  assert.equal(await studio.editor.getAttribute("aria-invalid"), null);
  await until(() => studio.headers().then((h) => h.light), rgb("#FF0000"), "valid again");
  clean(b);
});

test("the current config loads through the shop's token endpoint", async () => {
  const b = await openStudio();
  const { studio, page } = b;
  assert.equal(await page.getByLabel("API base", { exact: true }).inputValue(), sandbox.url);
  assert.equal(await page.getByLabel("Chatbot id", { exact: true }).inputValue(), "shop-bot");
  assert.equal(await page.getByLabel("Token URL", { exact: true }).inputValue(), "/shop/chat-token");
  const seenBefore = (await sandboxRequests(sandbox.url)).length;
  await page.getByRole("button", { name: "Load", exact: true }).click();
  // The studio's own sample has the same name: wait for what only the served config has.
  await until(async () => (await studio.json()).theme?.brand?.primary_color, "#0E7C7B", "loaded", 5000);
  const calls = (await sandboxRequests(sandbox.url)).slice(seenBefore).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(calls, ["POST /shop/chat-token", "GET /api/v1/chat/config"]);
  assert.equal(await studio.editor.getAttribute("aria-invalid"), null, "the served config validates");
  // crates/sandbox/chatbots/shop-bot.json: the frames wear it.
  await until(() => studio.headers(), { light: rgb("#0E7C7B"), dark: rgb("#2DD4BF"), phone: rgb("#0E7C7B") }, "loaded branding");
  // The widget picks white header text on this teal (5.02:1): nothing to report there.
  assert.equal(await studio.issues.locator("[data-pair=header-title]").count(), 0);
  clean(b);
});

test("OpenDialog mode edits a configuration, previews it in the OpenDialog build and checks it as the adapter maps it", async () => {
  const b = await openStudio();
  const { studio, page } = b;
  await page.getByLabel("OpenDialog", { exact: true }).check();
  assert.ok((await studio.json()).colours, "the editor holds an OpenDialog configuration");
  await studio.ready();
  assert.ok((await page.locator("iframe[data-frame=light]").getAttribute("src")).includes("backend=opendialog"));
  await until(() => studio.headers(), { light: rgb(SAMPLE_PRIMARY), dark: rgb(SAMPLE_PRIMARY), phone: rgb(SAMPLE_PRIMARY) }, "OD sample", 3000);

  await studio.field("Header background (brand primary)").fill("#8A2BE2");
  await until(() => studio.headers(), { light: rgb("#8A2BE2"), dark: rgb("#8A2BE2"), phone: rgb("#8A2BE2") }, "OD colour");
  await studio.field("Bot bubble text").fill("#999999");
  await studio.field("Bot bubble background").fill("#FFFFFF");
  const item = studio.issues.locator("[data-pair=assistant-text][data-theme=light]");
  await item.waitFor({ timeout: 1000 });
  assert.equal(await item.getAttribute("data-ratio"), "2.85");

  // A typo in a colour name is an unknown key.
  const config = await studio.json();
  config.colours.headerBackgrund = "#000000";
  await studio.setJson(config);
  assert.match(await studio.messageOf(studio.editor), /colours\.headerBackgrund: unknown key/);

  // Loading with the scenario's app key (its public embed key) replaces the editor's content.
  assert.equal(await page.getByLabel("Scenario id", { exact: true }).inputValue(), "3377699723000023");
  await page.getByLabel("App key (optional: skips the token URL)").fill("1|sbxNordlysSecureAppKey0000000000000000001");
  const seenBefore = (await sandboxRequests(sandbox.url)).length;
  await page.getByRole("button", { name: "Load", exact: true }).click();
  await until(async () => (await studio.json()).colours?.headerBackground, "#0E7C7B", "loaded", 5000);
  const calls = (await sandboxRequests(sandbox.url)).slice(seenBefore).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(calls, ["GET /chat-api/configuration"]);
  assert.equal(await studio.editor.getAttribute("aria-invalid"), null, "the served configuration validates");
  await until(() => studio.headers(), { light: rgb("#0E7C7B"), dark: rgb("#0E7C7B"), phone: rgb("#0E7C7B") }, "loaded branding");

  // Back to Dialoge: its config is as it was left.
  await page.getByLabel("Dialoge", { exact: true }).check();
  assert.equal((await studio.json()).theme.brand.primary_color, SAMPLE_PRIMARY);
  clean(b);
});

test("screenshots of the three frames", async () => {
  const b = await openStudio();
  const { page } = b;
  await page.waitForTimeout(1000); // let the sample's answer finish streaming
  mkdirSync(SHOTS, { recursive: true });
  for (const name of FRAMES) {
    await page.locator(`iframe[data-frame=${name}]`).screenshot({ path: join(SHOTS, `studio-${name}.png`) });
  }
  clean(b);
});
