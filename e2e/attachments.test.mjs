// Attachments from the composer: the file chooser and the clipboard; type and size refused
// before anything is sent; the visitor's image shown from its data: URL.
import { test, before, after, afterEach, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, Widget } from "./harness.mjs";

// A 1×1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

let sandbox;
let browser;
let w;
const posts = [];

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
  browser.page.on("request", (r) => {
    if (r.url().endsWith("/api/v1/chat/messages") && r.method() === "POST") posts.push(r.postDataJSON());
  });
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});
afterEach(() => assertNoProblems(browser));

beforeEach(async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  posts.length = 0;
  w = new Widget(page);
  await w.open();
});

test("an image chosen with the attach button goes out as an image part and shows from its data: URL", async () => {
  const { page } = browser;
  await page.getByTestId("attach-input").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: PNG });
  const chip = page.getByTestId("attachment");
  await chip.and(page.locator("[data-ready=true]")).waitFor();
  assert.match(await chip.innerText(), /photo\.png/);
  await w.input.fill("Here is the damage");
  await w.send.click();
  await w.answer(0);
  assert.equal(posts.length, 1);
  const parts = posts[0].message.parts;
  assert.deepEqual(parts.find((p) => p.type === "text"), { type: "text", text: "Here is the damage" });
  const image = parts.find((p) => p.type === "image");
  assert.equal(image.mime, "image/png");
  assert.equal(image.filename, "photo.png");
  assert.equal(image.data, PNG.toString("base64"), "base64 without a data: prefix");
  const shown = w.byRole("user").first().locator("img");
  assert.match(await shown.getAttribute("src"), /^data:image\/png;base64,/);
  assert.equal(await page.getByTestId("attachment").count(), 0, "the chips are cleared");
});

test("a file pasted into the composer is attached", async () => {
  const { page } = browser;
  await w.input.focus();
  await page.evaluate((b64) => {
    const root = document.querySelector("[data-dialoge]").shadowRoot;
    const input = root.querySelector("[data-testid=composer-input]");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], "pasted.png", { type: "image/png" }));
    input.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true, cancelable: true }));
  }, PNG.toString("base64"));
  const chip = page.getByTestId("attachment");
  await chip.and(page.locator("[data-ready=true]")).waitFor();
  assert.match(await chip.innerText(), /pasted\.png/);
  await w.send.click();
  await w.answer(0);
  assert.equal(posts[0].message.parts.filter((p) => p.type === "image").length, 1);
});

test("wrong types and oversized files are refused before anything is sent", async () => {
  const { page } = browser;
  await page.getByTestId("attach-input").setInputFiles({
    name: "tool.exe", mimeType: "application/x-msdownload", buffer: Buffer.from("MZ"),
  });
  const error = page.getByTestId("attach-error");
  await error.waitFor();
  assert.match(await error.innerText(), /tool\.exe/);
  await page.getByTestId("attach-input").setInputFiles({
    name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(5 * 1024 * 1024 + 1),
  });
  await page.waitForFunction(() =>
    document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=attach-error]")?.textContent.includes("huge.png"));
  assert.match(await error.innerText(), /too large/);
  assert.equal(await page.getByTestId("attachment").count(), 0, "nothing was attached");
  assert.equal(posts.length, 0, "no request left");
});
