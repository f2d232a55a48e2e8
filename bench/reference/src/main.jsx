// Reference chat for bench/browser.mjs — comparison only, never shipped. What a React team would
// write with the usual stack: React 19, the AI SDK's useChat with a custom ChatTransport to the
// same sandbox API, Markdown through react-markdown (+ GFM). Mounted like the widget: one
// script tag, a host element with an open shadow root, a stylesheet file (strict CSP friendly),
// a launcher, a panel that loads history (20 per page, older on scrolling to the top) at its
// first open, and the same data-testid hooks as the widget (EMBED.md section 4).
import { memo, useEffect, useLayoutEffect, useRef, useState } from "react";
import { createRoot } from "react-dom/client";
import { Chat, useChat } from "@ai-sdk/react";
import Markdown from "react-markdown";
import remarkGfm from "remark-gfm";
import { makeApi } from "./api.js";
import { toUiMessage } from "./convert.js";
import { SandboxTransport } from "./transport.js";

const me = document.currentScript;
const ds = me?.dataset ?? {};
const base = new URL(".", me?.src ?? location.href).href;
const api = makeApi({
  chatbotId: ds.chatbotId || "shop-bot",
  tokenUrl: ds.tokenUrl || "/shop/chat-token",
  apiBase: ds.apiBase || location.origin,
});
const chat = new Chat({ transport: new SandboxTransport(api) });
const remarkPlugins = [remarkGfm];
const mdComponents = {
  a: ({ node: _node, href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
};

function Spans({ spans }) {
  return spans.map((s, i) =>
    s.type === "bold" ? (
      <strong key={i}>{s.text}</strong>
    ) : s.type === "strike" ? (
      <s key={i}>{s.text}</s>
    ) : s.type === "link" ? (
      <a key={i} href={/^(https?:|mailto:|tel:)/i.test(s.url) ? s.url : undefined} target="_blank" rel="noopener noreferrer">
        {s.text}
      </a>
    ) : (
      <span key={i}>{s.text}</span>
    ),
  );
}

function Cell({ cell }) {
  return cell.blocks.map((b, i) =>
    b.type === "paragraph" ? (
      <p key={i}>
        <Spans spans={b.spans} />
      </p>
    ) : b.type === "bullet_list" ? (
      <ul key={i}>
        {b.items.map((it, j) => (
          <li key={j}>
            <Spans spans={it.spans} />
          </li>
        ))}
      </ul>
    ) : b.type === "image" ? (
      <img key={i} src={b.thumbnail_url || b.url} alt={b.alt ?? ""} loading="lazy" />
    ) : null,
  );
}

function Table({ part }) {
  return (
    <div className="ref-table" data-testid="part" data-part-type="table" data-part-id={part.part_id}>
      <table>
        {part.caption && <caption>{part.caption}</caption>}
        <thead>
          <tr>
            {part.headers.map((h, i) => (
              <th key={i} style={{ textAlign: part.alignments?.[i] }}>
                <Cell cell={h} />
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {part.rows.map((row, r) => (
            <tr key={r}>
              {row.map((c, i) => (
                <td key={i} style={{ textAlign: part.alignments?.[i] }}>
                  <Cell cell={c} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const money = (p) => p && `${p.amount.toFixed(2)} ${p.currency}`;

function Products({ part }) {
  return (
    <div className="ref-products" data-testid="part" data-part-type="products" data-part-id={part.part_id}>
      {part.products.map((p) => (
        <a key={p.id} className="ref-card" href={/^https?:/i.test(p.url) ? p.url : undefined} target="_blank" rel="noopener noreferrer">
          {/^https?:/i.test(p.image_url) ? <img src={p.image_url} alt="" loading="lazy" /> : <span className="ref-noimg" />}
          {p.splash && <span className="ref-splash">{p.splash}</span>}
          <strong>{p.title}</strong>
          {p.description && <span>{p.description}</span>}
          <span>
            {p.original_price && <s>{money(p.original_price)}</s>} {money(p.price)}
          </span>
        </a>
      ))}
    </div>
  );
}

const Message = memo(function Message({ message, state }) {
  return (
    <div className={`ref-msg ref-${message.role}`} data-testid="message" data-role={message.role} data-message-id={message.id} data-state={state}>
      {message.parts.map((p, i) =>
        p.type === "text" ? (
          message.role === "user" ? (
            <p key={i}>{p.text}</p>
          ) : (
            <div key={i} className="ref-md" data-testid="part" data-part-type="rich_text">
              <Markdown remarkPlugins={remarkPlugins} components={mdComponents}>
                {p.text}
              </Markdown>
            </div>
          )
        ) : p.type === "data-products" ? (
          <Products key={i} part={p.data} />
        ) : p.type === "data-table" ? (
          <Table key={i} part={p.data} />
        ) : null,
      )}
    </div>
  );
});

function Panel({ visible, onClose }) {
  const { messages, sendMessage, status, setMessages, error } = useChat({ chat });
  const [draft, setDraft] = useState("");
  const [cursor, setCursor] = useState(null);
  const [loading, setLoading] = useState(true);
  const list = useRef(null);
  const input = useRef(null);
  const busyLoading = useRef(false);
  const pinned = useRef(true);
  const restore = useRef(null);

  const load = async (from) => {
    if (busyLoading.current) return;
    busyLoading.current = true;
    setLoading(true);
    try {
      const page = await api.history(from);
      const older = page.messages.slice().reverse().map(toUiMessage);
      setMessages((current) => [...older, ...current]);
      setCursor(page.next_cursor ?? null);
    } finally {
      busyLoading.current = false;
      setLoading(false);
    }
  };
  useEffect(() => {
    load(null);
  }, []);
  useEffect(() => {
    if (visible) input.current?.focus();
  }, [visible]);

  useLayoutEffect(() => {
    const el = list.current;
    if (!el) return;
    if (restore.current) {
      const [height, top] = restore.current;
      el.scrollTop = top + el.scrollHeight - height;
      if (!loading) restore.current = null;
    } else if (pinned.current) el.scrollTop = el.scrollHeight;
  }, [messages, loading]);

  const onScroll = () => {
    const el = list.current;
    pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight <= 48;
    if (el.scrollTop <= 40 && !busyLoading.current && cursor) {
      restore.current = [el.scrollHeight, el.scrollTop];
      load(cursor);
    }
  };

  const send = () => {
    const text = draft.trim();
    if (!text) return;
    setDraft("");
    pinned.current = true;
    sendMessage({ text });
  };
  const busy = status === "submitted" || status === "streaming";
  return (
    <div className="ref-panel" data-testid="panel" role="dialog" aria-label="Chat" hidden={!visible}
      onKeyDown={(e) => e.key === "Escape" && onClose()}>
      <header>
        <span>Shop assistant</span>
        <button type="button" data-testid="close-button" aria-label="Close chat" onClick={onClose}>×</button>
      </header>
      <div className="ref-messages" data-testid="messages" role="log" aria-live="polite" ref={list} onScroll={onScroll}>
        {loading && <div data-testid="history-loading">Loading…</div>}
        {messages.map((m, i) => (
          <Message key={m.id} message={m} state={i === messages.length - 1 && m.role === "assistant" && busy ? "streaming" : "done"} />
        ))}
      </div>
      <div className="ref-status" data-testid="status" role="status">
        {status === "submitted" ? "…" : error ? error.message : ""}
      </div>
      <form className="ref-composer" onSubmit={(e) => (e.preventDefault(), send())}>
        <textarea ref={input} data-testid="composer-input" aria-label="Message" rows={1} value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && !e.shiftKey) {
              e.preventDefault();
              send();
            }
          }} />
        <button type="submit" data-testid="send-button" disabled={busy || !draft.trim()}>Send</button>
      </form>
    </div>
  );
}

function App() {
  const [open, setOpen] = useState(false);
  const [mounted, setMounted] = useState(false);
  const toggle = () => {
    setMounted(true);
    setOpen((o) => !o);
  };
  return (
    <div className="ref-root">
      {mounted && <Panel visible={open} onClose={() => setOpen(false)} />}
      <button type="button" className="ref-launcher" data-testid="launcher" aria-label={open ? "Close chat" : "Open chat"}
        aria-expanded={open} onClick={toggle}>
        {open ? "×" : "💬"}
      </button>
    </div>
  );
}

if (!window.__dialogeReference) {
  window.__dialogeReference = true;
  const host = document.createElement("div");
  host.setAttribute("data-reference", "");
  const root = host.attachShadow({ mode: "open" });
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = base + "ref.css";
  const mount = document.createElement("div");
  mount.hidden = true;
  css.onload = css.onerror = () => (mount.hidden = false);
  root.append(css, mount);
  document.body.appendChild(host);
  createRoot(mount).render(<App />);
}
