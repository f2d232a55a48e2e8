// Markers end to end on the demo shop page: each form (fill, bad input refused at the field, a
// server 422 shown at the field, sent and stored), the image upload prompt (chooser, wrong type
// and oversized files refused before anything is sent), handover, the custom marker's host
// event, and the rating (stored, read back from GET /export).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, newVisitor, Widget } from "./harness.mjs";

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

const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);
const TOKEN_KEY = "dialoge:shop-bot:token";

/** A new visitor on the demo shop page, panel open. */
const fresh = (page) => newVisitor(page, sandbox.url);

/** Requests whose URL contains `part`, from now on. */
function record(page, part) {
  const list = [];
  const on = (r) => {
    if (r.url().includes(part)) list.push(r);
  };
  page.on("request", on);
  return { list, stop: () => page.off("request", on) };
}

async function waitUntil(fn, what, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The message a field shows through aria-invalid + aria-describedby, or null. */
function errorOf(control) {
  return control.evaluate((el) => {
    if (el.getAttribute("aria-invalid") !== "true") return null;
    const root = el.getRootNode();
    return (el.getAttribute("aria-describedby") || "")
      .split(" ")
      .map((id) => root.getElementById(id))
      .filter((e) => e && e.classList.contains("dlg-field-error"))
      .map((e) => e.textContent)
      .join(" ");
  });
}

async function fieldError(control, what) {
  return waitUntil(() => errorOf(control), `a message at ${what}`);
}

/** The visitor's data as the sandbox stores it. */
async function exported(page) {
  const token = await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
  const res = await fetch(sandbox.url + "/api/v1/chat/export", {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function history(page) {
  const token = await page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
  const res = await fetch(sandbox.url + "/api/v1/chat/messages", {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()).messages;
}

function markerIn(messages, partId) {
  return messages.flatMap((m) => m.parts).find((p) => p.part_id === partId);
}

async function markerPart(w, text, type) {
  await w.ask(text);
  const answer = await w.answer(0);
  const part = answer.locator(`[data-testid=part][data-part-type=${type}]`);
  await part.waitFor();
  return part;
}

function noProblems(problems) {
  // A 4xx the widget handles is logged by the browser itself; that is not a problem.
  const real = problems.filter((p) => !/Failed to load resource/.test(p));
  assert.deepEqual(real, [], "no console errors or CSP violations");
  problems.length = 0;
}

test("the contact form refuses bad input at the field, shows a server 422 there, and is stored as sent", async () => {
  const { page, problems } = browser;
  const w = await fresh(page);
  const part = await markerPart(w, "I want to contact you", "show_contact_form");
  const form = part.getByTestId("form");
  const actions = record(page, "/api/v1/chat/actions");
  const send = form.getByRole("button", { name: "Send" });

  // Nothing filled: required fields say so; e-mail typos are caught; nothing is sent.
  await form.getByLabel("Email address").fill("jane@");
  await send.click();
  assert.equal(await fieldError(form.getByLabel("Your name"), "name"), "This field is required.");
  assert.match(await errorOf(form.getByLabel("Email address")), /valid e-mail address/);
  assert.equal(await errorOf(form.getByLabel("Topic")), "This field is required.");
  assert.equal(
    await form.getByLabel("Your name").evaluate((el) => el.getRootNode().activeElement === el),
    true,
    "focus moves to the first problem",
  );

  await form.getByLabel("Your name").fill("Jane");
  await form.getByLabel("Email address").fill("jane@example.com");
  assert.equal(await errorOf(form.getByLabel("Email address")), null, "fixing clears the message");
  assert.equal(await form.getByLabel("Order number").count(), 0, "hidden until topic is Order");
  await form.getByLabel("Topic").selectOption("Order");
  await form.getByLabel("Order number").waitFor();
  await form.getByLabel("Phone").fill("call me");
  await send.click();
  assert.equal(await fieldError(form.getByLabel("Order number"), "order number"), "This field is required.");
  assert.match(await errorOf(form.getByLabel("Phone")), /phone number/);
  assert.equal(actions.list.length, 0, "refused input never leaves the browser");

  // The contract's limit (5,000 characters) is the same rule on both sides: caught here.
  await form.getByLabel("Order number").fill("NL-12345");
  await form.getByLabel("Phone").fill("+45 12 34 56 78");
  await form.getByLabel("Message").fill("x".repeat(5001));
  await send.click();
  assert.match(await fieldError(form.getByLabel("Message"), "message"), /5000 characters/);
  assert.equal(actions.list.length, 0);

  // A 422 for the server's own reasons comes back onto the field it names.
  await page.route("**/api/v1/chat/actions", (route) => route.fulfill({
    status: 422,
    contentType: "application/json",
    body: JSON.stringify({ error: { code: "validation", message: "Invalid", params: [
      { field: "action.fields.message", message: "The server refuses this message" },
    ] } }),
  }), { times: 1 });
  await form.getByLabel("Message").fill("Where is my parcel?");
  await send.click();
  assert.match(await fieldError(form.getByLabel("Message"), "message"), /server refuses/);
  assert.equal(actions.list.length, 1);
  assert.equal(await form.getAttribute("data-state"), "editing");

  await send.click();
  await form.and(page.locator("[data-state=sent]")).waitFor();
  assert.match(await form.innerText(), /Thanks, Jane! We will reply to jane@example.com/);
  const body = actions.list[1].postDataJSON();
  assert.deepEqual(body.action, {
    type: "contact_form",
    fields: {
      name: "Jane",
      email: "jane@example.com",
      topic: "Order",
      order_no: "NL-12345",
      phone: "+45 12 34 56 78",
      message: "Where is my parcel?",
    },
  });
  actions.stop();

  // Stored, and marked in history so it renders as sent after a reload.
  const partId = await part.getAttribute("data-part-id");
  const data = await exported(page);
  assert.equal(data.submissions.length, 1);
  assert.equal(data.submissions[0].part_id, partId);
  assert.equal(markerIn(await history(page), partId).submitted, true);

  // And after a real reload, from history, the form is still sent (no fields to fill again).
  await page.reload();
  const again = new Widget(page);
  await again.open();
  const reloaded = again.messages.locator(`[data-testid=part][data-part-id="${partId}"] [data-testid=form]`);
  await reloaded.and(page.locator("[data-state=sent]")).waitFor({ timeout: 10000 });
  noProblems(problems);
});

test("the header menu offers a rating, and it is stored", async () => {
  const { page, problems } = browser;
  const w = await fresh(page);
  await w.ask("hello there");
  await w.answer(0);
  await page.getByTestId("menu-button").click();
  await page.getByTestId("menu-rate").click();
  const form = page.locator(".dlg-menu-list [data-testid=rating]");
  await form.locator("label", { hasText: "5 stars" }).click();
  await form.getByTestId("rating-submit").click();
  await page.locator(".dlg-menu-list").waitFor({ state: "detached", timeout: 5000 });
  const data = await exported(page);
  assert.equal(data.ratings.length, 1);
  assert.equal(data.ratings[0].rating, 5);
  noProblems(problems);
});

test("the support ticket checks attachments before sending and puts a server 422 on the extra field", async () => {
  const { page, problems } = browser;
  const w = await fresh(page);
  const part = await markerPart(w, "My order arrived broken", "show_support_ticket");
  const form = part.getByTestId("form");
  const actions = record(page, "/api/v1/chat/actions");
  const files = form.getByLabel("Attachments (optional)");

  await files.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(2 * 1024 * 1024 + 1) });
  assert.match(await fieldError(files, "attachments"), /too large\. The limit is 2\.0 MB/);
  assert.equal(await files.evaluate((el) => el.files.length), 0, "a refused file is not kept");

  await form.getByLabel("Your name").fill("Jane");
  await form.getByLabel("Email address").fill("nope");
  await form.getByLabel("What happened?").fill("The hoodie has a hole.");
  await form.getByRole("button", { name: "Send" }).click();
  assert.match(await fieldError(form.getByLabel("Email address"), "email"), /valid e-mail/);
  assert.equal(actions.list.length, 0);

  await form.getByLabel("Email address").fill("jane@example.com");
  await form.getByLabel("Order number").fill("9".repeat(5001));
  await files.setInputFiles([{ name: "hole.png", mimeType: "image/png", buffer: PNG }]);
  assert.equal(await errorOf(files), null);
  await form.getByRole("button", { name: "Send" }).click();
  assert.match(await fieldError(form.getByLabel("Order number"), "order number"), /5000 characters/);

  await form.getByLabel("Order number").fill("NL-12345");
  await form.getByRole("button", { name: "Send" }).click();
  await form.and(page.locator("[data-state=sent]")).waitFor();
  assert.match(await form.innerText(), /Your ticket is open/);
  const body = actions.list.at(-1).postDataJSON();
  assert.equal(body.action.type, "support_ticket");
  assert.equal(body.action.order_no, "NL-12345");
  assert.equal(body.action.attachments.length, 1);
  assert.equal(body.action.attachments[0].filename, "hole.png");
  assert.equal(body.action.attachments[0].mime_type, "image/png");
  assert.equal(body.action.attachments[0].data_base64, PNG.toString("base64"), "base64 without a data: prefix");
  actions.stop();
  const data = await exported(page);
  assert.deepEqual(data.submissions[0].attachment_names, ["hole.png"]);
  noProblems(problems);
});

test("the configured form needs its required fields, takes a file, and confirms with its text", async () => {
  const { page, problems } = browser;
  const w = await fresh(page);
  const part = await markerPart(w, "I need size advice", "show_form");
  const form = part.getByTestId("form");
  const actions = record(page, "/api/v1/chat/actions");
  const send = form.getByRole("button", { name: "Send" });

  await send.click();
  assert.equal(await fieldError(form.getByLabel("Height (cm)"), "height"), "This field is required.");
  assert.equal(await errorOf(form.getByLabel("Preferred fit")), "This field is required.");
  await form.getByLabel("Height (cm)").fill("180");
  await form.getByLabel("Preferred fit").selectOption("Regular");
  await form.getByLabel("Email for the advice").fill("jane@example");
  await send.click();
  assert.match(await fieldError(form.getByLabel("Email for the advice"), "email"), /valid e-mail/);
  assert.equal(actions.list.length, 0);

  await form.getByLabel("Email for the advice").fill("jane@example.com");
  await form.getByLabel("Anything else?").fill("y".repeat(5001));
  await form.getByLabel("A photo of a tee that fits you").setInputFiles({ name: "tee.png", mimeType: "image/png", buffer: PNG });
  await send.click();
  assert.match(await fieldError(form.getByLabel("Anything else?"), "notes"), /5000 characters/);

  await form.getByLabel("Anything else?").fill("");
  await send.click();
  await form.and(page.locator("[data-state=sent]")).waitFor();
  assert.match(await form.innerText(), /We'll send size advice within a day/);
  const body = actions.list.at(-1).postDataJSON();
  assert.deepEqual(body.action.values, { height_cm: "180", fit: "Regular", email: "jane@example.com" });
  assert.equal(body.action.form_id, "f_size");
  assert.equal(body.action.files.photo.filename, "tee.png");
  actions.stop();
  noProblems(problems);
});

test("an image upload request refuses wrong types and oversized files before sending, then sends the image", async () => {
  const { page, problems } = browser;
  const w = await fresh(page);
  const part = await markerPart(w, "Can I upload a photo of the damage?", "request_image_upload");
  const prompt = part.getByTestId("upload-prompt");
  assert.match(await prompt.innerText(), /PNG, JPEG, WEBP, up to 5\.0 MB/);
  const chooser = prompt.getByLabel("Choose an image");
  const sent = record(page, "/api/v1/chat/messages");

  await chooser.setInputFiles({ name: "scan.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4") });
  assert.match(await fieldError(chooser, "the chooser"), /not accepted\. Choose PNG, JPEG, WEBP/);
  await chooser.setInputFiles({ name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(5 * 1024 * 1024 + 1) });
  assert.match(await waitUntil(async () => {
    const e = await errorOf(chooser);
    return e && /too large/.test(e) ? e : null;
  }, "the size message"), /The limit is 5\.0 MB/);
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(sent.list.length, 0, "nothing was sent for a refused file");

  const [fc] = await Promise.all([page.waitForEvent("filechooser"), chooser.click()]);
  await fc.setFiles({ name: "damage.png", mimeType: "image/png", buffer: PNG });
  await waitUntil(() => sent.list.length === 1, "the upload request");
  const body = sent.list[0].postDataJSON();
  assert.deepEqual(body.message.parts, [
    { type: "image", data: PNG.toString("base64"), mime: "image/png", filename: "damage.png" },
  ]);
  assert.match(await prompt.innerText(), /Sent: damage\.png/);
  const mine = w.messages.locator("[data-testid=message][data-role=user]").last();
  assert.match(await mine.locator("img").getAttribute("src"), /^data:image\/png;base64,/);
  const thanks = await w.answer(1);
  assert.match(await thanks.innerText(), /damage\.png/);
  sent.stop();
  const partId = await part.getAttribute("data-part-id");
  assert.equal(markerIn(await history(page), partId).submitted, true);
  noProblems(problems);
});

/** Serves the sandbox's config with this livechat block. */
async function livechatConfig(page, livechat) {
  await page.route("**/api/v1/chat/config", async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    json.livechat = {
      configured: true, show_livechat_logo: false, attachments_enabled: false, ...livechat,
    };
    await route.fulfill({ response, json });
  });
}

test("a human agent request is honest when livechat is off and hands over when it is live", async () => {
  const { page, problems } = browser;

  await livechatConfig(page, { enabled: false, availability_status: "offline" });
  let w = await fresh(page);
  let part = await markerPart(w, "Can I talk to a human?", "request_human_agent");
  assert.match(await part.innerText(), /no live support/);
  assert.equal(await part.getByTestId("handover-button").isVisible(), false);
  await page.unrouteAll();

  await livechatConfig(page, { enabled: true, availability_status: "offline" });
  w = await fresh(page);
  part = await markerPart(w, "Can I talk to a human?", "request_human_agent");
  assert.match(await part.innerText(), /offline right now/);
  assert.equal(await part.getByTestId("handover-button").isVisible(), false);
  await page.unrouteAll();

  // Live (the sandbox's own default): the real handover endpoint answers.
  await livechatConfig(page, { enabled: true, availability_status: "live" });
  let handover = null;
  const onRequest = (r) => {
    if (r.url().endsWith("/api/v1/chat/livechat/handover")) handover = r.postDataJSON();
  };
  page.on("request", onRequest);
  w = await fresh(page);
  await page.evaluate(() => {
    window.__livechat = [];
    window.Dialoge("on", "livechat", (d) => window.__livechat.push(d));
  });
  part = await markerPart(w, "Can I talk to a human?", "request_human_agent");
  const button = part.getByTestId("handover-button");
  assert.equal(await button.innerText(), "Talk to a person");
  await button.click();
  await part.getByText("You are in the queue").waitFor();
  assert.equal(handover.platform, "website");
  assert.equal(handover.source, "assistant_marker");
  assert.equal(handover.part_id, await part.getAttribute("data-part-id"));
  assert.equal(handover.client_context.current_page_url, sandbox.url + "/");
  const events = await waitUntil(async () => {
    const e = await page.evaluate(() => window.__livechat);
    return e.length ? e : null;
  }, "the livechat event");
  assert.deepEqual(events[0], { status: "waiting", agent: null });
  page.off("request", onRequest);
  await page.unrouteAll();
  noProblems(problems);
});

test("a custom marker renders nothing and reaches the host page once", async () => {
  const { page, problems } = browser;
  const w = await fresh(page);
  await page.evaluate(() => {
    window.__markers = [];
    window.Dialoge("on", "marker", (d) => window.__markers.push(d));
  });
  await w.ask("Which size should I take?");
  const answer = await w.answer(0);
  const events = await waitUntil(async () => {
    const m = await page.evaluate(() => window.__markers);
    return m.length ? m : null;
  }, "the marker event");
  assert.equal(events.length, 1);
  assert.equal(events[0].key, "open_size_guide");
  assert.deepEqual(events[0].payload, { category: "tees", unit: "cm" });
  assert.match(events[0].partId, /^part_/);
  assert.equal(await answer.locator("[data-part-type=custom]").count(), 0, "nothing rendered");
  // The shop's own script (shop.js) opened its size guide in answer to it.
  assert.equal(await page.locator("[data-size-guide]").evaluate((d) => d.open), true);
  await page.locator("[data-size-guide]").evaluate((d) => d.close());

  // Another turn re-renders the list; the marker is not handed over again.
  await w.ask("thanks");
  await w.answer(1);
  assert.equal((await page.evaluate(() => window.__markers)).length, 1);
  noProblems(problems);
});

test("the rating is offered once the conversation goes quiet and is stored", async () => {
  const { page, problems } = browser;
  await page.goto(sandbox.url + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  // The quiet time is two minutes; a boot option shortens it for the test.
  await page.evaluate(() => window.Dialoge("boot", { ratingDelayMs: 300 }));
  const w = new Widget(page);
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  await w.open();
  const offer = page.getByTestId("rating-offer");
  await w.ask("hello there");
  await w.answer(0);
  await offer.waitFor({ state: "visible", timeout: 5000 });

  const rate = record(page, "/api/v1/chat/rate");
  await offer.getByTestId("rating-submit").click();
  await offer.getByText("Choose from 1 to 5 stars first.").waitFor();
  assert.equal(rate.list.length, 0);
  await offer.locator("label", { hasText: "4 stars" }).click();
  await offer.getByLabel("Anything you want to add?").fill("Quick and friendly");
  await offer.getByTestId("rating-submit").click();
  await offer.getByText("Thank you for your feedback!").waitFor();
  rate.stop();

  const data = await exported(page);
  assert.equal(data.ratings.length, 1);
  assert.equal(data.ratings[0].rating, 4);
  assert.equal(data.ratings[0].feedback, "Quick and friendly");

  // Once per conversation: a later quiet spell does not offer it again.
  await page.evaluate(() => window.Dialoge("boot", { ratingDelayMs: 300 }));
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  await w.open();
  await w.ask("one more question");
  await w.answer(0);
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(await page.getByTestId("rating-offer").isVisible(), false);
  noProblems(problems);
});
