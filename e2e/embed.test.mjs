// The embedding options of EMBED.md sections 1–3 that nothing else covers: starting over
// (`Dialoge('reset')` and the menu's "New conversation"), a booted `getToken` function instead of
// `data-token-url`, `data-storage="session"`, `data-position="left"` and `data-hidden`. Pages
// with other script-tag attributes come from the sandbox's `GET /embed?…` (crates/sandbox/README.md).
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  startSandbox, startBrowser, assertNoProblems, armFault, clearFaults, sandboxRequests, Widget,
} from "./harness.mjs";

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
  for (const p of browser.context.pages().slice(1)) await p.close();
  await clearFaults(sandbox.url);
  assertNoProblems(browser, /Failed to load resource/);
});

const TOKEN_KEY = "dialoge:shop-bot:token";

/** The claims of a visitor JWT (not verified: the sandbox's own tokens). */
function claims(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

/** The server's history for a visitor token, oldest first. */
async function historyOf(token) {
  const res = await fetch(sandbox.url + "/api/v1/chat/messages?limit=100", {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`history: ${res.status} ${await res.text()}`);
  return (await res.json()).messages.reverse();
}

/** The texts of a message's plain-text parts (a visitor's message). */
const textOf = (m) => m.parts.filter((p) => p.type === "text").map((p) => p.text).join(" ");

/** A new visitor on `path` in the first tab: storage of the origin emptied first. */
async function freshVisitor(path = "/") {
  const { page } = browser;
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => {
    localStorage.clear();
    sessionStorage.clear();
  });
  await page.goto(sandbox.url + path);
  return new Widget(page);
}

/** Waits until the widget shows exactly the visitor texts `texts` (in order). */
async function showsUserTexts(w, texts) {
  await w.page.waitForFunction(
    (want) => {
      const root = document.querySelector("[data-dialoge]")?.shadowRoot;
      const got = [...(root?.querySelectorAll("[data-testid=message][data-role=user]") ?? [])].map((m) =>
        m.innerText.trim());
      return JSON.stringify(got) === JSON.stringify(want);
    },
    texts,
    { timeout: 20000 },
  );
}

/** Token requests the page makes: the JSON bodies sent to the site's token endpoint. */
function watchTokenRequests(page) {
  const bodies = [];
  const on = (r) => {
    if (new URL(r.url()).pathname === "/shop/chat-token") bodies.push(r.postDataJSON());
  };
  page.on("request", on);
  return { bodies, stop: () => page.off("request", on) };
}

/**
 * Shared by the two ways of starting over: a visitor with a conversation starts a new one with
 * `start`; afterwards the panel is empty, the next message goes out as a new visitor (the
 * site's endpoint is not handed the old token, so it cannot re-issue the same visitor), the old
 * conversation is neither continued nor deleted, and a reload keeps the new one.
 */
async function startsOver(start) {
  const w = await freshVisitor();
  const { page } = w;
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const oldToken = await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
  assert.ok(oldToken, "the visitor has a token");
  const oldVisitor = claims(oldToken).sub;
  const tokens = watchTokenRequests(page);
  const sinceMs = Date.now();

  await start(page);
  await w.messages.locator("[data-testid=message]").first().waitFor({ state: "detached", timeout: 10000 });
  assert.equal(await w.messages.locator("[data-testid=message]").count(), 0, "the panel is empty");

  await w.ask("Hello again");
  await w.answer(0);
  const newToken = await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
  assert.ok(newToken, "a token is kept for the new visitor");
  assert.notEqual(claims(newToken).sub, oldVisitor, "the server sees a new visitor");
  tokens.stop();
  for (const body of tokens.bodies) {
    assert.ok(
      !body.visitor_token || claims(body.visitor_token).sub !== oldVisitor,
      "the old visitor's token is not handed to the site's endpoint again",
    );
  }

  const fresh = await historyOf(newToken);
  assert.deepEqual(fresh.filter((m) => m.role === "user").map(textOf), ["Hello again"], "a new conversation");
  const old = await historyOf(oldToken);
  assert.deepEqual(
    old.filter((m) => m.role === "user").map(textOf),
    ["What is your return policy?"],
    "the old conversation is left as it was",
  );
  const deletes = (await sandboxRequests(sandbox.url)).filter((r) => r.at_ms >= sinceMs - 500 && r.method === "DELETE");
  assert.deepEqual(deletes, [], "starting over is not deleting the visitor's data");

  await page.reload();
  const again = new Widget(page);
  await again.open();
  await showsUserTexts(again, ["Hello again"]);
}

test("Dialoge('reset') forgets the visitor: a new visitor, a new conversation, also after a reload", async () => {
  await startsOver((page) => page.evaluate(() => window.Dialoge("reset")));
});

test("the menu's New conversation starts over like Dialoge('reset')", async () => {
  await startsOver(async (page) => {
    await page.getByTestId("menu-button").click();
    await page.getByTestId("menu-new").click();
  });
});

test("a booted getToken function supplies the token: asked once, reused, asked again with the old token on a 401", async () => {
  const page = await browser.context.newPage();
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => localStorage.clear());
  // The site's own function, booted through the stub before the loader runs; the page's tag
  // has no data-token-url (`/embed?token=none`).
  await page.addInitScript(() => {
    window.__tokenCalls = [];
    window.__issued = [];
    window.Dialoge = window.Dialoge || function () { (window.Dialoge.q = window.Dialoge.q || []).push(arguments); };
    window.Dialoge("boot", {
      getToken: async (previous) => {
        window.__tokenCalls.push(previous ?? null);
        const res = await fetch("/shop/chat-token", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ chatbot_id: "shop-bot", ...(previous ? { visitor_token: previous } : {}) }),
        });
        const { token } = await res.json();
        window.__issued.push(token);
        return token;
      },
    });
  });
  const bearers = [];
  page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/api/v1/chat")) {
      const auth = r.headers().authorization;
      if (auth) bearers.push(auth);
    }
  });
  await page.goto(sandbox.url + "/embed?token=none");
  const w = new Widget(page);
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const first = await page.evaluate(() => ({ calls: window.__tokenCalls, issued: window.__issued }));
  assert.equal(first.calls.length, 1, `getToken asked once, got ${JSON.stringify(first.calls)}`);
  assert.equal(first.calls[0], null, "with no previous token for a new visitor");
  assert.ok(bearers.length > 0, "the API was called");
  for (const b of bearers) {
    const token = b.replace(/^Bearer /, "");
    assert.equal(claims(token).sub, claims(first.issued[0]).sub, "every call carries the visitor getToken gave");
  }

  // A 401: getToken is asked again, with the token that failed, and the send is retried once.
  const inUse = bearers[bearers.length - 1].replace(/^Bearer /, "");
  await armFault(sandbox.url, { path: "/api/v1/chat/messages", method: "POST", fault: "status", status: 401 });
  await w.ask("And for sale items?");
  await w.answer(1);
  const second = await page.evaluate(() => ({ calls: window.__tokenCalls, issued: window.__issued }));
  assert.equal(second.calls.length, 2, `getToken asked again after the 401, got ${second.calls.length} calls`);
  assert.ok(second.calls[1], "the previous token is handed over");
  assert.equal(claims(second.calls[1]).sub, claims(inUse).sub, "the previous token is the visitor's");
  const history = await historyOf(second.issued[1]);
  assert.deepEqual(
    history.filter((m) => m.role === "user").map(textOf),
    ["What is your return policy?", "And for sale items?"],
    "one conversation, each message once",
  );

  // The next page load reuses the kept token: no call to getToken.
  await page.reload();
  const again = new Widget(page);
  await again.open();
  await showsUserTexts(again, ["What is your return policy?", "And for sale items?"]);
  assert.deepEqual(await page.evaluate(() => window.__tokenCalls), [], "the kept token is reused across page loads");
  await page.close();
});

test("data-storage=session: a reload keeps the visitor, a second tab is a new visitor, nothing lands in localStorage", async () => {
  const w = await freshVisitor("/embed?storage=session");
  const { page } = w;
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const tokenA = await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY);
  assert.ok(tokenA, "the token lives in sessionStorage");
  await w.input.fill("half-written");
  // The draft is stored as typed; give the input event its turn before reading storage.
  await page.waitForFunction(() => Object.keys(sessionStorage).some((k) => sessionStorage.getItem(k) === "half-written"));
  const local = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("dialoge")));
  assert.deepEqual(local, [], "no token, branding or draft in localStorage");

  await page.reload();
  const reloaded = new Widget(page);
  await reloaded.open();
  await showsUserTexts(reloaded, ["What is your return policy?"]);
  assert.equal(await reloaded.input.inputValue(), "half-written", "the draft survives the reload");
  assert.equal(await page.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY), tokenA);

  const second = await browser.context.newPage();
  await second.goto(sandbox.url + "/embed?storage=session");
  const b = new Widget(second);
  await b.open();
  await b.ask("Hello from the second tab");
  await b.answer(0);
  await showsUserTexts(b, ["Hello from the second tab"]);
  const tokenB = await second.evaluate((k) => sessionStorage.getItem(k), TOKEN_KEY);
  assert.ok(tokenB);
  assert.notEqual(claims(tokenB).sub, claims(tokenA).sub, "the second tab is another visitor");
  assert.deepEqual(
    (await historyOf(tokenB)).filter((m) => m.role === "user").map(textOf),
    ["Hello from the second tab"],
  );
  assert.equal(await b.input.inputValue(), "", "the first tab's draft is not the second tab's");
  await second.close();

  // The first tab still is its own visitor.
  await page.reload();
  const first = new Widget(page);
  await first.open();
  await showsUserTexts(first, ["What is your return policy?"]);
  assert.deepEqual(
    (await historyOf(tokenA)).filter((m) => m.role === "user").map(textOf),
    ["What is your return policy?"],
  );
});

test("data-position=left puts the launcher and the panel in the left corner (right by default)", async () => {
  const { page } = browser;
  const viewport = page.viewportSize();
  const centre = async (locator) => {
    // The loader's launcher may give way to the app's between the lookup and the measure: the
    // box of a launcher that is still there is read again.
    let box = null;
    for (let i = 0; i < 20 && !box; i++) box = await locator.boundingBox();
    assert.ok(box, "the element has a box");
    return box.x + box.width / 2;
  };

  let w = await freshVisitor("/embed");
  await w.launcher.waitFor();
  assert.ok((await centre(w.launcher)) > viewport.width / 2, "by default the launcher is on the right");

  await page.goto(sandbox.url + "/embed?position=left");
  w = new Widget(page);
  await w.launcher.waitFor();
  assert.ok((await centre(w.launcher)) < viewport.width / 2, "the launcher is on the left");
  await w.open();
  const panelBox = await w.panel.boundingBox();
  assert.ok(panelBox.x < viewport.width - (panelBox.x + panelBox.width), `the panel hugs the left edge: ${JSON.stringify(panelBox)}`);
  await w.input.press("Escape");
  await w.panel.waitFor({ state: "hidden" });
});

test("data-hidden: no launcher at all, yet Dialoge('open') opens a working chat", async () => {
  const page = await browser.context.newPage();
  await page.addInitScript(() => {
    window.__ready = false;
    window.addEventListener("dialoge:ready", () => { window.__ready = true; });
  });
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => localStorage.clear());
  await page.goto(sandbox.url + "/embed?hidden=true");
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 20000 });
  const w = new Widget(page);
  assert.equal(await w.launcher.isVisible(), false, "no launcher once the widget is ready");

  await page.evaluate(() => window.Dialoge("open"));
  await w.panel.waitFor({ state: "visible" });
  await w.ask("What is your return policy?");
  await w.answer(0);
  assert.equal(await w.launcher.isVisible(), false, "no launcher while the panel is open");
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  assert.equal(await w.launcher.isVisible(), false, "no launcher after closing either");
  await page.evaluate(() => window.Dialoge.open());
  await w.panel.waitFor({ state: "visible" });
  await showsUserTexts(w, ["What is your return policy?"]);
  await page.close();
});
