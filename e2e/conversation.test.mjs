// The conversation against a sandbox that misbehaves on purpose: nothing the visitor typed is
// lost or sent twice, whatever the network does.
import { test, before, after, afterEach, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, Widget, armFault, clearFaults, serverHistory, sandboxRequests, clearRequests } from "./harness.mjs";

let sandbox;
let browser;
let w;

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});
afterEach(() => assertNoProblems(browser, /Failed to load resource/));

beforeEach(async () => {
  await clearFaults(sandbox.url);
  const { page } = browser;
  await page.goto(sandbox.url + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  w = new Widget(page);
  await w.open();
});

const messagesPath = "/api/v1/chat/messages";

test("products and a table stream into their own parts", async () => {
  await w.ask("show me products");
  const products = await w.answer(0);
  const cards = products.locator("[data-part-type=products] .dlg-card");
  assert.ok((await cards.count()) >= 2, "several product cards");
  assert.ok((await products.locator(".dlg-splash").count()) >= 1, "a splash badge");
  assert.ok((await products.locator(".dlg-price-before").count()) >= 1, "a struck original price");
  assert.ok((await products.locator(".dlg-placeholder").count()) >= 1, "a broken image became a placeholder");

  await w.ask("shipping table");
  const table = await w.answer(1);
  const t = table.locator("[data-part-type=table] table");
  await t.waitFor();
  assert.ok((await t.locator("thead th").count()) >= 2, "header cells");
  assert.ok((await t.locator("tbody tr").count()) >= 2, "rows streamed in");
});

test("a 401 in the middle of a conversation is invisible to the visitor", async () => {
  await w.ask("What is your return policy?");
  await w.answer(0);
  // POST only: the newest history page the widget reads after an answer is a GET to the same
  // path, and must not take the fault meant for the send.
  await armFault(sandbox.url, { path: messagesPath, method: "POST", fault: "status", status: 401, count: 1 });
  await w.ask("And for sale items?");
  await w.answer(1);
  assert.equal(await w.status.getAttribute("data-state"), "idle");
  assert.equal(await w.byRole("user").count(), 2);
  assert.equal(await w.messages.locator("[data-state=failed]").count(), 0);
  const history = await serverHistory(browser.page, sandbox.url);
  assert.equal(history.filter((m) => m.role === "user").length, 2, "same visitor, one conversation");
});

test("a dropped stream is retried into exactly one reply, here and on the server", async () => {
  await armFault(sandbox.url, { path: messagesPath, fault: "drop", after_events: 5 });
  await w.ask("What is your return policy?");
  const retry = w.page.getByTestId("retry-button");
  await retry.waitFor({ timeout: 20000 });
  assert.equal(await w.status.getAttribute("data-state"), "error");
  assert.equal(await w.byRole("user").count(), 1, "the visitor's text stays in the list");
  assert.equal(await w.byRole("user").first().getAttribute("data-state"), "failed");

  await retry.click();
  await w.answer(0);
  assert.equal(await w.byRole("assistant").count(), 1, "exactly one assistant reply in the list");
  assert.equal(await w.byRole("user").count(), 1);
  const history = await serverHistory(browser.page, sandbox.url);
  assert.equal(history.filter((m) => m.role === "user").length, 1, "one user turn on the server");
  assert.equal(history.filter((m) => m.role === "assistant").length, 1, "one reply on the server");
});

test("a retryable stream error offers retry, and retry gets the answer", async () => {
  await w.ask("please fail");
  const retry = w.page.getByTestId("retry-button");
  await retry.waitFor({ timeout: 20000 });
  assert.match(await w.status.innerText(), /\S/, "the error is shown in plain words");
  await retry.click();
  const answer = await w.answer(0);
  assert.ok((await answer.innerText()).length > 0);
  assert.equal(await w.byRole("user").count(), 1, "no second user message");
  const history = await serverHistory(browser.page, sandbox.url);
  assert.equal(history.filter((m) => m.role === "user").length, 1);
});

test("429 is waited out for Retry-After and then sent once", async () => {
  // POST only: opening the panel runs the token handshake and then reads the visitor's history
  // (a GET to the same path), which on a loaded machine can go out after this is armed — it
  // would take the 429 (and wait it out unseen) and the send would never meet it.
  await armFault(sandbox.url, { path: messagesPath, method: "POST", fault: "status", status: 429, retry_after: 1, count: 1 });
  await clearRequests(sandbox.url);
  await w.ask("What is your return policy?");
  // Generous: a loaded machine (the visitor's first send also runs the token handshake) must not
  // make the 429 arrive after the wait gave up.
  await w.page.locator("[data-testid=status][data-state=waiting]").waitFor({ state: "attached", timeout: 15000 });
  await w.answer(0);
  const history = await serverHistory(browser.page, sandbox.url);
  assert.equal(history.filter((m) => m.role === "user").length, 1);
  const posts = (await sandboxRequests(sandbox.url)).filter((r) => r.method === "POST" && r.path === messagesPath);
  assert.deepEqual(posts.map((r) => r.fault ?? "ok"), ["status 429", "ok"], "the send met the 429, then went once more");
});

test("history is shown after a reload and the draft survives it", async () => {
  await w.ask("What is your return policy?");
  await w.answer(0);
  await w.input.fill("half-written question");
  await browser.page.reload();
  w = new Widget(browser.page);
  await w.open();
  await w.answer(0);
  assert.equal(await w.byRole("user").count(), 1);
  assert.equal(await w.byRole("user").first().innerText(), "What is your return policy?");
  assert.equal(await w.input.inputValue(), "half-written question");
});

test("the stop button aborts the answer and the composer is free again", async () => {
  await w.ask("long essay please");
  const stop = w.page.getByTestId("stop-button");
  await stop.waitFor();
  await w.byRole("assistant").first().waitFor();
  await stop.click();
  await w.send.waitFor();
  assert.equal(await w.byRole("assistant").first().getAttribute("data-state"), "incomplete");
});

test("download my data saves the visitor's conversation as JSON", async () => {
  const { page } = browser;
  await w.ask("What is your return policy?");
  await w.answer(0);
  await page.getByTestId("menu-button").click();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("menu-export").click(),
  ]);
  assert.equal(download.suggestedFilename(), "my-chat-data.json");
  const { readFileSync } = await import("node:fs");
  const text = readFileSync(await download.path(), "utf8");
  assert.ok(text.includes("What is your return policy?"), "the export holds the visitor's message");
  JSON.parse(text);
});

test("delete my data: the old token is dead and the widget starts fresh", async () => {
  const { page } = browser;
  await w.ask("What is your return policy?");
  await w.answer(0);
  const oldToken = await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token"));
  assert.ok(oldToken);

  await page.getByTestId("menu-button").click();
  await page.getByTestId("menu-delete").click();
  await page.getByTestId("menu-delete-confirm").click();
  await page.getByTestId("menu-notice").waitFor();
  assert.equal(await w.byRole("user").count(), 0, "the conversation is gone from the panel");
  assert.equal(await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token")), null);
  const res = await fetch(sandbox.url + "/api/v1/chat/messages", {
    headers: { authorization: `Bearer ${oldToken}` },
  });
  assert.equal(res.status, 401, "the old token gets 401");

  await w.ask("Hello again");
  await w.answer(0);
  const newToken = await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token"));
  assert.notEqual(newToken, oldToken);
  const history = await serverHistory(page, sandbox.url);
  assert.deepEqual(history.filter((m) => m.role === "user").length, 1, "a fresh conversation");
});
