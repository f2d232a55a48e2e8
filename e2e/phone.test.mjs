// Phones: at 375 × 667 and 390 × 844 with touch, the open panel covers the screen, fields are
// at least 16 px (no zoom on focus), the panel follows the visual viewport (the on-screen
// keyboard shrinks it), the page behind does not scroll, and a wide table scrolls sideways in
// its bubble instead of breaking words.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, Widget } from "./harness.mjs";

let sandbox;

before(async () => {
  sandbox = await startSandbox();
});

after(() => sandbox?.stop());

// Headless Chromium has no on-screen keyboard: the page gets a stand-in `visualViewport` the
// test can shrink and move, as a keyboard would (the widget reads only height, offsetTop and
// its resize/scroll events).
const FAKE_VIEWPORT = () => {
  // Until the test moves it, it is the window (read late: the page's viewport meta applies
  // after this script runs).
  const vv = new EventTarget();
  let height = null;
  Object.defineProperty(vv, "height", { get: () => height ?? window.innerHeight, set: (h) => { height = h; } });
  Object.defineProperty(vv, "width", { get: () => window.innerWidth });
  vv.offsetTop = 0;
  vv.offsetLeft = 0;
  vv.scale = 1;
  Object.defineProperty(window, "visualViewport", { get: () => vv, configurable: true });
  window.__vv = vv;
};

/** The panel's box, in CSS pixels. */
const panelBox = (page) =>
  page.evaluate(() => {
    const panel = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=panel]");
    const r = panel.getBoundingClientRect();
    return { top: r.top, left: r.left, width: r.width, height: r.height };
  });

for (const [width, height] of [[375, 667], [390, 844]]) {
  test(`a ${width} × ${height} phone: full screen, 16 px fields, keyboard-aware, page held still, tables scroll`, async () => {
    const browser = await startBrowser({ viewport: { width, height }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      const { page, problems } = browser;
      await page.addInitScript(FAKE_VIEWPORT);
      await page.goto(sandbox.url + "/");
      const w = new Widget(page);
      await w.launcher.tap();
      await w.panel.waitFor({ state: "visible" });

      // Once its opening animation is over.
      await page.waitForFunction(() => {
        const panel = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=panel]");
        return panel.getAnimations({ subtree: true }).every((a) => a.playState !== "running");
      });
      let box = await panelBox(page);
      assert.deepEqual(box, { top: 0, left: 0, width, height }, "the open panel covers the screen");
      const overflow = () => page.evaluate(() => getComputedStyle(document.body).overflow);
      assert.equal(await overflow(), "hidden", "the page behind scrolls while the panel is open");

      const fontSize = (locator) => locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      assert.ok((await fontSize(w.input)) >= 16, "the composer's text is under 16 px");

      // A form marker: every field at least 16 px too.
      await w.ask("contact");
      const form = page.locator("[data-testid=part][data-part-type=show_contact_form]");
      await form.waitFor();
      const fields = form.locator("input:not([type=file]):not([type=checkbox]):not([type=radio]), textarea, select");
      assert.ok((await fields.count()) > 0);
      for (const size of await fields.evaluateAll((els) => els.map((el) => parseFloat(getComputedStyle(el).fontSize)))) {
        assert.ok(size >= 16, `a form field is ${size} px`);
      }

      // The keyboard opens: the visual viewport shrinks (and the browser may scroll it).
      await page.evaluate(() => {
        window.__vv.height = 300;
        window.__vv.dispatchEvent(new Event("resize"));
      });
      await page.waitForFunction(() => {
        const panel = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=panel]");
        return Math.round(panel.getBoundingClientRect().height) === 300;
      });
      await page.evaluate(() => {
        window.__vv.offsetTop = 120;
        window.__vv.dispatchEvent(new Event("scroll"));
      });
      await page.waitForFunction(() => {
        const panel = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=panel]");
        return Math.round(panel.getBoundingClientRect().top) === 120;
      });
      const composer = await w.input.boundingBox();
      assert.ok(composer.y + composer.height <= 120 + 300, "the composer is under the keyboard");
      // The keyboard closes.
      await page.evaluate(() => {
        window.__vv.height = window.innerHeight;
        window.__vv.offsetTop = 0;
        window.__vv.dispatchEvent(new Event("resize"));
      });
      await page.waitForFunction((h) => {
        const panel = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=panel]");
        return Math.round(panel.getBoundingClientRect().height) === h;
      }, height);

      // A wide table keeps its words whole and scrolls sideways inside its bubble.
      await w.ask("shipping");
      const table = page.locator("[data-testid=part][data-part-type=table]").last();
      await w.answer(1);
      const broken = await table.evaluate((part) => {
        const out = [];
        for (const cell of part.querySelectorAll("th, td")) {
          const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
          for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const text = node.textContent;
            let at = 0;
            for (const word of text.split(/(\s+)/)) {
              if (word.trim()) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + word.length);
                if (range.getClientRects().length > 1) out.push(word);
              }
              at += word.length;
            }
          }
        }
        return out;
      });
      assert.deepEqual(broken, [], `words broken across lines: ${broken.join(", ")}`);
      const fits = await table.evaluate((part) => {
        const bubble = part.closest(".dlg-bubble").getBoundingClientRect();
        return bubble.right <= window.innerWidth + 0.5;
      });
      assert.ok(fits, "the table's bubble runs off the screen");

      // Closed again: the page scrolls as before.
      await page.evaluate(() => window.Dialoge("close"));
      await page.waitForFunction(() => getComputedStyle(document.body).overflow !== "hidden");
      box = await panelBox(page);
      assert.equal(box.width, 0, "the closed panel still takes room");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
}
