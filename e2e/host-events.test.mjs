// Host events of EMBED.md section 3 that nothing else covers: `close`, `error` (with `{code,
// message, retryable, where}`), `product_click`, and `Dialoge('off', …)` removing exactly the
// listener it names. Each is heard both through `Dialoge('on', …)` and as the `dialoge:<event>`
// CustomEvent on window.
import { test, before, after, afterEach, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, clearFaults, serverHistory, Widget } from "./harness.mjs";

let sandbox;
let browser;
let w;

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
  // Every event of both kinds lands in window.__heard as [via, name, detail].
  await browser.context.addInitScript(() => {
    window.__heard = [];
    for (const name of ["open", "close", "error", "product_click"]) {
      window.addEventListener(`dialoge:${name}`, (e) => window.__heard.push(["window", name, e.detail]));
    }
  });
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});
afterEach(async () => {
  for (const p of browser.context.pages().slice(1)) await p.close();
  await clearFaults(sandbox.url);
  assertNoProblems(browser, /Failed to load resource/);
});

beforeEach(async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => localStorage.clear());
  await page.goto(sandbox.url + "/");
  w = new Widget(page);
  await w.launcher.waitFor();
});

/** Subscribes through the JS API; what the callback gets lands in window.__heard as ["api", …]. */
async function listen(page, name) {
  await page.evaluate((n) => window.Dialoge("on", n, (d) => window.__heard.push(["api", n, d])), name);
}

const heard = (page, name, via) =>
  page.evaluate(([n, v]) => window.__heard.filter((h) => h[1] === n && (!v || h[0] === v)).map((h) => h[2]), [name, via]);

/** Waits until `count` events `name` arrived through `via`. */
async function waitHeard(page, name, via, count = 1, timeout = 20000) {
  await page.waitForFunction(
    ([n, v, c]) => window.__heard.filter((h) => h[1] === n && h[0] === v).length >= c,
    [name, via, count],
    { timeout },
  );
  return heard(page, name, via);
}

test("close is told on Escape, on the launcher and on Dialoge('close'), with an empty detail", async () => {
  const { page } = browser;
  await listen(page, "close");
  await w.open();
  assert.deepEqual(await heard(page, "close"), [], "opening is not closing");
  await w.input.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  await waitHeard(page, "close", "api", 1);

  await w.open();
  await w.launcher.click();
  await w.panel.waitFor({ state: "hidden" });
  await waitHeard(page, "close", "api", 2);

  await page.evaluate(() => window.Dialoge("open"));
  await w.panel.waitFor({ state: "visible" });
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  const viaApi = await waitHeard(page, "close", "api", 3);
  const viaWindow = await waitHeard(page, "close", "window", 3);
  assert.equal(viaApi.length, 3, "one close per closing");
  assert.equal(viaWindow.length, 3);
  for (const d of [...viaApi, ...viaWindow]) assert.deepEqual(d, {});
});

test("a failed answer is an error event {code, message, retryable, where: 'send'} matching what the visitor sees", async () => {
  const { page } = browser;
  await listen(page, "error");
  await w.open();
  await w.ask("please fail");
  await page.getByTestId("retry-button").waitFor({ timeout: 20000 });
  const [detail] = await waitHeard(page, "error", "api", 1);
  assert.deepEqual(Object.keys(detail).sort(), ["code", "message", "retryable", "where"]);
  assert.equal(detail.code, "generation_failed");
  assert.equal(detail.retryable, true);
  assert.equal(detail.where, "send");
  assert.equal(typeof detail.message, "string");
  assert.ok(detail.message.length > 0);
  assert.ok((await w.status.innerText()).includes(detail.message), "the event says what the status line shows");
  assert.deepEqual(await heard(page, "error", "window"), [detail], "the same detail on window");
  // The retry succeeds and tells no further error.
  await page.getByTestId("retry-button").click();
  await w.answer(0);
  assert.equal((await heard(page, "error", "api")).length, 1);
});

test("a refused attachment is an error event with where: 'upload'", async () => {
  const { page } = browser;
  await listen(page, "error");
  await w.open();
  await page.getByTestId("attach-input").setInputFiles({
    name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ"),
  });
  await page.getByTestId("attach-error").waitFor();
  // EMBED.md: `error` is told "for every error shown to the visitor (where: send, livechat,
  // form, upload, …)"; the refusal is shown (role=alert).
  const shown = await page.getByTestId("attach-error").innerText();
  // The event comes with the refusal; give it ample time before judging that it never came.
  await waitHeard(page, "error", "api", 1, 5000).catch(() => {});
  const details = await heard(page, "error", "api");
  assert.equal(details.length, 1, `one error event for the refusal "${shown}"; heard ${JSON.stringify(details)}`);
  assert.equal(details[0].where, "upload");
  assert.equal(details[0].retryable, false);
  assert.ok(details[0].code, "a code");
  assert.ok(shown.includes(details[0].message) || details[0].message.includes("tool.exe"), `message: ${details[0].message}`);
});

test("clicking a product card's link is a product_click {productId, url} of that product", async () => {
  const { page, context } = browser;
  await listen(page, "product_click");
  await w.open();
  await w.ask("show me products");
  const answer = await w.answer(0);
  const history = await serverHistory(page, sandbox.url);
  const products = history.filter((m) => m.role === "assistant").flatMap((m) => m.parts).find((p) => p.type === "products").products;
  const links = answer.locator("[data-part-type=products] a.dlg-card-open");
  assert.ok((await links.count()) >= 2);
  for (const index of [0, 1]) {
    const [popup] = await Promise.all([context.waitForEvent("page"), links.nth(index).click()]);
    await popup.close();
    const details = await waitHeard(page, "product_click", "api", index + 1);
    const detail = details[index];
    // Opening a product: `action: "open"` (add-to-cart clicks say `add_to_cart`, with the SKU).
    assert.deepEqual(Object.keys(detail).sort(), ["action", "productId", "url"]);
    assert.equal(detail.action, "open");
    assert.equal(detail.productId, products[index].id, "the card clicked");
    assert.equal(detail.url, products[index].url);
  }
  assert.equal((await heard(page, "product_click", "window")).length, 2);
});

test("Dialoge('off', event, callback) removes that listener only", async () => {
  const { page } = browser;
  await page.evaluate(() => {
    window.__calls = [];
    window.__a = (d) => window.__calls.push(["a", d]);
    window.__b = () => window.__calls.push(["b"]);
    window.Dialoge("on", "open", window.__a);
    window.Dialoge("on", "open", window.__b);
    window.Dialoge("on", "close", window.__a);
  });
  await page.evaluate(() => window.Dialoge("open"));
  await w.panel.waitFor({ state: "visible" });
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  await page.waitForFunction(() => window.__calls.length >= 3);
  assert.deepEqual(await page.evaluate(() => window.__calls.map((c) => c[0])), ["a", "b", "a"], "both heard before off");

  await page.evaluate(() => {
    window.__calls = [];
    window.Dialoge("off", "open", window.__a);
  });
  await page.evaluate(() => window.Dialoge("open"));
  await w.panel.waitFor({ state: "visible" });
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  // The close listener (still on) is the last to run: once it has, every open listener had its turn.
  await page.waitForFunction(() => window.__calls.some((c) => c[0] === "a"));
  assert.deepEqual(await page.evaluate(() => window.__calls.map((c) => c[0])), ["b", "a"], "a no longer hears open, still hears close");

  await page.evaluate(() => {
    window.__calls = [];
    window.Dialoge.off("open", window.__b);
    window.Dialoge.off("close", window.__a);
  });
  await page.evaluate(() => window.Dialoge("open"));
  await w.panel.waitFor({ state: "visible" });
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  // The window events still fire: what is off is only the listeners.
  await page.waitForFunction(() => window.__heard.filter((h) => h[1] === "close" && h[0] === "window").length >= 3);
  assert.deepEqual(await page.evaluate(() => window.__calls), [], "nothing heard after both were taken off");
});
