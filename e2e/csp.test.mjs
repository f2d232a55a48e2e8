// CSP end to end. The harness records every `securitypolicyviolation` of every document (see
// startBrowser); here negative controls prove it catches what it must — on the strict-CSP demo
// page, inside the widget's shadow root, in a frame, and a Trusted Types sink — so a clean run
// of the other files means something. Then the widget on /trusted-types, the demo page with
// Trusted Types enforced and no policy allowed: it boots, streams rich content and renders a
// form marker with no violation and no console error.
import { test, before, after, afterEach } from "node:test";
import assert from "node:assert/strict";
import { startSandbox, startBrowser, assertNoProblems, Widget } from "./harness.mjs";

// crates/sandbox/src/routes/mod.rs: CSP, and TRUSTED_TYPES on top of it.
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: https:; connect-src 'self'";
const TRUSTED_TYPES_CSP = `${CSP}; require-trusted-types-for 'script'; trusted-types 'none'`;

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

afterEach(() => assertNoProblems(browser));

/** Polls until `n` violations are recorded (they reach node asynchronously). */
async function violationsAtLeast(n, timeout = 5000) {
  const end = Date.now() + timeout;
  while (browser.violations.length < n && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  assert.ok(browser.violations.length >= n, `expected ${n} violations, got ${JSON.stringify(browser.violations)}`);
}

/** Drops the console lines the browser logs for violations a test caused on purpose. */
function dropExpectedConsole(pattern) {
  const expected = browser.problems.filter((p) => p.startsWith("console: ") && pattern.test(p));
  assert.ok(expected.length > 0, `the browser logged the refusal (${pattern})`);
  for (const p of expected) browser.problems.splice(browser.problems.indexOf(p), 1);
}

test("the demo page has the strict CSP, and /trusted-types adds Trusted Types with no policy allowed", async () => {
  const home = await fetch(sandbox.url + "/");
  assert.equal(home.headers.get("content-security-policy"), CSP);
  const tt = await fetch(sandbox.url + "/trusted-types");
  assert.equal(tt.status, 200);
  assert.equal(tt.headers.get("content-security-policy"), TRUSTED_TYPES_CSP);
  const html = await tt.text();
  assert.ok(html.includes('<script async src="/widget/dialoge.js" data-chatbot-id="shop-bot"'), "the same widget tag");
  assert.ok(html.includes('<script src="/shop/shop.js"></script>'), "the shop's own script too");
});

test("negative control: violations on the page, inside the widget's shadow root and in a frame are all reported", async () => {
  const { page } = browser;
  await page.goto(sandbox.url + "/");
  await new Widget(page).launcher.waitFor({ state: "visible", timeout: 20000 });
  assert.deepEqual(browser.violations, [], "the demo page itself is clean");

  // An inline script (script-src has no 'unsafe-inline'): refused, never run.
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true";
    document.body.append(s);
  });
  assert.equal(await page.evaluate(() => window.__inlineRan), undefined, "the inline script did not run");
  // A style attribute inside the widget's shadow root (style-src has no 'unsafe-inline').
  await page.evaluate(() =>
    document.querySelector("[data-dialoge]").shadowRoot
      .querySelector("[data-testid=launcher]").setAttribute("style", "outline: 3px solid red"));
  // A style attribute in a same-origin frame, which carries the same CSP.
  await page.evaluate(() => {
    const f = document.createElement("iframe");
    f.src = "/privacy";
    document.body.append(f);
    return new Promise((r) => (f.onload = r));
  });
  const frame = page.frames().find((f) => f.url().endsWith("/privacy"));
  await frame.evaluate(() => document.querySelector("main").setAttribute("style", "color: red"));

  await violationsAtLeast(3);
  const got = browser.takeViolations().map((v) => [new URL(v.url).pathname, v.violatedDirective, v.blockedURI]);
  assert.deepEqual(got, [
    ["/", "script-src-elem", "inline"],
    ["/", "style-src-attr", "inline"],
    ["/privacy", "style-src-attr", "inline"],
  ]);
  dropExpectedConsole(/Content Security Policy/);
  await page.goto("about:blank");
});

test("negative control: on /trusted-types a string written to innerHTML is refused and reported", async () => {
  const { page } = browser;
  // Only the page's own enforcement here, without the widget (the next test is about it).
  await page.route("**/widget/dialoge.js", (route) =>
    route.fulfill({ status: 200, contentType: "text/javascript", body: "" }));
  try {
    await page.goto(sandbox.url + "/trusted-types");
    const outcome = await page.evaluate(() => {
      const el = document.createElement("div");
      try {
        el.innerHTML = "<b>tt-probe</b>";
        return "assigned";
      } catch (e) {
        return e.name;
      }
    });
    assert.equal(outcome, "TypeError", "the assignment throws");
    // No policy may be created either, not even a default one.
    const policy = await page.evaluate(() => {
      try {
        trustedTypes.createPolicy("default", { createHTML: (s) => s });
        return "created";
      } catch (e) {
        return e.name;
      }
    });
    assert.equal(policy, "TypeError", "trusted-types 'none' refuses every policy");
    await violationsAtLeast(2);
    const got = browser.takeViolations().map((v) => [v.violatedDirective, v.sample]);
    assert.deepEqual(got, [
      ["require-trusted-types-for", "Element innerHTML|<b>tt-probe</b>"],
      ["trusted-types", "default"],
    ]);
    dropExpectedConsole(/TrustedHTML|TrustedTypePolicy/);
  } finally {
    await page.unrouteAll();
    await page.goto("about:blank");
  }
});

// Under Trusted Types nothing may be assigned as HTML: the widget builds every node itself
// (src/view/dom.rs), so it boots and renders there like anywhere else.
test("under Trusted Types the widget boots, streams rich content and renders a form marker", async () => {
  // Its own browser: should the widget fail here, its violations end with this test.
  const b = await startBrowser();
  try {
    const { page } = b;
    await page.goto(sandbox.url + "/trusted-types");
    const w = new Widget(page);
    // The launcher, or the first violation at once rather than after the timeout.
    let poll;
    const launcher = w.launcher.waitFor({ state: "visible", timeout: 20000 });
    launcher.catch(() => {}); // the race reports it; nothing left unhandled once a violation won
    await Promise.race([
      launcher,
      new Promise((resolve) => (poll = setInterval(() => b.violations.length > 0 && resolve(), 50))),
    ]).finally(() => clearInterval(poll));
    assert.deepEqual(b.violations, [], "nothing refused while the widget starts");
    await w.open();

    await w.ask("What is your return policy?");
    const answer = await w.answer(0);
    const rich = answer.locator("[data-testid=part][data-part-type=rich_text]").first();
    await rich.waitFor();
    assert.ok((await rich.locator("strong").first().innerText()).length > 0, "a bold span");
    assert.match(await rich.locator("a[href]").first().getAttribute("href"), /^https?:\/\//);
    assert.ok(await rich.locator("li").count() > 0, "a bullet list");

    await w.ask("I want to contact you");
    const form = (await w.answer(1)).locator("[data-testid=part][data-part-type=show_contact_form]");
    await form.getByTestId("form").waitFor();
    assert.ok(await form.getByRole("button", { name: "Send" }).isVisible(), "the form's send button");

    // Hostile text stays text: nothing it carries becomes a script or a handler.
    await w.ask("xss");
    await w.answer(2);
    const injected = await page.evaluate(() => {
      const root = document.querySelector("[data-dialoge]").shadowRoot;
      return root.querySelectorAll("script, [onerror], [onclick], iframe").length;
    });
    assert.equal(injected, 0);

    assertNoProblems(b);
  } finally {
    await b.close(); // fails on any violation still recorded
  }
});
