// End-to-end harness: starts the sandbox (built by scripts/test.sh) on a free port with the
// built widget, and a headless Chromium driven by playwright-core. Tests use only the public
// DOM hooks of EMBED.md (data-testid inside the widget's open shadow root; Playwright's CSS
// engine pierces open shadow roots).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import assert from "node:assert/strict";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, ".tools", "package.json"));
const { chromium } = require("playwright-core");

/**
 * Starts the sandbox; resolves to { url, stop } once it prints its address. It serves the
 * widget built in `dist/`, or in `DIALOGE_WIDGET_DIR` (a second build, so one build can be
 * tested while another is made).
 */
export async function startSandbox(extraArgs = []) {
  const bin = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "dialoge-sandbox");
  const child = spawn(
    bin,
    ["--port", "0", "--widget-dir", process.env.DIALOGE_WIDGET_DIR ?? join(ROOT, "dist"), "--pace-ms", "2", ...extraArgs],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let log = "";
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sandbox did not start:\n${log}`)), 20000);
    const onData = (d) => {
      log += d;
      const m = log.match(/http:\/\/(?:127\.0\.0\.1|localhost):\d+/);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`sandbox exited (${code}):\n${log}`)));
  });
  // The sandbox never keeps the test file alive, and dies with it: an `after` hook that throws
  // before its `stop()` (a browser closing with CSP violations) must not leave the file hanging.
  child.unref();
  child.stdout.unref();
  child.stderr.unref();
  process.once("exit", () => child.kill("SIGTERM"));
  return {
    url,
    stop: () => child.kill("SIGTERM"),
    log: () => log,
  };
}

/** Calls the sandbox (API, agent or dev routes) as a server would; resolves to the JSON body. */
export async function sandboxApi(sandboxUrl, method, path, { auth, body } = {}) {
  const res = await fetch(sandboxUrl + path, {
    method,
    headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

/** The shop's API key (the sandbox's test key), for the setup endpoints. */
export const API_KEY = "Basic " + Buffer.from("sk_test_shop_bot:").toString("base64");
/** The agent the livechat tests act as. */
export const AGENT_ID = "00000000-0000-4000-8000-0000000000a1";

/**
 * Sets up a person to hand over to: the agent's profile (name, avatar) and the sandbox's
 * webhooks pointed at its own inbox, so a handover's webhook carries the agent's session token
 * (`handoverDelivery`).
 */
export async function setUpAgent(sandboxUrl, { agentId = AGENT_ID, displayName = "Alice", avatarUrl = null } = {}) {
  await sandboxApi(sandboxUrl, "PUT", "/api/v1/chat/livechat/agents/" + agentId, {
    auth: API_KEY,
    body: { display_name: displayName, avatar_url: avatarUrl },
  });
  await sandboxApi(sandboxUrl, "PUT", "/api/v1/chat/webhooks", {
    auth: API_KEY,
    body: { url: sandboxUrl + "/sandbox/webhook-inbox", signing_secret: "whsec_e2e", events: [] },
  });
}

/**
 * Waits for a handover webhook in the sandbox's inbox after its first `since` deliveries;
 * resolves to that delivery (its `body.data.livechat_session.token` is the agent's).
 */
export async function handoverDelivery(sandboxUrl, since) {
  for (let i = 0; i < 100; i++) {
    const { deliveries } = await sandboxApi(sandboxUrl, "GET", "/sandbox/webhook-inbox");
    const hit = deliveries
      .slice(since)
      .find((d) => d.event === "livechat.handover.requested" && d.body?.data?.livechat_session?.token);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("no handover webhook arrived");
}

/** Arms a sandbox fault switch (see crates/sandbox/README.md). */
export async function armFault(sandboxUrl, fault) {
  const res = await fetch(sandboxUrl + "/sandbox/faults", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (!res.ok) throw new Error(`arming ${JSON.stringify(fault)} failed: ${res.status} ${await res.text()}`);
}

/** The requests the sandbox itself saw (its own record), oldest first: [{at_ms, method, path,
 * fault?}] (`fault`: the status or delay fault applied to it, e.g. "status 429"). */
export async function sandboxRequests(sandboxUrl) {
  const res = await fetch(sandboxUrl + "/sandbox/requests");
  if (!res.ok) throw new Error(`request record: ${res.status}`);
  return (await res.json()).requests;
}

/** Forgets the sandbox's request record (what comes after is the test's own). */
export async function clearRequests(sandboxUrl) {
  const res = await fetch(sandboxUrl + "/sandbox/requests", { method: "DELETE" });
  if (!res.ok) throw new Error(`clearing the request record: ${res.status}`);
}

/** Clears every armed fault. */
export async function clearFaults(sandboxUrl) {
  await fetch(sandboxUrl + "/sandbox/faults", { method: "DELETE" });
}

/** The server's history for the visitor whose token the page holds, oldest first. */
export async function serverHistory(page, sandboxUrl) {
  const token = await page.evaluate(() => localStorage.getItem("dialoge:shop-bot:token"));
  if (!token) throw new Error("the page holds no visitor token");
  const res = await fetch(sandboxUrl + "/api/v1/chat/messages?limit=100", {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!res.ok) throw new Error(`history: ${res.status} ${await res.text()}`);
  return (await res.json()).messages.reverse();
}

/**
 * A fresh headless Chromium profile; resolves to { context, page, close, problems, violations,
 * takeViolations }.
 *
 * Every document of the context — each page and each frame, before any script of its own —
 * reports its `securitypolicyviolation` events: each lands in `violations` as {url,
 * violatedDirective, blockedURI, sourceFile, lineNumber, sample, problem} and, worded as
 * `problem`, in `problems`, beside the console errors and uncaught errors of every page. Tests
 * assert `problems` is empty (or call `assertNoProblems`); `close()` fails if any violation is
 * still recorded, so a test that forgets to check still fails its file. A test that causes
 * violations on purpose takes them out with `takeViolations()`.
 */
export async function startBrowser(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), "dialoge-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    // Viewport, touch and the like, for the phone tests.
    ...options,
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  // Anything the browser complains about (CSP violations, uncaught errors) fails the tests.
  const problems = [];
  const violations = [];
  await context.exposeBinding("__dialogeCspViolation", (_source, v) => {
    v.problem =
      `csp: ${v.violatedDirective} blocked ${v.blockedURI || "(inline)"} at ${v.sourceFile || "?"}:${v.lineNumber}` +
      ` on ${v.url}${v.sample ? ` (${v.sample})` : ""}`;
    violations.push(v);
    problems.push(v.problem);
  });
  await context.addInitScript(() => {
    // Capturing on the document: a violation inside a shadow root is composed and reaches it.
    document.addEventListener(
      "securitypolicyviolation",
      (e) => {
        const v = {
          url: location.href,
          violatedDirective: e.violatedDirective,
          blockedURI: e.blockedURI,
          sourceFile: e.sourceFile,
          lineNumber: e.lineNumber,
          sample: e.sample,
        };
        (window.__dialogeCspViolations ??= []).push(v); // the document's own record, for debugging
        window.__dialogeCspViolation(v);
      },
      true,
    );
  });
  const watch = (p) => {
    p.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    p.on("console", (m) => {
      const text = m.text();
      if (m.type() === "error" || /Content Security Policy/i.test(text)) problems.push(`console: ${text}`);
    });
  };
  context.pages().forEach(watch);
  context.on("page", watch);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    problems,
    violations,
    /**
     * Takes the recorded violations `match` picks (all by default) out of `violations` and
     * `problems`, for a test that caused them on purpose, and returns them.
     */
    takeViolations(match = () => true) {
      const taken = violations.filter(match);
      for (const v of taken) {
        violations.splice(violations.indexOf(v), 1);
        const i = problems.indexOf(v.problem);
        if (i >= 0) problems.splice(i, 1);
      }
      return taken;
    },
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
      assert.deepEqual(violations, [], "no securitypolicyviolation on any page of this browser");
    },
  };
}

/**
 * Asserts the browser recorded no problem since the last check — console error, uncaught error
 * or CSP violation — and starts the list afresh. `ignore` drops expected lines (the browser
 * logs a 4xx the widget handles as "Failed to load resource"); CSP violations are never ignored.
 */
export function assertNoProblems(browser, ignore = null) {
  const real = browser.problems.filter((p) => p.startsWith("csp: ") || !ignore?.test(p));
  browser.problems.length = 0;
  assert.deepEqual(real, [], "no console errors, uncaught errors or CSP violations");
}

/** Waits until the app has replaced the launcher the loader drew (its root is in the shadow
 * root): the loader fetches the app when the page is idle after `load`, or on intent. */
export async function appMounted(page) {
  await page.waitForFunction(() => document.querySelector("[data-dialoge]")?.shadowRoot?.querySelector(".dlg-root"), null, { timeout: 30000 });
}

/** A new visitor (nothing stored) on the sandbox's demo shop page, panel open. */
export async function newVisitor(page, sandboxUrl) {
  await page.goto(sandboxUrl + "/");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  const w = new Widget(page);
  await w.launcher.waitFor({ state: "visible", timeout: 20000 });
  await w.open();
  return w;
}

/** Page object for the widget on a page. */
export class Widget {
  constructor(page) {
    this.page = page;
    this.launcher = page.getByTestId("launcher");
    this.panel = page.getByTestId("panel");
    this.input = page.getByTestId("composer-input");
    this.send = page.getByTestId("send-button");
    this.messages = page.getByTestId("messages");
    this.status = page.getByTestId("status");
  }

  async open() {
    await this.launcher.click();
    await this.panel.waitFor({ state: "visible" });
  }

  async ask(text) {
    await this.input.fill(text);
    await this.send.click();
  }

  /** Every message element with the given role. */
  byRole(role) {
    return this.messages.locator(`[data-testid=message][data-role=${role}]`);
  }

  /** The n-th (0-based) assistant message once it is done. */
  async answer(n = 0) {
    const msg = this.messages.locator('[data-testid=message][data-role=assistant]').nth(n);
    await msg.and(this.page.locator('[data-state=done]')).waitFor({ timeout: 20000 });
    return msg;
  }
}
