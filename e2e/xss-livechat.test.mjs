// The XSS corpus in livechat: an agent whose display name and avatar URL are hostile writes
// hostile text and sends a file with a hostile name; the visitor's widget shows it all as text,
// runs nothing and links nothing dangerous. (The config and every part type are in xss.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, sandboxApi, handoverDelivery, Widget } from "./harness.mjs";
import { SAFE_URL, shape } from "./xss-corpus.mjs";

const KEY = "Basic " + Buffer.from("sk_test_shop_bot:").toString("base64");
const AGENT = "00000000-0000-4000-8000-0000000000b2";
let sandbox;
let browser;

const api = (method, path, options) => sandboxApi(sandbox.url, method, path, options);

before(async () => {
  sandbox = await startSandbox(["--no-auto-agent"]);
  browser = await startBrowser();
  await api("PUT", "/api/v1/chat/webhooks", {
    auth: KEY,
    body: { url: sandbox.url + "/sandbox/webhook-inbox", signing_secret: "whsec_e2e", events: [] },
  });
});

after(async () => {
  await browser?.close();
  sandbox?.stop();
});

const NAMES = [
  `<img src=x onerror="window.__xss='name'">`,
  `"><script>window.__xss='name2'</script>`,
];
// The sandbox refuses avatar URLs that are not http(s) or a path (a 422); these pass it and
// carry markup in the URL itself.
const AVATARS = [`/shop/img/bot.svg?"><img src=x onerror="window.__xss='avatar'">`, null];

for (let i = 0; i < NAMES.length; i++) {
  test(`a hostile agent (${i + 1}): name, avatar, text and file name stay text`, async () => {
    const { page } = browser;
    await api("PUT", "/api/v1/chat/livechat/agents/" + AGENT, {
      auth: KEY,
      body: { display_name: NAMES[i], avatar_url: AVATARS[i] },
    });
    await page.goto(sandbox.url + "/");
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    const w = new Widget(page);
    await w.open();
    await w.ask("What is your return policy?");
    await w.answer(0);
    const since = (await api("GET", "/sandbox/webhook-inbox")).deliveries.length;
    await page.getByTestId("human-button").click();
    const token = (await handoverDelivery(sandbox.url, since)).body.data.livechat_session.token;
    const asAgent = { auth: `Bearer ${token}` };
    await api("POST", "/api/v1/chat/livechat/agent/typing", { ...asAgent, body: { agent_id: AGENT, is_typing: true } });
    await page.locator("[data-testid=livechat][data-status=active]").waitFor({ timeout: 15000 });
    const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
    await api("POST", "/api/v1/chat/livechat/agent/messages", {
      ...asAgent,
      body: { agent_id: AGENT, message: { parts: [
        { type: "text", text: NAMES[(i + 1) % NAMES.length] + " <a href=\"javascript:window.__xss='t'\">x</a>" },
        { type: "file", data: png, mime: "application/pdf", filename: `"><img src=x onerror="window.__xss='file'">.pdf` },
      ] } },
    });
    await page.locator("[data-testid=message][data-role=agent]").last().waitFor({ timeout: 15000 });
    await page.locator("[data-testid=message][data-role=agent] [data-part-type=file]").last().waitFor({ timeout: 15000 });
    assert.equal(await page.getByTestId("livechat-agent").innerText(), NAMES[i]);
    const shown = await page.evaluate(shape);
    const found = [
      ...shown.tags.filter((t) => ["script", "iframe", "object", "embed", "style"].includes(t)).map((t) => `<${t}>`),
      ...shown.attrs.filter((a) => a.startsWith("on")),
      ...shown.urls.filter((u) => !SAFE_URL.test(u.slice(u.indexOf("=") + 1).trim())),
    ];
    assert.deepEqual(found, []);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__xss), undefined, "a payload ran");
    await api("POST", "/api/v1/chat/livechat/agent/close", { ...asAgent, body: { agent_id: AGENT } });
    await page.locator("[data-testid=livechat][data-status=closed]").waitFor({ timeout: 15000 });
    assertNoProblems(browser, /Failed to load resource/);
  });
}
