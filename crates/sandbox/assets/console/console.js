// The sandbox's agent console: lists livechat sessions through the API-key endpoints and chats
// as the agent through /livechat/agent/* with a session token from the development helper.
// Text from the API only ever becomes text nodes; URLs are used only if they are http(s) or
// same-origin.
"use strict";

(() => {
  const API = "/api/v1/chat";
  const $ = (selector) => document.querySelector(selector);
  const form = $("[data-identity]");
  const ui = {
    status: $("[data-status]"),
    count: $("[data-count]"),
    list: $("[data-session-list]"),
    empty: $("[data-empty]"),
    showClosed: $("[data-show-closed]"),
    chat: $("[data-chat]"),
    title: $("[data-chat-title]"),
    meta: $("[data-chat-meta]"),
    take: $("[data-take]"),
    close: $("[data-close]"),
    transcript: $("[data-transcript]"),
    typing: $("[data-visitor-typing]"),
    composer: $("[data-composer]"),
    text: $("[data-text]"),
    file: $("[data-file]"),
    fileName: $("[data-file-name]"),
  };
  const state = {
    selected: null,
    token: null,
    tokenFor: null,
    shown: "",
    session: null,
    typingSentAt: 0,
    typingStop: null,
  };

  const identity = () => ({
    key: form.api_key.value.trim(),
    agentId: form.agent_id.value.trim(),
    name: form.display_name.value.trim(),
  });

  function say(text, bad = false) {
    ui.status.textContent = text;
    ui.status.classList.toggle("bad", bad);
  }

  async function call(path, { method = "GET", body, auth } = {}) {
    const headers = { authorization: auth ?? `Basic ${btoa(`${identity().key}:`)}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 204) return null;
    const data = await response.json().catch(() => null);
    if (!response.ok) {
      const error = new Error(data?.error?.message ?? `HTTP ${response.status}`);
      error.status = response.status;
      throw error;
    }
    return data;
  }

  async function sessionToken(sessionId) {
    if (state.tokenFor === sessionId && state.token) return state.token;
    const response = await fetch(`/sandbox/livechat/sessions/${encodeURIComponent(sessionId)}/token`);
    const data = await response.json().catch(() => null);
    if (!response.ok) throw new Error(data?.error?.message ?? `HTTP ${response.status}`);
    state.token = data.token;
    state.tokenFor = sessionId;
    return state.token;
  }

  // An agent call with the session token; a token that expired is replaced once.
  async function agentCall(path, options = {}) {
    const attempt = async () => call(path, { ...options, auth: `Bearer ${await sessionToken(state.selected)}` });
    try {
      return await attempt();
    } catch (error) {
      if (error.status !== 401) throw error;
      state.token = null;
      return attempt();
    }
  }

  async function saveProfile() {
    const { agentId, name } = identity();
    await call(`/livechat/agents/${encodeURIComponent(agentId)}`, {
      method: "PUT",
      body: { display_name: name || agentId, avatar_url: "/shop/img/agent.svg" },
    });
  }

  function pill(text, kind) {
    const span = document.createElement("span");
    span.className = `pill ${kind ?? ""}`;
    span.textContent = text;
    return span;
  }

  async function refreshSessions() {
    const query = ui.showClosed.checked ? "" : "?status=waiting,active";
    const [list, count] = await Promise.all([
      call(`/livechat/sessions${query}`),
      call("/livechat/notifications/count"),
    ]);
    ui.count.textContent = count.count > 0 ? String(count.count) : "";
    document.title = count.count > 0 ? `(${count.count}) Agent console` : "Agent console · Dialoge sandbox";
    ui.empty.hidden = list.sessions.length > 0;
    const items = list.sessions.map((session) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.sessionId = session.livechat_session_id;
      button.setAttribute("aria-current", String(session.livechat_session_id === state.selected));
      const top = document.createElement("span");
      top.className = "line";
      const who = document.createElement("strong");
      who.textContent = `Visitor …${session.visitor_id.slice(-6)}`;
      top.append(who, pill(session.status, session.status));
      const bottom = document.createElement("span");
      bottom.className = "line small muted";
      const agent = document.createElement("span");
      agent.textContent = session.active_agent ? session.active_agent.display_name : "no agent yet";
      bottom.append(agent);
      if (session.turn === "agent") bottom.append(pill("needs reply", "turn"));
      button.append(top, bottom);
      button.addEventListener("click", () => select(session.livechat_session_id));
      item.append(button);
      return item;
    });
    ui.list.replaceChildren(...items);
  }

  function select(sessionId) {
    state.selected = sessionId;
    state.shown = "";
    ui.chat.hidden = false;
    ui.transcript.replaceChildren();
    for (const button of ui.list.querySelectorAll("button")) {
      button.setAttribute("aria-current", String(button.dataset.sessionId === sessionId));
    }
    refreshChat().catch((error) => say(error.message, true));
  }

  const safeUrl = (url) => {
    if (typeof url !== "string") return null;
    try {
      const parsed = new URL(url, location.href);
      return ["http:", "https:"].includes(parsed.protocol) || (parsed.protocol === "data:" && url.startsWith("data:image/"))
        ? parsed.href
        : null;
    } catch {
      return null;
    }
  };

  function spansText(spans) {
    return (spans ?? []).map((span) => span.text ?? "").join("");
  }

  function renderPart(part) {
    switch (part.type) {
      case "text": {
        const p = document.createElement("p");
        p.textContent = part.text;
        return p;
      }
      case "rich_text": {
        const p = document.createElement("p");
        p.textContent = (part.blocks ?? [])
          .map((block) => block.spans ? spansText(block.spans) : (block.items ?? []).map((item) => `• ${spansText(item.spans)}`).join("\n"))
          .join("\n");
        return p;
      }
      case "image": {
        const url = safeUrl(part.url);
        if (!url) return null;
        const img = document.createElement("img");
        img.src = url;
        img.alt = part.caption ?? "image";
        return img;
      }
      case "file": {
        const url = safeUrl(part.url);
        const p = document.createElement("p");
        if (url) {
          const a = document.createElement("a");
          a.href = url;
          a.target = "_blank";
          a.rel = "noopener";
          a.textContent = `📎 ${part.filename}`;
          p.append(a);
        } else {
          p.textContent = `📎 ${part.filename}`;
        }
        return p;
      }
      default: {
        const p = document.createElement("p");
        p.className = "muted small";
        p.textContent = `[${part.type}]`;
        return p;
      }
    }
  }

  function renderMessage(message) {
    const item = document.createElement("li");
    item.className = message.role;
    if (message.sequence_number === undefined && message.role !== "system") item.classList.add("prior");
    if (message.role !== "system") {
      const who = document.createElement("span");
      who.className = "who";
      who.textContent =
        message.role === "user" ? "Visitor"
        : message.role === "assistant" ? "Assistant (before the handover)"
        : message.agent?.display_name ?? "Agent";
      item.append(who);
    }
    for (const part of message.parts ?? []) {
      const node = renderPart(part);
      if (node) item.append(node);
    }
    return item;
  }

  async function refreshChat() {
    if (!state.selected) return;
    const context = await agentCall("/livechat/agent/context");
    const session = context.session;
    state.session = session;
    const mine = context.messages.find((m) => m.role === "agent")?.agent;
    ui.title.textContent = `Session …${session.livechat_session_id.slice(-8)}`;
    const facts = [
      `status: ${session.status}`,
      `language: ${session.language ?? "?"}`,
      context.visitor?.client_context?.current_page_url ? `page: ${context.visitor.client_context.current_page_url}` : null,
      session.closed_by ? `closed by ${session.closed_by}${session.close_reason ? ` (${session.close_reason})` : ""}` : null,
    ].filter(Boolean);
    ui.meta.textContent = facts.join(" · ");
    const open = session.status === "waiting" || session.status === "active";
    ui.take.disabled = session.status !== "waiting";
    ui.close.disabled = !open;
    for (const control of ui.composer.elements) control.disabled = !open;
    ui.typing.hidden = !context.is_customer_typing;
    // Re-render only when the transcript changed: attachment URLs are re-signed every time.
    const key = context.messages.map((m) => m.message_id).join(",") + (mine ? mine.display_name : "");
    if (key !== state.shown) {
      state.shown = key;
      ui.transcript.replaceChildren(...context.messages.map(renderMessage));
      ui.transcript.scrollTop = ui.transcript.scrollHeight;
    }
  }

  async function typing(isTyping) {
    if (!state.selected || state.session?.status === "closed") return;
    await agentCall("/livechat/agent/typing", {
      method: "POST",
      body: { agent_id: identity().agentId, is_typing: isTyping },
    });
  }

  function onInput() {
    const now = Date.now();
    // Refresh well inside the server's auto-clear (a few seconds), not on every key.
    if (now - state.typingSentAt > 2500) {
      state.typingSentAt = now;
      typing(true).catch((error) => say(error.message, true));
    }
    clearTimeout(state.typingStop);
    state.typingStop = setTimeout(() => {
      state.typingSentAt = 0;
      typing(false).catch(() => {});
    }, 3000);
  }

  const readBase64 = (file) =>
    new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });

  async function send(event) {
    event.preventDefault();
    const text = ui.text.value.trim();
    const file = ui.file.files[0];
    if (!text && !file) return;
    const parts = [];
    if (text) parts.push({ type: "text", text });
    if (file) {
      const data = await readBase64(file);
      const mime = file.type || "application/octet-stream";
      const image = ["image/png", "image/jpeg", "image/webp", "image/gif"].includes(mime);
      parts.push({ type: image ? "image" : "file", data, mime, filename: file.name });
    }
    clearTimeout(state.typingStop);
    state.typingSentAt = 0;
    await agentCall("/livechat/agent/messages", {
      method: "POST",
      body: { agent_id: identity().agentId, message: { parts } },
    });
    ui.text.value = "";
    ui.file.value = "";
    ui.fileName.textContent = "";
    say("Sent.");
    await refreshChat();
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    saveProfile().then(() => say("Profile saved.")).catch((error) => say(error.message, true));
  });
  ui.showClosed.addEventListener("change", () => refreshSessions().catch((error) => say(error.message, true)));
  ui.take.addEventListener("click", () => {
    // The first typing call assigns this agent: "… joined the chat" appears for the visitor.
    saveProfile()
      .then(() => typing(false))
      .then(() => refreshChat())
      .then(() => say("You joined the chat."))
      .catch((error) => say(error.message, true));
  });
  ui.close.addEventListener("click", () => {
    agentCall("/livechat/agent/close", {
      method: "POST",
      body: { agent_id: identity().agentId, reason: "resolved" },
    })
      .then(() => refreshChat())
      .then(() => say("Chat closed."))
      .catch((error) => say(error.message, true));
  });
  ui.text.addEventListener("input", onInput);
  ui.text.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      ui.composer.requestSubmit();
    }
  });
  ui.file.addEventListener("change", () => {
    ui.fileName.textContent = ui.file.files[0] ? `Attached: ${ui.file.files[0].name}` : "";
  });
  ui.composer.addEventListener("submit", (event) => send(event).catch((error) => say(error.message, true)));

  // Polling: the session list every 2 s, the open chat every second.
  const loop = (fn, ms) => {
    const tick = () => fn().catch((error) => say(error.message, true)).finally(() => setTimeout(tick, ms));
    tick();
  };
  saveProfile().catch((error) => say(error.message, true));
  loop(refreshSessions, 2000);
  loop(async () => { if (!document.hidden) await refreshChat(); }, 1000);
})();
