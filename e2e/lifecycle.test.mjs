// One mount, one life: `Dialoge('destroy')` in the middle of anything stops all of it — the
// stream being read, a 429 wait, a held livechat sync, an upload, a popup's delay — and the
// same page can load the widget again and chat (the wasm module is reused: a trap there would
// break it). After each destroy no request leaves the page (the browser's view) and none
// reaches the sandbox (its own record), and nothing is logged as an error.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, armFault, clearFaults, sandboxRequests, Widget } from "./harness.mjs";

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

let sandbox;
let browser;
/** Every request the page sends to the sandbox's API or token endpoint: [time, method, path]. */
let requests = [];

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
  browser.page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/api/") || url.pathname.startsWith("/shop/chat-token")) {
      requests.push([Date.now(), r.method(), url.pathname + url.search]);
    }
  });
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

beforeEach(async () => {
  const { page } = browser;
  await clearFaults(sandbox.url);
  await page.goto(sandbox.url + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  requests = [];
  browser.problems.length = 0;
});

/** How long a request sent just before the destroy may take to reach the sandbox. */
const IN_FLIGHT_MS = 200;

/**
 * Destroys the widget now; resolves to the requests sent during the next `ms`, as the browser
 * saw them. Also asserts the sandbox's own record shows none arriving after the destroy.
 */
async function destroyAndWatch(page, ms) {
  const asked = Date.now();
  await page.evaluate(() => window.Dialoge("destroy"));
  // From here on the destroy has run: a request the page sent while the command was on its way
  // (the boot's handshake racing it) is not a late one.
  const at = Date.now();
  assert.equal(await page.evaluate(() => document.querySelectorAll("[data-dialoge]").length), 0);
  await page.waitForTimeout(ms);
  const arrived = (await sandboxRequests(sandbox.url)).filter((r) => r.at_ms > asked + IN_FLIGHT_MS);
  assert.deepEqual(arrived, [], "the sandbox saw no request after the destroy");
  return requests.filter(([t]) => t > at);
}

/** Loads the widget into the same page again (as a shop's SPA might) and has a short chat. */
async function bootAgainAndChat(page) {
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.src = "/widget/dialoge.js";
    s.dataset.chatbotId = "shop-bot";
    s.dataset.tokenUrl = "/shop/chat-token";
    s.dataset.apiBase = location.origin;
    document.body.append(s);
  });
  const w = new Widget(page);
  await w.open();
  await w.ask("hello again");
  // The visitor is known (history shows first): wait for an answer after this message.
  await page.waitForFunction(() => {
    const root = document.querySelector("[data-dialoge]")?.shadowRoot;
    const msgs = [...(root?.querySelectorAll("[data-testid=message]") ?? [])];
    const i = msgs.findLastIndex((m) => m.dataset.role === "user" && m.innerText.includes("hello again"));
    return i >= 0 && msgs.slice(i + 1).some((m) => m.dataset.role === "assistant" && m.dataset.state === "done");
  }, null, { timeout: 20000 });
}

function noProblems(problems) {
  // A 4xx the widget handles (the 429 it waits out) is logged by the browser itself.
  const real = problems.filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(real, [], "no console errors, CSP violations or traps");
}

test("destroy in the middle of a stream stops reading it, and the widget boots again", async () => {
  const { page, problems } = browser;
  const w = new Widget(page);
  await w.open();
  await w.ask("write me a long essay");
  await w.messages.locator("[data-role=assistant][data-state=streaming]").waitFor({ timeout: 10000 });
  const late = await destroyAndWatch(page, 1500);
  assert.deepEqual(late, []);
  await bootAgainAndChat(page);
  noProblems(problems);
});

test("destroy during a 429 wait: the retry never goes out", async () => {
  const { page, problems } = browser;
  const w = new Widget(page);
  await w.open();
  await armFault(sandbox.url, {
    path: "/api/v1/chat/messages", method: "POST", fault: "status", status: 429, retry_after: 2,
  });
  await w.ask("hello");
  await w.status.and(page.locator("[data-state=waiting]")).waitFor({ timeout: 10000 });
  const late = await destroyAndWatch(page, 3000);
  assert.deepEqual(late, [], "the send would have been retried after 2 s");
  await bootAgainAndChat(page);
  noProblems(problems);
});

test("destroy while a livechat sync is held: no further sync or poll", async () => {
  const { page, problems } = browser;
  const w = new Widget(page);
  await w.open();
  await w.ask("hello");
  await w.answer(0);
  await page.getByTestId("human-button").click();
  await page.locator("[data-testid=livechat][data-status=waiting]").waitFor({ timeout: 10000 });
  // The follower's held request (a sync with a cursor waits for a change on the server).
  for (let i = 0; i < 100 && !requests.some(([, , p]) => p.includes("/livechat/sync") && p.includes("cursor=")); i++) {
    await page.waitForTimeout(50);
  }
  assert.ok(requests.some(([, , p]) => p.includes("/livechat/sync") && p.includes("cursor=")), "a held sync is under way");
  const late = await destroyAndWatch(page, 3000);
  assert.deepEqual(late, []);
  await bootAgainAndChat(page);
  noProblems(problems);
});

test("destroy while an upload is on its way: nothing is sent after it", async () => {
  const { page, problems } = browser;
  const w = new Widget(page);
  await w.open();
  // The send waits 2 s at the server, so the destroy lands while it is in flight.
  await armFault(sandbox.url, { path: "/api/v1/chat/messages", method: "POST", fault: "delay", ms: 2000 });
  await page.getByTestId("attach-input").setInputFiles({ name: "dot.png", mimeType: "image/png", buffer: PNG });
  await page.locator("[data-testid=attachment][data-ready=true]").waitFor();
  await w.input.fill("here is a photo");
  await w.send.click();
  await page.getByTestId("uploading").waitFor({ timeout: 5000 });
  const late = await destroyAndWatch(page, 2500);
  assert.deepEqual(late, []);
  await bootAgainAndChat(page);
  noProblems(problems);
});

test("destroy before a popup's delay: it never shows, and nothing breaks when it would have", async () => {
  const { page, problems } = browser;
  const w = new Widget(page);
  await w.launcher.waitFor();
  // pm_welcome is due 4 s after the page loaded.
  const late = await destroyAndWatch(page, 4500);
  assert.deepEqual(late, []);
  assert.equal(await page.locator("[data-testid=popup]").count(), 0);
  await bootAgainAndChat(page);
  noProblems(problems);
});

test("reset in the middle of a stream stops it and starts a new conversation at once", async () => {
  const { page, problems } = browser;
  const w = new Widget(page);
  await w.open();
  await w.ask("write me a long essay");
  await w.messages.locator("[data-role=assistant][data-state=streaming]").waitFor({ timeout: 10000 });
  await page.evaluate(() => window.Dialoge("reset"));
  assert.equal(await w.messages.locator("[data-testid=message]").count(), 0);
  await w.ask("hello");
  await w.answer(0);
  assert.equal(await w.byRole("user").count(), 1);
  noProblems(problems);
});
