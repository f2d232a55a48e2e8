// The split build (src/view/chunk.rs, scripts/split.mjs): code most visitors never run —
// forms, upload and handover markers, products, tables, the rating, the header menu's list and
// the livechat banner — is in a wasm chunk of its own. A page view where nobody writes never
// fetches it; the first message a visitor writes fetches it, once, versioned like the app's
// other files; a part it draws then shows from it. If it cannot be fetched, the part says so
// with a retry in its place, nothing else is lost, and the retry draws it.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, newVisitor, assertNoProblems } from "./harness.mjs";

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

test("a chunk that cannot be fetched leaves a retry where the part goes; nothing else is lost, and the retry draws it", async () => {
  const { page } = browser;
  await page.route(CHUNK, (route) => route.abort("internetdisconnected"));
  await page.addInitScript(() => {
    window.__chunkErrors = [];
    window.addEventListener("dialoge:error", (e) => e.detail.where === "load" && window.__chunkErrors.push(e.detail));
  });
  const w = await fresh(page);
  await w.ask("I want to contact you");
  const part = w.messages.locator("[data-testid=part][data-part-type=show_contact_form]");
  const failed = part.getByTestId("chunk-failed");
  await failed.waitFor({ timeout: 20000 });
  assert.equal(await failed.getAttribute("role"), "alert");
  assert.match(await failed.innerText(), /went wrong/);
  // The visitor's message and the answer's text are there; the composer still works.
  assert.equal(await w.byRole("user").count(), 1);
  assert.match(await w.byRole("user").first().innerText(), /I want to contact you/);
  assert.ok(await w.input.isEnabled());

  await page.unrouteAll({ behavior: "ignoreErrors" });
  await part.getByTestId("chunk-retry").click();
  await part.getByTestId("form").waitFor({ timeout: 20000 });
  // One state for every view waiting on the chunk: no alert is left anywhere.
  assert.equal(await page.getByTestId("chunk-failed").count(), 0, "no failure left on screen");
  const said = await page.evaluate(() => window.__chunkErrors);
  assert.ok(said.length >= 1, "the host page heard of the failure");
  assert.deepEqual(
    { code: said[0].code, where: said[0].where, retryable: said[0].retryable },
    { code: "chunk_unavailable", where: "load", retryable: true },
  );
  // Failing fetches log: the browser's "Failed to load resource" and the linker's
  // "TypeError: Failed to fetch"; nothing else may.
  assertNoProblems(browser, /Failed to load resource|TypeError: Failed to fetch/);
});
