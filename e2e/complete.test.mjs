// The conversation, complete: the config switches honoured, the host events told, banners,
// a refused chat, single-page navigation, agent avatars, neutral closes, a contact form's file,
// a ticket's own labels, the web font, and an agent heard with the panel closed.
import { test, before, after, afterEach, beforeEach } from "node:test";
import assert from "node:assert/strict";
import {
  startSandbox, startBrowser, assertNoProblems, sandboxApi, handoverDelivery, Widget, clearFaults, setUpAgent, AGENT_ID,
} from "./harness.mjs";

const AGENT = AGENT_ID;
let sandbox;
let browser;
let w;

const api = (method, path, options) => sandboxApi(sandbox.url, method, path, options);
const asAgent = (token) => ({ auth: `Bearer ${token}` });

before(async () => {
  sandbox = await startSandbox(["--no-auto-agent"]);
  browser = await startBrowser();
  // Before any script of the page: a failure at boot (a refused config) is heard too.
  await browser.page.addInitScript(recordEvents);
  await setUpAgent(sandbox.url, { avatarUrl: sandbox.url + "/shop/img/tee.svg" });
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});
afterEach(async () => {
  await browser.page.unrouteAll({ behavior: "ignoreErrors" });
  assertNoProblems(browser, /Failed to load resource|status of 403/);
});

/** Every host event each document hears, from before the widget boots, as [name, detail]. */
function recordEvents() {
  window.__events = [];
  for (const e of ["open", "close", "message", "error", "product_click", "livechat"]) {
    window.addEventListener(`dialoge:${e}`, (ev) => window.__events.push([e, JSON.parse(JSON.stringify(ev.detail ?? null))]));
  }
}
const events = (page, name) => page.evaluate((n) => window.__events.filter(([e]) => e === n).map(([, d]) => d), name);

/** Serves `/config` as the sandbox answers it, changed by `edit` (the real service could send it). */
async function withConfig(page, edit) {
  await page.route("**/api/v1/chat/config", async (route) => {
    const res = await route.fetch();
    const config = await res.json();
    edit(config);
    await route.fulfill({ response: res, json: config });
  });
}

/** A new visitor on `path` (the demo shop by default), with `setup` run before the widget loads. */
async function visit(path = "/", setup = async () => {}) {
  const { page } = browser;
  await clearFaults(sandbox.url);
  await page.goto(sandbox.url + "/healthz");
  await page.evaluate(() => localStorage.clear());
  await setup(page);
  await page.goto(sandbox.url + path);
  w = new Widget(page);
  await w.launcher.waitFor();
  return page;
}

/** Hands over to a person and returns the agent's token once the first agent line arrived. */
async function activeLivechat(page, text = "Hi, I'm Alice.") {
  const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
  await page.getByTestId("human-button").click();
  const token = (await handoverDelivery(sandbox.url, since)).body.data.livechat_session.token;
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text }] } },
  });
  await page.getByTestId("livechat").and(page.locator("[data-status=active]")).waitFor({ timeout: 15000 });
  return token;
}

beforeEach(() => {
  browser.problems.length = 0;
});

test("image_enabled off: no paperclip, and a pasted or dropped file is not taken", async () => {
  const page = await visit("/", (p) => withConfig(p, (c) => (c.image_enabled = false)));
  await w.open();
  await page.getByTestId("welcome").waitFor();
  assert.equal(await page.getByTestId("attach-button").isHidden(), true, "no paperclip");
  // A dropped file goes nowhere.
  await page.evaluate(() => {
    const panel = document.querySelector("[data-dialoge]").shadowRoot.querySelector("[data-testid=panel]");
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array([137, 80, 78, 71])], "photo.png", { type: "image/png" }));
    panel.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  assert.equal(await page.getByTestId("attachment").count(), 0, "nothing attached");
});

test("livechat attachments off: the paperclip goes while a person chats, and comes back after", async () => {
  const page = await visit("/", (p) => withConfig(p, (c) => (c.livechat.attachments_enabled = false)));
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  assert.equal(await page.getByTestId("attach-button").isVisible(), true, "the assistant takes files");
  const token = await activeLivechat(page);
  await page.getByTestId("attach-button").waitFor({ state: "hidden", timeout: 10000 });
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
  await page.getByTestId("livechat").and(page.locator("[data-status=closed]")).waitFor({ timeout: 15000 });
  await page.getByTestId("attach-button").waitFor({ state: "visible", timeout: 10000 });
});

test("product cards: the config's open label, add-to-cart with a SKU only tells the page, every click is a product_click", async () => {
  const page = await visit();
  await w.open();
  await w.ask("show me products");
  const answer = await w.answer(0);
  const tee = answer.locator(".dlg-card").filter({ hasText: "Organic Basic Tee" });
  assert.equal((await tee.locator(".dlg-card-open").innerText()).trim(), "View", "product_card.open_label");
  // The tee has a SKU and no cart URL: a button the shop's page acts on.
  const teeCart = tee.getByTestId("add-to-cart");
  assert.equal(await teeCart.evaluate((el) => el.tagName), "BUTTON");
  await teeCart.click();
  const hoodie = answer.locator(".dlg-card").filter({ hasText: "Nordlys Hoodie" });
  assert.equal(await hoodie.getByTestId("add-to-cart").evaluate((el) => el.tagName), "A", "a cart URL is a link");
  // Opening a product opens a tab; the event is what matters here.
  const popup = page.context().waitForEvent("page");
  await tee.locator(".dlg-card-open").click();
  await (await popup).close();
  const clicks = await events(page, "product_click");
  assert.deepEqual(clicks[0], { productId: "sku-tee", url: "", action: "add_to_cart", sku: "sku-tee" });
  assert.equal(clicks[1].action, "open");
  assert.equal(clicks[1].productId, "sku-tee");
  assert.match(clicks[1].url, /\/products\/tee$/);
});

test("add-to-cart switched off in the config shows no cart button", async () => {
  await visit("/", (p) => withConfig(p, (c) => (c.product_card.add_to_cart.enabled = false)));
  await w.open();
  await w.ask("show me products");
  const answer = await w.answer(0);
  await answer.locator(".dlg-card").first().waitFor();
  assert.equal(await answer.getByTestId("add-to-cart").count(), 0);
});

test("no one available: the handover offer says why (outside working hours)", async () => {
  const page = await visit("/", (p) =>
    withConfig(p, (c) => {
      c.livechat.availability_status = "offline";
      c.livechat.availability_reason = "outside_working_hours";
    }),
  );
  await w.open();
  await api("POST", "/sandbox/replies", { body: { parts: [{ type: "request_human_agent", part_id: "p_h" }] } });
  await w.ask("I want a person");
  await w.answer(0);
  const offline = page.getByTestId("handover-offline");
  assert.match(await offline.innerText(), /working hours/i);
  assert.equal(await page.getByTestId("handover-button").isHidden(), true);
});

test("show_livechat_logo puts the livechat's mark in the banner; the agent's avatar is on their messages", async () => {
  const page = await visit("/", (p) => withConfig(p, (c) => (c.livechat.show_livechat_logo = true)));
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page, "Hello from Alice");
  await page.getByTestId("livechat-logo").waitFor();
  const agentMsg = w.byRole("agent").filter({ hasText: "Hello from Alice" });
  await agentMsg.waitFor({ timeout: 15000 });
  assert.match(await agentMsg.getByTestId("message-avatar").getAttribute("src"), /\/shop\/img\/tee\.svg$/);
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});

test("a close nobody is named for is worded neutrally", async () => {
  // The service may close a session itself (retention, an admin): no `closed_by`.
  const page = await visit("/", async (p) => {
    await p.route(/\/api\/v1\/chat\/livechat\/(sync|state)/, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      const state = body.state ?? body;
      if (state.status === "closed") delete state.closed_by;
      await route.fulfill({ response: res, json: body });
    });
  });
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page);
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
  const banner = page.getByTestId("livechat").and(page.locator("[data-status=closed]"));
  await banner.waitFor({ timeout: 15000 });
  const text = await banner.innerText();
  assert.match(text, /chat has ended/i);
  assert.doesNotMatch(text, /You ended/);
});

test("a 403 puts the widget in a calm 'chat unavailable' state, the composer off, and tells the page", async () => {
  const page = await visit("/", (p) =>
    p.route("**/api/v1/chat/config", (route) =>
      route.fulfill({
        status: 403,
        json: { error: { code: "forbidden", message: "This origin may not use this chatbot" } },
      }),
    ),
  );
  await w.open();
  await page.getByTestId("unavailable").waitFor();
  assert.match(await page.getByTestId("unavailable").innerText(), /not available/i);
  assert.equal(await page.getByTestId("composer-input").count(), 0, "no composer");
  const errors = await events(page, "error");
  assert.deepEqual(
    errors.map((e) => [e.code, e.where, e.retryable]),
    [["forbidden", "config", false]],
  );
  assert.match(errors[0].message, /not available/i);
});

test("every host event: the visitor's own message, errors of livechat calls, and close", async () => {
  const page = await visit();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const messages = await events(page, "message");
  assert.deepEqual(messages.map((m) => m.role), ["user", "assistant"], "the visitor's message too, first");
  assert.deepEqual(messages[0].parts, [{ type: "text", text: "What is your return policy?" }]);
  // A failed handover is told as an error where it happened.
  await page.route("**/api/v1/chat/livechat/handover", (route) =>
    route.fulfill({ status: 500, json: { error: { code: "internal", message: "boom" } } }),
  );
  await page.getByTestId("human-button").click();
  await page.waitForFunction(() => window.__events.some(([e, d]) => e === "error" && d.where === "livechat"));
  const error = (await events(page, "error")).find((e) => e.where === "livechat");
  assert.equal(error.code, "internal");
  assert.equal(error.retryable, true);
  assert.equal(typeof error.message, "string");
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => window.__events.some(([e]) => e === "close"));
});

test("banners for the page: shown with their call to action, a dismissed one stays gone", async () => {
  const page = await visit();
  await w.open();
  const banner = page.locator("[data-testid=banner][data-banner-id=b_free_shipping]");
  await banner.waitFor();
  assert.match(await banner.innerText(), /Free shipping/);
  // The call to action is a word apart from the text it follows.
  assert.match(await banner.locator(".dlg-banner-text").textContent(), /this week\. Shop now$/);
  assert.equal(await banner.getByTestId("banner-cta").getAttribute("rel"), "noopener noreferrer");
  // The product page's banner is not on the front page.
  assert.equal(await page.locator("[data-banner-id=b_size_help]").count(), 0);
  await banner.getByTestId("banner-dismiss").click();
  await banner.waitFor({ state: "detached" });
  await page.reload();
  w = new Widget(page);
  await w.open();
  await page.getByTestId("composer-input").waitFor();
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(await page.locator("[data-banner-id=b_free_shipping]").count(), 0, "remembered");
});

test("a single-page shop's navigation: prompts, banners and the page sent follow the URL", async () => {
  const page = await visit();
  await w.open();
  await page.getByTestId("start-prompts").waitFor();
  assert.equal(await page.getByTestId("start-prompt").filter({ hasText: "Which size fits me?" }).count(), 0);
  const bodies = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && /\/api\/v1\/chat(\/livechat)?\/messages$/.test(new URL(r.url()).pathname)) {
      bodies.push(JSON.parse(r.postData()));
    }
  });
  // The site sets a page, then navigates: the navigation's URL wins from then on.
  await page.evaluate(() => window.Dialoge("setContext", { page: "https://shop.example/custom", cart: 2 }));
  await page.evaluate(() => history.pushState({}, "", "/products/tee"));
  await page.getByTestId("start-prompt").filter({ hasText: "Which size fits me?" }).waitFor();
  await page.locator("[data-testid=banner][data-banner-id=b_size_help]").waitFor();
  await w.ask("What is your return policy?");
  await w.answer(0);
  assert.equal(bodies[0].context.page, sandbox.url + "/products/tee");
  assert.equal(bodies[0].context.cart, 2, "the rest of setContext stays");
  // Back: the product page's prompt goes again.
  await page.goBack();
  await page.waitForFunction(() => location.pathname === "/");
  await page.getByTestId("start-prompt").filter({ hasText: "Which size fits me?" }).waitFor({ state: "detached" });
  // A livechat message carries the page too.
  const token = await activeLivechat(page);
  await w.ask("Hello person");
  await page.waitForFunction(() => true);
  for (let i = 0; i < 50 && bodies.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(bodies[1].context.page, sandbox.url + "/");
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});

test("a contact form's file field sends its file, and a ticket uses the marker's own labels", async () => {
  const page = await visit();
  await w.open();
  await api("POST", "/sandbox/replies", {
    body: {
      parts: [
        {
          type: "show_contact_form",
          part_id: "p_cf",
          fields: [
            { key: "name", label: "Name", type: "text", required: true },
            { key: "email", label: "E-mail", type: "email", required: true },
            { key: "receipt", label: "Your receipt", type: "file", required: true },
          ],
        },
        {
          type: "show_support_ticket",
          part_id: "p_st",
          fields: [{ key: "message", label: "What went wrong with your order?", type: "textarea" }],
        },
      ],
    },
  });
  await w.ask("contact");
  const answer = await w.answer(0);
  const contact = answer.locator("[data-part-type=show_contact_form]");
  await contact.getByLabel("Name").fill("Jane");
  await contact.getByLabel("E-mail").fill("jane@example.com");
  await contact.locator("input[type=file]").setInputFiles({ name: "receipt.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4 test") });
  await contact.locator("button[type=submit]").click();
  await contact.getByText(/Thanks, Jane/).waitFor({ timeout: 10000 });
  const token = await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token"));
  const exported = await (await fetch(sandbox.url + "/api/v1/chat/export", { headers: { authorization: `Bearer ${token}` } })).json();
  const sub = JSON.stringify(exported);
  assert.match(sub, /receipt\.pdf/, "the file reached the server");
  // The ticket's message field has the marker's label.
  const ticket = answer.locator("[data-part-type=show_support_ticket]");
  await ticket.getByLabel("What went wrong with your order?").waitFor();
});

test("the configured web font is loaded through the FontFace API", async () => {
  const page = await visit("/", (p) =>
    withConfig(p, (c) => {
      c.theme.font = { web: { family: "Shop Sans", url: sandbox.url + "/shop/shop.css" } };
    }),
  );
  await w.open();
  await page.waitForFunction(() => [...document.fonts].some((f) => f.family.replace(/"/g, "") === "Shop Sans"));
  browser.problems.length = 0; // not a real font file: its failed load is only logged
});

test("with the panel closed, an agent's message still raises the unread badge", async () => {
  const page = await visit();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page);
  await page.evaluate(() => window.Dialoge("close"));
  await w.panel.waitFor({ state: "hidden" });
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Are you still there?" }] } },
  });
  const badge = page.getByTestId("launcher-badge");
  await badge.waitFor({ timeout: 20000 });
  assert.match(await badge.innerText(), /[1-9]/);
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});

test("a message written while an answer streams waits for it and is sent after, once", async () => {
  const page = await visit();
  await w.open();
  // A slow answer: the visitor writes twice (a typed message, a quick reply by API) meanwhile.
  await api("POST", "/sandbox/faults", {
    body: { path: "/api/v1/chat/messages", fault: "stall", ms: 1500, after_events: 3, count: 1 },
  });
  await w.ask("What is your return policy?");
  await page.getByTestId("stop-button").waitFor();
  await w.input.fill("Do you ship to Denmark?");
  await w.input.press("Enter");
  await page.evaluate(() => window.Dialoge("send", "show me products"));
  assert.equal(await w.byRole("user").count(), 3, "both shown at once");
  await page.waitForFunction(
    () => {
      const list = [...document.querySelector("[data-dialoge]").shadowRoot.querySelectorAll("[data-testid=message][data-role=assistant]")];
      return list.length === 3 && list.every((m) => m.dataset.state === "done");
    },
    null,
    { timeout: 30000 },
  );
  const token = await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token"));
  const history = await (await fetch(sandbox.url + "/api/v1/chat/messages?limit=20", { headers: { authorization: `Bearer ${token}` } })).json();
  const users = history.messages.reverse().filter((m) => m.role === "user").map((m) => m.parts[0].text);
  assert.deepEqual(users, ["What is your return policy?", "Do you ship to Denmark?", "show me products"], "in order, each once");
  // Each of the visitor's messages carries the server's id once it has named it.
  await page.waitForFunction(
    () => [...document.querySelector("[data-dialoge]").shadowRoot.querySelectorAll("[data-testid=message][data-role=user]")].every((m) => m.dataset.messageId),
    null,
    { timeout: 10000 },
  );
  const ids = await w.byRole("user").evaluateAll((els) => els.map((e) => e.dataset.messageId));
  assert.deepEqual(ids, history.messages.filter((m) => m.role === "user").map((m) => m.message_id));
});

test("'new conversation' closes an open livechat first; a second handover in the same page works", async () => {
  const page = await visit();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page);
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
  await page.getByTestId("livechat").and(page.locator("[data-status=closed]")).waitFor({ timeout: 15000 });
  // A second session in the same page.
  const second = await activeLivechat(page, "Back again, Alice here.");
  await w.byRole("agent").filter({ hasText: "Back again" }).waitFor({ timeout: 15000 });
  assert.notEqual(second, token, "a new session");
  // New conversation: the open session is closed on the server first.
  await page.evaluate(() => window.Dialoge("reset"));
  for (let i = 0; i < 50; i++) {
    const c = await api("GET", "/api/v1/chat/livechat/agent/context", asAgent(second));
    if (c.session.status === "closed") {
      assert.equal(c.session.closed_by, "customer");
      break;
    }
    if (i === 49) throw new Error("the session was left open");
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.getByTestId("livechat").waitFor({ state: "detached" });
  assert.equal(await w.byRole("agent").count(), 0, "a fresh conversation");
});

test("a closed livechat's transcript is there after a reload, in its place and once", async () => {
  const page = await visit();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page, "Alice here, how can I help?");
  await w.byRole("agent").filter({ hasText: "Alice here" }).waitFor({ timeout: 15000 });
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
  await page.getByTestId("livechat").and(page.locator("[data-status=closed]")).waitFor({ timeout: 15000 });
  // Back to the assistant after the chat.
  await w.ask("Do you ship to Denmark?");
  await page.waitForFunction(
    () => [...document.querySelector("[data-dialoge]").shadowRoot.querySelectorAll("[data-testid=message][data-role=assistant]")].filter((m) => m.dataset.state === "done").length === 2,
    null,
    { timeout: 20000 },
  );
  // History as the real service may send it: with the agent's messages in it too.
  const agentMessages = (await api("GET", "/api/v1/chat/livechat/agent/context", asAgent(token))).messages.filter((m) => m.role === "agent");
  await page.route("**/api/v1/chat/messages?*", async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    body.messages = [...body.messages, ...agentMessages].sort((a, b) => (a.created_at < b.created_at ? 1 : -1));
    await route.fulfill({ response: res, json: body });
  });
  await page.reload();
  w = new Widget(page);
  await w.open();
  const agent = w.byRole("agent").filter({ hasText: "Alice here" });
  await agent.waitFor({ timeout: 15000 });
  await page.getByTestId("livechat").and(page.locator("[data-status=closed]")).waitFor({ timeout: 15000 });
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(await agent.count(), 1, "once, though history and the livechat both carry it");
  // In its place: after the first answer, before the question asked after the chat.
  const order = await w.messages.locator("[data-testid=message]").evaluateAll((els) =>
    els.map((e) => (e.dataset.role === "agent" ? "agent" : e.textContent.includes("Denmark") ? "denmark" : e.dataset.role)),
  );
  assert.ok(order.indexOf("agent") < order.indexOf("denmark"), order.join(","));
});

test("the waiting room's form: asked while waiting for a person, saved to the session, what was given shows again", async () => {
  const page = await visit();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
  await page.getByTestId("human-button").click();
  const token = (await handoverDelivery(sandbox.url, since)).body.data.livechat_session.token;
  const form = page.locator("[data-testid=session-form][data-form-id=f_pre]");
  await form.waitFor({ timeout: 15000 });
  await form.getByLabel("Your name").fill("Jane");
  await form.getByLabel("Email address").fill("not an e-mail");
  await form.locator("button[type=submit]").click();
  // A problem is said at its field.
  assert.equal(await form.getByLabel("Email address").getAttribute("aria-invalid"), "true");
  await form.getByLabel("Email address").fill("jane@example.com");
  await form.locator("button[type=submit]").click();
  await form.locator("[data-testid=form][data-state=sent]").waitFor({ timeout: 10000 });
  // Saved to the session: the visitor's own record and the agent's context have it.
  const visitorToken = await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token"));
  const session = await (await fetch(sandbox.url + "/api/v1/chat/session", { headers: { authorization: `Bearer ${visitorToken}` } })).json();
  const byKey = Object.fromEntries(session.values.map((v) => [v.key, v.value]));
  assert.equal(byKey.name, "Jane");
  assert.equal(byKey.email, "jane@example.com");
  const context = await api("GET", "/api/v1/chat/livechat/agent/context", asAgent(token));
  assert.match(JSON.stringify(context.values), /jane@example\.com/);
  // After a reload, still waiting: the form shows what was given.
  await page.reload();
  w = new Widget(page);
  await w.open();
  const again = page.locator("[data-testid=session-form][data-form-id=f_pre]");
  await again.waitFor({ timeout: 15000 });
  assert.equal(await again.getByLabel("Your name").inputValue(), "Jane");
  assert.equal(await again.getByLabel("Email address").inputValue(), "jane@example.com");
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Hi Jane" }] } },
  });
  await page.getByTestId("livechat").and(page.locator("[data-status=active]")).waitFor({ timeout: 15000 });
  await again.waitFor({ state: "detached" });
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});

test("a session_start form shows before the first message and goes with it", async () => {
  const page = await visit("/", (p) =>
    withConfig(p, (c) => {
      c.forms = [{ form_id: "f_pre", name: "Before we start", trigger: "session_start" }];
    }),
  );
  await w.open();
  const form = page.locator("[data-testid=session-form][data-form-id=f_pre]");
  await form.waitFor({ timeout: 15000 });
  assert.match(await form.innerText(), /Before we start/);
  await w.ask("What is your return policy?");
  await form.waitFor({ state: "detached" });
  await w.answer(0);
});

test("a 422 on a livechat attachment is said at the message, in the service's words, not as a network failure", async () => {
  const page = await visit();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page);
  await page.route("**/api/v1/chat/livechat/messages", (route) =>
    route.request().method() === "POST"
      ? route.fulfill({
          status: 422,
          json: {
            error: {
              code: "validation",
              message: "This file type is not accepted in this chat",
              params: [{ field: "message.parts.0.mime", message: "This file type is not accepted in this chat" }],
            },
          },
        })
      : route.fallback(),
  );
  await page.getByTestId("attach-input").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]) });
  await page.locator("[data-testid=attachment][data-ready=true]").waitFor();
  await w.send.click();
  const problem = page.getByTestId("message-problem");
  await problem.waitFor({ timeout: 10000 });
  assert.equal(await problem.innerText(), "This file type is not accepted in this chat");
  const error = (await events(page, "error")).at(-1);
  assert.deepEqual([error.code, error.where, error.retryable], ["validation", "livechat", false]);
  assert.doesNotMatch(await w.status.innerText(), /connection/i, "not a network failure");
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});

test("the tab title counts unread messages when the visitor asked for it, and is given back", async () => {
  const page = await visit();
  const title = await page.title();
  await w.open();
  await w.ask("What is your return policy?");
  await w.answer(0);
  const token = await activeLivechat(page);
  // Off by default: the badge counts, the title stays.
  await page.evaluate(() => window.Dialoge("close"));
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "One moment." }] } },
  });
  await page.getByTestId("launcher-badge").waitFor({ timeout: 20000 });
  assert.equal(await page.title(), title);
  // The visitor turns it on in the menu.
  await w.open();
  await page.getByTestId("menu-button").click();
  await page.getByTestId("menu-title-alerts").click();
  await page.evaluate(() => window.Dialoge("close"));
  await api("POST", "/api/v1/chat/livechat/agent/messages", {
    ...asAgent(token),
    body: { agent_id: AGENT, message: { parts: [{ type: "text", text: "Found it." }] } },
  });
  await page.waitForFunction((t) => document.title === `(1) ${t}`, title, { timeout: 20000 });
  await w.open();
  await page.waitForFunction((t) => document.title === t, title);
  // Remembered for the next visit.
  assert.equal(await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:title_alerts")), "1");
  await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent(token), body: { agent_id: AGENT } });
});
