// Accessibility: axe-core (WCAG 2.0/2.1 A and AA rules) run in the browser over the widget in
// every state a visitor meets — the closed launcher with a teaser, the open panel with every
// part type and marker (the branding preview's sample), each livechat state — in the light and
// the dark theme. Zero violations. Also: the keyboard alone reaches and works every control a
// mouse can, and `prefers-reduced-motion` stops the animations.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { startSandbox, startBrowser, Widget } from "./harness.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, ".tools", "package.json"));
const AXE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

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

/**
 * axe over `include` (the widget's host by default); resolves to the violations, each as
 * "rule: target (summary)". Evaluated through the driver; axe's own inline `<style>` is
 * refused by the page's CSP, and those reports (made while the widget is idle, during the run)
 * are taken out of the browser's CSP record.
 */
async function axe(page, include = "[data-dialoge]") {
  const before = browser.violations.length;
  await page.evaluate(AXE);
  const violations = await page.evaluate(async (include) => {
    const result = await window.axe.run(
      { include: [include] },
      // The studio's frames are widgets checked on their own pages.
      { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"], iframes: false },
    );
    return result.violations.flatMap((v) =>
      v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)} (${n.failureSummary?.split("\n").slice(1).join(" ").trim()})`));
  }, include);
  await page.waitForTimeout(200);
  const during = browser.violations.slice(before);
  browser.takeViolations((v) => during.includes(v) && v.violatedDirective === "style-src-elem" && v.blockedURI === "inline");
  return violations;
}

/** Waits until the widget's animations have finished (colours mid-fade are not what is read). */
async function settled(page) {
  await page.waitForFunction(() => {
    const host = document.querySelector("[data-dialoge]");
    const root = host?.shadowRoot?.querySelector(".dlg-root");
    return root && root.getAnimations({ subtree: true }).every((a) => a.playState !== "running");
  });
}

async function previewPage(page, scheme) {
  await page.goto(sandbox.url + "/preview" + (scheme === "dark" ? "?scheme=dark" : ""));
  const w = new Widget(page);
  await w.panel.waitFor({ state: "visible" });
  // The sample is there, its streamed answer done and its failed message shown.
  await page.getByTestId("retry-button").waitFor({ timeout: 15000 });
  for (const type of ["table", "products", "show_contact_form", "request_human_agent"]) {
    await page.locator(`[data-testid=part][data-part-type=${type}]`).first().waitFor();
  }
  return w;
}

for (const scheme of ["light", "dark"]) {
  test(`no WCAG 2.1 AA violations in any state (${scheme})`, async () => {
    const { page } = browser;
    const found = {};
    const w = await previewPage(page, scheme);
    await settled(page);
    found["open panel, every part and marker"] = await axe(page);
    for (const scene of ["waiting", "active", "closed"]) {
      await page.evaluate((s) => window.Dialoge("previewScene", s), scene);
      await page.locator(`[data-testid=livechat][data-status=${scene}]`).waitFor();
      await settled(page);
      found[`livechat ${scene}`] = await axe(page);
    }
    await page.evaluate(() => window.Dialoge("previewScene", "none"));
    // Closed: the launcher with its badge and a teaser.
    const config = await page.evaluate(() => fetch("/shop/branding.json").then((r) => r.json()));
    config.popup_messages = [{ id: "a11y", text: "Questions about sizes? Ask me!" }];
    await page.evaluate((c) => window.Dialoge("preview", c), config);
    await page.evaluate(() => window.Dialoge("close"));
    await page.evaluate(() => window.Dialoge("preview"));
    await page.getByTestId("popup").waitFor();
    await page.getByTestId("launcher-badge").waitFor({ timeout: 10000 });
    await settled(page);
    found["closed, teaser and badge"] = await axe(page);
    await w.launcher.waitFor();
    const all = Object.entries(found).flatMap(([state, list]) => list.map((v) => `${state}: ${v}`));
    assert.deepEqual(all, [], `axe found ${all.length} violations:\n${all.join("\n")}`);
  });
}

test("the branding studio has no WCAG 2.1 AA violations", async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/studio");
  await page.locator("iframe[data-frame=phone]").waitFor();
  await page.getByTestId("contrast-issues").waitFor({ state: "attached" });
  const found = await axe(page, "body");
  assert.deepEqual(found, [], `axe found ${found.length} violations:\n${found.join("\n")}`);
});

test("the keyboard alone opens the chat, sends, answers a form, follows a reply and closes", async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.launcher.waitFor();
  const active = () =>
    page.evaluate(() => {
      const host = document.querySelector("[data-dialoge]");
      const el = host?.shadowRoot?.activeElement;
      return el ? el.getAttribute("data-testid") || el.className || el.tagName : null;
    });
  // Tab from the page reaches the launcher.
  await page.focus("body");
  for (let i = 0; i < 40 && (await active()) !== "launcher"; i++) await page.keyboard.press("Tab");
  assert.equal(await active(), "launcher");
  await page.keyboard.press("Enter");
  await w.panel.waitFor({ state: "visible" });
  // Focus moved into the composer: type and send with Enter.
  await page.waitForFunction(() =>
    document.querySelector("[data-dialoge]").shadowRoot.activeElement?.getAttribute("data-testid") === "composer-input");
  await page.keyboard.type("contact");
  await page.keyboard.press("Enter");
  const form = page.locator("[data-testid=part][data-part-type=show_contact_form]");
  await form.waitFor();
  await w.answer(0);
  // Shift+Tab back into the form's fields and fill them without a mouse.
  const inForm = () =>
    page.evaluate(() => {
      const el = document.querySelector("[data-dialoge]").shadowRoot.activeElement;
      return !!el?.closest("[data-part-type=show_contact_form]") && ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
    });
  for (let i = 0; i < 30 && !(await inForm()); i++) await page.keyboard.press("Shift+Tab");
  assert.ok(await inForm(), "Shift+Tab never reached the form");
  // Walk to its first field, then fill each required text field in order.
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Shift+Tab");
    if (!(await inForm())) {
      await page.keyboard.press("Tab");
      break;
    }
  }
  await page.keyboard.type("Kim Keyboard");
  await page.keyboard.press("Tab");
  await page.keyboard.type("kim@example.com");
  // The topic is a <select>: the arrow keys choose (Return: no order number asked for).
  await page.keyboard.press("Tab");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  // On to the submit button and press it.
  for (let i = 0; i < 12; i++) {
    const kind = await page.evaluate(() => {
      const el = document.querySelector("[data-dialoge]").shadowRoot.activeElement;
      return el?.tagName === "BUTTON" && el.type === "submit" && !!el.closest("[data-part-type=show_contact_form]");
    });
    if (kind) break;
    await page.keyboard.press("Tab");
  }
  await page.keyboard.press("Enter");
  await form.locator(".dlg-form-sent").waitFor({ timeout: 10000 });
  // Focus moves to the confirmation (the form hid its button), so the keyboard stays in the panel.
  await page.waitForFunction(() =>
    document.querySelector("[data-dialoge]").shadowRoot.activeElement?.classList.contains("dlg-form-sent"));
  // Escape closes the panel and focus returns to the launcher.
  await page.keyboard.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
  await page.waitForFunction(() =>
    document.querySelector("[data-dialoge]").shadowRoot.activeElement?.getAttribute("data-testid") === "launcher");
});

test("prefers-reduced-motion stops the widget's animations", async () => {
  const { page } = browser;
  await page.emulateMedia({ reducedMotion: "reduce" });
  try {
    await previewPage(page);
    await page.evaluate(() => window.Dialoge("preview"));
    const running = await page.evaluate(() => {
      const root = document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root");
      const animated = [...root.querySelectorAll("*")].filter((el) => {
        const s = getComputedStyle(el);
        const durations = (s.animationDuration + "," + s.transitionDuration).split(",").map((d) => parseFloat(d) || 0);
        return s.animationName !== "none" && durations.some((d) => d > 0.01);
      });
      return animated.map((el) => el.className || el.tagName);
    });
    assert.deepEqual(running, []);
  } finally {
    await page.emulateMedia({ reducedMotion: null });
  }
});
