// The OpenDialog build of the widget (dist/opendialog/) on the sandbox's /opendialog page, whose
// scenario has anonymous authentication, CSRF and CORS switched on: the same launcher, panel and
// parts, speaking OpenDialog's Chat API v3.
import { test, before, after, beforeEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, Widget } from "./harness.mjs";

const SCENARIO = "3377699723000023";

let sandbox;
let browser;
/** The /chat-api requests of the current test, with their headers. */
let calls = [];

before(async () => {
  sandbox = await startSandbox();
  browser = await startBrowser();
  browser.page.on("request", (r) => {
    if (new URL(r.url()).pathname.startsWith("/chat-api/")) {
      calls.push({ method: r.method(), path: new URL(r.url()).pathname, headers: r.headers(), body: r.postData() });
    }
  });
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

beforeEach(async () => {
  const { page, context } = browser;
  // A new visitor: storage and cookies cleared on a page without the widget, so no widget of
  // the last visitor is still talking while they go.
  await page.goto(sandbox.url + "/healthz", { waitUntil: "networkidle" });
  await page.evaluate(() => localStorage.clear());
  await context.clearCookies();
  // Before the page loads: the widget's first calls can leave before `goto` resolves.
  calls = [];
  browser.problems.length = 0;
  await page.goto(sandbox.url + "/opendialog");
});

function noProblems(problems) {
  assert.deepEqual(problems, [], "no console errors or CSP violations");
}

/** The last assistant message once done (after `count` assistant messages were there). */
async function nextAnswer(w, count) {
  const answers = w.byRole("assistant");
  await w.page.waitForFunction(
    (n) => {
      const root = document.querySelector("[data-dialoge]")?.shadowRoot;
      const list = [...(root?.querySelectorAll("[data-testid=message][data-role=assistant]") ?? [])];
      return list.length > n && list.at(-1).dataset.state === "done";
    },
    count,
    { timeout: 20000 },
  );
  return answers.last();
}

/** Asks and resolves to the answer. */
async function ask(w, text) {
  const before = await w.byRole("assistant").count();
  await w.ask(text);
  return nextAnswer(w, before);
}

async function openWidget(page) {
  const w = new Widget(page);
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  await w.open();
  return w;
}

test("the OpenDialog build greets with the scenario's menu, branded, under all three security features", async () => {
  const { page, problems } = browser;
  const w = await openWidget(page);
  const greeting = await nextAnswer(w, 0);
  assert.match(await greeting.innerText(), /Nordlys/);
  // Entities decoded, Markdown and links as safe DOM.
  assert.match(await greeting.innerText(), /Fish & chips <3/);
  assert.equal(await greeting.locator("strong", { hasText: "Nordlys" }).count(), 1);
  assert.equal(await greeting.locator("a", { hasText: "our shop" }).getAttribute("rel"), "noopener noreferrer");
  const menu = greeting.locator("[data-part-type=quick_replies] button");
  assert.ok((await menu.count()) >= 5, "the menu's buttons are quick replies");
  assert.equal(await page.getByTestId("bot-name").innerText(), "Nordlys Assistant");
  const primary = await page.evaluate(() =>
    document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root").style.getPropertyValue("--dlg-primary"));
  assert.equal(primary.toUpperCase(), "#0E7C7B");

  // Every call carried the three headers; the message POST echoed the CSRF cookie.
  assert.ok(calls.length >= 2);
  for (const call of calls) {
    assert.equal(call.headers["opendialog-scenario-id"], SCENARIO);
    assert.ok(call.headers["opendialog-user-id"]);
    assert.match(call.headers["authorization"], /^Bearer 1\|/);
  }
  const post = calls.find((c) => c.method === "POST");
  assert.ok(post.headers["x-xsrf-token"], "the CSRF cookie is echoed");
  assert.equal(JSON.parse(post.body).content.type, "chat_open");
  noProblems(problems);
});

test("buttons answer as buttons, and every message type is drawn through the widget's parts", async () => {
  const { page, problems } = browser;
  const w = await openWidget(page);
  const greeting = await nextAnswer(w, 0);

  // A menu button goes back as its button_response and shows a card.
  await greeting.locator("[data-part-type=quick_replies] button", { hasText: "A card" }).click();
  const card = await nextAnswer(w, 1);
  assert.equal(JSON.parse(calls.at(-1).body).content.type, "button_response");
  assert.equal(JSON.parse(calls.at(-1).body).content.callback_id, "show_card");
  assert.match(await card.locator("[data-part-type=products]").first().innerText(), /Merino Tee/);
  assert.equal(await card.locator("a", { hasText: "See the tee" }).count(), 1);
  assert.equal(await card.locator("[data-part-type=quick_replies] button", { hasText: "Add to basket" }).count(), 1);

  const carousel = await ask(w, "carousel");
  assert.equal(await carousel.locator("[data-part-type=products] .dlg-card").count(), 3);

  const list = await ask(w, "list");
  assert.match(await list.innerText(), /Pick a size/);
  assert.equal(await list.locator("[data-part-type=image]").count(), 1);

  const image = await ask(w, "image");
  assert.match(await image.locator("[data-part-type=image] img").getAttribute("src"), /hoodie\.svg$/);

  const links = await ask(w, "links");
  assert.match(await links.locator("a", { hasText: "Privacy policy" }).getAttribute("href"), /\/privacy$/);
  assert.equal(await links.locator("a", { hasText: "Call us" }).getAttribute("href"), "tel:+4570102030");
  assert.equal(await links.locator("[data-part-type=quick_replies] button", { hasText: "Download this chat" }).count(), 1);

  const skip = await ask(w, "skip");
  assert.match(await skip.innerText(), /Before the gap\.[\s\S]*After the gap\./);

  const single = await ask(w, "single");
  assert.match(await single.innerText(), /Just this one message\./);

  const unknown = await ask(w, "hologram");
  assert.match(await unknown.innerText(), /comes after it/);
  assert.doesNotMatch(await unknown.innerText(), /You should not see this/);

  const handover = await ask(w, "human");
  assert.match(await handover.innerText(), /hand you over/);
  // No livechat in this backend: no banner, no "talk to a person".
  assert.equal(await page.getByTestId("livechat").count(), 0);
  assert.equal(await page.getByTestId("human-button").count(), 0);
  // The unknown type is skipped with a warning, never an error.
  noProblems(problems);
});

test("a form and a long text go through the widget's form UI and are answered", async () => {
  const { page, problems } = browser;
  const w = await openWidget(page);
  await nextAnswer(w, 0);
  await ask(w, "form");
  // Located by its own text: later answers come after it.
  const form = w.messages.getByTestId("form").filter({ hasText: "Tell us about your order" });
  await form.getByLabel("Name").fill("Jane");
  await form.getByLabel("Quantity").fill("2");
  await form.getByLabel("E-mail").fill("jane@example.com");
  await form.getByLabel("Size").selectOption("Medium");
  await form.getByLabel("Country").selectOption("Denmark");
  const before = await w.byRole("assistant").count();
  await form.getByRole("button", { name: "Send" }).click();
  const reply = await nextAnswer(w, before);
  assert.match(await reply.innerText(), /Thanks! You sent/);
  const body = JSON.parse(calls.filter((c) => c.method === "POST").at(-1).body);
  assert.equal(body.content.type, "form_response");
  assert.equal(body.content.callback_id, "order_form");
  assert.equal(body.content.data.size, "m", "a choice is answered by its key");
  assert.equal(body.content.data.country, "DK");
  await form.and(page.locator("[data-state=sent]")).waitFor();

  await ask(w, "review");
  const review = w.messages.getByTestId("form").filter({ hasText: "Write us a review" });
  await review.getByLabel("What did you think?").fill("Lovely tee");
  const count = await w.byRole("assistant").count();
  await review.getByRole("button", { name: "Send" }).click();
  const thanks = await nextAnswer(w, count);
  assert.match(await thanks.innerText(), /Thanks for your review: “Lovely tee”/);
  assert.match(await review.innerText(), /we read every review/);
  noProblems(problems);
});

test("thumbs on an answer with a template id reach the sandbox, once", async () => {
  const { page, problems } = browser;
  const w = await openWidget(page);
  await nextAnswer(w, 0);
  const answer = await ask(w, "shipping");
  // Styled: the OpenDialog build's stylesheet keeps the thumbs' feature section.
  assert.equal(await answer.getByTestId("thumb-up").evaluate((el) => getComputedStyle(el).borderTopLeftRadius), "999px");
  await answer.getByTestId("thumb-up").click();
  await answer.getByTestId("thumb-up").and(page.locator("[aria-pressed=true]")).waitFor();
  assert.equal(await answer.getByTestId("thumb-down").isDisabled(), true);
  const res = await fetch(`${sandbox.url}/sandbox/opendialog/scenarios/${SCENARIO}/feedback`);
  const { feedback } = await res.json();
  const user = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(":od_user"))[1]);
  const mine = feedback.filter((f) => f.user_id === user);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].message_template_id, "mt_shipping_times");
  assert.equal(mine[0].feedback, "positive");
  // Only answers with a template id offer thumbs.
  assert.equal(await w.byRole("assistant").first().getByTestId("thumb-up").count(), 0);
  noProblems(problems);
});

test("a template id with a # gets its thumbs whole, and a card says its text once", async () => {
  const { page, problems } = browser;
  const w = await openWidget(page);
  await nextAnswer(w, 0);
  const script = (answer) =>
    fetch(`${sandbox.url}/sandbox/opendialog/scenarios/${SCENARIO}/replies`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ answer }),
    });
  try {
    await script([
      { author: "them", type: "text", message_template_id: "mt#50%off", request_id: "rq#1", data: { text: "Half price today." } },
      { author: "them", type: "rich", data: { title: "Wool socks", subtitle: "Warm", text: "Knitted in Norway" } },
    ]);
    const answer = await ask(w, "deals");
    await answer.getByTestId("thumb-up").click();
    await answer.getByTestId("thumb-up").and(page.locator("[aria-pressed=true]")).waitFor();
    const { feedback } = await (await fetch(`${sandbox.url}/sandbox/opendialog/scenarios/${SCENARIO}/feedback`)).json();
    const mine = feedback.filter((f) => f.message_template_id.startsWith("mt#"));
    assert.deepEqual(
      mine.map((f) => [f.message_template_id, f.request_id]),
      [["mt#50%off", "rq#1"]],
      "the whole template and request ids, once",
    );
    const text = await answer.innerText();
    assert.equal(text.split("Knitted in Norway").length - 1, 1, `the card's text once: ${text}`);
  } finally {
    await fetch(`${sandbox.url}/sandbox/opendialog/scenarios/${SCENARIO}/replies`, { method: "DELETE" });
  }
  noProblems(problems);
});

test("a reload keeps the user and shows history; the transcript downloads; host events arrive", async () => {
  const { page, problems } = browser;
  await page.evaluate(() => {
    window.__events = [];
    for (const e of ["ready", "open", "message"]) window.addEventListener(`dialoge:${e}`, (ev) => window.__events.push([e, ev.detail]));
  });
  const w = await openWidget(page);
  await nextAnswer(w, 0);
  await ask(w, "single");
  const events = await page.evaluate(() => window.__events.map(([e, d]) => [e, Array.isArray(d) || typeof d === "object"]));
  assert.ok(events.some(([e]) => e === "open"));
  assert.ok(events.some(([e]) => e === "message"), "answers reach the host page");
  const user = await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(":od_user"))[1]);

  await page.reload();
  const again = await openWidget(page);
  await again.messages.getByText("Just this one message.").waitFor({ timeout: 20000 });
  assert.equal(await page.evaluate(() => Object.entries(localStorage).find(([k]) => k.endsWith(":od_user"))[1]), user);
  const history = calls.find((c) => c.path === "/chat-api/history");
  assert.ok(history, "history was asked for");

  const download = page.waitForEvent("download");
  await page.getByTestId("menu-button").click();
  await page.getByTestId("menu-export").click();
  const file = await download;
  assert.match(file.suggestedFilename(), /^Chat Transcript .*\.txt$/);
  const text = await (await file.createReadStream()).toArray();
  assert.match(Buffer.concat(text).toString("utf8"), /Bot: Just this one message\./);
  noProblems(problems);
});

test("a followed link is reported as url_click; the menu is what the configuration switches on", async () => {
  const { page, context, problems } = browser;
  const w = await openWidget(page);
  await nextAnswer(w, 0);
  const links = await ask(w, "links");
  const popup = context.waitForEvent("page");
  await links.locator("a", { hasText: "Privacy policy" }).click();
  await (await popup).close();
  await page.waitForFunction(() => true);
  for (let i = 0; i < 50 && !calls.some((c) => c.body && JSON.parse(c.body).content?.type === "url_click"); i++) {
    await page.waitForTimeout(100);
  }
  const click = calls.find((c) => c.body && JSON.parse(c.body).content?.type === "url_click");
  assert.ok(click, "the followed link was reported");
  assert.match(JSON.parse(click.body).content.data.url, /\/privacy$/);

  // Restart, transcript and end chat, as the scenario's configuration has them; nothing this
  // backend cannot do (rating the conversation, deleting data).
  await page.getByTestId("menu-button").click();
  for (const id of ["menu-new", "menu-export", "menu-end"]) {
    assert.equal(await page.getByTestId(id).count(), 1, `${id} is offered`);
  }
  for (const id of ["menu-rate", "menu-delete"]) {
    assert.equal(await page.getByTestId(id).count(), 0, `${id} is not offered`);
  }
  // End chat: the panel closes and the next open starts over with the restart trigger.
  await page.getByTestId("menu-end").click();
  await w.panel.waitFor({ state: "hidden" });
  await w.open();
  await nextAnswer(w, 0);
  const trigger = calls.filter((c) => c.method === "POST").map((c) => JSON.parse(c.body).content).at(-1);
  assert.equal(trigger.type, "trigger");
  assert.equal(trigger.callback_id, "WELCOME");
  noProblems(problems);
});
