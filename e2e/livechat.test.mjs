// Livechat end to end: the visitor asks for a person → the test catches the handover webhook
// and acts as the agent with its session token → typing, text and a file reach the visitor →
// the visitor answers → the agent closes → the visitor leaves feedback. Then the same with a
// reload in the middle.
import { test, before, after, afterEach, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, sandboxApi, handoverDelivery, Widget, setUpAgent, AGENT_ID } from "./harness.mjs";

const AGENT = AGENT_ID;
let sandbox;
let browser;
const events = [];

const api = (method, path, options) => sandboxApi(sandbox.url, method, path, options);

/** Waits for the handover webhook and returns the agent's session token from it. */
async function handoverToken(since) {
  const hit = await handoverDelivery(sandbox.url, since);
  assert.ok(hit.signature_valid, "the webhook is signed with our secret");
  return hit.body.data.livechat_session.token;
}

const asAgent = (token) => ({ auth: `Bearer ${token}` });

before(async () => {
  sandbox = await startSandbox(["--no-auto-agent"]);
  browser = await startBrowser();
  await browser.page.exposeFunction("__livechatEvent", (d) => events.push(d));
  await setUpAgent(sandbox.url);
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});
afterEach(() => assertNoProblems(browser, /Failed to load resource/));

let w;
beforeEach(async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  w = new Widget(page);
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
});

async function flow({ reloadMidway }) {
  const { page } = browser;
  const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
  events.length = 0;
  await page.evaluate(() => Dialoge("on", "livechat", (d) => window.__livechatEvent(d)));

  await page.getByTestId("human-button").click();
  const banner = page.getByTestId("livechat");
  await banner.and(page.locator("[data-status=waiting]")).waitFor();

  const token = await handoverToken(since);
  const ctx = await api("GET", "/api/v1/chat/livechat/agent/context", asAgent(token));
  assert.equal(ctx.session.status, "waiting");
  assert.ok(ctx.messages.some((m) => m.role === "user"), "the agent sees the prior conversation");

  await api("POST", "/api/v1/chat/livechat/agent/typing", { ...asAgent(token), body: { agent_id: AGENT, is_typing: true } });
  await banner.and(page.locator("[data-status=active]")).waitFor({ timeout: 15000 });
  await page.getByTestId("agent-typing").waitFor({ timeout: 15000 });
  assert.equal(await page.getByTestId("livechat-agent").innerText(), "Alice");

  if (reloadMidway) {
    await page.reload();
    w = new Widget(page);
    await w.open();
    await banner.and(page.locator("[data-status=active]")).waitFor({ timeout: 15000 });
    await page.evaluate(() => Dialoge("on", "livechat", (d) => window.__livechatEvent(d)));
  }

  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: {
      agent_id: AGENT,
      message: {
        parts: [
          { type: "text", text: "Hi, I'm Alice. Here is your label." },
          { type: "file", data: Buffer.from("%PDF-1.4 label").toString("base64"), mime: "application/pdf", filename: "label.pdf" },
        ],
      },
    },
  });
  const agentMsg = w.byRole("agent").last();
  await agentMsg.waitFor({ timeout: 15000 });
  // By text content: a message the list has not scrolled to yet is not rendered
  // (`content-visibility: auto`), and its innerText reads empty until it is.
  assert.match(await agentMsg.textContent(), /Hi, I'm Alice/);
  const file = agentMsg.locator(".dlg-file a");
  await file.waitFor();
  assert.equal((await file.textContent()).trim(), "label.pdf");
  const href = await file.getAttribute("href");
  const fileRes = await fetch(new URL(href, sandbox.url));
  assert.equal(fileRes.status, 200, "the signed attachment URL works");

  // The visitor answers; it goes to the agent, not the assistant.
  const assistantBefore = await w.byRole("assistant").count();
  await w.ask("Thanks, that helps!");
  for (let i = 0; i < 50; i++) {
    const c = await api("GET", "/api/v1/chat/livechat/agent/context", asAgent(token));
    if (c.messages.some((m) => m.role === "user" && JSON.stringify(m.parts).includes("Thanks, that helps!"))) break;
    if (i === 49) throw new Error("the agent never got the visitor's answer");
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(await w.byRole("assistant").count(), assistantBefore, "the assistant did not answer");
  assert.equal(await w.byRole("user").filter({ hasText: "Thanks, that helps!" }).count(), 1, "shown once");

  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT, reason: "Solved" } });
  await banner.and(page.locator("[data-status=closed]")).waitFor({ timeout: 15000 });
  assert.match(await banner.innerText(), /agent ended/i);
  await page.getByTestId("feedback-star").nth(4).click();
  await page.getByTestId("feedback-submit").click();
  await page.getByTestId("livechat-feedback").waitFor({ state: "detached", timeout: 10000 });

  const statuses = events.map((e) => e.status);
  assert.ok(statuses.includes("closed"), `livechat events: ${statuses}`);
}

test("a visitor hands over to a person, chats with the agent and leaves feedback", async () => {
  await flow({ reloadMidway: false });
});

test("the livechat survives a reload in the middle", async () => {
  await flow({ reloadMidway: true });
});

test("without /livechat/sync the widget falls back to polling", async () => {
  const { page } = browser;
  await fetch(sandbox.url + "/sandbox/faults", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path: "/api/v1/chat/livechat/sync", fault: "status", status: 404, count: 1000 }),
  });
  try {
    const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
    await page.getByTestId("human-button").click();
    const token = await handoverToken(since);
    await api("POST", "/api/v1/chat/livechat/agent/messages", {
      ...asAgent(token),
      body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Polling works too." }] } },
    });
    const banner = page.getByTestId("livechat");
    await banner.and(page.locator("[data-status=active]")).waitFor({ timeout: 15000 });
    await w.byRole("agent").filter({ hasText: "Polling works too." }).waitFor({ timeout: 15000 });
    assert.equal(await w.byRole("agent").filter({ hasText: "Polling works too." }).count(), 1);
    await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
  } finally {
    await fetch(sandbox.url + "/sandbox/faults", { method: "DELETE" });
  }
});

test("an agent's image whose signed URL stopped working is fetched afresh, never stored", async () => {
  const { page } = browser;
  const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
  await page.getByTestId("human-button").click();
  const token = await handoverToken(since);
  // The first load of any attachment fails as an expired link would.
  let refused = 0;
  await page.route("**/livechat/attachments/**", async (route) => {
    if (refused === 0) {
      refused += 1;
      await route.fulfill({ status: 403, json: { error: { code: "forbidden", message: "Link expired" } } });
    } else {
      await route.continue();
    }
  });
  const refetches = [];
  const onRequest = (r) => {
    if (r.url().includes("/api/v1/chat/livechat/messages?after_sequence_number=0")) refetches.push(r.url());
  };
  page.on("request", onRequest);
  const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "image", data: png, mime: "image/png", filename: "dent.png" }] } },
  });
  const img = w.byRole("agent").last().locator("figure img");
  await img.waitFor({ timeout: 15000 });
  await page.waitForFunction(() => {
    const root = document.querySelector("[data-dialoge]").shadowRoot;
    const imgs = root.querySelectorAll("[data-role=agent] figure img");
    const last = imgs[imgs.length - 1];
    return last && last.complete && last.naturalWidth > 0;
  }, null, { timeout: 15000 });
  assert.equal(refused, 1, "the first load failed");
  assert.ok(refetches.length >= 1, "the messages were fetched again for a fresh URL");
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.ok(!stored.includes("/livechat/attachments/"), "no signed URL is stored");
  page.off("request", onRequest);
  await page.unrouteAll();
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});
