// The walking skeleton end to end: demo shop page → launcher → type → send → the streamed
// answer appears inside `messages` with its bold span and its link.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, Widget } from "./harness.mjs";

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

test("a shopper asks on the demo shop page and sees the streamed answer with bold and link", async () => {
  const { page, problems } = browser;
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);

  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  assert.equal(await w.launcher.getAttribute("aria-expanded"), "false");
  await w.open();
  assert.equal(await w.launcher.getAttribute("aria-expanded"), "true");
  assert.equal(await w.panel.getAttribute("role"), "dialog");
  assert.equal(await w.messages.getAttribute("role"), "log");

  await w.ask("What is your return policy?");

  const user = w.messages.locator("[data-testid=message][data-role=user]");
  await user.first().waitFor();
  assert.equal(await user.first().innerText(), "What is your return policy?");

  const answer = await w.answer(0);
  const part = answer.locator("[data-testid=part][data-part-type=rich_text]").first();
  await part.waitFor();
  const bold = part.locator("strong").first();
  assert.ok((await bold.innerText()).length > 0, "the answer has a bold span");
  const link = part.locator("a[href]").first();
  const href = await link.getAttribute("href");
  assert.match(href, /^https?:\/\//);
  assert.equal(await link.getAttribute("target"), "_blank");
  assert.equal(await link.getAttribute("rel"), "noopener noreferrer");
  assert.ok((await answer.getAttribute("data-message-id")).length > 0, "reconciled with done");

  // The composer is free again and the status line is quiet.
  assert.equal(await w.status.getAttribute("data-state"), "idle");
  assert.deepEqual(problems, [], "no console errors or CSP violations");
});

test("the widget lives in an open shadow root and leaves the host page's DOM alone", async () => {
  const { page } = browser;
  const info = await page.evaluate(() => {
    const hosts = document.querySelectorAll("[data-dialoge]");
    return {
      hosts: hosts.length,
      open: hosts[0]?.shadowRoot != null,
      leaked: document.querySelectorAll("[data-testid=launcher]").length,
      api: typeof window.Dialoge,
    };
  });
  assert.deepEqual(info, { hosts: 1, open: true, leaked: 0, api: "function" });
});
