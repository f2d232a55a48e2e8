// An XSS corpus against every text- and URL-bearing config field (names, welcome, subtitle and
// its link, avatar and logo URLs, the privacy link, start prompts, teasers, colours, the font),
// pushed into a branding preview with Dialoge('preview', config). Asserted in the browser: no
// script runs, no dangerous URL is clickable or loadable, no element or attribute outside what
// a benign config renders appears, and colours and fonts that are not what they claim are
// refused (the theme's custom properties keep only valid values).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, Widget } from "./harness.mjs";
import { TEXTS, URLS, COLOURS, FONTS, SAFE_URL, shape } from "./xss-corpus.mjs";

let sandbox;
let browser;

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

/** The corpus entry `i` applied to every field of `base`. */
function hostile(base, text, url, colour, font) {
  const c = structuredClone(base);
  c.display.name = text;
  c.display.welcome_message = text;
  c.display.avatar = { url };
  c.display.subtitle = { text, link: { text, url } };
  c.display.privacy_policy_url = url;
  c.start_prompts = [{ prompt_text: text }, { prompt_text: text, url_pattern: text }];
  c.popup_messages = [{ id: text, text }];
  for (const theme of [c.theme, c.dark_theme]) {
    theme.brand.primary_color = colour;
    theme.surface.background_color = colour;
    theme.header.logo = { url };
    theme.header.button = { background_color: colour, icon_color: colour };
    theme.messages.assistant.text_color = colour;
    theme.messages.assistant.thinking_border_gradient = [colour, "#000000"];
    theme.messages.user = { background_color: colour, text_color: colour };
    theme.input.background_color = colour;
    theme.product_card.discount_price_color = colour;
    theme.product_card.button = { background_color: colour };
    theme.font = { web: { family: font } };
  }
  return c;
}


test("a hostile config in every field runs nothing, links nothing dangerous and sets no invalid style", async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/preview");
  const w = new Widget(page);
  await w.panel.waitFor({ state: "visible" });
  await page.getByTestId("retry-button").waitFor({ timeout: 15000 });
  const base = await page.evaluate(() => fetch("/shop/branding.json").then((r) => r.json()));
  const benign = await page.evaluate(shape);
  const entries = Math.max(TEXTS.length, URLS.length, COLOURS.length, FONTS.length);
  let tried = 0;
  for (let i = 0; i < entries; i++) {
    const config = hostile(base, TEXTS[i % TEXTS.length], URLS[i % URLS.length], COLOURS[i % COLOURS.length], FONTS[i % FONTS.length]);
    await page.evaluate((c) => window.Dialoge("preview", c), config);
    // Shown both ways: the panel (name, welcome, prompts, theme) and closed (teaser, launcher).
    await page.evaluate(() => window.Dialoge("close"));
    await page.getByTestId("popup").first().waitFor();
    const closed = await page.evaluate(shape);
    await page.evaluate(() => window.Dialoge("open"));
    await w.panel.waitFor({ state: "visible" });
    await page.waitForTimeout(50);
    const open = await page.evaluate(shape);
    for (const [state, s] of [["closed", closed], ["open", open]]) {
      const what = `entry ${i} (${state})`;
      assert.deepEqual(s.tags.filter((t) => !benign.tags.includes(t)), [], `${what}: new elements`);
      assert.deepEqual(s.attrs.filter((a) => !benign.attrs.includes(a)), [], `${what}: new attributes`);
      assert.deepEqual(s.attrs.filter((a) => a.startsWith("on")), [], `${what}: event handler attributes`);
      const bad = s.urls.filter((u) => !SAFE_URL.test(u.slice(u.indexOf("=") + 1).trim()));
      assert.deepEqual(bad, [], `${what}: dangerous URLs`);
      for (const [name, value] of Object.entries(s.vars)) {
        if (name === "--dlg-font") assert.match(value, /^[\p{L}\p{N} ,'"_-]+$/u, `${what}: ${name}`);
        else if (name === "--dlg-thinking") assert.match(value, /^#[0-9a-fA-F]{6,8}(, #[0-9a-fA-F]{6,8})*$/, `${what}: ${name}`);
        else if (!["--dlg-avatar-size", "--dlg-card-btn-weight"].includes(name)) assert.match(value, /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/, `${what}: ${name}=${value}`);
      }
    }
    // The words themselves are shown as text.
    assert.ok((await page.getByTestId("bot-name").first().textContent()).includes(TEXTS[i % TEXTS.length].slice(0, 8)));
    tried++;
  }
  // Give anything that might fire late (an image error, a timer) its chance.
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, "a payload ran");
  assert.equal(tried, entries);
  // Each entry puts its text in 8 fields, its URL in 5, its colour in 14 per theme (2) and its
  // font in 1 per theme: this many field/payload pairs were tried.
  const pairs = entries * (8 + 5 + 28 + 2);
  console.log(`xss corpus (config): ${TEXTS.length + URLS.length + COLOURS.length + FONTS.length} payloads, ${pairs} field/payload pairs`);
});

/** One reply with every part type and marker, each text field `t` and each URL `u`. */
function everyPart(t, u) {
  const para = (text) => ({ type: "paragraph", spans: [{ type: "text", text }] });
  return [
    { type: "rich_text", part_id: "r", blocks: [
      { type: "paragraph", spans: [{ type: "text", text: t }, { type: "bold", text: t }, { type: "strike", text: t }, { type: "link", text: t, url: u }] },
      { type: "bullet_list", items: [{ spans: [{ type: "text", text: t }] }] },
    ] },
    { type: "table", part_id: "t", caption: t, headers: [{ blocks: [para(t)] }, { blocks: [para(t)] }], alignments: ["left", "right"],
      rows: [[{ blocks: [para(t)] }, { blocks: [{ type: "image", url: u, alt: t }] }]] },
    { type: "products", part_id: "p", products: [{ id: t, title: t, description: t, image_url: u, price: { amount: 1, currency: "EUR" },
      original_price: { amount: 2, currency: "EUR" }, splash: t, url: u, add_to_cart: { sku: t, url: u } }] },
    { type: "suggestions", part_id: "s", suggestions: [{ id: "s1", title: t, description: t, image_url: u, prompt_text: t }] },
    { type: "quick_replies", part_id: "q", replies: [t] },
    { type: "image", url: u, caption: t },
    { type: "file", filename: t, url: u, mime_type: "application/pdf" },
    { type: "show_contact_form", part_id: "c", fields: [{ key: "name", label: t, placeholder: t, required: true },
      { key: "topic", label: t, type: "dropdown", options: [t, "b"] }] },
    { type: "show_support_ticket", part_id: "k", fields: [{ key: "subject", label: t, placeholder: t }] },
    { type: "show_form", part_id: "f", form_id: "f_x", name: t, confirmation_text: t, fields: [{ key: "a", label: t }] },
    { type: "request_image_upload", part_id: "i" },
    { type: "custom", part_id: "m", key: t, payload: { x: t } },
  ];
}

test("hostile content in every part type and marker runs nothing and links nothing dangerous", async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.open();
  const script = (parts) => fetch(sandbox.url + "/sandbox/replies", {
    method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ parts }),
  }).then((r) => assert.equal(r.status, 204));
  await script(everyPart("plain words", "https://shop.example.com/ok"));
  await w.ask("benign");
  await w.answer(0);
  const benign = await page.evaluate(shape);
  // The demo config's popup (due 4 s after the app mounted, which the loader now does on the
  // first click) may land during the loop: its own element and attributes are no payload's.
  benign.tags.push("div", "button", "span");
  benign.attrs.push("data-popup-id", "data-testid", "class", "aria-label", "type");
  let n = 1;
  for (let i = 0; i < Math.max(TEXTS.length, URLS.length); i++) {
    await script(everyPart(TEXTS[i % TEXTS.length], URLS[i % URLS.length]));
    await w.ask(`hostile ${i}`);
    await w.answer(n++);
    const s = await page.evaluate(shape);
    const what = `entry ${i}`;
    assert.deepEqual(s.tags.filter((t) => !benign.tags.includes(t)), [], `${what}: new elements`);
    assert.deepEqual(s.attrs.filter((a) => !benign.attrs.includes(a)), [], `${what}: new attributes`);
    const bad = s.urls.filter((u) => !SAFE_URL.test(u.slice(u.indexOf("=") + 1).trim()));
    assert.deepEqual(bad, [], `${what}: dangerous URLs`);
  }
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined, "a payload ran");
  const fields = 28;
  console.log(`xss corpus (parts): ${Math.max(TEXTS.length, URLS.length)} replies of every part type, ${Math.max(TEXTS.length, URLS.length) * fields} field/payload pairs`);
});
