// Branding end to end: /config colours on the launcher (light and dark), the header, the welcome
// message and start prompts of an empty conversation, popup messages by URL and delay, dismissed
// for good, and the cached config branding the launcher before /config answers.
// Values come from crates/sandbox/chatbots/shop-bot.json.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, Widget } from "./harness.mjs";

const PRIMARY = "rgb(14, 124, 123)"; // theme.brand.primary_color #0E7C7B
const DARK_PRIMARY = "rgb(45, 212, 191)"; // dark_theme.brand.primary_color #2DD4BF
const DEFAULT_PRIMARY = "rgb(11, 95, 255)"; // style/dialoge.css, before any config

let sandbox;
const browsers = [];

before(async () => {
  sandbox = await startSandbox();
});

after(async () => {
  for (const b of browsers) await b.close();
  sandbox?.stop();
});

/** A fresh browser profile: no cached config, no token, nothing dismissed. */
async function freshBrowser() {
  const b = await startBrowser();
  browsers.push(b);
  return b;
}

async function arm(fault) {
  const res = await fetch(sandbox.url + "/sandbox/faults", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  assert.equal(res.status, 201, await res.text());
}

// Looked up and read in one step: the launcher the loader drew gives way to the app's, and a
// handle taken a moment before could be detached by the time it is read.
const launcherColour = (w) =>
  w.page.evaluate(() => {
    const el = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=launcher]");
    return getComputedStyle(el).backgroundColor;
  });

/** Polls until the launcher's background is `want` (config is fetched at boot, asynchronously). */
async function waitForColour(w, want, timeout = 10000) {
  const end = Date.now() + timeout;
  let got;
  while (Date.now() < end) {
    got = await launcherColour(w);
    if (got === want) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(got, want, "launcher colour");
}

test("the launcher wears the config's primary colour, switching live with the dark scheme", async () => {
  const { page, problems } = await freshBrowser();
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  // Fetched at boot, before the visitor opens anything.
  await waitForColour(w, PRIMARY);

  await page.emulateMedia({ colorScheme: "dark" });
  await waitForColour(w, DARK_PRIMARY);
  // Text on the light dark-mode teal switches to dark for contrast.
  const icon = await w.launcher.evaluate((el) => getComputedStyle(el).color);
  assert.equal(icon, "rgb(17, 24, 39)");
  await page.emulateMedia({ colorScheme: "light" });
  await waitForColour(w, PRIMARY);
  assert.deepEqual(problems, [], "no console errors or CSP violations");
});

test("the header shows name, avatar, subtitle link and privacy link; an empty conversation shows the welcome and this page's start prompts", async () => {
  const { page, problems } = await freshBrowser();
  const w = new Widget(page);

  // On a product page the product-only prompt is offered too.
  await page.goto(sandbox.url + "/products/tee");
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  await waitForColour(w, PRIMARY);
  await w.open();
  const prompts = page.getByTestId("start-prompt");
  await prompts.first().waitFor();
  assert.deepEqual(await prompts.allInnerTexts(), [
    "What is your return policy?",
    "Show me products on sale",
    "Which size fits me?",
  ]);

  await page.goto(sandbox.url + "/");
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  await w.open();
  assert.equal(await page.getByTestId("bot-name").innerText(), "Nordlys Assistant");
  assert.equal(await w.panel.getAttribute("aria-labelledby"), "dlg-title");
  const avatar = page.getByTestId("bot-avatar");
  assert.equal(await avatar.evaluate((el) => el.tagName), "IMG");
  assert.match(await avatar.getAttribute("src"), /\/shop\/img\/bot\.svg$/);
  assert.match(await page.getByTestId("subtitle").innerText(), /Sandbox: scripted answers/);
  const privacy = page.getByTestId("privacy-link");
  assert.equal(await privacy.getAttribute("href"), sandbox.url + "/privacy");
  assert.equal(await privacy.getAttribute("rel"), "noopener noreferrer");
  assert.equal(await privacy.getAttribute("aria-label"), "Privacy policy");

  const welcome = page.getByTestId("welcome");
  assert.match(await welcome.innerText(), /^Hi! I'm the Nordlys Shop sandbox assistant\./);
  assert.equal(await w.messages.locator("[data-testid=message]").count(), 0, "not a stored message");
  assert.deepEqual(await prompts.allInnerTexts(), [
    "What is your return policy?",
    "Show me products on sale",
  ]);

  // A start prompt is sent as the visitor's message; the prompts then make way.
  await prompts.first().click();
  const user = w.messages.locator("[data-testid=message][data-role=user]");
  await user.first().waitFor();
  assert.equal(await user.first().innerText(), "What is your return policy?");
  await w.answer(0);
  assert.equal(await prompts.count(), 0);
  assert.equal(await welcome.count(), 1, "the welcome still opens the conversation");
  assert.deepEqual(problems, [], "no console errors or CSP violations");
});

test("a popup message appears on /products/tee after its delay, not on /, and clicking it opens the chat", async () => {
  const { page, problems } = await freshBrowser();
  const w = new Widget(page);
  const sizes = page.locator("[data-testid=popup][data-popup-id=pm_sizes]");
  const welcome = page.locator("[data-testid=popup][data-popup-id=pm_welcome]");

  await page.goto(sandbox.url + "/");
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  // The every-page popup comes after 4 s; the product-page one never comes here.
  await welcome.waitFor({ timeout: 10000 });
  assert.equal(await sizes.count(), 0, "pm_sizes is for */products/* only");

  await page.goto(sandbox.url + "/products/tee");
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  const start = Date.now();
  assert.equal(await sizes.count(), 0, "not before its delay");
  await sizes.waitFor({ timeout: 10000 });
  assert.ok(Date.now() - start >= 1000, "shown after its 2 s delay, not at once");
  assert.match(await sizes.innerText(), /Unsure about the size\? I can help\./);
  const close = sizes.getByTestId("popup-dismiss");
  assert.equal(await close.getAttribute("aria-label"), "Dismiss message");

  // Clicking the bubble opens the chat; teasers are hidden while the panel is open.
  await sizes.getByTestId("popup-open").click();
  await w.panel.waitFor({ state: "visible" });
  assert.ok(await page.locator(".dlg-teasers").isHidden(), "teasers hidden while open");
  assert.deepEqual(problems, [], "no console errors or CSP violations");
});

test("a dismissed popup stays away after a reload", async () => {
  const { page } = await freshBrowser();
  const w = new Widget(page);
  const sizes = page.locator("[data-testid=popup][data-popup-id=pm_sizes]");
  const welcome = page.locator("[data-testid=popup][data-popup-id=pm_welcome]");

  await page.goto(sandbox.url + "/products/tee");
  await sizes.waitFor({ timeout: 20000 });
  await sizes.getByTestId("popup-dismiss").click();
  await sizes.waitFor({ state: "detached" });

  await page.reload();
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  // The 4 s popup showing proves the 2 s one had its chance.
  await welcome.waitFor({ timeout: 10000 });
  assert.equal(await sizes.count(), 0);
});

test("a returning visitor's launcher is branded from the cache before /config answers", async () => {
  const { page, problems } = await freshBrowser();
  const w = new Widget(page);

  // First visit, with /config slow: the launcher starts in the stylesheet's default colour.
  await arm({ path: "/api/v1/chat/config", fault: "delay", ms: 3000 });
  await page.goto(sandbox.url + "/");
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  assert.equal(await launcherColour(w), DEFAULT_PRIMARY, "no branding before the first answer");
  await waitForColour(w, PRIMARY);

  // Second visit, /config slow again: the cached config brands the launcher at once.
  await arm({ path: "/api/v1/chat/config", fault: "delay", ms: 3000 });
  const start = Date.now();
  await page.reload();
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  assert.equal(await launcherColour(w), PRIMARY);
  assert.ok(Date.now() - start < 3000, "checked before the delayed /config answered");
  assert.deepEqual(problems, [], "no console errors or CSP violations");
});
