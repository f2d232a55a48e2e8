// The split build (src/chunk.rs, scripts/split.mjs): code most visitors never run — an
// assistant's turn (the send and the answer's stream), forms, upload and handover markers,
// products, tables, the rating, the header menu's list and the livechat banner — is in a wasm
// chunk of its own. A page view where nobody writes never fetches it; a visitor who starts
// writing fetches it, once, versioned like the app's other files; a part it draws then shows
// from it. If it cannot be fetched, nothing is lost: a message stays, failed, with its retry,
// and a part from history says so with a retry in its place.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, newVisitor, assertNoProblems, serverHistory, Widget } from "./harness.mjs";

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

afterEach(async () => {
  await browser.page.unrouteAll({ behavior: "ignoreErrors" });
});

const CHUNK = /\/split_[a-z_]+\.wasm/;

/** Every request for a chunk, from now on. */
function chunkRequests(page) {
  const list = [];
  const on = (r) => {
    if (CHUNK.test(r.url())) list.push(r.url());
  };
  page.on("request", on);
  return { list, stop: () => page.off("request", on) };
}

/** A new visitor on the demo shop page, panel open. */
const fresh = (page) => newVisitor(page, sandbox.url);

test("a visitor who only looks never fetches the chunk; the first message fetches it once, and a form shows from it", async () => {
  const { page } = browser;
  const seen = chunkRequests(page);
  const w = await fresh(page);
  await w.input.waitFor({ state: "visible" });
  // The panel is open and idle: nothing asked for the chunk.
  await page.waitForTimeout(1500);
  assert.deepEqual(seen.list, [], "no chunk fetched before the visitor writes");

  await w.ask("I want to contact you");
  const part = w.messages.locator("[data-testid=part][data-part-type=show_contact_form]");
  await part.getByTestId("form").waitFor({ timeout: 20000 });
  // Then the header menu's list and the rating come from the same chunk, without a fetch.
  await page.getByTestId("menu-button").click();
  await page.getByTestId("menu-export").waitFor();
  seen.stop();
  assert.equal(seen.list.length, 1, `one chunk fetch: ${seen.list.join(", ")}`);
  assert.match(seen.list[0], /split_extras\.wasm\?v=[0-9a-f]{12}$/, "versioned like the app's files");
  assertNoProblems(browser);
});

/** Collects the host page's `dialoge:error` events about the chunk, from the next page load. */
async function hearChunkErrors(page) {
  await page.addInitScript(() => {
    window.__chunkErrors = [];
    window.addEventListener("dialoge:error", (e) => e.detail.where === "load" && window.__chunkErrors.push(e.detail));
  });
}

async function assertHeardChunkError(page) {
  const said = await page.evaluate(() => window.__chunkErrors);
  assert.ok(said.length >= 1, "the host page heard of the failure");
  assert.deepEqual(
    { code: said[0].code, where: said[0].where, retryable: said[0].retryable },
    { code: "chunk_unavailable", where: "load", retryable: true },
  );
}

// Failing fetches log: the browser's "Failed to load resource" and the linker's
// "TypeError: Failed to fetch"; nothing else may.
const FETCH_FAILED = /Failed to load resource|TypeError: Failed to fetch/;

test("the chunk is fetched while the visitor types, before they send", async () => {
  const { page } = browser;
  // Routed, so the browser's cache (the first test fetched the chunk) cannot answer it unseen.
  let fetched = 0;
  await page.route(CHUNK, (route) => {
    fetched += 1;
    return route.continue();
  });
  const w = await fresh(page);
  await page.waitForTimeout(500);
  assert.equal(fetched, 0, "nothing fetched before a key is pressed");
  const arrived = page.waitForResponse(CHUNK, { timeout: 20000 });
  await w.input.pressSequentially("Hel");
  await arrived;
  await w.input.pressSequentially("lo");
  await page.waitForTimeout(300);
  assert.equal(fetched, 1, "one fetch, however many keys were pressed");
  assert.equal(await w.byRole("user").count(), 0, "nothing sent");
  assertNoProblems(browser);
});

test("a message whose turn cannot be fetched stays, failed, with its retry; the retry sends it once", async () => {
  const { page } = browser;
  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await hearChunkErrors(page);
  const w = await fresh(page);
  await w.ask("I want to contact you");
  const retry = page.getByTestId("retry-button");
  await retry.waitFor({ timeout: 20000 });
  // The visitor's message is kept, marked failed; nothing was sent; the composer still works.
  assert.equal(await w.byRole("user").count(), 1);
  assert.match(await w.byRole("user").first().innerText(), /I want to contact you/);
  assert.equal(await w.byRole("user").first().getAttribute("data-state"), "failed");
  assert.equal(await w.byRole("assistant").count(), 0);
  assert.ok(await w.input.isEnabled());
  assert.equal((await serverHistory(page, sandbox.url)).length, 0, "nothing reached the service");
  await assertHeardChunkError(page);

  await page.unrouteAll({ behavior: "ignoreErrors" });
  await retry.click();
  const part = w.messages.locator("[data-testid=part][data-part-type=show_contact_form]");
  await part.getByTestId("form").waitFor({ timeout: 20000 });
  assert.equal(await page.getByTestId("chunk-failed").count(), 0, "no failure left on screen");
  assert.notEqual(await w.byRole("user").first().getAttribute("data-state"), "failed");
  const history = await serverHistory(page, sandbox.url);
  assert.equal(history.filter((m) => m.role === "user").length, 1, "sent once");
  assertNoProblems(browser, FETCH_FAILED);
});

test("a part from history whose code cannot be fetched leaves a retry in its place; nothing else is lost, and the retry draws it", async () => {
  const { page } = browser;
  const w = await fresh(page);
  await w.ask("I want to contact you");
  const part = w.messages.locator("[data-testid=part][data-part-type=show_contact_form]");
  await part.getByTestId("form").waitFor({ timeout: 20000 });

  // The same visitor comes back with the chunk out of reach (routing bypasses the cache).
  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await hearChunkErrors(page);
  await page.reload();
  const back = new Widget(page);
  await back.open();
  const failed = part.getByTestId("chunk-failed");
  await failed.waitFor({ timeout: 20000 });
  assert.equal(await failed.getAttribute("role"), "alert");
  assert.match(await failed.innerText(), /went wrong/);
  // The visitor's message and the answer's text are there; the composer still works.
  assert.equal(await back.byRole("user").count(), 1);
  assert.match(await back.byRole("user").first().textContent(), /I want to contact you/);
  assert.ok(await back.input.isEnabled());
  await assertHeardChunkError(page);

  await page.unrouteAll({ behavior: "ignoreErrors" });
  await part.getByTestId("chunk-retry").click();
  await part.getByTestId("form").waitFor({ timeout: 20000 });
  // One state for every view waiting on the chunk: no alert is left anywhere.
  assert.equal(await page.getByTestId("chunk-failed").count(), 0, "no failure left on screen");
  assertNoProblems(browser, FETCH_FAILED);
});
