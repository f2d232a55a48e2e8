// The fault matrix: every request the widget makes × every fault the sandbox (or the network)
// can throw at it, each cell judged by one oracle from the sandbox's own records. Shared by the
// generated tests (`e2e/faults.test.mjs`, a representative subset) and the full sweep
// (`bench/faults.mjs`). Not a test file itself.
//
// Which requests, and when (read from src/backend/dialoge/*.rs and src/services/*.rs):
//   POST /shop/chat-token      the site's token handshake: at boot for a new visitor (the first
//                              API call, /config, needs a token), and again on any 401 or expiry
//   GET  /config               at boot (branding), again at the panel's open if that failed
//   GET  /messages             history, at the first open when a visitor token is known
//   POST /messages             a visitor message (SSE); 429 is waited out, a retry reuses the
//                              Idempotency-Key
//   POST /actions              a marker form's answer
//   POST /rate                 the rating form (header menu, or offered inline)
//   GET  /export               "download my data" (header menu)
//   DELETE /                   "delete my data" (header menu)
//   POST /livechat/handover    "talk to a person" (header) or a request_human_agent marker
//   GET  /livechat/state       resume at the first open; on a 409 to a send; in the poll loop
//   GET  /livechat/sync        the follower's held request while a session is open
//   GET  /livechat/messages    the follower's poll when sync is missing (404); a fresh
//                              attachment URL
//   POST /livechat/messages    a visitor message while an agent is active (JSON, no key)
//   POST /livechat/typing      composer keystrokes while active (best effort)
//   POST /livechat/close       "End chat" in the livechat banner
//   POST /livechat/feedback    the rating form after a closed livechat
//   GET  /livechat/attachments/{id}  the browser loading an agent's image (signed URL)
//
// The oracle of every cell (what the brief and CONTRACT.md §2 ask):
//   - every visitor message typed exists exactly once on the server afterwards (the assistant
//     history through the visitor's token, the livechat transcript through the agent API), or
//     not at all when the contract says stop (403) — then it is visibly "not sent";
//   - the visitor's text is on screen at every check (in the transcript, the composer or the
//     form it was typed into) and, at the end, shown exactly once;
//   - the widget reacts as the contract says: 401 → renewed invisibly; 429 → waits Retry-After
//     and finishes by itself (and never repeats the request sooner); 403 → a calm "unavailable",
//     nothing retried; anything else → a clear error the visitor can retry, or a silent recovery;
//   - afterwards a fresh message gets a normal answer, and the browser logged no error.
import net from "node:net";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import {
  startSandbox,
  startBrowser,
  assertNoProblems,
  armFault,
  clearFaults,
  clearRequests,
  sandboxApi,
  serverHistory,
} from "./harness.mjs";

export const API = "/api/v1/chat";
const KEY = "Basic " + Buffer.from("sk_test_shop_bot:").toString("base64");
const AGENT = "00000000-0000-4000-8000-0000000000f1";
const TOKEN_KEY = "dialoge:shop-bot:token";
/** Seconds of every injected 429's Retry-After: longer than the livechat follower's first
 * backoff (2 s), so a widget that only backs off by its own clock is told apart from one that
 * honours the header. */
export const RETRY_AFTER_S = 3;
/** How long a cell may take to recover (covers a 429 wait and the follower's backoff). */
const RECOVER_MS = 20_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A 1×1 PNG (the agent's image).
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

// ---------------------------------------------------------------------------------------------
// The long reply the drop sweep cuts at every event index: every delta action and part kind a
// stream can carry (paragraph text and spans, a bullet list, a table, products, quick replies),
// with multi-byte text (Danish letters, a 4-byte emoji and a 4-byte musical symbol) so the
// byte-by-byte fault splits characters too. Scripted through `POST /sandbox/replies`, so it does
// not depend on a scenario's wording.
const para = (text) => ({ type: "paragraph", spans: [{ type: "text", text }] });
const cell = (text) => ({ blocks: [para(text)] });
export const LONG_REPLY = [
  {
    type: "rich_text",
    part_id: "r",
    blocks: [
      {
        type: "paragraph",
        spans: [
          { type: "text", text: "Rødgrød med fløde og blåbær på en kølig dag — " },
          { type: "bold", text: "ÆØÅ æøå" },
          { type: "text", text: " naïve café 🫐 og 𝄞 musik. " },
          { type: "link", text: "Læs vilkårene", url: "https://shop.example.com/vilkaar" },
          { type: "strike", text: " før 499 kr" },
        ],
      },
      {
        type: "bullet_list",
        items: [
          { spans: [{ type: "text", text: "Første punkt ☕" }] },
          { spans: [{ type: "bold", text: "Andet punkt" }] },
          { spans: [{ type: "text", text: "Tredje punkt med 🧦 sokker" }] },
        ],
      },
      para("Sidste afsnit har nok ord til at blive delt i mange små stykker undervejs i strømmen."),
    ],
  },
  {
    type: "table",
    part_id: "t",
    caption: "Fragt",
    headers: [cell("Land"), cell("Pris")],
    alignments: ["left", "right"],
    rows: [[cell("Danmark"), cell("49 kr")], [cell("Sverige"), cell("59 kr")], [cell("Norge"), cell("69 kr")]],
  },
  {
    type: "products",
    part_id: "p",
    products: [
      { id: "a", title: "Økologisk T-shirt", image_url: "/shop/img/tee.jpg", price: { amount: 199, currency: "DKK" }, url: "https://shop.example.com/a" },
      { id: "b", title: "Nordlys hættetrøje", image_url: "/shop/img/hoodie.jpg", price: { amount: 499, currency: "DKK" }, original_price: { amount: 699, currency: "DKK" }, url: "https://shop.example.com/b" },
    ],
  },
  { type: "quick_replies", part_id: "q", replies: ["Tak 👍", "Mere om fragt"] },
];
/** Text the rendered long reply must show, whole: proof no character was lost or mangled. */
export const LONG_REPLY_MARKS = ["Rødgrød med fløde", "ÆØÅ æøå", "naïve café 🫐 og 𝄞 musik", "Tredje punkt med 🧦 sokker", "Nordlys hættetrøje", "Tak 👍"];

// ---------------------------------------------------------------------------------------------
// A TCP proxy in front of the sandbox. The page is served through it, so "going offline" can do
// what a lost network does to a browser: connections in flight die (reset) and new ones fail.
// Playwright's `context.setOffline` alone only fails new requests: a stream already open keeps
// flowing (measured), which is not what a visitor whose Wi-Fi drops sees.
async function startProxy(targetUrl) {
  const target = new URL(targetUrl);
  const sockets = new Set();
  let online = true;
  const server = net.createServer((client) => {
    if (!online) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      sockets.delete(client);
      sockets.delete(upstream);
      if (!client.destroyed) client.destroy();
      if (!upstream.destroyed) upstream.destroy();
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  server.unref();
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setOnline(value) {
      online = value;
      if (!value) for (const s of [...sockets]) s.resetAndDestroy();
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Starts a sandbox, the proxy and a browser; resolves to the environment cells run in. */
export async function openMatrix() {
  const sandbox = await startSandbox(["--no-auto-agent"]);
  const proxy = await startProxy(sandbox.url);
  const browser = await startBrowser();
  // Every error the widget shows the visitor is also a `dialoge:error` event (EMBED.md §3):
  // recorded from the first moment of every page, so none is missed between two checks.
  await browser.context.addInitScript(() => {
    window.__fmErrors = [];
    addEventListener("dialoge:error", (e) => window.__fmErrors.push(e.detail));
  });
  await sandboxApi(sandbox.url, "PUT", `${API}/livechat/agents/${AGENT}`, {
    auth: KEY,
    body: { display_name: "Alice", avatar_url: null },
  });
  const env = {
    sandbox,
    proxy,
    browser,
    page: browser.page,
    origin: proxy.url,
    eventCounts: {},
    async close() {
      await browser.close();
      await proxy.close();
      sandbox.stop();
    },
  };
  return env;
}

/** How many events the sandbox streams for a reply (`long`: LONG_REPLY; `essay`: the long
 * answer scenario), asked of the API directly, once per environment. */
export async function replyEvents(env, reply) {
  if (env.eventCounts[reply]) return env.eventCounts[reply];
  const url = env.sandbox.url;
  const { token } = await sandboxApi(url, "POST", "/shop/chat-token", { body: { chatbot_id: "shop-bot" } });
  if (reply === "long") await sandboxApi(url, "POST", "/sandbox/replies", { body: { parts: LONG_REPLY } });
  const res = await fetch(url + `${API}/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ message: { parts: [{ type: "text", text: reply === "essay" ? "write an essay" : "count" }] } }),
  });
  const body = await res.text();
  const events = body.split("\n").filter((l) => l.startsWith("event:")).length;
  assert.ok(body.includes("event: done"), `the ${reply} reply ends with done`);
  env.eventCounts[reply] = events;
  return events;
}

// ---------------------------------------------------------------------------------------------
// Faults (the columns). `arm(c)` switches the fault on for the cell's request and returns a
// function telling whether it has been hit yet (a cell whose fault never fired proves nothing,
// so that fails the cell). `during(c)` runs right after the visitor's act (offline).

function statusFault(status) {
  return {
    id: String(status),
    async arm(c) {
      const f = {
        path: c.row.faultPath ?? c.row.path,
        method: c.row.method,
        fault: "status",
        status,
        count: 1,
        ...(status === 429 ? { retry_after: RETRY_AFTER_S } : {}),
      };
      await armFault(c.env.sandbox.url, f);
      return () => c.faultUsed(f);
    },
  };
}

/** A 409 the server means: the thing was already done elsewhere (another tab), so the widget's
 * own call meets the sandbox's real conflict. Used where the sandbox gives 409 a meaning of its
 * own (a marker answered twice, livechat feedback given twice): an injected 409 there would be
 * a lie about the server's state, and a widget that believes it would be right to. */
const realConflict = {
  id: "409",
  real: true,
  async arm(c) {
    await c.row.conflict(c);
    let seen = false;
    c.listen("response", (r) => {
      if (r.status() === 409 && c.matches(r.request())) seen = true;
    });
    return () => seen;
  },
};

/** The request never reaches the server (connection refused), once. */
const netBefore = {
  id: "net",
  async arm(c) {
    let hits = 0;
    await c.page.route(
      (url) => c.matchesUrl(url),
      async (route) => {
        if (hits === 0 && c.matches(route.request())) {
          hits += 1;
          await route.abort("connectionrefused");
        } else {
          await route.fallback();
        }
      },
    );
    return () => hits > 0;
  },
};

/** The server handles the request but its answer is lost (connection reset), once: what makes
 * a call that is not safe to repeat dangerous to retry. Only for requests with an effect. */
const netAfter = {
  id: "net-after",
  async arm(c) {
    let hits = 0;
    await c.page.route(
      (url) => c.matchesUrl(url),
      async (route) => {
        if (hits === 0 && c.matches(route.request())) {
          hits += 1;
          // The server gets it and answers (the whole stream, for a send) …
          await route.fetch().catch(() => {});
          // … and the browser never sees the answer.
          await route.abort("connectionreset");
        } else {
          await route.fallback();
        }
      },
    );
    return () => hits > 0;
  },
};

/** Where the long reply is cut: an index, or a named place resolved against its event count. */
function dropIndex(at, total) {
  switch (at) {
    case "first":
      return 0; // headers, then nothing
    case "status":
      return 2; // after both status events
    case "delta":
      return 3; // after the first delta
    case "mid":
      return Math.floor(total / 2);
    case "last":
      return total - 1; // everything but `done`
    default:
      return at;
  }
}

function dropFault(reply, at) {
  return {
    id: `drop-${reply}@${at}`,
    reply,
    async arm(c) {
      const total = await replyEvents(c.env, reply);
      const after = dropIndex(at, total);
      assert.ok(after >= 0 && after < total, `drop index ${after} inside 0..${total - 1}`);
      c.note(`dropped after ${after} of ${total} events`);
      const f = { path: `${API}/messages`, method: "POST", fault: "drop", after_events: after, count: 1 };
      await armFault(c.env.sandbox.url, f);
      return () => c.faultUsed(f);
    },
  };
}

const byteByByte = {
  id: "bytes",
  reply: "long",
  async arm(c) {
    const f = { path: `${API}/messages`, method: "POST", fault: "byte_by_byte", count: 1 };
    await armFault(c.env.sandbox.url, f);
    return () => c.faultUsed(f);
  },
};

function stallFault(ms) {
  return {
    id: `stall-${ms}`,
    recoverMs: RECOVER_MS + ms,
    async arm(c) {
      c.note(`stalled ${ms / 1000} s after both status events`);
      const f = { path: `${API}/messages`, method: "POST", fault: "stall", ms, after_events: 2, count: 1 };
      await armFault(c.env.sandbox.url, f);
      return () => c.faultUsed(f);
    },
  };
}

/** Offline for `ms` in the middle of what the row is doing, then back: every connection in
 * flight is reset and new ones fail meanwhile (see `startProxy`). */
function offlineFault(ms) {
  return {
    id: `offline-${ms}`,
    reply: "essay",
    recoverMs: RECOVER_MS + 35_000, // the livechat follower's backoff grows to 30 s
    async arm(c) {
      return () => c.offlineDone === true;
    },
    async during(c) {
      await c.row.midway(c);
      c.note(`offline ${ms / 1000} s`);
      await c.page.context().setOffline(true);
      c.env.proxy.setOnline(false);
      const until = Date.now() + ms;
      while (Date.now() < until) {
        await c.checkScreen("while offline");
        await sleep(Math.min(1000, Math.max(0, until - Date.now())));
      }
      c.env.proxy.setOnline(true);
      await c.page.context().setOffline(false);
      c.offlineDone = true;
    },
  };
}

/** The columns of the table, in order. */
export const COLUMNS = [
  ["401", "401"],
  ["403", "403"],
  ["409", "409"],
  ["429", `429 + Retry-After`],
  ["500", "500"],
  ["net", "network error"],
  ["net-after", "network error, reply lost"],
  ["drop", "drop after event N"],
  ["bytes", "byte-by-byte"],
  ["stall", "stall"],
  ["offline", "offline, then back"],
];

// ---------------------------------------------------------------------------------------------
// Helpers for the rows.

/** A snapshot of what the visitor sees (textContent: it works while the panel is closed too). */
function snapshot() {
  const root = document.querySelector("[data-dialoge]")?.shadowRoot;
  if (!root) return null;
  const msgs = [...root.querySelectorAll("[data-testid=message]")].map((m) => ({
    role: m.dataset.role,
    state: m.dataset.state,
    text: m.textContent,
  }));
  const fields = [...root.querySelectorAll("textarea, input:not([type=radio]):not([type=file]):not([type=checkbox])")]
    .map((e) => e.value)
    .filter(Boolean);
  const status = root.querySelector("[data-testid=status]");
  const formErrors = [...root.querySelectorAll(".dlg-form-error")]
    .filter((e) => !e.hidden && e.textContent.trim())
    .map((e) => e.textContent.trim());
  const notice = root.querySelector("[data-testid=menu-notice]");
  const banner = root.querySelector("[data-testid=livechat]");
  return {
    msgs,
    fields,
    status: status?.dataset.state ?? null,
    statusText: status?.textContent.trim() ?? "",
    retry: !!root.querySelector("[data-testid=retry-button]"),
    formErrors,
    notice: notice ? notice.textContent.trim() : null,
    banner: banner?.dataset.status ?? null,
    botName: root.querySelector("[data-testid=bot-name]")?.textContent.trim() ?? null,
    errors: window.__fmErrors ?? [],
  };
}

const textOf = (m) => m.parts.filter((p) => p.type === "text").map((p) => p.text).join("");

/** Index of the last user message showing `text`, or -1. */
const lastUserWith = (msgs, text) => msgs.findLastIndex((m) => m.role === "user" && m.text.includes(text));

/** The assistant messages between the user message showing `text` and the next user message. */
function answersAfter(msgs, text) {
  const i = lastUserWith(msgs, text);
  if (i < 0) return [];
  const rest = msgs.slice(i + 1);
  const next = rest.findIndex((m) => m.role === "user");
  return (next < 0 ? rest : rest.slice(0, next)).filter((m) => m.role === "assistant");
}

let counter = 0;
/** A unique, keyword-free visitor text (the sandbox picks replies by keywords; none here). */
const words = (what) => `${what} ${Date.now().toString(36)}${(counter++).toString(36)} æøå`;

/** One cell's run: the page, what the visitor typed, and the checks. */
class CellRun {
  constructor(env, cell) {
    this.env = env;
    this.cell = cell;
    this.row = cell.row;
    this.fault = cell.fault;
    this.page = env.page;
    this.url = env.sandbox.url;
    /** Texts the visitor typed in this page: on screen at every check. */
    this.typed = [];
    /** Texts typed before a reload: on screen once the widget has recovered. */
    this.earlier = [];
    /** Texts the contract says must not reach the server (refused). */
    this.refused = new Set();
    /** Texts the row checks itself (form fields) while they are still being edited. */
    this.fieldTexts = [];
    this.notes = [];
    this.errorsSeen = 0;
    this.domErrorArmed = true;
    this.listeners = [];
  }

  /** A page listener for this cell only. */
  listen(event, fn) {
    this.page.on(event, fn);
    this.listeners.push([event, fn]);
  }

  note(text) {
    this.notes.push(text);
  }

  api(method, path, options) {
    return sandboxApi(this.url, method, path, options);
  }

  /** Does this browser request go to the cell's request? */
  matches(request) {
    return request.method() === this.row.method && this.matchesUrl(new URL(request.url()));
  }

  matchesUrl(url) {
    const path = this.row.faultPath ?? this.row.path;
    return path.endsWith("*") ? url.pathname.startsWith(path.slice(0, -1)) : url.pathname === path;
  }

  /** Has the armed sandbox fault `f` been used up? */
  async faultUsed(f) {
    const { faults } = await this.api("GET", "/sandbox/faults");
    return !faults.some((x) => x.path === f.path && x.fault === f.fault && (x.method ?? null) === (f.method ?? null) && x.status === f.status);
  }

  async snap() {
    return this.page.evaluate(snapshot);
  }

  async waitFor(fn, what, ms = 20_000) {
    const end = Date.now() + ms;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await sleep(150);
    }
  }

  /** A new visitor: no token, no faults, no routes, nothing recorded; the panel open. */
  async fresh({ open = true } = {}) {
    const { page } = this;
    await clearFaults(this.url);
    await page.unrouteAll({ behavior: "ignoreErrors" });
    this.env.proxy.setOnline(true);
    await page.context().setOffline(false);
    await clearRequests(this.url);
    // Forget the visitor from a page without the widget, so nothing writes a token back.
    await page.goto(this.env.origin + "/shop/shop.css");
    await page.evaluate(() => localStorage.clear());
    await page.goto(this.env.origin + "/");
    await page.getByTestId("launcher").waitFor({ state: "visible", timeout: 20_000 });
    if (open) await this.open();
  }

  async open() {
    await this.page.getByTestId("launcher").click();
    await this.page.getByTestId("panel").waitFor({ state: "visible" });
  }

  async reload() {
    await this.page.reload();
    await this.page.getByTestId("launcher").waitFor({ state: "visible", timeout: 20_000 });
  }

  /** The visitor types `text` and sends it. */
  async ask(text) {
    this.typed.push(text);
    await this.page.getByTestId("composer-input").fill(text);
    await this.page.getByTestId("send-button").click();
  }

  /** Has `text` been answered by the assistant (an answer after it, done)? */
  async answered(text) {
    const s = await this.snap();
    return answersAfter(s?.msgs ?? [], text).some((m) => m.state === "done");
  }

  async answerTo(text) {
    await this.waitFor(() => this.answered(text), `an answer to "${text}"`);
  }

  /** The visitor id (`sub` of the token the page holds). */
  async visitorId() {
    const token = await this.page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
    assert.ok(token, "the page holds a visitor token");
    return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).sub;
  }

  async visitorToken() {
    return this.page.evaluate((k) => localStorage.getItem(k), TOKEN_KEY);
  }

  /** This visitor's livechat sessions (every status), from the API-key listing. */
  async sessions() {
    const vid = await this.visitorId();
    const { sessions } = await this.api("GET", `${API}/livechat/sessions`, { auth: KEY });
    return sessions.filter((s) => s.visitor_id === vid).map((s) => s.session ?? s);
  }

  async agentToken(sessionId) {
    const { token } = await this.api("GET", `/sandbox/livechat/sessions/${sessionId}/token`);
    return token;
  }

  /** Every message the server holds for this visitor: the assistant history (the visitor's
   * token) and each livechat session's transcript (the agent API), once each. */
  async serverMessages() {
    const all = new Map();
    for (const m of await serverHistory(this.page, this.url)) all.set(m.message_id, m);
    for (const s of await this.sessions()) {
      const token = await this.agentToken(s.livechat_session_id);
      const ctx = await this.api("GET", `${API}/livechat/agent/context`, { auth: `Bearer ${token}` });
      for (const m of ctx.messages) all.set(m.message_id, m);
    }
    return [...all.values()];
  }

  async serverCount(text) {
    return (await this.serverMessages()).filter((m) => m.role === "user" && textOf(m) === text).length;
  }

  /** The visitor asks for a person; the agent (the test) joins and greets. */
  async startLivechat() {
    const { page } = this;
    await page.getByTestId("human-button").click();
    await page.locator("[data-testid=livechat][data-status=waiting]").waitFor({ timeout: 15_000 });
    const [session] = (await this.sessions()).filter((s) => s.status === "waiting");
    assert.ok(session, "a waiting session for this visitor");
    this.agent = { sessionId: session.livechat_session_id, token: await this.agentToken(session.livechat_session_id) };
    const hello = words("Hej, jeg hedder Alice");
    await this.agentSay(hello);
    await page.locator("[data-testid=livechat][data-status=active]").waitFor({ timeout: 15_000 });
    await this.agentVisible(hello);
  }

  async agentSay(text, parts = [{ type: "text", text }]) {
    await this.api("POST", `${API}/livechat/agent/messages`, {
      auth: `Bearer ${this.agent.token}`,
      body: { agent_id: AGENT, message: { parts } },
    });
  }

  async agentShown(text) {
    const s = await this.snap();
    return (s?.msgs ?? []).some((m) => m.role === "agent" && m.text.includes(text));
  }

  async agentVisible(text, ms) {
    await this.waitFor(() => this.agentShown(text), `the agent's "${text}" on screen`, ms);
  }

  /** The visitor's texts are on screen: each in a message of theirs or in a field. */
  async checkScreen(when, { final = false } = {}) {
    // A refused chat (403: the calm "unavailable" notice) shows no history: what was said on
    // an earlier visit stays on the server, not on this screen.
    const refused = (await this.page.getByTestId("unavailable").count()) > 0;
    const texts = [...this.typed, ...this.fieldTexts, ...(final && !refused ? this.earlier : [])];
    if (!texts.length) return;
    const s = await this.snap();
    assert.ok(s, `${when}: the widget is on the page`);
    for (const t of texts) {
      const inMessage = s.msgs.some((m) => m.role === "user" && m.text.includes(t));
      const inField = s.fields.some((v) => v.includes(t));
      assert.ok(inMessage || inField, `${when}: the visitor's "${t}" is on screen (shown: ${JSON.stringify(s.msgs.map((m) => m.text.slice(0, 40)))})`);
    }
  }

  /** A clear error is on screen (new since the last look), as a string, or null. */
  async errorNow() {
    // The calm "chat unavailable" notice (a 403) is the refusal, shown in place of the composer.
    const unavailable = this.page.getByTestId("unavailable");
    if ((await unavailable.count()) > 0) return `unavailable: ${await unavailable.innerText()}`;
    const s = await this.snap();
    const fresh = s.errors.slice(this.errorsSeen);
    if (fresh.length) return `${fresh[0].code}: ${fresh[0].message} (retryable ${fresh[0].retryable}, where ${fresh[0].where})`;
    const own = this.row.errorShown ? await this.row.errorShown(this, s) : null;
    const dom = own ?? (s.formErrors.length ? `form: ${s.formErrors.join(" ")}` : null);
    if (!dom) this.domErrorArmed = true;
    return this.domErrorArmed ? dom : null;
  }

  /** Afterwards a fresh message gets a normal answer: the assistant's, or, while an agent is
   * active, it reaches the agent exactly once and the agent's reply shows. */
  async freshMessage() {
    const s = await this.snap();
    const text = words("Et nyt spørgsmål bagefter");
    await this.ask(text);
    if (s.banner === "active") {
      await this.waitFor(async () => (await this.serverCount(text)) >= 1, "the fresh message at the agent");
      const reply = words("Svar fra Alice");
      await this.agentSay(reply);
      await this.agentVisible(reply);
    } else {
      await this.answerTo(text);
    }
    assert.equal(await this.serverCount(text), 1, "the fresh message is on the server exactly once");
    const after = await this.snap();
    assert.equal(after.msgs.filter((m) => m.role === "user" && m.text.includes(text)).length, 1, "the fresh message is shown once");
  }

  /** For 429: the request that got it is repeated no sooner than Retry-After. The sandbox's
   * record names the request the fault hit, and when the next one like it arrived. */
  async checkRetryAfter() {
    const path = this.row.faultPath ?? this.row.path;
    const same = (r) => r.method === this.row.method && (path.endsWith("*") ? r.path.startsWith(path.slice(0, -1)) : r.path === path);
    const seen = (await this.api("GET", "/sandbox/requests")).requests.filter(same);
    const i = seen.findIndex((r) => r.fault === "status 429");
    assert.ok(i >= 0, "the sandbox recorded the request it refused with 429");
    const next = seen[i + 1];
    if (next) {
      const gap = next.at_ms - seen[i].at_ms;
      this.note(`repeated after ${(gap / 1000).toFixed(1)} s`);
      // 100 ms of slack: the two arrival times also hold each request's own travel.
      assert.ok(gap >= RETRY_AFTER_S * 1000 - 100, `429 with Retry-After ${RETRY_AFTER_S}: the widget sent ${this.row.method} ${path} again after ${gap} ms`);
    }
  }

  /** Runs the cell; throws on the first broken promise of the oracle. */
  async run() {
    const { row, fault, cell } = this;
    const expect = cell.expect;
    await row.setup(this);
    await this.checkScreen("before the fault");
    this.errorsSeen = (await this.snap())?.errors.length ?? 0;
    this.hit = await fault.arm(this);
    await row.act(this);
    if (fault.during) await fault.during(this);
    await this.waitFor(() => this.hit(), `the ${fault.id} fault to hit ${row.method} ${row.path}`, 30_000);
    // A request that completed at once (a 409 that means "done already") has taken its text
    // away by design: `done` says so before the screen is judged.
    if (!(await row.done(this))) {
      try {
        await this.checkScreen("right after the fault");
      } catch (e) {
        // Done between the two looks (a rating stored, its form closed with the text): fine.
        if (!(await row.done(this))) throw e;
      }
    }
    if (row.afterHit) await row.afterHit(this);

    // Recovery: done by itself, or a clear error and the visitor's retry.
    const deadline = Date.now() + (fault.recoverMs ?? RECOVER_MS);
    let retries = 0;
    let shown = null;
    let outcome = null;
    for (;;) {
      // Done first: a deletion takes the visitor's text away by their own wish.
      if (await row.done(this)) {
        outcome = retries ? "retried" : "completed";
        break;
      }
      try {
        await this.checkScreen(retries ? "after the retry" : "while the widget recovers");
      } catch (e) {
        // The request may have finished between the two looks (a deletion empties the panel).
        if (await row.done(this)) {
          outcome = retries ? "retried" : "completed";
          break;
        }
        throw e;
      }
      const error = await this.errorNow();
      if (error) {
        shown = error;
        this.note(`shown: ${error}`);
        this.errorsSeen = (await this.snap()).errors.length;
        if (expect === "silent" || expect === "waits") {
          assert.fail(`expected ${expect === "waits" ? `a wait of Retry-After (${RETRY_AFTER_S} s) and success` : "an invisible recovery"}, but the visitor was shown an error: ${error}`);
        }
        if (expect === "refused" || expect === "refused-or-recover") {
          outcome = "refused";
          break;
        }
        assert.ok(retries < 2, `still failing after ${retries} retries: ${error}`);
        assert.ok(row.retry, `an error was shown but the visitor has no way to retry: ${error}`);
        await row.retry(this);
        retries += 1;
        // What is on screen may still show the error just handled: only a new event, or an
        // error that comes back after the screen cleared, is a new failure.
        this.domErrorArmed = false;
        continue;
      }
      if (Date.now() > deadline) {
        assert.fail(
          shown
            ? `the retry never completed (last error: ${shown})`
            : `the widget neither finished ${row.doing} nor showed an error within ${(fault.recoverMs ?? RECOVER_MS) / 1000} s`,
        );
      }
      await sleep(150);
    }
    this.note(outcome);
    // An error shown and gone again between two looks is still an error the visitor saw.
    const late = await this.errorNow();
    if (late && (expect === "silent" || expect === "waits")) {
      assert.fail(`expected ${expect === "waits" ? "a wait of Retry-After and success" : "an invisible recovery"}, but the visitor was shown an error: ${late}`);
    }
    if (expect === "refused") {
      assert.equal(outcome, "refused", "403: the contract says stop and show a calm 'unavailable'; the widget went on instead");
    }
    if (outcome === "refused") {
      const s = await this.snap();
      if (row.refusal) await row.refusal(this, s);
      for (const t of row.subjectTexts?.(this) ?? []) this.refused.add(t);
    }
    if (fault.id === "429" && !row.blindToRetryAfter) await this.checkRetryAfter();

    // The network is whole again and nothing is armed: what the server holds is final.
    await clearFaults(this.url);
    await this.page.unrouteAll({ behavior: "ignoreErrors" });
    await row.verify(this, outcome);
    await this.checkScreen("after recovery", { final: true });
    await this.checkOnceOnScreen();
    if (outcome !== "refused") {
      // Recovered: no error may linger to contradict what the visitor now sees.
      const s = await this.snap();
      assert.notEqual(s.status, "error", `recovered, but the status line still says: ${s.statusText}`);
    }
    if (row.after) await row.after(this, outcome);
    else if (outcome === "refused" && (await this.page.getByTestId("unavailable").count()) > 0) {
      // A refused chat (403) says so calmly instead of offering a composer: nothing to type
      // into, by design (the visitor's text stays on screen, marked as not sent).
    } else await this.freshMessage();
    assertNoProblems(this.env.browser, /Failed to load resource/);
  }

  /** Each visitor message (typed here or before a reload) is on the server exactly once, or,
   * refused, not at all. */
  async checkMessagesOnServer() {
    const server = await this.serverMessages();
    for (const t of [...this.earlier, ...this.typed]) {
      const n = server.filter((m) => m.role === "user" && textOf(m) === t).length;
      const want = this.refused.has(t) ? 0 : 1;
      assert.equal(n, want, `"${t}" is on the server ${n} times, expected ${want}`);
    }
    return server;
  }

  /** Each visitor message is shown exactly once (a failed one too, marked as not sent). */
  async checkOnceOnScreen() {
    const s = await this.snap();
    // A refused chat (the calm "unavailable" notice) shows no earlier conversation: earlier
    // texts may be missing then, but never doubled.
    const refused = (await this.page.getByTestId("unavailable").count()) > 0;
    for (const t of [...this.earlier, ...this.typed]) {
      const n = s.msgs.filter((m) => m.role === "user" && m.text.includes(t)).length;
      if (refused && this.earlier.includes(t)) assert.ok(n <= 1, `"${t}" is shown ${n} times, expected at most once`);
      else assert.equal(n, 1, `"${t}" is shown ${n} times, expected once`);
    }
  }

  async cleanup() {
    for (const [event, fn] of this.listeners) this.page.off(event, fn);
    await this.page.unrouteAll({ behavior: "ignoreErrors" }).catch(() => {});
    this.env.proxy.setOnline(true);
    await this.page.context().setOffline(false).catch(() => {});
    await clearFaults(this.url).catch(() => {});
    // A cell that failed half-way must not leave problems for the next one.
    this.env.browser.problems.length = 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Rows (the requests). Each: `setup` (bring the widget to where the request is made), `act`
// (what the visitor does that makes it), `done` (the request's purpose is achieved, as the
// visitor sees it), `retry` (how the visitor tries again), `verify` (the server's records),
// `background` (the visitor did not ask for it: a 403 may stop it calmly or be recovered from).

/** The assistant-mode preamble: a new visitor who has had one answer. */
async function chatted(c) {
  await c.fresh();
  const w0 = words("Hej, jeg har et spørgsmål");
  await c.ask(w0);
  await c.answerTo(w0);
  return w0;
}

async function clickRetry(c) {
  const retry = c.page.getByTestId("retry-button");
  assert.ok(await retry.count(), "a retry button is offered");
  await retry.click();
}

/** The status line shows an error (for errors that emit no event). */
function statusError(_c, s) {
  return s.status === "error" ? `status: ${s.statusText}` : null;
}

/** 403 on a visitor message: stopped, not retried, visibly not sent, and said calmly. */
async function messageRefused(c, s) {
  assert.equal(s.retry, false, "403: no retry is offered");
  await c.page.getByTestId("unavailable").waitFor({ timeout: 5_000 });
  const last = s.errors.at(-1);
  if (last) assert.equal(last.retryable, false, "403: the error event says it is not retryable");
  const t = c.subject;
  const m = s.msgs.findLast((x) => x.role === "user" && x.text.includes(t));
  assert.equal(m?.state, "failed", `403: "${t}" is marked as not sent`);
  // Nothing goes out behind the visitor's back afterwards.
  await sleep(1500);
  assert.equal(await c.serverCount(t), 0, `403: "${t}" must not reach the server`);
}

const sendRow = {
  id: "send",
  label: "POST /messages (a visitor message, SSE)",
  method: "POST",
  path: `${API}/messages`,
  doing: "the answer",
  faults: ["401", "403", "409", "429", "500", "net", "net-after", "drop", "bytes", "stall", "offline"],
  async setup(c) {
    await chatted(c);
  },
  async act(c) {
    if (c.fault.reply === "long") {
      await c.api("POST", "/sandbox/replies", { body: { parts: LONG_REPLY } });
    }
    c.subject = c.fault.reply === "essay" ? words("Please write an essay on care") : words("Hvad koster fragten");
    await c.ask(c.subject);
  },
  /** Offline: once the answer is visibly streaming. */
  async midway(c) {
    await c.page.locator("[data-testid=message][data-role=assistant][data-state=streaming]").waitFor({ timeout: 20_000 });
  },
  async done(c) {
    return c.answered(c.subject);
  },
  errorShown: statusError,
  retry: clickRetry,
  refusal: messageRefused,
  subjectTexts: (c) => [c.subject],
  async verify(c, outcome) {
    const server = await c.checkMessagesOnServer();
    if (outcome === "refused") return;
    // One reply to the message, on the server and on screen (a retry replays, never re-asks).
    const i = server.findIndex((m) => m.role === "user" && textOf(m) === c.subject);
    const rest = server.slice(i + 1);
    const next = rest.findIndex((m) => m.role === "user");
    const replies = (next < 0 ? rest : rest.slice(0, next)).filter((m) => m.role === "assistant");
    assert.equal(replies.length, 1, `one reply to the message on the server, found ${replies.length}`);
    const shown = answersAfter((await c.snap()).msgs, c.subject);
    assert.equal(shown.length, 1, `one reply shown, found ${shown.length}`);
    assert.equal(shown[0].state, "done", "the reply is whole");
    if (c.fault.reply === "long") {
      for (const mark of LONG_REPLY_MARKS) assert.ok(shown[0].text.includes(mark), `the reply shows "${mark}" intact`);
    }
  },
};

/** The token handshake again, after the API refused the token (the send's 401). */
const handshakeRow = {
  id: "handshake",
  label: "POST /shop/chat-token (handshake, renewal after a 401)",
  method: "POST",
  path: "/shop/chat-token",
  doing: "the renewal and the answer",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  // The site's endpoint is not the API: CONTRACT.md §2 does not speak for it, and EMBED.md §2
  // only says the widget asks again. Any refusal by the site is an error the visitor can retry
  // (a 401 or 403 there is the site's word, not the token's); a 429 may also be waited out.
  expectations: { 401: "recover", 403: "recover", 429: "waits-or-recover" },
  async setup(c) {
    await chatted(c);
    // Precondition, not the fault under test: the API rejects the token once, so the widget
    // has to ask the site for a new one in the middle of a send.
    await armFault(c.url, { path: `${API}/messages`, method: "POST", fault: "status", status: 401, count: 1 });
  },
  async act(c) {
    c.subject = words("Hvornår kommer min pakke");
    await c.ask(c.subject);
  },
  done: (c) => c.answered(c.subject),
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

/** The first handshake of a new visitor, at boot. */
const handshakeBootRow = {
  id: "handshake-boot",
  label: "POST /shop/chat-token (handshake, first use at boot)",
  method: "POST",
  path: "/shop/chat-token",
  doing: "loading the chat (config) and the answer",
  background: true,
  // As for the renewal: the site's refusal is not the API's word on the token.
  expectations: { 401: "recover", 403: "recover" },
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    // The oracle's own look at the config (a handshake of its own) is taken before the fault
    // is armed: made later, the sandbox's record would count it as the widget's second try.
    await configName(c);
    await c.fresh({ open: false });
    await c.page.goto(c.env.origin + "/shop/shop.css");
    await c.page.evaluate(() => localStorage.clear());
  },
  async act(c) {
    await c.page.goto(c.env.origin + "/");
    await bootThenOpen(c);
  },
  async done(c) {
    const s = await c.snap();
    return s.botName === (await configName(c)) && (await c.answered(c.subject));
  },
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

let botName = null;
async function configName(c) {
  if (!botName) {
    const { token } = await c.api("POST", "/shop/chat-token", { body: { chatbot_id: "shop-bot" } });
    botName = (await c.api("GET", `${API}/config`, { auth: `Bearer ${token}` })).display.name;
  }
  return botName;
}

/** A boot-time fault: the widget boots when the page is idle, so the fault is normally hit
 * before the visitor opens the panel; then the visitor opens it and writes. */
async function bootThenOpen(c) {
  await c.page.getByTestId("launcher").waitFor({ state: "visible", timeout: 20_000 });
  const end = Date.now() + 10_000;
  while (!(await c.hit()) && Date.now() < end) await sleep(100);
  await c.open();
  c.subject = words("Har I en butik i Aarhus");
  // A refused chat (a 403 at boot) offers no composer: its calm notice is the outcome.
  const unavailable = c.page.getByTestId("unavailable");
  await c.page.getByTestId("composer-input").or(unavailable).first().waitFor({ timeout: 10_000 });
  if ((await unavailable.count()) > 0) return;
  await c.ask(c.subject);
}

const configRow = {
  id: "config",
  label: "GET /config (at boot)",
  method: "GET",
  path: `${API}/config`,
  doing: "loading the config",
  background: true,
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    // The oracle's own look at the config (a handshake of its own) is taken before the fault
    // is armed: made later, the sandbox's record would count it as the widget's second try.
    await configName(c);
    await c.fresh({ open: false });
    await c.page.goto(c.env.origin + "/shop/shop.css");
    await c.page.evaluate(() => localStorage.clear());
  },
  async act(c) {
    await c.page.goto(c.env.origin + "/");
    await bootThenOpen(c);
  },
  async done(c) {
    const s = await c.snap();
    return s.botName === (await configName(c)) && (await c.answered(c.subject));
  },
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const historyRow = {
  id: "history",
  label: "GET /messages (history at the first open)",
  method: "GET",
  path: `${API}/messages`,
  doing: "showing the earlier conversation",
  background: true,
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    const w0 = await chatted(c);
    await c.reload();
    // Typed before the reload: it comes back with history, so it is checked once recovered.
    c.typed = [];
    c.earlier = [w0];
    c.w0 = w0;
  },
  async act(c) {
    await c.open();
  },
  async done(c) {
    return c.answered(c.w0);
  },
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const actionsRow = {
  id: "actions",
  label: "POST /actions (a marker form)",
  method: "POST",
  path: `${API}/actions`,
  doing: "sending the form",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  expectations: { 409: "silent" },
  async setup(c) {
    await c.fresh();
    const ask = words("Jeg vil gerne contact jer");
    await c.ask(ask);
    await c.answerTo(ask);
    const part = c.page.locator("[data-testid=part][data-part-type=show_contact_form]").last();
    await part.waitFor();
    c.partId = await part.getAttribute("data-part-id");
    c.form = part.getByTestId("form");
    c.name = words("Jane");
    c.message = words("Min ordre kom aldrig frem");
    await c.form.getByLabel("Your name").fill(c.name);
    await c.form.getByLabel("Email address").fill("jane@example.com");
    await c.form.getByLabel("Topic").selectOption("Other");
    await c.form.getByLabel("Message").fill(c.message);
    c.fieldTexts = [c.message];
  },
  /** The same answer arrives first from another tab. */
  async conflict(c) {
    const token = await c.visitorToken();
    await c.api("POST", `${API}/actions`, {
      auth: `Bearer ${token}`,
      body: { part_id: c.partId, action: { type: "contact_form", fields: { name: c.name, email: "jane@example.com", topic: "Other", message: c.message } } },
    });
  },
  async act(c) {
    await c.form.getByRole("button", { name: "Send" }).click();
  },
  async done(c) {
    const sent = (await c.form.getAttribute("data-state")) === "sent";
    // Sent: the form folds away with its fields, which are no longer the visitor's to keep.
    if (sent) c.fieldTexts = [];
    return sent;
  },
  async retry(c) {
    await c.form.getByRole("button", { name: "Send" }).click();
  },
  async refusal(c) {
    assert.equal(await c.form.getAttribute("data-state"), "editing", "403: the form stays as typed");
  },
  async verify(c, outcome) {
    await c.checkMessagesOnServer();
    const token = await c.visitorToken();
    const exported = await c.api("GET", `${API}/export`, { auth: `Bearer ${token}` });
    const mine = exported.submissions.filter((s) => s.part_id === c.partId);
    const want = outcome === "refused" ? 0 : 1;
    assert.equal(mine.length, want, `the form's answer is stored ${mine.length} times, expected ${want}`);
    if (want) assert.equal(mine[0].values.message, c.message, "the stored answer is what the visitor typed");
  },
};

async function openMenu(c, item) {
  await c.page.getByTestId("menu-button").click();
  await c.page.getByTestId(item).click();
}

const rateRow = {
  id: "rate",
  label: "POST /rate (rating the conversation)",
  method: "POST",
  path: `${API}/rate`,
  doing: "sending the rating",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  async setup(c) {
    await chatted(c);
    await openMenu(c, "menu-rate");
    c.rating = c.page.getByTestId("rating");
    await c.page.getByTestId("rating-star").nth(3).click();
    c.words = words("Rigtig god hjælp");
    await c.rating.locator("textarea").fill(c.words);
    c.fieldTexts = [c.words];
  },
  async act(c) {
    await c.page.getByTestId("rating-submit").click();
  },
  async done(c) {
    // Stored: the menu closes with its form.
    const open = await c.page.locator("[data-testid=rating][data-state=editing], [data-testid=rating][data-state=sending]").count();
    if (!open) c.fieldTexts = [];
    return !open;
  },
  async retry(c) {
    await c.page.getByTestId("rating-submit").click();
  },
  async verify(c, outcome) {
    await c.checkMessagesOnServer();
    const token = await c.visitorToken();
    const { ratings } = await c.api("GET", `${API}/export`, { auth: `Bearer ${token}` });
    const want = outcome === "refused" ? 0 : 1;
    assert.equal(ratings.length, want, `the rating is stored ${ratings.length} times, expected ${want}`);
    if (want) assert.deepEqual([ratings[0].rating, ratings[0].feedback], [4, c.words]);
  },
};

const exportRow = {
  id: "export",
  label: "GET /export (download my data)",
  method: "GET",
  path: `${API}/export`,
  doing: "the download",
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    c.w0 = await chatted(c);
    c.downloads = [];
    c.listen("download", (d) => c.downloads.push(d));
  },
  async act(c) {
    await openMenu(c, "menu-export");
  },
  async done(c) {
    return c.downloads.length > 0;
  },
  errorShown: statusError,
  // The error has no retry button of its own: the menu item is the way to try again.
  async retry(c) {
    await openMenu(c, "menu-export");
  },
  async refusal(_c, s) {
    assert.equal(s.errors.at(-1)?.retryable, false, "403: the error event says it is not retryable");
  },
  async verify(c, outcome) {
    await c.checkMessagesOnServer();
    if (outcome === "refused") {
      assert.equal(c.downloads.length, 0, "403: nothing downloaded");
      return;
    }
    assert.equal(c.downloads.length, 1, "one download");
    const text = readFileSync(await c.downloads[0].path(), "utf8");
    assert.ok(text.includes(c.w0), "the download holds the visitor's conversation");
  },
};

const deleteRow = {
  id: "delete",
  label: "DELETE / (delete my data)",
  method: "DELETE",
  path: API,
  doing: "the deletion",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  async setup(c) {
    c.w0 = await chatted(c);
    c.oldToken = await c.visitorToken();
  },
  async act(c) {
    await openMenu(c, "menu-delete");
    await c.page.getByTestId("menu-delete-confirm").click();
  },
  async done(c) {
    const s = await c.snap();
    // Deleted: the conversation gone from the panel (by the visitor's wish), with the notice or
    // (the notice may come a moment later) with the server's word that the visitor is gone.
    if (s.msgs.some((m) => m.text.includes(c.w0))) return false;
    const dead = async () => (await fetch(c.url + `${API}/messages`, { headers: { authorization: `Bearer ${c.oldToken}` } })).status === 401;
    const gone = s.notice !== null || (await dead());
    if (gone) c.typed = [];
    return gone;
  },
  errorShown(c, s) {
    return s.notice !== null && s.msgs.some((m) => m.text.includes(c.w0)) ? `notice: ${s.notice}` : statusError(c, s);
  },
  async retry(c) {
    await c.page.getByTestId("menu-notice").getByRole("button").click();
    await openMenu(c, "menu-delete");
    await c.page.getByTestId("menu-delete-confirm").click();
  },
  async verify(c, outcome) {
    const res = await fetch(c.url + `${API}/messages`, { headers: { authorization: `Bearer ${c.oldToken}` } });
    if (outcome === "refused") {
      assert.equal(res.status, 200, "403: the data is still there");
      c.typed = [c.w0];
      await c.checkMessagesOnServer();
    } else {
      assert.equal(res.status, 401, "the old visitor is gone from the server (their token is dead)");
    }
  },
  async after(c) {
    const notice = c.page.getByTestId("menu-notice");
    if (await notice.count()) await notice.getByRole("button").click();
    await c.freshMessage();
  },
};

const handoverRow = {
  id: "handover",
  label: "POST /livechat/handover",
  method: "POST",
  path: `${API}/livechat/handover`,
  doing: "the handover",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  async setup(c) {
    await chatted(c);
  },
  async act(c) {
    await c.page.getByTestId("human-button").click();
  },
  async done(c) {
    return (await c.snap()).banner === "waiting";
  },
  errorShown: statusError,
  // "Talk to a person" stays in the header while no session is open: pressing it again.
  async retry(c) {
    await c.page.getByTestId("human-button").click();
  },
  async verify(c, outcome) {
    await c.checkMessagesOnServer();
    const n = (await c.sessions()).length;
    const want = outcome === "refused" ? 0 : 1;
    assert.equal(n, want, `${n} livechat sessions for the visitor, expected ${want}`);
  },
};

/** The livechat preamble: a new visitor, one answer, an agent active. */
async function inLivechat(c) {
  await chatted(c);
  await c.startLivechat();
}

const stateRow = {
  id: "lc-state",
  label: "GET /livechat/state (resume at the first open)",
  method: "GET",
  path: `${API}/livechat/state`,
  doing: "resuming the livechat",
  background: true,
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    await inLivechat(c);
    const l0 = words("Tak fordi du tager over");
    await c.ask(l0);
    await c.waitFor(async () => (await c.serverCount(l0)) === 1, "the visitor's message at the agent");
    await c.reload();
    c.earlier = c.typed;
    c.typed = [];
  },
  async act(c) {
    await c.open();
  },
  async done(c) {
    const s = await c.snap();
    return s.banner === "active" && c.earlier.every((t) => s.msgs.some((m) => m.role === "user" && m.text.includes(t)));
  },
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const syncRow = {
  id: "lc-sync",
  label: "GET /livechat/sync (the follower's held request)",
  method: "GET",
  path: `${API}/livechat/sync`,
  doing: "showing the agent's next message",
  background: true,
  faults: ["401", "403", "409", "429", "500", "net", "offline"],
  async setup(c) {
    await inLivechat(c);
  },
  async act(c) {
    // Ends the held sync, so the next one (the faulted one) goes out at once.
    if (!c.fault.during) await c.agentSay(words("Et øjeblik"));
  },
  async midway() {},
  async afterHit(c) {
    c.a2 = words("Her er svaret fra Alice");
    await c.agentSay(c.a2);
  },
  done: (c) => c.agentShown(c.a2),
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const pollRow = {
  id: "lc-poll",
  label: "GET /livechat/messages (polling, when sync is missing)",
  method: "GET",
  path: `${API}/livechat/messages`,
  doing: "showing the agent's next message",
  background: true,
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    await c.fresh();
    // Precondition: this service has no /livechat/sync (404), so the widget polls.
    await armFault(c.url, { path: `${API}/livechat/sync`, fault: "status", status: 404, count: 10_000 });
    const w0 = words("Hej, jeg har et spørgsmål");
    await c.ask(w0);
    await c.answerTo(w0);
    await c.startLivechat();
  },
  async act() {},
  async afterHit(c) {
    c.a2 = words("Her er svaret fra Alice");
    await c.agentSay(c.a2);
  },
  done: (c) => c.agentShown(c.a2),
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const lcSendRow = {
  id: "lc-send",
  label: "POST /livechat/messages (a message to the agent)",
  method: "POST",
  path: `${API}/livechat/messages`,
  doing: "delivering the message to the agent",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  // CONTRACT.md §2: a 409 on a livechat send is stale state: refresh it, then retry.
  expectations: { 409: "silent" },
  async setup(c) {
    await inLivechat(c);
  },
  async act(c) {
    c.subject = words("Kan I bytte til en større størrelse");
    await c.ask(c.subject);
  },
  async done(c) {
    const s = await c.snap();
    return s.msgs.some((m) => m.role === "user" && m.text.includes(c.subject) && m.state === "sent");
  },
  errorShown: statusError,
  retry: clickRetry,
  refusal: messageRefused,
  subjectTexts: (c) => [c.subject],
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const typingRow = {
  id: "lc-typing",
  label: "POST /livechat/typing (best effort)",
  method: "POST",
  path: `${API}/livechat/typing`,
  doing: "delivering the message typed meanwhile",
  // Typing is a hint with nothing for the visitor to see or lose: every fault is to be
  // absorbed without a word, and the message being typed goes through as usual.
  expectations: { 401: "silent", 403: "silent", 409: "silent", 429: "silent", 500: "silent", net: "silent", "net-after": "silent" },
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  async setup(c) {
    await inLivechat(c);
  },
  async act(c) {
    c.subject = words("Jeg skriver lige en besked");
    c.typed.push(c.subject);
    await c.page.getByTestId("composer-input").fill(c.subject);
  },
  async afterHit(c) {
    await c.page.getByTestId("send-button").click();
  },
  async done(c) {
    const s = await c.snap();
    return s.msgs.some((m) => m.role === "user" && m.text.includes(c.subject) && m.state === "sent");
  },
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

const closeRow = {
  id: "lc-close",
  label: "POST /livechat/close (End chat)",
  method: "POST",
  path: `${API}/livechat/close`,
  doing: "ending the livechat",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  async setup(c) {
    await inLivechat(c);
  },
  async act(c) {
    await c.page.getByTestId("livechat-end").click();
  },
  async done(c) {
    return (await c.snap()).banner === "closed";
  },
  errorShown: statusError,
  // "End chat" stays in the banner while the session is open: pressing it again.
  async retry(c) {
    await c.page.getByTestId("livechat-end").click();
  },
  async verify(c, outcome) {
    await c.checkMessagesOnServer();
    const [s] = await c.sessions();
    if (outcome === "refused") assert.equal(s.status, "active", "403: the session is still open");
    else assert.deepEqual([s.status, s.closed_by], ["closed", "customer"], "the visitor closed the session");
  },
};

const feedbackRow = {
  id: "lc-feedback",
  label: "POST /livechat/feedback (after the agent closed)",
  method: "POST",
  path: `${API}/livechat/feedback`,
  doing: "sending the feedback",
  faults: ["401", "403", "409", "429", "500", "net", "net-after"],
  // The sandbox's 409 on feedback means "given already" (once only): done, not failed.
  expectations: { 409: "silent" },
  async setup(c) {
    await inLivechat(c);
    await c.api("POST", `${API}/livechat/agent/close`, { auth: `Bearer ${c.agent.token}`, body: { agent_id: AGENT, reason: "Løst" } });
    c.form = c.page.getByTestId("livechat-feedback");
    await c.form.waitFor({ timeout: 15_000 });
    await c.page.getByTestId("feedback-star").nth(4).click();
    c.words = words("Alice var sød");
    await c.form.locator("textarea").fill(c.words);
    c.fieldTexts = [c.words];
  },
  /** The same feedback arrives first from another tab. */
  async conflict(c) {
    const token = await c.visitorToken();
    await c.api("POST", `${API}/livechat/feedback`, { auth: `Bearer ${token}`, body: { rating: 5, feedback: c.words } });
  },
  async act(c) {
    await c.page.getByTestId("feedback-submit").click();
  },
  async done(c) {
    const gone = (await c.page.locator("[data-testid=livechat-feedback][data-state=editing], [data-testid=livechat-feedback][data-state=sending]").count()) === 0;
    if (gone) c.fieldTexts = [];
    return gone;
  },
  async retry(c) {
    await c.page.getByTestId("feedback-submit").click();
  },
  async verify(c, outcome) {
    await c.checkMessagesOnServer();
    const token = await c.visitorToken();
    const state = await c.api("GET", `${API}/livechat/state`, { auth: `Bearer ${token}` });
    const want = outcome === "refused" ? "pending" : "submitted";
    assert.equal(state.feedback?.status, want, `feedback is ${state.feedback?.status}, expected ${want}`);
  },
};

const attachmentRow = {
  id: "lc-attachment",
  label: "GET /livechat/attachments/{id} (an agent's image)",
  method: "GET",
  path: `${API}/livechat/attachments/{id}`,
  faultPath: `${API}/livechat/attachments/*`,
  doing: "showing the agent's image",
  background: true,
  // The image is a plain `<img>` (the strict CSP allows no blob: images, so it cannot be
  // fetched by script): the browser never shows the widget a status or a `Retry-After`. On a
  // failed load the widget asks for a fresh URL once and loads it again; a 429 is recovered
  // from, not waited out.
  expectations: { 429: "recover" },
  blindToRetryAfter: true,
  faults: ["401", "403", "409", "429", "500", "net"],
  async setup(c) {
    await inLivechat(c);
  },
  async act(c) {
    c.caption = words("Billede af pakken");
    await c.agentSay(null, [
      { type: "text", text: c.caption },
      { type: "image", data: PNG, mime: "image/png", filename: "pakke.png" },
    ]);
  },
  async done(c) {
    return c.page.evaluate((caption) => {
      const root = document.querySelector("[data-dialoge]").shadowRoot;
      const msg = [...root.querySelectorAll("[data-testid=message][data-role=agent]")].find((m) => m.textContent.includes(caption));
      const img = msg?.querySelector("figure img");
      return !!img && img.complete && img.naturalWidth > 0;
    }, c.caption);
  },
  errorShown: statusError,
  retry: clickRetry,
  async verify(c) {
    await c.checkMessagesOnServer();
  },
};

export const ROWS = [
  handshakeBootRow,
  handshakeRow,
  configRow,
  sendRow,
  historyRow,
  actionsRow,
  rateRow,
  exportRow,
  deleteRow,
  handoverRow,
  stateRow,
  syncRow,
  pollRow,
  lcSendRow,
  typingRow,
  closeRow,
  feedbackRow,
  attachmentRow,
];

/** What the contract asks for, per row and fault kind (see the header of this file). */
export function expectationFor(row, kind) {
  const own = row.expectations?.[kind];
  if (own) return own;
  switch (kind) {
    case "401":
      return "silent"; // renew the token through the site, retry once, say nothing
    case "403":
      return row.background ? "refused-or-recover" : "refused";
    case "429":
      return "waits";
    case "bytes":
    case "stall":
      return "silent";
    default:
      return "recover"; // 409, 500, network errors, drops, offline
  }
}

/** A fault of one kind for one row (`param`: drop place, stall or offline duration). */
function faultFor(row, kind, param) {
  switch (kind) {
    case "401":
    case "403":
    case "429":
    case "500":
      return statusFault(Number(kind));
    case "409":
      return row.conflict ? realConflict : statusFault(409);
    case "net":
      return netBefore;
    case "net-after":
      return netAfter;
    case "drop":
      return dropFault(param.reply, param.at);
    case "bytes":
      return byteByByte;
    case "stall":
      return stallFault(param);
    case "offline":
      return offlineFault(param);
    default:
      throw new Error(`unknown fault kind ${kind}`);
  }
}

function makeCell(row, kind, param) {
  const fault = faultFor(row, kind, param);
  const suffix = kind === "drop" ? `@${param.reply === "essay" ? "essay:" : ""}${param.at}` : kind === "stall" || kind === "offline" ? ` ${param / 1000}s` : "";
  return {
    id: `${row.id} × ${kind}${suffix}${fault.real ? " (real)" : ""}`,
    row,
    kind,
    fault,
    expect: expectationFor(row, kind),
  };
}

/**
 * Every cell. `dropAt`: the places the long reply is cut (indices or names); `essayDropAt`: the
 * same for the long essay; `stallMs`, `offlineMs`: the lengths of the stall and the offline spell.
 */
export function cells({ dropAt, essayDropAt = [], stallMs, offlineMs, only = null }) {
  const out = [];
  for (const row of ROWS) {
    for (const kind of row.faults) {
      if (kind === "drop") {
        for (const at of dropAt) out.push(makeCell(row, kind, { reply: "long", at }));
        for (const at of essayDropAt) out.push(makeCell(row, kind, { reply: "essay", at }));
      } else if (kind === "stall") {
        out.push(makeCell(row, kind, stallMs));
      } else if (kind === "offline") {
        out.push(makeCell(row, kind, offlineMs));
      } else {
        out.push(makeCell(row, kind));
      }
    }
  }
  return only ? out.filter((c) => only(c)) : out;
}

/** Runs one cell in `env`; resolves to its notes, rejects with the broken promise. */
export async function runCell(env, cell) {
  const run = new CellRun(env, cell);
  try {
    await run.run();
    return run.notes;
  } catch (e) {
    // What the cell saw on the way (errors shown, retries) goes with the broken promise; the
    // reporter prints the stack, which begins with the message.
    const message = `${e.message}\n    notes: ${run.notes.join("; ") || "—"}`;
    if (typeof e.stack === "string") e.stack = e.stack.replace(e.message, message);
    e.message = message;
    throw e;
  } finally {
    await run.cleanup();
  }
}

/** The matrix as a markdown table: per request and fault kind, cells passed / run. */
export function table(results) {
  const head = `| request | ${COLUMNS.map(([, label]) => label).join(" | ")} |`;
  const rule = `|---|${COLUMNS.map(() => "---").join("|")}|`;
  const lines = [head, rule];
  for (const row of ROWS) {
    const mine = results.filter((r) => r.cell.row === row);
    if (!mine.length) continue;
    const cols = COLUMNS.map(([kind]) => {
      const here = mine.filter((r) => r.cell.kind === kind);
      if (!row.faults.includes(kind)) return "n/a";
      if (!here.length) return "";
      const passed = here.filter((r) => r.ok).length;
      return `${passed === here.length ? "✅" : "❌"} ${passed}/${here.length}`;
    });
    lines.push(`| ${row.label} | ${cols.join(" | ")} |`);
  }
  return lines.join("\n");
}
