// Several tabs of one visitor (one browser profile, so one localStorage and one
// BroadcastChannel): they share the conversation without a reload, nothing is sent twice, and a
// livechat is followed by one tab for all of them — another takes over when it closes.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import {
  startSandbox, startBrowser, assertNoProblems, sandboxApi, sandboxRequests, handoverDelivery, serverHistory, Widget,
  setUpAgent, AGENT_ID,
} from "./harness.mjs";

const AGENT = AGENT_ID;
let sandbox;
let browser;

const api = (method, path, options) => sandboxApi(sandbox.url, method, path, options);
const asAgent = (token) => ({ auth: `Bearer ${token}` });

before(async () => {
  sandbox = await startSandbox(["--no-auto-agent"]);
  browser = await startBrowser();
  await setUpAgent(sandbox.url);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});
afterEach(() => assertNoProblems(browser, /Failed to load resource/));

/** Every page but the first is closed; the visitor is new; resolves to two open widgets. */
async function twoTabs() {
  const { context, page } = browser;
  for (const p of context.pages().slice(1)) await p.close();
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => localStorage.clear());
  await page.goto(sandbox.url + "/");
  const a = new Widget(page);
  await a.open();
  const second = await context.newPage();
  await second.goto(sandbox.url + "/");
  const b = new Widget(second);
  await b.open();
  return [a, b];
}

/**
 * The visitor texts a widget shows, in order. Text content, not innerText: a message a tab has not
 * rendered yet (a tab in the background, a message out of view: `content-visibility`) has none.
 */
async function userTexts(w) {
  return (await w.byRole("user").allTextContents()).map((t) => t.trim());
}

/** Waits until `w` shows `text` as the visitor's and an answer after it. */
async function showsTurn(w, text) {
  await w.byRole("user").filter({ hasText: text }).waitFor({ timeout: 20000 });
  await w.page.waitForFunction(
    (t) => {
      const root = document.querySelector("[data-dialoge]")?.shadowRoot;
      const list = [...(root?.querySelectorAll("[data-testid=message]") ?? [])];
      const i = list.findIndex((m) => m.dataset.role === "user" && m.textContent.includes(t));
      return i >= 0 && list.slice(i + 1).some((m) => m.dataset.role === "assistant" && m.dataset.state === "done");
    },
    text,
    { timeout: 20000 },
  );
}

test("a message sent in one tab appears in the other without a reload, and is sent once", async () => {
  const [a, b] = await twoTabs();
  const before = (await sandboxRequests(sandbox.url)).length;

  await a.ask("What is your return policy?");
  await a.answer(0);
  await showsTurn(b, "What is your return policy?");

  await b.ask("Do you ship to Denmark?");
  await showsTurn(b, "Do you ship to Denmark?");
  await showsTurn(a, "Do you ship to Denmark?");

  await a.ask("show me products");
  await showsTurn(a, "show me products");
  await showsTurn(b, "show me products");

  const sent = ["What is your return policy?", "Do you ship to Denmark?", "show me products"];
  // The server's own record: three turns, each once.
  const history = await serverHistory(a.page, sandbox.url);
  assert.deepEqual(history.filter((m) => m.role === "user").map((m) => m.parts[0].text), sent);
  assert.equal(history.filter((m) => m.role === "assistant").length, 3);
  const posts = (await sandboxRequests(sandbox.url))
    .slice(before)
    .filter((r) => r.method === "POST" && r.path === "/api/v1/chat/messages");
  assert.equal(posts.length, 3, "one POST /messages per visitor message, from whichever tab");

  // Both tabs show the same conversation, each message once, in order.
  for (const w of [a, b]) {
    assert.deepEqual(await userTexts(w), sent);
    assert.equal(await w.byRole("assistant").count(), 3);
  }
  // What came from the other tab carries the server's ids, like history does.
  const ids = await b.messages.locator("[data-testid=message][data-message-id]").count();
  assert.ok(ids >= 4, `messages from the other tab are named (${ids})`);
});

test("a reset in one tab starts the other over too", async () => {
  const [a, b] = await twoTabs();
  await a.ask("What is your return policy?");
  await a.answer(0);
  await showsTurn(b, "What is your return policy?");
  await a.page.evaluate(() => window.Dialoge("reset"));
  await b.page.waitForFunction(
    () => !document.querySelector("[data-dialoge]")?.shadowRoot?.querySelector("[data-testid=message]"),
    null,
    { timeout: 10000 },
  );
  // The new visitor's first message shows in both, once.
  await b.ask("Do you ship to Denmark?");
  await showsTurn(a, "Do you ship to Denmark?");
  assert.deepEqual(await userTexts(a), ["Do you ship to Denmark?"]);
  assert.deepEqual(await userTexts(b), ["Do you ship to Denmark?"]);
});

test("a livechat runs in both tabs with one follower, and another tab takes over when it closes", async () => {
  const [a, b] = await twoTabs();
  // Who asks the service about the livechat, by tab.
  const asks = new Map([[a.page, []], [b.page, []]]);
  for (const [p, list] of asks) {
    p.on("request", (r) => {
      const path = new URL(r.url()).pathname;
      if (/\/livechat\/(sync|state|messages)$/.test(path) && r.method() === "GET") list.push(path);
    });
  }
  await a.ask("What is your return policy?");
  await a.answer(0);
  await showsTurn(b, "What is your return policy?");

  const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
  await a.page.getByTestId("human-button").click();
  const token = (await handoverDelivery(sandbox.url, since)).body.data.livechat_session.token;
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Hi, I'm Alice from support." }] } },
  });
  for (const w of [a, b]) {
    await w.page.getByTestId("livechat").and(w.page.locator("[data-status=active]")).waitFor({ timeout: 15000 });
    await w.byRole("agent").filter({ hasText: "Hi, I'm Alice" }).waitFor({ timeout: 15000 });
  }

  // Steady state: only one tab asks. (A tab that learns of the session from another asks
  // once for what it missed; after that it only listens.)
  for (const list of asks.values()) list.length = 0;
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Which order is it about?" }] } },
  });
  for (const w of [a, b]) await w.byRole("agent").filter({ hasText: "Which order" }).waitFor({ timeout: 15000 });
  await new Promise((r) => setTimeout(r, 4000));
  const asking = [...asks.entries()].filter(([, list]) => list.length > 0);
  assert.equal(asking.length, 1, `one tab follows: ${[...asks.values()].map((l) => l.length)}`);
  const [followerPage] = asking[0];
  const [follower, other] = followerPage === a.page ? [a, b] : [b, a];

  // The visitor answers from the tab that does not follow: the agent gets it once, and the
  // follower's tab shows it too.
  await other.ask("Order 1042, please.");
  for (let i = 0; i < 100; i++) {
    const c = await api("GET", "/api/v1/chat/livechat/agent/context", asAgent(token));
    const got = c.messages.filter((m) => m.role === "user" && JSON.stringify(m.parts).includes("Order 1042"));
    if (got.length) {
      assert.equal(got.length, 1, "the agent has it once");
      break;
    }
    if (i === 99) throw new Error("the agent never got the visitor's answer");
    await new Promise((r) => setTimeout(r, 100));
  }
  await follower.byRole("user").filter({ hasText: "Order 1042" }).waitFor({ timeout: 15000 });
  for (const w of [a, b]) {
    assert.equal(await w.byRole("user").filter({ hasText: "Order 1042" }).count(), 1, "shown once in each tab");
    assert.equal(await w.byRole("agent").filter({ hasText: "Which order" }).count(), 1);
  }

  // The follower's tab goes to the background with its panel closed: it would pause, but the
  // visitor looks in the other tab, so it keeps following for both.
  await follower.page.evaluate(() => {
    window.Dialoge("close");
    Object.defineProperty(document, "hidden", { configurable: true, get: () => true });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
  });
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Let me look that up." }] } },
  });
  await other.byRole("agent").filter({ hasText: "Let me look that up." }).waitFor({ timeout: 15000 });
  // (A sync held when the tab went away returns with the first; the next needs a follower
  // that did not pause.)
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Still with me?" }] } },
  });
  await other.byRole("agent").filter({ hasText: "Still with me?" }).waitFor({ timeout: 15000 });

  // The follower's tab closes: the other takes over and still hears the agent.
  await follower.page.close();
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Found it, it ships today." }] } },
  });
  await other.byRole("agent").filter({ hasText: "ships today" }).waitFor({ timeout: 20000 });
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
  await other.page.getByTestId("livechat").and(other.page.locator("[data-status=closed]")).waitFor({ timeout: 15000 });
});
