// The XSS corpus on the OpenDialog build (dist/opendialog/, the sandbox's /opendialog page): every
// text- and URL-bearing field the adapter (src/backend/opendialog.rs) reads, scripted verbatim
// through the sandbox's development switches (`/sandbox/opendialog/scenarios/{id}/replies` and
// `/configuration`):
//
// - the configuration: every `general` text and URL (name, avatar, logo, team, typing texts and
//   colour, restart callback), every `colours` key, `texts`, `messages` and `openIntent`, with
//   the welcome (the `chat_open` answer) — fetched on a new visit, then restored from the cache
//   and fetched again on a reload;
// - every message type OPENDIALOG.md and the adapter know — text (raw and HTML-escaped, with
//   Markdown, `<a href>` and bare links), image, button (callback, link, phone, download, tab
//   switch), rich / fp-rich cards, horizontal and vertical lists, form / fp-form with every
//   element type, long_text / longtext, and the ones never shown (date-picker, autocomplete,
//   meta, cta, hand-to-system, an unknown type named by the payload) — plus the top-level ids;
// - history (bot rows of every type and the visitor's own rows) after a reload, and a submitted
//   long text's confirmation and the answer to it;
// - the configuration previewed with `Dialoge('preview', …)` in the studio's OpenDialog frame;
// - link and phone buttons whose URL, number or label try to write Markdown of their own (the
//   adapter draws them as Markdown links).
//
// Asserted in the browser: no script runs (`window.__xss` stays unset), no URL outside http(s),
// mailto, tel and data:image is put in an href or src, every link opens in a new tab with
// rel="noopener noreferrer", no element or attribute a benign reply does not render appears
// (nor script, iframe, style…), the theme's custom properties hold only `#RRGGBB(AA)` colours,
// and the browser records no CSP violation or error. The payloads are xss-corpus.mjs's TEXTS,
// URLS + ENCODED_URLS and COLOURS; each test cycles through them, so every payload reaches
// every field of its kind.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, Widget, appMounted } from "./harness.mjs";
import { TEXTS, URLS, COLOURS, ENCODED_URLS, escapeHtml, findings, shape, unsafeAnchors, countPairs } from "./xss-corpus.mjs";

const SCENARIO = "3377699723000023";
const ALL_URLS = [...URLS, ...ENCODED_URLS];
/** Lines the browser logs for an image it could not load (a benign URL's); never a CSP one. */
const LOAD_NOISE = /Failed to load resource/;

let sandbox;
let browser;
/** (field, payload) pairs tried, by what they went through. */
const pairs = {};
const tried = (what, n) => { pairs[what] = (pairs[what] ?? 0) + n; };

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
});

after(async () => {
  const total = Object.values(pairs).reduce((a, b) => a + b, 0);
  console.log(`xss corpus (opendialog): ${TEXTS.length + ALL_URLS.length + COLOURS.length} payloads, ${total} field/payload pairs ${JSON.stringify(pairs)}`);
  await browser?.close();
  sandbox?.stop();
});

// Each test starts with no scripted answer left over from a failed one.
beforeEach(() => dev("DELETE", "replies"));

/** The payloads a field may carry: text `t` as sent and HTML-escaped, and URL `u`. */
const payloads = (t, u) => [...new Set([t, escapeHtml(t), ...(u ? [u] : [])])];

/** A development switch of the scenario (`replies` or `configuration`). */
async function dev(method, what, body) {
  const res = await fetch(`${sandbox.url}/sandbox/opendialog/scenarios/${SCENARIO}/${what}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${what}: ${res.status} ${await res.text()}`);
}

/** The next message's answer, verbatim. */
const script = (answer) => dev("POST", "replies", { answer });
/** The configuration, verbatim. */
const configure = (configuration) => dev("PUT", "configuration", configuration);

const COLOUR_KEYS = [
  "headerBackground", "headerText", "launcherBackground", "messageListBackground",
  "sentMessageBackground", "sentMessageText", "receivedMessageBackground", "receivedMessageText",
  "userInputBackground", "userInputText", "buttonBackground", "buttonHoverBackground", "buttonText",
  "externalButtonBackground", "externalButtonHoverBackground", "externalButtonText",
  "iconBackground", "iconHoverBackground",
];
const TEXT_KEYS = ["inputPlaceholder", "sendButtonText", "endChatText", "restartButtonText", "downloadButtonText"];
const MESSAGE_KEYS = ["networkError", "sessionExpired"];

/** A configuration with text `t`, URL `u` and colour `c` in every field that takes one. */
function configuration(t, u, c, history = 50) {
  return {
    general: {
      chatbotName: t,
      chatbotAvatarPath: u,
      logo: u,
      teamName: t,
      messageDelay: 0,
      hideMessageTime: false,
      showRestartButton: true,
      restartButtonCallback: t,
      showEndChatButton: true,
      showDownloadButton: true,
      typingIndicatorSettings: { color: c, texts: [t] },
    },
    colours: Object.fromEntries(COLOUR_KEYS.map((k) => [k, c])),
    webchatHistory: { showHistory: true, numberOfMessages: history },
    texts: Object.fromEntries(TEXT_KEYS.map((k) => [k, t])),
    messages: Object.fromEntries(MESSAGE_KEYS.map((k) => [k, t])),
    showMinimized: false,
    openIntent: t,
  };
}
/** A bot message as OpenDialog sends one (`x` fills the fields no one shows: intent, time, date). */
const botOf = (type, data, extra = {}, x = "xss") => ({ author: "them", type, intent: x, ...extra, data: { time: x, date: x, ...data } });
/** A bot message with plain words in the fields no one shows. */
const bot = (type, data, extra) => botOf(type, data, extra);

/** A card's data (rich / fp-rich, and list items). */
const card = (t, u, buttons) => ({
  title: t, subtitle: t, text: t,
  image: { src: u, url: u, link_new_tab: true },
  ...(buttons ? { buttons } : { callback: t, callback_value: t }),
});

/** Every kind of button, each labelled `t`. */
const buttons = (t, u) => [
  { text: t, callback_id: t, value: t },
  { text: t, link: u, link_new_tab: true },
  { text: t, phone_number: t },
  { text: t, phone_number: u },
  { text: t, download: true },
  { text: t, tab_switch: t },
  { text: t, display: t, type: t, callback_id: "plain" },
];

/** A form's elements: every element type, each with `t` in its name, label, default and options. */
const elements = (t) => [
  ...["text", "textarea", "number", "email"].map((element_type, i) =>
    ({ name: `${t}${i}`, display: t, element_type, required: i === 0, default_value: t, min: 1, max: 500 })),
  ...["select", "radio", "checkbox"].map((element_type, i) =>
    ({ name: `${t}s${i}`, display: t, element_type, options: { [t]: t, other: `${t}!` } })),
  { name: `${t}auto`, display: t, element_type: "auto-select", options: [{ key: t, value: t }, { key: "k", value: `${t}?` }] },
  { name: `${t}odd`, display: t, element_type: t },
];

/**
 * One answer with every message type the adapter knows and the ones it never shows, text `t`
 * and URL `u` in every field. `n` numbers the answer, so forms and long texts stay apart.
 */
function everyType(t, u, n) {
  const escaped = escapeHtml(t);
  const bot = (type, data, extra = {}) => botOf(type, data, extra, t);
  return [
    bot("text", { text: t }, { message_template_id: t, request_id: t }),
    bot("text", { text: `${escaped}\n\n**${escaped}** ~~${escaped}~~ _${escaped}_\n- ${escaped}\n# ${escaped}` }),
    bot("text", { text: `[${escaped}](${u}) <a href="${u}">${escaped}</a> <a href='${u}' onclick="window.__xss='onclick'">x</a> ${u} <b>${t}</b>` }),
    false,
    bot("image", { img_src: u, img_link: u, link_new_tab: true }),
    bot("button", { text: t, buttons: buttons(t, u), external: true, clear_after_interaction: true }),
    bot("rich", card(t, u, buttons(t, u))),
    bot("fp-rich", card(t, u)),
    bot("list", { title: t, view_type: "horizontal", items: [
      { message_type: "rich", ...card(t, u) },
      { message_type: "fp-rich", ...card(t, u, buttons(t, u)) },
      { message_type: "text", text: t },
      { message_type: "image", img_src: u, img_link: u },
      { message_type: "button", text: t, buttons: buttons(t, u) },
      { message_type: t, text: t },
    ] }),
    bot("list", { title: t, view_type: "vertical", items: [
      { message_type: "text", text: t },
      { message_type: "button", text: t, buttons: buttons(t, u) },
      { message_type: "image", img_src: u, img_link: u },
      { message_type: "rich", ...card(t, u) },
      { message_type: "list", title: t, view_type: "list", items: [{ message_type: "text", text: t }] },
    ] }),
    bot("form", { text: t, callback_id: `f${n}`, elements: elements(t), submit_text: t, cancel_text: t, cancel_callback: t, auto_submit: false, disable_text: true }),
    bot("fp-form", { text: t, callback_id: `fp${n}`, elements: elements(t), submit_text: t }),
    bot("long_text", { text: t, callback_id: `l${n}`, character_limit: 500, submit_text: t, initial_text: t, placeholder: t, confirmation_text: t }),
    bot("longtext", { text: t, callback_id: `lt${n}`, submit_text: t, initial_text: t, placeholder: t, confirmation_text: t }),
    bot("date-picker", { text: t, callback: t, submit_text: t }),
    bot("autocomplete", { text: t, callback: t, placeholder: t, options: [t] }),
    bot("meta", { elements: { [t]: t, progressPercentage: t } }),
    bot("cta", { text: t }),
    bot("hand-to-system", { text: t, system: t }),
    bot(t, { text: t, url: u }),
    bot("text", { text: t, internal: true }),
  ];
}

/** Waits until there are more than `count` assistant messages and the last one is done. */
async function nextAnswer(w, count) {
  await w.page.waitForFunction(
    (n) => {
      const list = [...(document.querySelector("[data-dialoge]")?.shadowRoot?.querySelectorAll("[data-testid=message][data-role=assistant]") ?? [])];
      return list.length > n && list.at(-1).dataset.state === "done";
    },
    count,
    { timeout: 30000 },
  );
  return w.byRole("assistant").last();
}

/** A new visitor on the OpenDialog page: storage and cookies cleared, the widget not yet open. */
async function newVisitor() {
  const { page, context } = browser;
  await page.goto(sandbox.url + "/healthz", { waitUntil: "networkidle" });
  await page.evaluate(() => localStorage.clear());
  await context.clearCookies();
  await page.evaluate(() => { window.__xss = undefined; });
  const configured = page.waitForResponse((r) => r.url().includes("/chat-api/configuration"), { timeout: 30000 });
  await page.goto(sandbox.url + "/opendialog");
  const w = new Widget(page);
  await w.launcher.waitFor({ state: "visible", timeout: 30000 });
  return { w, configured };
}

/** The widget's theme custom properties that are not a `#RRGGBB(AA)` colour (or list of them). */
function badVars(vars) {
  return Object.entries(vars).filter(([name, value]) => {
    if (name === "--dlg-font") return !/^[\p{L}\p{N} ,'"_-]+$/u.test(value);
    if (name === "--dlg-thinking") return !/^#[0-9a-fA-F]{6,8}(, #[0-9a-fA-F]{6,8})*$/.test(value);
    if (["--dlg-avatar-size", "--dlg-card-btn-weight"].includes(name)) return false;
    return !/^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(value);
  }).map(([name, value]) => `${name}: ${value}`);
}

/** Asserts nothing ran, nothing dangerous is shown and the browser saw no CSP violation. */
async function assertClean(page, benign, what) {
  const s = await page.evaluate(shape);
  assert.deepEqual(findings(s, benign), [], `${what}: elements, attributes or URLs`);
  assert.deepEqual(await page.evaluate(unsafeAnchors), [], `${what}: links not in a new tab with rel=noopener noreferrer`);
  assert.deepEqual(badVars(s.vars), [], `${what}: theme properties`);
  assert.equal(await page.evaluate(() => window.__xss), undefined, `${what}: a payload ran`);
  assertNoProblems(browser, LOAD_NOISE);
  return s;
}

/** What a benign configuration and a benign answer of every type render: the allowed set. */
let benign;

test("a benign configuration and every message type render the allowed set, branded", async () => {
  const { page } = browser;
  const ok = `${sandbox.url}/shop/img/bot.svg`;
  await configure(configuration("Plain words", ok, "#0E7C7B"));
  await script([bot("text", { text: "Welcome, **friend**: [our shop](https://shop.example.com/)" })]);
  const { w, configured } = await newVisitor();
  await configured;
  await w.open();
  await nextAnswer(w, 0);
  await script(everyType("plain words", ok, 0));
  await w.ask("benign");
  const answer = await nextAnswer(w, 1);
  // The mapping is live: name, colour, avatar, card, chips, link, image and both form kinds.
  assert.equal(await page.getByTestId("bot-name").innerText(), "Plain words");
  const primary = await page.evaluate(() =>
    document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root").style.getPropertyValue("--dlg-primary"));
  assert.equal(primary.toUpperCase(), "#0E7C7B");
  assert.equal(await page.getByTestId("bot-avatar").getAttribute("src"), ok);
  assert.ok(await answer.locator("[data-part-type=products] .dlg-card").count() >= 4);
  assert.ok(await answer.locator("[data-part-type=quick_replies] button").count() >= 2);
  assert.ok(await answer.locator(`a[href='${ok}']`).count() >= 2, "links");
  assert.ok(await answer.locator("[data-part-type=image] img").count() >= 2, "images");
  assert.equal(await answer.getByTestId("form").count(), 4, "two forms and two long texts");
  await page.waitForTimeout(300);
  benign = await page.evaluate(shape);
  // The menu's own items (the hostile runs open it too).
  await page.getByTestId("menu-button").click();
  const menu = await page.evaluate(shape);
  await page.getByTestId("menu-button").click();
  benign.tags = [...new Set([...benign.tags, ...menu.tags])];
  benign.attrs = [...new Set([...benign.attrs, ...menu.attrs])];
  // The page's own elements: the launcher closed, with the same config.
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  const closed = await page.evaluate(shape);
  benign.tags = [...new Set([...benign.tags, ...closed.tags])];
  benign.attrs = [...new Set([...benign.attrs, ...closed.attrs])];
  assert.deepEqual(findings(benign, benign), [], "the benign set itself");
  assertNoProblems(browser, LOAD_NOISE);
});

test("a hostile configuration in every field, and a hostile welcome, run nothing and set no invalid colour", async () => {
  assert.ok(benign, "the benign set was read");
  const { page } = browser;
  const entries = Math.max(TEXTS.length, ALL_URLS.length, COLOURS.length);
  for (let i = 0; i < entries; i++) {
    const t = TEXTS[i % TEXTS.length];
    const u = ALL_URLS[i % ALL_URLS.length];
    const c = COLOURS[i % COLOURS.length];
    const config = configuration(t, u, c);
    const welcome = [bot("text", { text: t }), bot("text", { text: escapeHtml(t) })];
    await configure(config);
    await script(welcome);
    const { w, configured } = await newVisitor();
    await configured;
    await page.waitForTimeout(200);
    await assertClean(page, benign, `entry ${i} (closed)`);
    await w.open();
    await nextAnswer(w, 0);
    await page.waitForTimeout(100);
    await assertClean(page, benign, `entry ${i} (open)`);
    // The name is shown as the words it is.
    assert.equal(await page.getByTestId("bot-name").innerText(), t.trim(), `entry ${i}: the name as text`);
    // The menu the configuration switches on, with its hostile texts around.
    await page.getByTestId("menu-button").click();
    await assertClean(page, benign, `entry ${i} (menu)`);
    await page.keyboard.press("Escape");
    // A reload: the cached (mapped) configuration first, then (at the open) the fetched one, and
    // history.
    const welcomeBack = [bot("text", { text: t })];
    await script(welcomeBack);
    const again = page.waitForResponse((r) => r.url().includes("/chat-api/configuration"), { timeout: 30000 });
    await page.reload();
    await w.launcher.waitFor({ state: "visible", timeout: 30000 });
    await appMounted(page);
    await assertClean(page, benign, `entry ${i} (reloaded, cached)`);
    // A cached configuration under its lifetime stands until the chat is opened; then it is
    // fetched again.
    await w.open();
    await again;
    await nextAnswer(w, 0);
    await page.waitForTimeout(100);
    await assertClean(page, benign, `entry ${i} (reloaded)`);
    await dev("DELETE", "replies");
    tried("configuration", countPairs(config, [t, u, c]));
    tried("welcome", countPairs([welcome, welcomeBack], payloads(t)));
  }
});

test("hostile content in every message type, the visitor's own words and history run nothing and link nothing dangerous", async () => {
  assert.ok(benign, "the benign set was read");
  const { page } = browser;
  // History as long as the whole conversation.
  await configure(configuration("Plain words", `${sandbox.url}/shop/img/bot.svg`, "#0E7C7B", 1000));
  await script([bot("text", { text: "Welcome" })]);
  const { w } = await newVisitor();
  await w.open();
  await nextAnswer(w, 0);
  const entries = Math.max(TEXTS.length, ALL_URLS.length);
  for (let i = 0; i < entries; i++) {
    const t = TEXTS[i % TEXTS.length];
    const u = ALL_URLS[i % ALL_URLS.length];
    const answer = everyType(t, u, i + 1);
    await script(answer);
    const count = await w.byRole("assistant").count();
    await w.ask(t);
    const shown = await nextAnswer(w, count);
    await page.waitForTimeout(100);
    await assertClean(page, benign, `entry ${i}`);
    // Words the adapter shows as plain text are the payload itself.
    const chips = await shown.locator("[data-part-type=quick_replies] button").allInnerTexts();
    assert.ok(chips.includes(t.trim()), `entry ${i}: a button label as text (${JSON.stringify(chips.slice(0, 2))})`);
    // Text content: the answer below may push the visitor's message out of view, where
    // `content-visibility` skips rendering it and innerText is empty.
    assert.equal(await w.byRole("user").last().textContent(), t, `entry ${i}: the visitor's words as text`);
    // Nothing was dropped on the way: every card and every form is drawn, with its words.
    assert.ok((await shown.locator("[data-part-type=products] .dlg-card").count()) >= 5, `entry ${i}: the cards`);
    assert.equal(await shown.getByTestId("form").count(), 4, `entry ${i}: two forms and two long texts`);
    // Its fields, and the same again read back as history below.
    tried("message types", countPairs(answer, payloads(t, u)));
    tried("visitor's words", 1);
    tried("history", countPairs(answer, payloads(t, u)) + 1);
  }
  // History: every bot row and the visitor's rows, drawn again after a reload.
  await script([bot("text", { text: "Welcome back" })]);
  await page.reload();
  await w.launcher.waitFor({ state: "visible", timeout: 30000 });
  await w.open();
  await w.messages.getByText("Welcome back").waitFor({ timeout: 30000 });
  await page.waitForTimeout(300);
  const history = await assertClean(page, benign, "history");
  const users = await w.byRole("user").allTextContents();
  for (const t of TEXTS) assert.ok(users.includes(t), `the visitor's row ${JSON.stringify(t)} came back as text`);
  assert.ok(history.tags.includes("a"));
});

test("a submitted long text shows its hostile confirmation and answer as text", async () => {
  const { page } = browser;
  await configure(configuration("Plain words", `${sandbox.url}/shop/img/bot.svg`, "#0E7C7B"));
  await script([bot("text", { text: "Welcome" })]);
  const { w } = await newVisitor();
  await w.open();
  await nextAnswer(w, 0);
  for (let i = 0; i < TEXTS.length; i++) {
    const t = TEXTS[i];
    const u = ALL_URLS[i % ALL_URLS.length];
    const long = [bot("long_text", { text: `Review ${i}`, callback_id: `review${i}`, placeholder: "Your words", initial_text: t, confirmation_text: t })];
    await script(long);
    let count = await w.byRole("assistant").count();
    await w.ask(`long text ${i}`);
    await nextAnswer(w, count);
    const form = w.messages.getByTestId("form").filter({ hasText: `Review ${i}` });
    await form.getByLabel("Your words").fill(t);
    const answer = everyType(t, u, 100 + i).filter((m) => m && !/form|long/.test(m.type));
    await script(answer);
    count = await w.byRole("assistant").count();
    await form.getByRole("button").last().click();
    await form.and(page.locator("[data-state=sent]")).waitFor({ timeout: 30000 });
    await nextAnswer(w, count);
    await page.waitForTimeout(100);
    await assertClean(page, benign, `long text ${i}`);
    assert.ok((await form.innerText()).includes(t.trim().slice(0, 10)), `long text ${i}: the confirmation as text`);
    tried("long text submitted", countPairs([long, answer], payloads(t, u)) + 1);
  }
});

test("a hostile configuration previewed in the OpenDialog build (the studio's frame) runs nothing and sets no invalid colour", async () => {
  const { page } = browser;
  const ok = `${sandbox.url}/shop/img/bot.svg`;
  await page.goto(`${sandbox.url}/widget/studio/frame.html?backend=opendialog&scheme=light`);
  // The frame takes its configuration from its parent, which for a page of its own is itself.
  const post = (config) => page.evaluate((c) => window.postMessage({ type: "config", config: c }, location.origin), config);
  await post(configuration("Plain words", ok, "#0E7C7B"));
  const w = new Widget(page);
  await w.panel.waitFor({ state: "visible", timeout: 30000 });
  await page.getByTestId("bot-name").filter({ hasText: "Plain words" }).waitFor({ timeout: 30000 });
  await page.waitForTimeout(500);
  const own = await page.evaluate(shape);
  own.tags = [...new Set([...own.tags, ...benign.tags])];
  own.attrs = [...new Set([...own.attrs, ...benign.attrs])];
  const entries = Math.max(TEXTS.length, ALL_URLS.length, COLOURS.length);
  for (let i = 0; i < entries; i++) {
    const t = TEXTS[i % TEXTS.length];
    const [u, c] = [ALL_URLS[i % ALL_URLS.length], COLOURS[i % COLOURS.length]];
    const config = configuration(t, u, c);
    await post(config);
    await page.getByTestId("bot-name").filter({ hasText: t.trim().slice(0, 8) }).waitFor({ timeout: 30000 });
    await page.waitForTimeout(100);
    await assertClean(page, own, `preview entry ${i}`);
    tried("preview", countPairs(config, [t, u, c]));
  }
});

test("a link or phone button stays one link: its URL, number or label cannot write Markdown of its own", async () => {
  const { page } = browser;
  await configure(configuration("Plain words", `${sandbox.url}/shop/img/bot.svg`, "#0E7C7B"));
  await script([bot("text", { text: "Welcome" })]);
  const { w } = await newVisitor();
  await w.open();
  await nextAnswer(w, 0);
  // Each field tries to close the button's own Markdown link and open another one. (The adapter
  // writes `[label](link)` / `[label](tel:number)` unescaped and reads it back as rich text, so a
  // `)` ends the URL early and the rest is read as Markdown: the first two buttons add a link.)
  const wiki = "https://en.wikipedia.org/wiki/Fish_(food)";
  const buttons = [
    { text: "Open", link: "https://shop.example.com/a)[Claim your prize](https://evil.example/url" },
    { text: "Call", phone_number: "+45 70)[Claim your prize](https://evil.example/tel" },
    { text: "Read\n[Claim your prize](https://evil.example/label)", link: "https://shop.example.com/b" },
    { text: "Fish", link: wiki },
  ];
  await script([bot("button", { text: "Links", buttons })]);
  const count = await w.byRole("assistant").count();
  await w.ask("links");
  const answer = await nextAnswer(w, count);
  tried("link buttons", 3);
  await assertClean(page, benign, "link buttons");
  const links = await answer.locator("a").evaluateAll((as) => as.map((a) => `${a.textContent} -> ${a.getAttribute("href")}`));
  assert.deepEqual(links.filter((l) => /^Claim\s*your\s*prize/.test(l)), [],
    `a button's URL or number wrote a link of its own: ${JSON.stringify(links)}`);
  assert.equal(links.length, buttons.length, `one link per button: ${JSON.stringify(links)}`);
  assert.ok(links.includes(`Fish -> ${wiki}`), `a URL with parentheses is followed whole: ${JSON.stringify(links)}`);
});
