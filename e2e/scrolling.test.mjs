// The message list's attention rules (EMBED.md section 4, src/view/messages.rs): older history is
// loaded by scrolling to the top, without moving what is on screen; a message arriving while the
// visitor has scrolled up does not yank the view but offers the "new message" pill; an answer
// arriving while the panel is closed shows on the launcher's unread badge. Following the newest
// message goes by the content's size, not by DOM mutations: a message that grows by itself (a
// picture arriving late, `content-visibility` laying a message out for real) stays in view.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, armFault, clearFaults, sandboxApi, Widget } from "./harness.mjs";

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
  await clearFaults(sandbox.url);
  assertNoProblems(browser, /Failed to load resource/);
});

const TOKEN_KEY = "dialoge:shop-bot:token";

async function freshVisitor() {
  const { page } = browser;
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => localStorage.clear());
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.open();
  return w;
}

/** One whole turn sent from outside the page, as the visitor's other device would. */
async function turnFromOutside(token, text) {
  const res = await fetch(sandbox.url + "/api/v1/chat/messages", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ message: { parts: [{ type: "text", text }] } }),
  });
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /event: done/, `the turn "${text}" finished`);
}

/** The message list's scroll geometry. */
const geometry = (page) =>
  page.evaluate(() => {
    const list = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=messages]");
    return { top: list.scrollTop, height: list.scrollHeight, client: list.clientHeight };
  });

const scrollListTo = (page, top) =>
  page.evaluate((t) => {
    const list = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=messages]");
    list.scrollTop = t;
  }, top);

test("scrolling to the top loads the older history before what is shown, keeping the view in place", async () => {
  let w = await freshVisitor();
  const { page } = w;
  await w.ask("Question 0");
  await w.answer(0);
  const token = await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
  // 13 turns in all: 26 messages, more than one history page.
  for (let i = 1; i <= 12; i++) await turnFromOutside(token, `Question ${i}`);

  const historyUrls = [];
  page.on("request", (r) => {
    const url = new URL(r.url());
    if (url.pathname === "/api/v1/chat/messages" && r.method() === "GET") historyUrls.push(url.search);
  });
  await page.reload();
  w = new Widget(page);
  await w.open();
  await w.byRole("user").filter({ hasText: "Question 12" }).waitFor({ timeout: 20000 });
  // Text content, not innerText: a message out of view may be skipped by `content-visibility`, and
  // innerText reads what is rendered.
  const userTexts = async () => (await w.byRole("user").allTextContents()).map((t) => t.trim());
  const firstPage = await userTexts();
  assert.ok(!firstPage.includes("Question 0"), `only the newest page at first: ${firstPage}`);
  assert.equal(historyUrls.length, 1, "one history page asked for");

  // Wait for the panel's jump to the newest message, then note what is at the top of the view.
  await page.waitForFunction(() => {
    const list = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=messages]");
    return list.scrollHeight > list.clientHeight && list.scrollTop > 0;
  });
  const anchorId = await w.byRole("user").first().getAttribute("data-message-id");
  assert.ok(anchorId, "history messages carry their id");

  // Where the anchor sits in the list's content; scrolled to the top, that is where it shows.
  const anchorAt = (id, scrollToTop) =>
    page.evaluate(([i, toTop]) => {
      const list = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=messages]");
      const a = list.querySelector(`[data-testid=message][data-message-id="${i}"]`);
      const shown = a.getBoundingClientRect().top - list.getBoundingClientRect().top;
      if (toTop) {
        const inContent = shown + list.scrollTop;
        list.scrollTop = 0;
        return inContent;
      }
      return shown;
    }, [id, scrollToTop]);
  const anchorBefore = await anchorAt(anchorId, true);
  await w.byRole("user").filter({ hasText: /^Question 0$/ }).waitFor({ timeout: 20000 });
  await page.getByTestId("history-loading").waitFor({ state: "detached", timeout: 10000 });

  const all = await userTexts();
  assert.deepEqual(all, Array.from({ length: 13 }, (_, i) => `Question ${i}`), "every turn once, oldest first");
  assert.equal(await w.byRole("assistant").count(), 13);
  assert.equal(historyUrls.length, 2, "one more page");
  assert.match(historyUrls[1], /cursor=/, "the older page is asked for with the cursor");
  const after = await geometry(page);
  assert.ok(after.top > 0, "the view did not jump to the top of the older messages");
  const anchorAfter = await anchorAt(anchorId, false);
  const pillShown = (await page.getByTestId("new-message-pill").count()) > 0;

  // At the very top again there is nothing older: no further request.
  await scrollListTo(page, 0);
  await page.waitForTimeout(500);
  assert.equal(historyUrls.length, 2, "no page asked for beyond the first message");

  // Both at once, so a failure tells the whole story: the message that was at the top of the
  // view stays there (the older ones go above it, out of sight), and older history is not a
  // "new message".
  assert.deepEqual(
    { anchorMovedPx: Math.abs(anchorAfter - anchorBefore) < 80 ? "< 80" : Math.round(anchorAfter - anchorBefore), pillShown },
    { anchorMovedPx: "< 80", pillShown: false },
    `what was on screen stays there (${anchorBefore.toFixed(0)} px → ${anchorAfter.toFixed(0)} px from the list's top, ` +
      `scrollTop ${after.top} of ${after.height}) and no new-message pill`,
  );
});

/** Two answers that make the list scroll: a table and product cards. */
async function enoughToScroll(w) {
  await w.ask("shipping table");
  await w.answer(0);
  await w.ask("show me products");
  await w.answer(1);
}

test("a message arriving while the visitor has scrolled up offers the new-message pill instead of moving the view", async () => {
  const w = await freshVisitor();
  const { page } = w;
  await enoughToScroll(w);
  const g = await geometry(page);
  assert.ok(g.height > g.client + 100, `the list scrolls (${JSON.stringify(g)})`);
  assert.equal(await page.getByTestId("new-message-pill").count(), 0, "no pill while at the bottom");

  // The next answer holds still for a while after its status events: the visitor scrolls up then.
  await armFault(sandbox.url, { path: "/api/v1/chat/messages", fault: "stall", ms: 5000, after_events: 2 });
  await w.ask("What is your return policy?");
  await w.status.and(page.locator("[data-state=thinking]")).waitFor({ timeout: 10000 });
  await scrollListTo(page, 0);

  const pill = page.getByTestId("new-message-pill");
  await pill.waitFor({ timeout: 20000 });
  await w.answer(2);
  const held = await geometry(page);
  assert.ok(held.top < 50, `the view stayed where the visitor put it (scrollTop ${held.top})`);
  assert.ok(await pill.isVisible());

  await pill.click();
  await pill.waitFor({ state: "detached", timeout: 5000 });
  const bottom = await geometry(page);
  assert.ok(bottom.height - bottom.top - bottom.client <= 48, `the pill jumps to the newest message (${JSON.stringify(bottom)})`);
});

test("a message that grows with no DOM mutation (a picture arriving late) still ends in view while the visitor is at the bottom", async () => {
  const w = await freshVisitor();
  const { page } = w;
  await enoughToScroll(w);

  // The picture's bytes are held back until its answer is done and on screen: then it takes
  // its height without any change to the DOM.
  const late = /\/shop\/img\/late\.svg$/;
  let release;
  const held = new Promise((r) => (release = r));
  let asked = false;
  await page.route(late, async (route) => {
    asked = true;
    await held;
    await route.fulfill({
      contentType: "image/svg+xml",
      body: '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160"><rect width="240" height="160" fill="#0E7C7B"/></svg>',
    });
  });
  try {
    await sandboxApi(sandbox.url, "POST", "/sandbox/replies", {
      body: { parts: [{ type: "image", url: "{origin}/shop/img/late.svg" }] },
    });
    await w.ask("A picture of the van, please");
    await w.answer(2);
    for (let i = 0; i < 100 && !asked; i++) await page.waitForTimeout(50);
    assert.ok(asked, "the picture was asked for");
    const before = await geometry(page);
    assert.ok(before.height - before.top - before.client <= 48, `at the bottom before the picture (${JSON.stringify(before)})`);

    release();
    await page.waitForFunction(() => {
      const root = document.querySelector("[data-dialoge]").shadowRoot;
      const img = root.querySelector("[data-testid=part][data-part-type=image] img");
      return img && img.complete && img.naturalWidth > 0;
    });
    // Two frames: one to lay the picture out, one for anything that follows it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const after = await geometry(page);
    const shown = await page.evaluate(() => {
      const root = document.querySelector("[data-dialoge]").shadowRoot;
      const list = root.querySelector("[data-testid=messages]").getBoundingClientRect();
      const img = root.querySelector("[data-testid=part][data-part-type=image] img").getBoundingClientRect();
      return { imgBottom: Math.round(img.bottom), listBottom: Math.round(list.bottom), imgHeight: Math.round(img.height) };
    });
    // Both at once: the picture did make the list taller (else the test proves nothing), and
    // the view went down with it.
    assert.deepEqual(
      { grew: after.height - before.height > 48, atBottom: after.height - after.top - after.client <= 48, pictureInView: shown.imgBottom <= shown.listBottom },
      { grew: true, atBottom: true, pictureInView: true },
      `before ${JSON.stringify(before)}, after ${JSON.stringify(after)}, ${JSON.stringify(shown)}`,
    );
  } finally {
    release();
    await page.unroute(late);
  }
});

test("an answer that arrives while the panel is closed shows on the launcher's unread badge, cleared on open", async () => {
  const w = await freshVisitor();
  const { page } = w;
  await w.ask("hello");
  await w.answer(0);
  assert.equal(await page.getByTestId("launcher-badge").count(), 0, "nothing unread while open");

  // The answer is held at the server, so the panel is closed before it arrives.
  await armFault(sandbox.url, { path: "/api/v1/chat/messages", method: "POST", fault: "delay", ms: 1500 });
  await w.ask("What is your return policy?");
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  const badge = page.getByTestId("launcher-badge");
  await badge.waitFor({ timeout: 20000 });
  assert.equal((await badge.innerText()).trim(), "1", "one unread answer");
  assert.ok(await w.launcher.locator("[data-testid=launcher-badge]").isVisible(), "on the launcher");

  await w.open();
  await w.answer(1);
  await badge.waitFor({ state: "detached", timeout: 5000 });
});
