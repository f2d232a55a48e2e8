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

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(ROOT, ".tools", "package.json"));
const { chromium } = require("playwright-core");

/** Starts the sandbox; resolves to { url, stop } once it prints its address. */
export async function startSandbox(extraArgs = []) {
  const bin = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "dialoge-sandbox");
  const child = spawn(
    bin,
    ["--port", "0", "--widget-dir", join(ROOT, "dist"), "--pace-ms", "2", ...extraArgs],
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
  return {
    url,
    stop: () => child.kill("SIGTERM"),
    log: () => log,
  };
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

/** The requests the sandbox itself saw (its own record), oldest first: [{at_ms, method, path}]. */
export async function sandboxRequests(sandboxUrl) {
  const res = await fetch(sandboxUrl + "/sandbox/requests");
  if (!res.ok) throw new Error(`request record: ${res.status}`);
  return (await res.json()).requests;
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

/** A fresh headless Chromium profile; resolves to { context, page, close, problems }. */
export async function startBrowser() {
  const profile = mkdtempSync(join(tmpdir(), "dialoge-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  // Anything the browser complains about (CSP violations, uncaught errors) fails the tests.
  const problems = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    const text = m.text();
    if (m.type() === "error" || /Content Security Policy/i.test(text)) problems.push(`console: ${text}`);
  });
  return {
    context,
    page,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
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
