// The split build (src/chunk.rs, scripts/split.mjs): code most page views never run — the open
// panel's content, history, an assistant's turn, forms and the other parts, the livechat — is in
// a wasm chunk of its own. A page view where nobody means to open the chat never fetches it; a
// pointer over the launcher (or its focus, or the open itself) fetches it, once, versioned like
// the app's other files, and everything after comes from it. If it cannot be fetched, nothing
// is lost: the panel says so with a retry, and a message sent meanwhile stays, failed, with its.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, serverHistory, appMounted, Widget } from "./harness.mjs";

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

/** A new visitor on the demo shop page, the app mounted, the panel closed. */
async function arrive(page) {
  await page.goto(sandbox.url + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await appMounted(page);
  return new Widget(page);
}

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

/**
 * Holds every chunk fetch until the returned function is called. Routed, so the browser's cache
 * (an earlier test fetched the chunk) cannot answer unseen.
 */
async function holdChunk(page) {
  let release;
  const held = new Promise((r) => (release = r));
  await page.route(CHUNK, async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

// Failing fetches log: the browser's "Failed to load resource" and the linker's
// "TypeError: Failed to fetch"; nothing else may.
const FETCH_FAILED = /Failed to load resource|TypeError: Failed to fetch/;

test("a page view that never means to open the chat never fetches the chunk; a pointer over the launcher fetches it once, and all the chat comes from it", async () => {
  const { page } = browser;
  const seen = chunkRequests(page);
  const w = await arrive(page);
  // The app is here and idle: nothing asked for the chunk.
  await page.waitForTimeout(1500);
  assert.deepEqual(seen.list, [], "no chunk fetched while nobody means to open the chat");

  const arrived = page.waitForResponse(CHUNK, { timeout: 20000 });
  await w.launcher.hover();
  await arrived;
  await w.open();
  await w.ask("I want to contact you");
  const part = w.messages.locator("[data-testid=part][data-part-type=show_contact_form]");
  await part.getByTestId("form").waitFor({ timeout: 20000 });
  await page.getByTestId("menu-button").click();
  await page.getByTestId("menu-export").waitFor();
  seen.stop();
  assert.equal(seen.list.length, 1, `one chunk fetch: ${seen.list.join(", ")}`);
  assert.match(seen.list[0], /split_extras\.wasm\?v=[0-9a-f]{12}$/, "versioned like the app's files");
  assertNoProblems(browser);
});

test("a panel opened before the chunk has arrived is busy, then shows the composer with the focus", async () => {
  const { page } = browser;
  const release = await holdChunk(page);
  const w = await arrive(page);
  await page.evaluate(() => window.Dialoge("open"));
  const busy = page.getByTestId("panel-busy");
  await busy.waitFor({ timeout: 10000 });
  assert.equal(await busy.getAttribute("aria-busy"), "true");
  assert.equal(await busy.getAttribute("role"), "status");
  assert.match(await busy.innerText(), /Loading/);
  // Named while its title (the chunk's header) is not here yet.
  const name = await w.panel.getAttribute("aria-label");
  assert.ok(name && name.trim(), "the busy dialog has a name");
  assert.equal(await page.getByTestId("bot-name").count(), 0);
  assert.equal(await page.getByRole("dialog", { name }).count(), 1);
  release();
  await w.input.waitFor({ timeout: 20000 });
  assert.equal(await page.getByTestId("bot-name").innerText(), name, "the same name once the title is here");
  assert.equal(await page.getByTestId("panel-busy").count(), 0);
  assertNoProblems(browser);
});

test("opening with the launcher before the chunk has arrived: the composer takes the focus when it does", async () => {
  const { page } = browser;
  const release = await holdChunk(page);
  const w = await arrive(page);
  await w.launcher.focus();
  await page.keyboard.press("Enter");
  await page.getByTestId("panel-busy").waitFor({ timeout: 10000 });
  release();
  await w.input.waitFor({ timeout: 20000 });
  await page.waitForFunction(() => {
    const root = document.querySelector("[data-dialoge]")?.shadowRoot;
    return root?.activeElement?.getAttribute("data-testid") === "composer-input";
  }, null, { timeout: 5000 });
  assertNoProblems(browser);
});

test("a chunk that cannot be fetched: the open panel says so with a retry, the host page hears of it, and the retry draws the panel", async () => {
  const { page } = browser;
  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await hearChunkErrors(page);
  const w = await arrive(page);
  await w.launcher.click();
  const failed = page.getByTestId("chunk-failed");
  await failed.waitFor({ timeout: 20000 });
  assert.equal(await failed.getAttribute("role"), "alert");
  assert.match(await failed.innerText(), /went wrong/);
  await assertHeardChunkError(page);

  await page.unrouteAll({ behavior: "ignoreErrors" });
  await failed.getByTestId("chunk-retry").click();
  await w.input.waitFor({ timeout: 20000 });
  assert.equal(await page.getByTestId("chunk-failed").count(), 0, "no failure left on screen");
  await w.ask("What is your return policy?");
  await w.answer(0);
  assertNoProblems(browser, FETCH_FAILED);
});

test("a message sent through the page's API while the chunk is out of reach stays, failed, with its retry; the retry sends it once", async () => {
  const { page } = browser;
  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await hearChunkErrors(page);
  const w = await arrive(page);
  await page.evaluate(() => window.Dialoge("send", "I want to contact you"));
  await page.waitForFunction(() => window.__chunkErrors.length > 0, null, { timeout: 20000 });
  assert.equal((await serverHistory(page, sandbox.url)).length, 0, "nothing reached the service");

  // `send` opened the panel, which says the chunk failed: its retry brings the chat.
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.getByTestId("chunk-retry").click();
  const mine = w.byRole("user").first();
  await mine.waitFor({ timeout: 20000 });
  assert.match(await mine.textContent(), /I want to contact you/);
  assert.equal(await mine.getAttribute("data-state"), "failed");
  await page.getByTestId("retry-button").click();
  const part = w.messages.locator("[data-testid=part][data-part-type=show_contact_form]");
  await part.getByTestId("form").waitFor({ timeout: 20000 });
  assert.equal(await w.byRole("user").count(), 1);
  assert.notEqual(await w.byRole("user").first().getAttribute("data-state"), "failed");
  const history = await serverHistory(page, sandbox.url);
  assert.equal(history.filter((m) => m.role === "user").length, 1, "sent once");
  assertNoProblems(browser, FETCH_FAILED);
});
