// The public JavaScript API of EMBED.md section 3, driven the way a shop's own scripts would.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, Widget, newVisitor } from "./harness.mjs";

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
afterEach(() => assertNoProblems(browser));

test("calls queued by the stub before the loader runs are replayed, events reach listeners", async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.Dialoge = window.Dialoge || function () { (Dialoge.q = Dialoge.q || []).push(arguments); };
    window.__events = [];
    Dialoge("on", "ready", (d) => window.__events.push(["ready", d.chatbotId]));
    Dialoge("on", "open", () => window.__events.push(["open"]));
    Dialoge("on", "message", (m) => window.__events.push(["message", m.role, m.message_id]));
    Dialoge("setContext", { page: "https://shop.example.com/cart", cart_items: 3 });
    Dialoge("send", "What is your return policy?");
  });
  const bodies = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/chat/messages") && r.method() === "POST") bodies.push(r.postDataJSON());
  });
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.answer(0);
  assert.ok(await w.panel.isVisible(), "send opened the panel");
  const events = await page.evaluate(() => window.__events);
  assert.deepEqual(events[0], ["ready", "shop-bot"]);
  assert.ok(events.some((e) => e[0] === "open"));
  // The visitor's own message is told first (not named yet), then the answer with its id.
  const [mine, msg] = events.filter((e) => e[0] === "message");
  assert.deepEqual(mine, ["message", "user", null]);
  assert.equal(msg[1], "assistant");
  assert.ok(msg[2]);
  assert.equal(bodies.length, 1);
  assert.deepEqual(bodies[0].context, { page: "https://shop.example.com/cart", cart_items: 3 });
  assert.deepEqual(bodies[0].message.parts, [{ type: "text", text: "What is your return policy?" }]);
  await page.close();
});

test("two sends in one tick: the second waits for the first answer, each is sent once, in order", async () => {
  const page = await browser.context.newPage();
  const bodies = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/chat/messages") && r.method() === "POST") bodies.push(r.postDataJSON());
  });
  const w = await newVisitor(page, sandbox.url);
  await page.evaluate(() => {
    Dialoge("send", "first question");
    Dialoge("send", "second question");
  });
  await w.answer(1);
  const texts = bodies.map((b) => b.message.parts[0].text);
  assert.deepEqual(texts, ["first question", "second question"], "one request each, the second after the first");
  const states = await w.byRole("user").evaluateAll((els) => els.map((e) => e.dataset.state));
  assert.equal(states.length, 2, `two visitor messages: ${states}`);
  assert.ok(states.every((st) => st === "sent" || st === "done"), `neither failed nor stuck: ${states}`);
  await page.close();
});

test("methods after load: open, close, toggle, hide, show; Escape closes the panel", async () => {
  const page = await browser.context.newPage();
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.launcher.waitFor();
  await page.evaluate(() => Dialoge.open());
  await w.panel.waitFor({ state: "visible" });
  await page.evaluate(() => Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  await page.evaluate(() => Dialoge.toggle());
  await w.panel.waitFor({ state: "visible" });
  await w.input.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  await page.evaluate(() => Dialoge("hide"));
  await w.launcher.waitFor({ state: "hidden" });
  await page.evaluate(() => Dialoge.show());
  await w.launcher.waitFor({ state: "visible" });
  await page.close();
});

test("including the loader twice is a no-op, and destroy leaves the page as it was", async () => {
  const page = await browser.context.newPage();
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.launcher.waitFor();
  await page.evaluate(async () => {
    const s = document.createElement("script");
    s.src = "/widget/dialoge.js";
    s.dataset.chatbotId = "shop-bot";
    s.dataset.tokenUrl = "/shop/chat-token";
    document.body.append(s);
    await new Promise((r) => (s.onload = r));
  });
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => document.querySelectorAll("[data-dialoge]").length), 1);

  await page.evaluate(() => Dialoge("destroy"));
  const after = await page.evaluate(() => ({
    hosts: document.querySelectorAll("[data-dialoge]").length,
    api: typeof window.Dialoge,
  }));
  assert.deepEqual(after, { hosts: 0, api: "undefined" });
  await page.close();
});

test("?chat=open opens the panel on load, and Enter sends while Shift+Enter breaks the line", async () => {
  const page = await browser.context.newPage();
  await page.goto(sandbox.url + "/products/tee");
  await page.evaluate(() => localStorage.clear()); // a new visitor: no history from other tests
  await page.goto(sandbox.url + "/?chat=open");
  const w = new Widget(page);
  await w.panel.waitFor({ state: "visible" });
  await w.input.fill("line one");
  await w.input.press("Shift+Enter");
  await w.input.type("line two");
  assert.equal(await w.input.inputValue(), "line one\nline two");
  await w.input.press("Enter");
  await w.answer(0);
  assert.equal(await w.byRole("user").first().innerText(), "line one\nline two");
  assert.equal(await w.input.inputValue(), "");
  await page.close();
});

test("focus moves into the panel on open, returns to the launcher on close, and is trapped on small screens", async () => {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 375, height: 700 });
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  const focused = () =>
    page.evaluate(() => document.querySelector("[data-dialoge]").shadowRoot.activeElement?.dataset.testid ?? null);
  await w.launcher.click();
  await w.panel.waitFor({ state: "visible" });
  await page.waitForFunction(() => document.querySelector("[data-dialoge]").shadowRoot.activeElement?.dataset.testid === "composer-input");
  // Tab many times: focus never leaves the panel.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    const inside = await page.evaluate(() => {
      const root = document.querySelector("[data-dialoge]").shadowRoot;
      return root.querySelector("[data-testid=panel]").contains(root.activeElement);
    });
    assert.ok(inside, `focus stayed in the panel after ${i + 1} Tab presses`);
  }
  await page.keyboard.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  await page.waitForFunction(() => document.querySelector("[data-dialoge]").shadowRoot.activeElement?.dataset.testid === "launcher");
  assert.equal(await focused(), "launcher");
  await page.close();
});
