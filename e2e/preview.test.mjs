// The branding preview (EMBED.md section 5) on the sandbox's /preview page: the widget booted
// with data-preview and data-config-url shows a sample with every part type and marker, a
// streamed answer, a failed message with its retry, the livechat states, the teaser and the
// badge; it re-themes in place with Dialoge('preview', config); and it asks nothing of any API.
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

const PART_TYPES = [
  "rich_text", "table", "products", "suggestions", "quick_replies", "image", "file", "text",
  "show_contact_form", "show_support_ticket", "show_form", "request_image_upload",
  "request_human_agent",
];

/** Opens /preview, recording every request the page makes from the start. */
async function openPreview(page) {
  const requests = [];
  const onRequest = (r) => requests.push(new URL(r.url()).pathname);
  page.on("request", onRequest);
  await page.goto(sandbox.url + "/preview");
  const w = new Widget(page);
  await w.panel.waitFor({ state: "visible" });
  return { w, requests, stop: () => page.off("request", onRequest) };
}

/** A custom property on the widget root, as the browser computes it. */
function rootVar(page, name) {
  return page.evaluate((name) => {
    const root = document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root");
    return getComputedStyle(root).getPropertyValue(name).trim();
  }, name);
}

test("the preview shows every part type and marker, the streamed answer and a retry, and asks no API", async () => {
  const { page, problems } = browser;
  const { w, requests, stop } = await openPreview(page);
  for (const type of PART_TYPES) {
    await page.locator(`[data-testid=part][data-part-type=${type}]`).first().waitFor({ timeout: 10000 });
  }
  // The product card has its discount and splash (its text content: out of view, the message is
  // not rendered, and innerText reads only what is).
  const products = page.locator("[data-testid=part][data-part-type=products]");
  assert.match(await products.textContent(), /-25%/);
  assert.match(await products.textContent(), /79/);
  // The streamed answer arrives, then the failed message offers a retry, answered locally.
  await page.getByText("Give me the order number.", { exact: false }).waitFor();
  await page.getByTestId("retry-button").waitFor();
  await page.getByTestId("retry-button").click();
  await page.getByText("(Preview) You wrote: Can I pay with MobilePay?").waitFor();
  // The composer answers locally too.
  await w.ask("Hello studio");
  await page.getByText("(Preview) You wrote: Hello studio").waitFor();
  // Replaying the answer streams it again at the end (the old one is taken away).
  await page.evaluate(() => window.Dialoge("preview"));
  await page.getByTestId("retry-button").waitFor();
  assert.equal(await page.getByText("Give me the order number.", { exact: false }).count(), 1);
  stop();
  const foreign = requests.filter((p) => !p.startsWith("/widget/") && p !== "/preview" && p !== "/shop/branding.json"
    && !p.startsWith("/shop/shop.") && !p.startsWith("/shop/img/"));
  assert.deepEqual(foreign, [], `the preview asked: ${foreign.join(", ")}`);
  assert.ok(!requests.some((p) => p.startsWith("/api/") || p === "/shop/chat-token"), requests.join(", "));
  assert.deepEqual(problems.filter((p) => !/\[dialoge\]/.test(p)), []);
});

test("the preview is its own build in preview/, versioned like the app; the shop's build refuses to be one", async () => {
  const { page } = browser;
  const seen = new Map();
  const pending = [];
  const on = (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith("/widget/")) {
      pending.push(r.allHeaders().then((h) => seen.set(url.pathname, { v: url.search, cache: h["cache-control"] })));
    }
  };
  page.on("response", on);
  await openPreview(page);
  page.off("response", on);
  await Promise.all(pending);
  for (const f of ["dialoge-widget.js", "dialoge-widget_bg.wasm", "dialoge.css", "dialoge-phone.js"]) {
    const h = seen.get(`/widget/preview/${f}`);
    assert.ok(h, `preview/${f} was fetched: ${[...seen.keys()].join(", ")}`);
    assert.match(h.v, /^\?v=[0-9a-f]{12}$/, `preview/${f} is asked for with the build's version`);
    assert.equal(h.cache, "public, max-age=31536000, immutable");
    assert.ok(!seen.has(`/widget/${f}`), `the shop's ${f} is not fetched for a preview`);
  }
  // The shop's build, mounted as a preview without the loader: a clear error, no request.
  const error = await page.evaluate(async () => {
    const m = await import("/widget/dialoge-widget.js");
    await m.default({ module_or_path: "/widget/dialoge-widget_bg.wasm" });
    try {
      m.mount(document.createElement("div"), { preview: "" });
      return "mounted";
    } catch (e) {
      return String(e);
    }
  });
  assert.match(error, /^\[dialoge\] this build has no branding preview: load it through dialoge\.js/);
});

test("a shop widget booted again as a preview comes back from the preview build, as a preview", async () => {
  const { page, problems } = browser;
  const wasm = [];
  const on = (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith("/dialoge-widget_bg.wasm")) wasm.push(path);
  };
  page.on("request", on);
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await page.waitForFunction(() => document.querySelector("[data-dialoge]")?.shadowRoot.querySelector(".dlg-root"));
  assert.deepEqual(wasm, ["/widget/dialoge-widget_bg.wasm"], "the shop's build first");
  await page.evaluate(() => window.Dialoge("boot", { preview: true, open: "true" }));
  await w.panel.waitFor({ state: "visible" });
  await page.locator("[data-testid=part][data-part-type=products]").first().waitFor({ timeout: 10000 });
  page.off("request", on);
  assert.deepEqual(wasm, ["/widget/dialoge-widget_bg.wasm", "/widget/preview/dialoge-widget_bg.wasm"]);
  // One widget: the shop's was destroyed when the preview mounted.
  assert.equal(await page.locator("[data-testid=launcher]").count(), 1);
  assert.deepEqual(problems.filter((p) => !/\[dialoge\]/.test(p)), []);
});

test("Dialoge('preview', config) re-themes in place: same elements, new colours, no remount", async () => {
  const { page } = browser;
  await openPreview(page);
  await page.locator("[data-testid=part][data-part-type=table]").waitFor();
  const config = await page.evaluate(() => fetch("/shop/branding.json").then((r) => r.json()));
  const before = await page.evaluate(() => {
    const root = document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root");
    window.__rootBefore = root;
    window.__partBefore = root.querySelector("[data-part-type=table]");
    return true;
  });
  assert.ok(before);
  config.theme.brand.primary_color = "#7a1fa2";
  config.display.name = "Studio Bot";
  await page.evaluate((c) => window.Dialoge("preview", c), config);
  await page.waitForFunction(() => {
    const root = document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root");
    return getComputedStyle(root).getPropertyValue("--dlg-primary").trim() === "#7a1fa2";
  }, null, { timeout: 2000 });
  assert.equal(await rootVar(page, "--dlg-primary"), "#7a1fa2");
  const same = await page.evaluate(() => {
    const root = document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root");
    return root === window.__rootBefore && root.querySelector("[data-part-type=table]") === window.__partBefore;
  });
  assert.ok(same, "the preview remounted instead of re-theming in place");
  await page.getByText("Studio Bot").first().waitFor();
  // A config that cannot be read changes nothing.
  await page.evaluate(() => window.Dialoge("preview", "{not json"));
  await page.waitForTimeout(100);
  assert.equal(await rootVar(page, "--dlg-primary"), "#7a1fa2");
});

test("the livechat scenes: waiting, active with the agent typing, closed with feedback; a handover joins", async () => {
  const { page } = browser;
  await openPreview(page);
  const banner = page.getByTestId("livechat");
  await page.evaluate(() => window.Dialoge("previewScene", "waiting"));
  await page.locator("[data-testid=livechat][data-status=waiting]").waitFor();
  await page.evaluate(() => window.Dialoge("previewScene", "active"));
  await page.locator("[data-testid=livechat][data-status=active]").waitFor();
  await page.getByTestId("agent-typing").waitFor();
  await page.locator("[data-testid=message][data-role=agent]").first().waitFor();
  await page.evaluate(() => window.Dialoge("previewScene", "closed"));
  await page.locator("[data-testid=livechat][data-status=closed]").waitFor();
  await banner.locator("form, [role=radiogroup], button").first().waitFor();
  await page.evaluate(() => window.Dialoge("previewScene", "none"));
  await banner.waitFor({ state: "detached" });
  // The sample's handover offer starts a livechat the sample agent joins.
  await page.locator("[data-testid=part][data-part-type=request_human_agent] button").first().click();
  await page.locator("[data-testid=livechat][data-status=waiting]").waitFor();
  await page.locator("[data-testid=livechat][data-status=active]").waitFor({ timeout: 10000 });
});

test("a half-written livechat feedback survives a change of language", async () => {
  const { page } = browser;
  await openPreview(page);
  await page.evaluate(() => window.Dialoge("previewScene", "closed"));
  const banner = page.locator("[data-testid=livechat][data-status=closed]");
  await banner.waitFor();
  const words = page.getByTestId("livechat-feedback").locator("textarea");
  await words.fill("Quick and kind");
  const config = await page.evaluate(() => fetch("/shop/branding.json").then((r) => r.json()));
  config.language = "da";
  await page.evaluate((c) => window.Dialoge("preview", c), config);
  // The banner's words follow the language; the form being filled in is the same one.
  await banner.filter({ hasText: /[Cc]hatten/ }).waitFor({ timeout: 5000 });
  assert.equal(await words.inputValue(), "Quick and kind");
  await page.evaluate(() => window.Dialoge("previewScene", "none"));
});

test("closed, the preview shows the teaser and the launcher's unread badge", async () => {
  const { page } = browser;
  await openPreview(page);
  const config = await page.evaluate(() => fetch("/shop/branding.json").then((r) => r.json()));
  config.popup_messages = [{ id: "studio-teaser", text: "Spring sale: ask me about sizes!", delay_ms: 60000 }];
  await page.evaluate((c) => window.Dialoge("preview", c), config);
  await page.evaluate(() => window.Dialoge("close"));
  await page.evaluate(() => window.Dialoge("preview"));
  await page.getByTestId("popup").waitFor();
  assert.match(await page.getByTestId("popup").innerText(), /Spring sale/);
  await page.getByTestId("launcher-badge").waitFor({ timeout: 10000 });
});
