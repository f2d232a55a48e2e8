// Bench: what the widget costs a real browser, side by side with a reference chat built the
// usual React way (bench/reference: React 19 + the AI SDK's useChat + react-markdown), both on
// the sandbox's demo shop page, against the same sandbox, in the same run. Every figure is taken
// over several runs and reported as median and spread (min–max); nothing here passes or fails on
// time (the machine is shared and noisy). Progress goes to stderr, the markdown table to stdout.
//
//   cargo build -p dialoge-sandbox
//   node bench/browser.mjs [--runs=5] [--deltas=10000] [--paced-deltas=10000] [--paced-runs=3] [--pace-ms=15]
//                          [--history=1000] [--only=page,open,stream,paced,memory] [--no-reference]
//
// See bench/README.md ("Browser cost") for what each figure means.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { startSandbox } from "../e2e/harness.mjs";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const REF = join(ROOT, "bench", "reference");
const { chromium } = createRequire(join(ROOT, ".tools", "package.json"))("playwright-core");

// ---------------------------------------------------------------------------------------------
// Flags

const flags = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = a.match(/^--([^=]+)(?:=(.*))?$/);
    if (!m) throw new Error(`unknown argument ${a} (flags look like --runs=5)`);
    return [m[1], m[2] ?? true];
  }),
);
const num = (name, dflt) => {
  const v = flags[name] === undefined ? dflt : Number(flags[name]);
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number`);
  return v;
};
const RUNS = num("runs", 5);
const DELTAS = num("deltas", 10000);
const PACED_DELTAS = num("paced-deltas", 10000);
const PACED_RUNS = num("paced-runs", Math.min(RUNS, 3));
const PACE_MS = num("pace-ms", 15);
const HISTORY = num("history", 1000);
const ONLY = new Set(String(flags.only ?? "page,open,stream,paced,memory").split(","));
const IMPLS = flags["no-reference"] ? ["widget"] : ["widget", "reference"];
const MARKS = [100, 1000, 10000, 100000].filter((m) => m <= Math.max(DELTAS, PACED_DELTAS));
const log = (...a) => console.error("[bench]", ...a);

// ---------------------------------------------------------------------------------------------
// Setup: a snapshot of the built widget (dist/ may be rebuilt under us) with the reference's
// bundle beside it, two sandboxes serving it (full speed and paced), one Chromium.

function buildReference() {
  if (existsSync(join(REF, "dist", "ref.js"))) return;
  if (!existsSync(join(REF, "node_modules", "react"))) {
    log("installing the reference's packages (npm ci --prefix bench/reference)");
    const r = spawnSync("npm", ["ci", "--prefix", REF, "--no-audit", "--no-fund"], { stdio: ["ignore", 2, 2] });
    if (r.status !== 0) throw new Error("npm ci for bench/reference failed");
  }
  log("building the reference (bench/reference/build.mjs)");
  const r = spawnSync(process.execPath, [join(REF, "build.mjs")], { stdio: ["ignore", 2, 2] });
  if (r.status !== 0) throw new Error("building bench/reference failed");
}

function snapshotWidget(into) {
  const src = process.env.DIALOGE_WIDGET_DIR ?? join(ROOT, "dist");
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(into, { recursive: true, force: true });
      cpSync(src, into, { recursive: true });
      for (const f of ["dialoge.js", "dialoge-widget.js", "dialoge-widget_bg.wasm", "dialoge.css"])
        if (!existsSync(join(into, f))) throw new Error(`${f} missing in ${src}`);
      return;
    } catch (e) {
      if (attempt >= 5) throw e;
      log(`copying ${src} failed (${e.message}); a rebuild under way? retrying`);
      spawnSync("sleep", ["3"]);
    }
  }
}

const work = mkdtempSync(join(tmpdir(), "dialoge-bench-"));
process.once("exit", () => rmSync(work, { recursive: true, force: true })); // however we end
const widgetDir = join(work, "widget");
buildReference();
snapshotWidget(widgetDir);
mkdirSync(join(widgetDir, "reference"));
cpSync(join(REF, "dist"), join(widgetDir, "reference"), { recursive: true });

let fast, paced, browser;
const children = [];
async function cleanup() {
  try {
    await browser?.close();
  } catch {}
  for (const s of children) s.stop();
  rmSync(work, { recursive: true, force: true });
}
for (const sig of ["SIGINT", "SIGTERM"])
  process.once(sig, () => {
    log(`${sig}: cleaning up`);
    cleanup().finally(() => process.exit(130));
  });

fast = await startSandbox(["--widget-dir", widgetDir, "--pace-ms", "0"]);
children.push(fast);
paced = await startSandbox(["--widget-dir", widgetDir, "--pace-ms", String(PACE_MS)]);
children.push(paced);
log(`sandboxes: ${fast.url} (full speed), ${paced.url} (${PACE_MS} ms per event)`);

// The reference's page is the demo shop page itself with the widget's tag swapped for the
// reference's (same attributes; its API base defaults to the page's origin, so one file serves
// both sandboxes). Under /widget/ it gets the same strict CSP as the shop page.
{
  const html = await (await fetch(fast.url + "/")).text();
  const tag = /<script async src="\/widget\/dialoge\.js"[^>]*><\/script>/;
  if (!tag.test(html)) throw new Error("the demo page's widget tag was not found");
  writeFileSync(
    join(widgetDir, "reference", "shop.html"),
    html.replace(tag, '<script async src="/widget/reference/ref.js" data-chatbot-id="shop-bot" data-token-url="/shop/chat-token"></script>'),
  );
}
const pageUrl = (sb, impl) => (impl === "widget" ? sb.url + "/" : sb.url + "/widget/reference/shop.html");
const TOKEN_KEY = { widget: "dialoge:shop-bot:token", reference: "reference:shop-bot:token" };

browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
  ],
});
const chromiumVersion = browser.version();

// ---------------------------------------------------------------------------------------------
// In-page instrumentation, installed before any page script.

function pageProbe(marks) {
  const B = (window.__bench = { longtasks: [], launcherAt: null, deltas: 0 });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) B.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch {}
  // The chat's element with this data-testid, inside the widget's (or the reference's) open
  // shadow root.
  const find = (id) => {
    for (const host of document.querySelectorAll("[data-dialoge],[data-reference]")) {
      const el = host.shadowRoot?.querySelector(`[data-testid="${id}"]`);
      if (el) return el;
    }
    return null;
  };
  const shown = (el) => {
    if (!el?.isConnected) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && el.checkVisibility({ opacityProperty: true, visibilityProperty: true });
  };
  B.find = find;
  B.shown = shown;
  B.usable = (el) => shown(el) && !el.disabled && !el.readOnly && el.getAttribute("aria-disabled") !== "true";
  B.chatRoot = () => document.querySelector("[data-dialoge],[data-reference]")?.shadowRoot ?? null;
  // The first frame in which the launcher is on screen.
  const t0 = performance.now();
  const watch = () => {
    if (shown(find("launcher"))) B.launcherAt = performance.now();
    else if (performance.now() - t0 < 30000) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  // Counts the `append_text` deltas of every POST /messages stream as its bytes arrive (before
  // the chat's own parser sees them) and drops a user-timing mark at each of `marks`, so the
  // trace can say how much main-thread time the first N deltas took.
  const pattern = Array.from("append_text", (c) => c.charCodeAt(0));
  const original = window.fetch;
  window.fetch = async function (input, init) {
    const res = await original.apply(this, arguments);
    const url = typeof input === "string" ? input : String(input?.url ?? input);
    const method = String(init?.method ?? input?.method ?? "GET").toUpperCase();
    if (method !== "POST" || !/\/api\/v1\/chat\/messages(\?|$)/.test(url) || !res.body) return res;
    let state = 0;
    let count = 0;
    let next = 0;
    const counter = new TransformStream({
      transform(chunk, out) {
        for (let i = 0; i < chunk.length; i++) {
          const b = chunk[i];
          if (b === pattern[state]) {
            if (++state === pattern.length) {
              state = 0;
              if (++count === marks[next]) {
                performance.mark("bench-delta-" + count);
                next++;
              }
            }
          } else state = b === pattern[0] ? 1 : 0;
        }
        B.deltas = count;
        out.enqueue(chunk);
      },
      flush() {
        performance.mark("bench-stream-end");
      },
    });
    return new Response(res.body.pipeThrough(counter), { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

async function newContext({ token, impl } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(pageProbe, MARKS);
  if (token)
    await context.addInitScript(([key, value]) => {
      if (!localStorage.getItem(key)) localStorage.setItem(key, value);
    }, [TOKEN_KEY[impl], token]);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { context, page, cdp, errors };
}

const withTimeout = (promise, ms, what) =>
  Promise.race([promise, new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: no result within ${ms / 1000} s`)), ms).unref())]);

async function metrics(cdp) {
  const { metrics } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

// ---------------------------------------------------------------------------------------------
// 1. Page cost and launcher: one cold load (fresh context: empty cache and storage), then a
// warm one (a second load in the same context: HTTP cache, storage, a returning visitor).

async function loadOnce(page, cdp, url) {
  const requests = new Map();
  let loadAt = null;
  const onSent = (e) => requests.set(e.requestId, { url: e.request.url, doc: e.type === "Document" });
  const onDone = (e) => {
    const r = requests.get(e.requestId);
    if (r) Object.assign(r, { bytes: e.encodedDataLength, at: e.timestamp });
  };
  const onServed = (e) => {
    const r = requests.get(e.requestId);
    if (r) r.fromCache = true;
  };
  const onLoad = (e) => (loadAt = e.timestamp);
  await cdp.send("Network.enable");
  await cdp.send("Page.enable");
  cdp.on("Network.requestWillBeSent", onSent);
  cdp.on("Network.loadingFinished", onDone);
  cdp.on("Network.requestServedFromCache", onServed);
  cdp.on("Page.loadEventFired", onLoad);
  try {
    await page.goto(url, { waitUntil: "load", timeout: 30000 });
    await page.waitForFunction(() => window.__bench.launcherAt !== null, null, { timeout: 30000, polling: 100 });
    await page.waitForTimeout(1500); // let late requests (config, branding) finish
    const inPage = await page.evaluate(() => {
      const nav = performance.getEntriesByType("navigation")[0];
      const loader = performance
        .getEntriesByType("resource")
        .find((e) => /\/widget\/dialoge\.js$|\/widget\/reference\/ref\.js$/.test(e.name));
      const before = window.__bench.longtasks.filter(([s]) => s < nav.loadEventStart);
      const all = window.__bench.longtasks;
      return {
        longTaskMsAll: all.reduce((a, [, d]) => a + d, 0),
        load: nav.loadEventStart,
        loaderEnd: loader?.responseEnd ?? null,
        launcherAt: window.__bench.launcherAt,
        longTaskMs: before.reduce((a, [, d]) => a + d, 0),
        longTasks: before.length,
      };
    });
    const mine = (r) => {
      const u = new URL(r.url);
      return !r.doc && (u.pathname.startsWith("/widget/") || u.pathname.startsWith("/api/") || u.pathname === "/shop/chat-token");
    };
    const ours = [...requests.values()].filter(mine);
    const sum = (list) => list.reduce((a, r) => a + (r.bytes ?? 0), 0);
    return {
      bytesBeforeLoad: sum(ours.filter((r) => r.at !== undefined && loadAt !== null && r.at <= loadAt)),
      bytesTotal: sum(ours),
      requests: ours.length,
      longTaskMs: inPage.longTaskMs,
      longTasks: inPage.longTasks,
      longTaskMsAll: inPage.longTaskMsAll,
      launcherFromNav: inPage.launcherAt,
      launcherFromLoader: inPage.loaderEnd === null ? null : inPage.launcherAt - inPage.loaderEnd,
    };
  } finally {
    cdp.off("Network.requestWillBeSent", onSent);
    cdp.off("Network.loadingFinished", onDone);
    cdp.off("Network.requestServedFromCache", onServed);
    cdp.off("Page.loadEventFired", onLoad);
  }
}

/** Click on the launcher → the composer shown and enabled, timed in the page. */
async function timeOpen(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const B = window.__bench;
        const t0 = performance.now();
        B.find("launcher").click();
        const check = () => {
          if (B.usable(B.find("composer-input"))) resolve(performance.now() - t0);
          else if (performance.now() - t0 > 20000) reject(new Error("the composer never became usable"));
          else requestAnimationFrame(check);
        };
        check();
      }),
  );
}

async function closePanel(page) {
  await page.evaluate(() => window.__bench.find("composer-input").focus());
  await page.keyboard.press("Escape");
  await page.waitForFunction(() => !window.__bench.shown(window.__bench.find("panel")), null, { timeout: 10000, polling: 50 });
  await page.waitForTimeout(300);
}

async function pageAndOpen(impl) {
  const { context, page, cdp, errors } = await newContext();
  try {
    const cold = await loadOnce(page, cdp, pageUrl(fast, impl));
    const openCold = await timeOpen(page);
    await page.waitForTimeout(500);
    await closePanel(page);
    const openWarm = await timeOpen(page);
    await closePanel(page);
    const warm = await loadOnce(page, cdp, pageUrl(fast, impl));
    if (errors.length) log(`${impl}: page errors: ${errors.slice(0, 3).join(" | ")}`);
    return { cold, warm, openCold, openWarm };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Streaming: a scripted reply of N small `append_text` deltas (two words each, 100 per
// paragraph), at full speed or paced; main-thread time from a trace (top-level tasks of the
// page's renderer main thread) up to each mark, the longest task, Performance.getMetrics
// before and after for the breakdown, and the chat's DOM nodes after the reply.

function benchReply(deltas) {
  const blocks = [];
  for (let left = deltas; left > 0; left -= 100) {
    const n = Math.min(100, left);
    blocks.push({ type: "paragraph", spans: [{ type: "text", text: Array(n).fill("lorem ipsum").join(" ") }] });
  }
  return [{ type: "rich_text", blocks }];
}

async function scriptReply(sb, parts) {
  const res = await fetch(sb.url + "/sandbox/replies", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ parts }),
  });
  if (!res.ok) throw new Error(`scripting a reply: ${res.status} ${await res.text()}`);
}

async function readTrace(cdp, run) {
  const done = new Promise((resolve) => cdp.once("Tracing.tracingComplete", resolve));
  await cdp.send("Tracing.start", {
    traceConfig: {
      includedCategories: ["toplevel", "blink.user_timing", "__metadata", ...(process.env.BENCH_EXPLAIN ? ["devtools.timeline", "v8", "blink"] : [])],
      recordMode: "recordAsMuchAsPossible",
    },
    transferMode: "ReturnAsStream",
  });
  let result;
  try {
    result = await run();
  } finally {
    await cdp.send("Tracing.end");
  }
  const { stream } = await done;
  let text = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle: stream, size: 1 << 22 });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString() : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle: stream });
  const parsed = JSON.parse(text);
  return { result, events: Array.isArray(parsed) ? parsed : parsed.traceEvents };
}

/**
 * Main-thread time of the renderer that recorded `bench-send`, from that mark on: top-level
 * events (tasks and microtask checkpoints; a nested run loop's tasks count once, inside their
 * parent), as thread CPU time (`tdur`:
 * time the thread actually ran, so a shared machine descheduling it does not count) and as wall
 * time (`dur`).
 */
function analyseTrace(events) {
  const send = events.find((e) => e.name === "bench-send");
  if (!send) throw new Error("no bench-send mark in the trace");
  const { pid, tid } = send;
  const sorted = events
    // Every top-level event: tasks, and the microtask checkpoints Blink runs outside of them
    // (where promise continuations, much of both chats' work, happen).
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === "X" && /(^|,)toplevel(,|$)/.test(e.cat) && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const tasks = []; // [start, end, cpu ms]
  for (const e of sorted) {
    const last = tasks[tasks.length - 1];
    if (last && e.ts < last[1]) continue; // nested inside the previous top-level task
    tasks.push([e.ts, e.ts + e.dur, (e.tdur ?? e.dur) / 1000]);
  }
  // CPU time of the tasks within [from, to]; a task cut by the window counts in proportion.
  const busy = (from, to) =>
    tasks.reduce((a, [s, e, cpu]) => {
      const overlap = Math.min(e, to) - Math.max(s, from);
      return overlap <= 0 ? a : a + (e > s ? (cpu * overlap) / (e - s) : cpu);
    }, 0);
  const markAt = (name) => events.find((e) => e.name === name && e.pid === pid)?.ts ?? null;
  const end = markAt("bench-done") ?? tasks[tasks.length - 1][1];
  const within = tasks.filter(([s]) => s >= send.ts && s <= end);
  const top = within.reduce((a, t) => (t[2] > a[2] ? t : a), [0, 0, 0]);
  const topWall = within.reduce((a, t) => Math.max(a, (t[1] - t[0]) / 1000), 0);
  if (process.env.BENCH_EXPLAIN) {
    // What the longest task was made of, and the main thread by phase (BENCH_EXPLAIN=1 records
    // more trace categories for this).
    const inside = events
      .filter((e) => e.pid === pid && e.tid === tid && e.ph === "X" && e.ts >= top[0] && e.ts + (e.dur ?? 0) <= top[1] && e.dur > 2000)
      .sort((a, b) => b.dur - a.dur)
      .slice(0, 10)
      .map((e) => `${e.name} ${(e.dur / 1000).toFixed(1)} ms`);
    log(`longest task (${top[2].toFixed(1)} ms CPU at ${((top[0] - send.ts) / 1000).toFixed(0)} ms after the send) contains: ${inside.join(", ")}`);
    const phases = {};
    for (const e of events)
      if (e.pid === pid && e.tid === tid && e.ph === "X" && e.ts >= send.ts && e.ts <= end &&
          /^(PrePaint|Paint|Layout|UpdateLayoutTree|FunctionCall|MajorGC|MinorGC|Commit|HitTest|Layerize|RunMicrotasks|TimerFire|FireAnimationFrame|EventDispatch)$/.test(e.name))
        phases[e.name] = (phases[e.name] ?? 0) + (e.tdur ?? e.dur) / 1000;
    const wall = within.reduce((a, [s0, e0]) => a + (e0 - s0) / 1000, 0);
    log(`top-level tasks send → done: ${within.length}, wall ${wall.toFixed(0)} ms, CPU ${within.reduce((a, t) => a + t[2], 0).toFixed(0)} ms`);
    log(`main thread by phase (ms CPU, nested phases overlap): ${Object.entries(phases).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(", ")}`);
  }
  return { busy, markAt, start: send.ts, end, longest: top[2], longestWall: topWall };
}

async function streamOnce(impl, sb, deltas, pace) {
  const { context, page, cdp, errors } = await newContext();
  try {
    await page.goto(pageUrl(sb, impl), { waitUntil: "load", timeout: 30000 });
    await page.waitForFunction(() => window.__bench.launcherAt !== null, null, { timeout: 30000, polling: 100 });
    await timeOpen(page);
    await page.waitForTimeout(800); // history (none) and config settle
    await scriptReply(sb, benchReply(deltas));
    const input = page.getByTestId("composer-input");
    await input.fill("bench deltas");
    const limit = Math.max(120000, deltas * pace * 1.5 + 60000);
    const { result: before, events } = await readTrace(cdp, async () => {
      const m0 = await metrics(cdp);
      await page.evaluate(() => {
        performance.mark("bench-send");
        window.__bench.find("send-button").click();
      });
      const finished = await withTimeout(
        page.waitForFunction(
          () => {
            const done = window.__bench.find("messages")?.querySelector('[data-testid=message][data-role=assistant][data-state=done]');
            if (done) performance.mark("bench-done");
            return !!done;
          },
          null,
          { timeout: 0, polling: 250 },
        ).then(() => true),
        limit,
        `${impl} stream of ${deltas}`,
      ).catch((e) => e);
      const m1 = await metrics(cdp);
      return { m0, m1, finished };
    });
    const t = analyseTrace(events);
    const out = { perDelta: {}, marks: {} };
    for (const mark of MARKS.filter((m) => m <= deltas)) {
      const at = t.markAt("bench-delta-" + mark);
      if (at !== null) {
        out.perDelta[mark] = t.busy(t.start, at) / mark;
        out.marks[mark] = (at - t.start) / 1000;
      }
    }
    out.longest = t.longest;
    out.longestWall = t.longestWall;
    out.busyTotal = t.busy(t.start, t.end);
    out.wall = (t.end - t.start) / 1000;
    const d = (k) => ((before.m1[k] ?? 0) - (before.m0[k] ?? 0)) * 1000;
    out.script = d("ScriptDuration") / deltas;
    out.layout = d("LayoutDuration") / deltas;
    out.style = d("RecalcStyleDuration") / deltas;
    out.task = d("TaskDuration") / deltas;
    out.finished = before.finished === true;
    out.received = await page.evaluate(() => window.__bench.deltas);
    out.nodes = await page.evaluate(() => {
      const root = window.__bench.chatRoot();
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_ALL);
      let all = 0;
      let comments = 0;
      while (walker.nextNode()) {
        all++;
        if (walker.currentNode.nodeType === Node.COMMENT_NODE) comments++;
      }
      return { all, comments };
    });
    if (process.env.BENCH_SCREENSHOTS) await page.screenshot({ path: join(process.env.BENCH_SCREENSHOTS, `stream-${pace}-${impl}.png`) });
    if (!out.finished) log(`${impl}: ${before.finished.message}; ${out.received} deltas had arrived`);
    if (errors.length) log(`${impl}: page errors: ${errors.slice(0, 3).join(" | ")}`);
    return out;
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Memory: one visitor with a history of N messages (text questions; answers that rotate
// through rich text with a list and a link, products, a table, and rich text + products),
// seeded through the API with scripted replies. A fresh page opens the chat and scrolls to the
// top until all N are rendered (both load 20 per page, older on reaching the top).

function historyReply(i) {
  const origin = "{origin}";
  const rich = {
    type: "rich_text",
    blocks: [
      { type: "paragraph", spans: [{ type: "text", text: `Answer ${i}: ` }, { type: "bold", text: "organic cotton" }, { type: "text", text: " softens with every wash; see the " }, { type: "link", text: "care guide", url: `${origin}/privacy` }, { type: "text", text: "." }] },
      { type: "bullet_list", items: [{ spans: [{ type: "text", text: "Wash at 30 °C" }] }, { spans: [{ type: "text", text: "Dry flat" }] }, { spans: [{ type: "bold", text: "No tumble dryer" }] }] },
    ],
  };
  const products = {
    type: "products",
    products: ["tee", "hoodie"].map((p, k) => ({
      id: `sku-${p}-${i}`,
      title: p === "tee" ? "Organic Basic Tee" : "Nordlys Hoodie",
      description: "Soft organic cotton",
      image_url: `${origin}/shop/img/${p}.svg`,
      price: { amount: 149 + 300 * k, currency: "DKK" },
      url: `${origin}/products/${p}`,
    })),
  };
  const cell = (text) => ({ blocks: [{ type: "paragraph", spans: [{ type: "text", text }] }] });
  const table = {
    type: "table",
    caption: "Shipping",
    headers: [cell("Country"), cell("Days"), cell("Price")],
    alignments: ["left", "right", "right"],
    rows: [["Denmark", "1–2", "39 kr"], ["Sweden", "2–4", "59 kr"], ["Norway", "3–5", "79 kr"]].map((r) => r.map(cell)),
  };
  return [[rich], [products], [{ type: "rich_text", blocks: [rich.blocks[0]] }, table], [rich, products]][i % 4];
}

async function seedHistory(sb, messages) {
  const res = await fetch(sb.url + "/shop/chat-token", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chatbot_id: "shop-bot" }),
  });
  let { token } = await res.json();
  for (let i = 0; i < messages / 2; i++) {
    await scriptReply(sb, historyReply(i));
    const r = await fetch(sb.url + "/api/v1/chat/messages", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ message: { parts: [{ type: "text", text: `Question number ${i}: how do I wash the tee?` }] } }),
    });
    const body = await r.text();
    if (!r.ok || !body.includes("event: done")) throw new Error(`seeding turn ${i}: ${r.status} ${body.slice(-300)}`);
    const m = body.match(/"visitor_token":"([^"]+)"/);
    if (m) token = m[1];
  }
  return token;
}

async function memoryOnce(impl, token) {
  const { context, page, cdp, errors } = await newContext({ token, impl });
  try {
    await page.goto(pageUrl(fast, impl), { waitUntil: "load", timeout: 30000 });
    await page.waitForFunction(() => window.__bench.launcherAt !== null, null, { timeout: 30000, polling: 100 });
    await page.waitForTimeout(500);
    const { result: [m0, loaded, m1], events } = await readTrace(cdp, async () => {
    const m0 = await metrics(cdp);
    const loaded = await page.evaluate(async (target) => {
      const B = window.__bench;
      performance.mark("bench-send");
      const t0 = performance.now();
      B.find("launcher").click();
      const frame = () => new Promise((r) => setTimeout(r, 16));
      let list;
      while (!(list = B.find("messages"))) await frame();
      const count = () => list.querySelectorAll("[data-testid=message]").length;
      let last = -1;
      let since = performance.now();
      let first = null;
      while (count() < target) {
        if (count() > 0 && first === null) first = performance.now() - t0;
        list.scrollTop = 0;
        list.dispatchEvent(new Event("scroll"));
        await frame();
        if (count() !== last) {
          last = count();
          since = performance.now();
        } else if (performance.now() - since > 15000) break;
      }
      performance.mark("bench-done");
      return { ms: performance.now() - t0, first, count: count() };
    }, HISTORY);
    return [m0, loaded, await metrics(cdp)];
    });
    const trace = analyseTrace(events);
    await page.waitForTimeout(300);
    await cdp.send("HeapProfiler.collectGarbage");
    const heap = await cdp.send("Runtime.getHeapUsage");
    const wasm = await page.evaluate(async () => {
      if (!document.querySelector("[data-dialoge]")) return 0;
      // The very module the loader imported (by its versioned URL: another URL would be another
      // module, whose init would make a fresh instance), already initialised: its init hands
      // back the running instance's exports. The memory is found by kind, not by name (the
      // build renames every export).
      const url = performance.getEntriesByType("resource").map((e) => e.name)
        .find((n) => new URL(n).pathname.endsWith("/dialoge-widget.js"));
      if (!url) return 0;
      const glue = await import(url);
      const exports = await glue.default();
      const memory = Object.values(exports).find((v) => v instanceof WebAssembly.Memory);
      return memory ? memory.buffer.byteLength : 0;
    });
    const nodes = await page.evaluate(() => {
      const walker = document.createTreeWalker(window.__bench.chatRoot(), NodeFilter.SHOW_ALL);
      let n = 0;
      while (walker.nextNode()) n++;
      return n;
    });
    if (process.env.BENCH_SCREENSHOTS) await page.screenshot({ path: join(process.env.BENCH_SCREENSHOTS, `history-${impl}.png`) });
    if (loaded.count < HISTORY) log(`${impl}: only ${loaded.count} of ${HISTORY} history messages rendered`);
    if (errors.length) log(`${impl}: page errors: ${errors.slice(0, 3).join(" | ")}`);
    return {
      ms: loaded.ms,
      first: loaded.first,
      count: loaded.count,
      mainThread: trace.busy(trace.start, trace.end),
      longest: trace.longest,
      script: (m1.ScriptDuration - m0.ScriptDuration) * 1000,
      style: (m1.RecalcStyleDuration - m0.RecalcStyleDuration) * 1000,
      layout: (m1.LayoutDuration - m0.LayoutDuration) * 1000,
      heap: heap.usedSize,
      wasm,
      total: heap.usedSize + wasm,
      nodes,
    };
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Runs, interleaved (widget, reference, widget, …) so drift on the shared machine hits both.

const results = Object.fromEntries(IMPLS.map((i) => [i, { page: [], stream: [], paced: [], memory: [] }]));
const failures = [];
async function attempt(what, fn) {
  try {
    return await withTimeout(fn(), 15 * 60 * 1000, what);
  } catch (e) {
    failures.push(`${what}: ${e.message.split("\n")[0]}`);
    log(`FAILED ${what}: ${e.message.split("\n")[0]}`);
    return null;
  }
}

const started = Date.now();
try {
  if (ONLY.has("page") || ONLY.has("open"))
    for (let run = 1; run <= RUNS; run++)
      for (const impl of IMPLS) {
        log(`page cost + open, run ${run}/${RUNS}, ${impl}`);
        const r = await attempt(`${impl} page/open run ${run}`, () => pageAndOpen(impl));
        if (r) results[impl].page.push(r);
      }
  if (ONLY.has("stream") && DELTAS > 0)
    for (let run = 1; run <= RUNS; run++)
      for (const impl of IMPLS) {
        log(`stream ${DELTAS} deltas at full speed, run ${run}/${RUNS}, ${impl}`);
        const r = await attempt(`${impl} stream run ${run}`, () => streamOnce(impl, fast, DELTAS, 0));
        if (r) results[impl].stream.push(r);
      }
  if (ONLY.has("paced") && PACED_DELTAS > 0)
    for (let run = 1; run <= PACED_RUNS; run++)
      for (const impl of IMPLS) {
        log(`stream ${PACED_DELTAS} deltas at ${PACE_MS} ms, run ${run}/${PACED_RUNS}, ${impl}`);
        const r = await attempt(`${impl} paced run ${run}`, () => streamOnce(impl, paced, PACED_DELTAS, PACE_MS));
        if (r) results[impl].paced.push(r);
      }
  if (ONLY.has("memory") && HISTORY > 0) {
    log(`seeding a history of ${HISTORY} messages`);
    const token = await seedHistory(fast, HISTORY);
    for (let run = 1; run <= RUNS; run++)
      for (const impl of IMPLS) {
        log(`history of ${HISTORY}, run ${run}/${RUNS}, ${impl}`);
        const r = await attempt(`${impl} memory run ${run}`, () => memoryOnce(impl, token));
        if (r) results[impl].memory.push(r);
      }
  }
} finally {
  await cleanup();
}

// ---------------------------------------------------------------------------------------------
// Report

function stats(values) {
  const v = values.filter((x) => typeof x === "number" && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return null;
  const mid = Math.floor(v.length / 2);
  return { median: v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2, min: v[0], max: v[v.length - 1], n: v.length };
}
const fmtNum = (x, digits) => {
  if (Math.abs(x) >= 100 || digits === 0) return Math.round(x).toLocaleString("en-US");
  return x.toFixed(digits);
};
const units = {
  ms: (x) => fmtNum(x, x < 1 ? 3 : 1),
  kb: (x) => (x / 1024).toFixed(1),
  mb: (x) => (x / 1048576).toFixed(1),
  n: (x) => fmtNum(x, 0),
};
function cell(s, unit) {
  if (!s) return "n/a";
  const f = units[unit];
  const spread = s.min === s.max ? "" : ` (${f(s.min)}–${f(s.max)})`;
  return `${f(s.median)}${spread}`;
}
const rows = [];
function row(label, section, pick, unit) {
  const s = Object.fromEntries(IMPLS.map((i) => [i, stats(results[i][section].map(pick))]));
  if (IMPLS.every((i) => !s[i])) return;
  const ratio =
    s.widget && s.reference && s.reference.median !== 0 ? `${(s.widget.median / s.reference.median).toFixed(2)}×` : "n/a";
  rows.push([label, ...IMPLS.map((i) => cell(s[i], unit)), ...(IMPLS.length > 1 ? [ratio] : [])]);
}
const sec = (title) => rows.push([`**${title}**`, ...IMPLS.map(() => ""), ...(IMPLS.length > 1 ? [""] : [])]);

if (ONLY.has("page")) {
  sec("Page cost on the demo shop page");
  row("bytes before `load`, cold (KB)", "page", (r) => r.cold.bytesBeforeLoad, "kb");
  row("bytes before `load`, warm (KB)", "page", (r) => r.warm.bytesBeforeLoad, "kb");
  row("bytes in all, cold, settled (KB)", "page", (r) => r.cold.bytesTotal, "kb");
  row("bytes in all, warm, settled (KB)", "page", (r) => r.warm.bytesTotal, "kb");
  row("requests, cold", "page", (r) => r.cold.requests, "n");
  row("long tasks before `load`, cold (ms)", "page", (r) => r.cold.longTaskMs, "ms");
  row("long tasks before `load`, warm (ms)", "page", (r) => r.warm.longTaskMs, "ms");
  row("long tasks until settled, cold (ms)", "page", (r) => r.cold.longTaskMsAll, "ms");
  row("long tasks until settled, warm (ms)", "page", (r) => r.warm.longTaskMsAll, "ms");
}
if (ONLY.has("page") || ONLY.has("open")) {
  sec("Launcher and panel");
  row("loader fetched → launcher on screen, cold (ms)", "page", (r) => r.cold.launcherFromLoader, "ms");
  row("loader fetched → launcher on screen, warm (ms)", "page", (r) => r.warm.launcherFromLoader, "ms");
  row("navigation → launcher on screen, cold (ms)", "page", (r) => r.cold.launcherFromNav, "ms");
  row("navigation → launcher on screen, warm (ms)", "page", (r) => r.warm.launcherFromNav, "ms");
  row("click → usable composer, first open (ms)", "page", (r) => r.openCold, "ms");
  row("click → usable composer, reopen (ms)", "page", (r) => r.openWarm, "ms");
}
for (const [section, n, title] of [
  ["stream", DELTAS, `Streaming ${DELTAS.toLocaleString("en-US")} deltas at full speed`],
  ["paced", PACED_DELTAS, `Streaming ${PACED_DELTAS.toLocaleString("en-US")} deltas at ${PACE_MS} ms per event`],
]) {
  if (!ONLY.has(section) || !n) continue;
  sec(title);
  for (const mark of MARKS.filter((m) => m <= n))
    row(`main thread per delta, first ${mark.toLocaleString("en-US")} (ms CPU)`, section, (r) => r.perDelta[mark], "ms");
  row("main thread in all, send → done (ms CPU)", section, (r) => r.busyTotal, "ms");
  row("send → done, wall clock (ms)", section, (r) => (r.finished ? r.wall : NaN), "ms");
  row("longest task, CPU (ms)", section, (r) => r.longest, "ms");
  row("longest task, wall clock (ms)", section, (r) => r.longestWall, "ms");
  row("main thread per delta, whole reply, getMetrics TaskDuration, wall (ms)", section, (r) => r.task, "ms");
  row("… script per delta (ms)", section, (r) => r.script, "ms");
  row("… style recalc per delta (ms)", section, (r) => r.style, "ms");
  row("… layout per delta (ms)", section, (r) => r.layout, "ms");
  row("DOM nodes of the chat after the reply", section, (r) => r.nodes.all, "n");
  row("… of which comment nodes", section, (r) => r.nodes.comments, "n");
}
if (ONLY.has("memory") && HISTORY) {
  sec(`History of ${HISTORY.toLocaleString("en-US")} messages`);
  row("click → first messages shown (ms)", "memory", (r) => r.first, "ms");
  row(`click → all ${HISTORY.toLocaleString("en-US")} rendered, wall clock (ms)`, "memory", (r) => r.ms, "ms");
  row("main thread while loading them (ms CPU)", "memory", (r) => r.mainThread, "ms");
  row("… script, getMetrics (ms wall)", "memory", (r) => r.script, "ms");
  row("… style recalc, getMetrics (ms wall)", "memory", (r) => r.style, "ms");
  row("… layout, getMetrics (ms wall)", "memory", (r) => r.layout, "ms");
  row("longest task while loading them, CPU (ms)", "memory", (r) => r.longest, "ms");
  row("JS heap after GC (MB)", "memory", (r) => r.heap, "mb");
  row("wasm memory (MB)", "memory", (r) => r.wasm, "mb");
  row("JS heap + wasm memory (MB)", "memory", (r) => r.total, "mb");
  row("DOM nodes of the chat", "memory", (r) => r.nodes, "n");
}

const header = ["figure", ...IMPLS, ...(IMPLS.length > 1 ? ["widget / reference"] : [])];
console.log(
  `Browser cost, ${RUNS} runs each (paced streaming: ${PACED_RUNS}), median (min–max); Chromium ${chromiumVersion}, ` +
    `${new Date().toISOString().slice(0, 10)}, ${((Date.now() - started) / 60000).toFixed(1)} min\n`,
);
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map((_, i) => (i ? "---:" : "---")).join("|")}|`);
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
const incomplete = IMPLS.flatMap((i) =>
  ["stream", "paced"].flatMap((s) => results[i][s].filter((r) => !r.finished).map((r) => `${i} ${s}: did not finish (${r.received} deltas arrived)`)),
);
if (failures.length || incomplete.length) {
  console.log("\nNot measured / incomplete:");
  for (const f of [...failures, ...incomplete]) console.log(`- ${f}`);
}
