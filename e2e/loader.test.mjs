// The launcher-first loader (EMBED.md section 1): before the shop page's `load` the widget
// costs the loader alone (no wasm, no glue, no stylesheet, no API call), which draws the
// launcher itself from the look the app left in storage; the app comes when the page is idle
// after `load`, or at once on intent; a click before it arrives opens a loading frame that the
// panel replaces (or that Escape closes, as it closes the panel); a returning visitor within the config's lifetime makes no request at all until
// the chat is needed; the app's files are versioned and cached for a year.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, sandboxRequests, clearRequests, Widget } from "./harness.mjs";

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
  const { page } = browser;
  await page.unrouteAll({ behavior: "ignoreErrors" });
  assertNoProblems(browser, /Failed to load resource/);
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A gate: requests routed through it wait until `open()`. */
function gate() {
  let open;
  const opened = new Promise((r) => (open = r));
  return { opened, open: () => open() };
}

/**
 * A new visitor on the demo shop page (`stored` as for `fresh`) with the app's glue held back
 * (the loader's launcher and frame are all there is) until the returned gate opens.
 */
async function withGlueHeld(page, stored = {}) {
  await fresh(page, stored);
  const glue = gate();
  await page.route("**/widget/dialoge-widget.js*", async (route) => {
    await glue.opened;
    await route.continue();
  });
  await page.goto(sandbox.url + "/");
  return glue;
}

/** A new visitor's page, nothing stored; `look` and `unread` pre-stored when given. */
async function fresh(page, { look, unread } = {}) {
  await page.goto(sandbox.url + "/shop/shop.css");
  await page.evaluate(
    ([look, unread]) => {
      localStorage.clear();
      sessionStorage.clear();
      if (look) localStorage.setItem("dialoge:shop-bot:look", look);
      if (unread) localStorage.setItem("dialoge:shop-bot:unread", unread);
    },
    [look ?? null, unread ?? null],
  );
  await clearRequests(sandbox.url);
}

/** What the shadow root holds: the painted launcher (`.r`) or the app's (`.dlg-root`). */
function shape(page) {
  return page.evaluate(() => {
    const root = document.querySelector("[data-dialoge]")?.shadowRoot;
    if (!root) return null;
    const launchers = root.querySelectorAll("[data-testid=launcher]");
    const l = launchers[0];
    return {
      launchers: launchers.length,
      app: !!root.querySelector(".dlg-root"),
      painted: !!root.querySelector(".r"),
      label: l?.getAttribute("aria-label"),
      expanded: l?.getAttribute("aria-expanded"),
      background: l ? getComputedStyle(l).backgroundColor : null,
      badge: root.querySelector("[data-testid=launcher-badge]")?.textContent ?? null,
      loading: !!root.querySelector("[data-testid=panel-loading]:not([hidden])"),
    };
  });
}

/** Records each request's URL (and when, relative to the page's `load`). */
function recordRequests(page) {
  const seen = [];
  const on = (r) => seen.push(r.url());
  page.on("request", on);
  return { seen, stop: () => page.off("request", on) };
}

test("before load the widget is the loader alone: ≤ 3 KB, the launcher painted from the look, no API call", async () => {
  const { page } = browser;
  const look = JSON.stringify({ c: "#aa0000", f: "#ffffff", u: 3, o: "Åbn chat", n: "ulæste beskeder", l: 0 });
  await fresh(page, { look, unread: "3" });
  // The page's own slow image holds its `load` back until the test lets it go.
  const slow = gate();
  await page.route("**/shop/img/box.svg", async (route) => {
    await slow.opened;
    await route.continue();
  });
  const rec = recordRequests(page);
  // What the page transferred for the widget when `load` fired (resource timing, encoded).
  await page.addInitScript(() => {
    addEventListener("load", () => {
      window.__beforeLoad = performance
        .getEntriesByType("resource")
        .filter((e) => e.name.includes("/widget/") || e.name.includes("/api/") || e.name.includes("chat-token"))
        .map((e) => ({ name: e.name, bytes: e.transferSize }));
    });
  });
  await page.goto(sandbox.url + "/", { waitUntil: "commit" });
  await page.getByTestId("launcher").waitFor({ state: "visible" });
  assert.notEqual(await page.evaluate(() => document.readyState), "complete", "the page is still loading");
  const s = await shape(page);
  assert.equal(s.painted, true, "the loader drew the launcher");
  assert.equal(s.app, false, "no app yet");
  assert.equal(s.label, "Åbn chat", "labelled in the visitor's language, from the look");
  assert.equal(s.background, "rgb(170, 0, 0)", "the brand colour from the look");
  assert.equal(s.badge, "3", "the unread count from the look");
  const early = rec.seen.filter((u) => u.includes("/widget/") || u.includes("/api/") || u.includes("chat-token"));
  assert.deepEqual(early.map((u) => new URL(u).pathname), ["/widget/dialoge.js"], "only the loader before load");

  slow.open();
  await page.waitForFunction(() => window.__beforeLoad);
  const before = await page.evaluate(() => window.__beforeLoad);
  assert.deepEqual(before.map((e) => new URL(e.name).pathname), ["/widget/dialoge.js"]);
  const bytes = before.reduce((n, e) => n + e.bytes, 0);
  assert.ok(bytes > 0 && bytes <= 3072, `the widget cost ${bytes} bytes before load (at most 3 KB)`);

  // After load, when idle: the app arrives and takes over — never two launchers on the way.
  let most = 1;
  for (let i = 0; i < 100; i++) {
    const now = await shape(page);
    most = Math.max(most, now.launchers);
    if (now.app) break;
    await sleep(50);
  }
  const after = await shape(page);
  assert.equal(after.app, true, "the app mounted after load");
  assert.equal(most, 1, "one launcher at every look");
  assert.equal(after.painted, false, "the painted launcher gave way");
  assert.equal(after.badge, "3", "the app's badge carries the same count");
  rec.stop();
  // The count is the app's own: opening reads it, and the next page starts at none.
  await new Widget(page).open();
  assert.equal(await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:unread")), "0");
});

test("a click before the app has arrived opens a loading frame at once; the panel replaces it", async () => {
  const { page } = browser;
  const glue = await withGlueHeld(page);
  const w = new Widget(page);
  await w.launcher.click();
  await page.getByTestId("panel-loading").waitFor({ state: "visible" });
  const s = await shape(page);
  assert.equal(s.expanded, "true");
  assert.equal(s.app, false);
  glue.open();
  await w.panel.waitFor({ state: "visible" });
  await w.input.waitFor({ state: "visible" });
  const after = await shape(page);
  assert.equal(after.launchers, 1);
  assert.equal(after.loading, false, "the loading frame is gone");
  assert.equal(await w.input.isEditable(), true, "a usable composer");
  await w.ask("Hvor er min ordre?");
  await w.answer(0);
});

test("Escape closes the loading frame and gives focus back to the launcher; the app then arrives closed", async () => {
  const { page } = browser;
  const glue = await withGlueHeld(page);
  const w = new Widget(page);
  const focused = () =>
    page.evaluate(() => document.querySelector("[data-dialoge]").shadowRoot.activeElement?.dataset.testid ?? null);
  await w.launcher.click();
  await page.getByTestId("panel-loading").waitFor({ state: "visible" });
  assert.equal(await focused(), "panel-loading", "focus went into the frame, as it goes into the panel");
  await page.keyboard.press("Escape");
  await page.getByTestId("panel-loading").waitFor({ state: "hidden" });
  const s = await shape(page);
  assert.equal(s.expanded, "false");
  assert.equal(s.app, false, "still before the app");
  assert.equal(await focused(), "launcher", "focus is back on the launcher");
  // Escape on the closed launcher changes nothing; a click opens the frame again, Escape closes it.
  await page.keyboard.press("Escape");
  assert.equal((await shape(page)).expanded, "false");
  await w.launcher.click();
  await page.getByTestId("panel-loading").waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await page.getByTestId("panel-loading").waitFor({ state: "hidden" });

  // The app that arrives now stays closed (the visitor closed what they opened), launcher focused.
  glue.open();
  await page.waitForFunction(() => document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root"));
  await sleep(300);
  const after = await shape(page);
  assert.equal(after.launchers, 1);
  assert.equal(after.painted, false);
  assert.equal(after.expanded, "false");
  assert.equal(await w.panel.isVisible(), false, "the panel did not open");
  assert.equal(await focused(), "launcher", "the app's launcher has the focus the painted one had");
  // And it opens as usual.
  await w.launcher.click();
  await w.panel.waitFor({ state: "visible" });
});

test("intent — a pointer over the launcher — fetches the app before the page has loaded", async () => {
  const { page } = browser;
  await fresh(page);
  const slow = gate();
  await page.route("**/shop/img/box.svg", async (route) => {
    await slow.opened;
    await route.continue();
  });
  const rec = recordRequests(page);
  await page.goto(sandbox.url + "/", { waitUntil: "commit" });
  await page.getByTestId("launcher").waitFor({ state: "visible" });
  await sleep(300);
  assert.equal(rec.seen.some((u) => u.includes("dialoge-widget")), false, "not fetched without a reason");
  await page.getByTestId("launcher").hover();
  await page.waitForFunction(() => document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root"));
  assert.notEqual(await page.evaluate(() => document.readyState), "complete", "still before load");
  slow.open();
  rec.stop();
});

test("a popup teaser due before the app has arrived shows as soon as it does, not its delay later", async () => {
  const { page } = browser;
  await fresh(page);
  // The app is held back past the teaser's due time (pm_sizes: 2 s after the page starts).
  await page.route("**/widget/dialoge-widget.js*", async (route) => {
    await sleep(4000);
    await route.continue();
  });
  await page.goto(sandbox.url + "/products/tee");
  // In the page's own clock: when the app's root appeared, and when the teaser did.
  const gap = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const root = document.querySelector("[data-dialoge]").shadowRoot;
        let mounted = null;
        const look = () => {
          if (mounted === null && root.querySelector(".dlg-root")) mounted = performance.now();
          if (mounted !== null && root.querySelector("[data-popup-id=pm_sizes]")) {
            resolve({ mounted, shown: performance.now() });
            return;
          }
          requestAnimationFrame(look);
        };
        look();
      }),
  );
  assert.ok(gap.mounted >= 4000, `the app was held back (mounted at ${gap.mounted} ms)`);
  // Counted from the app's own mount it would come 2,000 ms after it.
  assert.ok(gap.shown - gap.mounted < 1500, `shown ${Math.round(gap.shown - gap.mounted)} ms after the app arrived`);
});

test("a widget booted late (a tag added after consent) counts a teaser's delay from its boot, not the page's start", async () => {
  const { page } = browser;
  await fresh(page);
  // A product page without the widget; the shop adds the tag 3 s later.
  await page.route(sandbox.url + "/products/late", (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>late</title><p>A product</p>" }),
  );
  await page.goto(sandbox.url + "/products/late");
  await sleep(3000);
  const gap = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const booted = performance.now();
        const s = document.createElement("script");
        s.src = "/widget/dialoge.js";
        s.dataset.chatbotId = "shop-bot";
        s.dataset.tokenUrl = "/shop/chat-token";
        s.dataset.apiBase = location.origin;
        document.body.append(s);
        const look = () => {
          const root = document.querySelector("[data-dialoge]")?.shadowRoot;
          if (root?.querySelector("[data-popup-id=pm_sizes]")) return resolve(performance.now() - booted);
          requestAnimationFrame(look);
        };
        look();
      }),
  );
  // pm_sizes is due 2 s after the boot; counted from the page's start it would show at once.
  assert.ok(gap >= 1500, `shown ${Math.round(gap)} ms after the late boot`);
  await page.unrouteAll({ behavior: "ignoreErrors" });
});

test("a returning visitor within the config's lifetime: no request at all until the chat is opened", async () => {
  const { page } = browser;
  await fresh(page);
  await page.goto(sandbox.url + "/");
  const w = new Widget(page);
  await w.open();
  await w.ask("Hej");
  await w.answer(0);
  const visit = await sandboxRequests(sandbox.url);
  const paths = (visit.requests ?? visit).map((r) => r.path);
  assert.ok(paths.includes("/shop/chat-token") && paths.includes("/api/v1/chat/config"), "the first visit asked for both");

  await clearRequests(sandbox.url);
  await page.reload();
  await page.waitForFunction(() => document.querySelector("[data-dialoge]")?.shadowRoot.querySelector(".dlg-root"));
  await sleep(1500);
  const quiet = await sandboxRequests(sandbox.url);
  assert.deepEqual((quiet.requests ?? quiet).map((r) => `${r.method} ${r.path}`), [], "no token, config or anything else before the chat is needed");

  await w.open();
  await w.byRole("user").first().waitFor();
  const opened = await sandboxRequests(sandbox.url);
  const now = (opened.requests ?? opened).map((r) => r.path);
  assert.ok(now.includes("/api/v1/chat/config"), "opening refreshes the config");
  assert.ok(now.includes("/api/v1/chat/messages"), "and loads the history");
});

test("the app's files are versioned and kept for a year; the loader is revalidated", async () => {
  const { page } = browser;
  await fresh(page);
  const heads = new Map();
  const glue = [];
  const on = async (r) => {
    const path = new URL(r.url()).pathname;
    if (path === "/widget/dialoge-widget.js") glue.push(r.url());
    if (path.startsWith("/widget/")) heads.set(path, { url: r.url(), cache: (await r.allHeaders())["cache-control"] });
  };
  page.on("response", on);
  await page.goto(sandbox.url + "/");
  await page.waitForFunction(() => document.querySelector("[data-dialoge]")?.shadowRoot.querySelector(".dlg-root"));
  page.off("response", on);
  assert.equal(heads.get("/widget/dialoge.js")?.cache, "no-cache");
  assert.equal(glue.length, 1, `the glue is fetched once: ${glue.join(", ")}`);
  for (const f of ["dialoge-widget.js", "dialoge-widget_bg.wasm", "dialoge.css", "dialoge-phone.js"]) {
    const h = heads.get(`/widget/${f}`);
    assert.ok(h, `${f} was fetched`);
    assert.match(h.url, /\?v=[0-9a-f]{12}$/, `${f} is asked for with its version`);
    assert.equal(h.cache, "public, max-age=31536000, immutable", `${f} is cached for a year`);
  }
  // The branding preview is its own build: a shop's visitors never fetch it.
  assert.deepEqual([...heads.keys()].filter((p) => p.startsWith("/widget/preview/")), []);
});

test("a hostile look in storage paints nothing but text and refuses colours that aren't #hex", async () => {
  const { page } = browser;
  const evil = "<img src=x onerror=window.__xss=1>";
  const look = JSON.stringify({ c: "red;}</style><script>window.__xss=1</script>", f: "url(javascript:alert(1))", dc: "#fff;x", u: evil, o: evil, n: evil, l: 0 });
  const glue = await withGlueHeld(page, { look });
  await page.getByTestId("launcher").waitFor({ state: "visible" });
  const s = await page.evaluate(() => {
    const root = document.querySelector("[data-dialoge]").shadowRoot;
    const wrap = root.querySelector(".r");
    return {
      // (The app's stylesheet link may be there already: the app is on its way.)
      tags: [...root.querySelectorAll("*")].map((e) => e.localName).filter((t) => t !== "link"),
      props: [...wrap.style].map((p) => `${p}: ${wrap.style.getPropertyValue(p)}`),
      label: root.querySelector("[data-testid=launcher]").getAttribute("aria-label"),
      badge: root.querySelector("[data-testid=launcher-badge]"),
      xss: window.__xss,
    };
  });
  assert.deepEqual(s.tags, ["div", "div", "button", "svg", "path"], "only the launcher's own elements");
  assert.deepEqual(s.props, [], "no colour from the look that is not #hex");
  assert.equal(s.label, evil, "the label is the text it is");
  assert.equal(s.badge, null, "a count that is no number shows no badge");
  assert.equal(s.xss, undefined);
  glue.open();
  await page.waitForFunction(() => document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root"));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
});
