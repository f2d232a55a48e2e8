// Dialoge API shapes (CONTRACT.md sections 4 and 5) → AI SDK UI messages and UI message chunks.
// Rich text becomes Markdown for react-markdown; products and tables become data parts.

const MD_SPECIAL = /[\\`*_[\]<>#|~]/g;
const esc = (text) => text.replace(MD_SPECIAL, "\\$&");
const safeUrl = (url) => (/^(https?:|mailto:|tel:)/i.test(url) ? url.replace(/[()\s]/g, encodeURIComponent) : "#");

export function spanMd(span) {
  switch (span.type) {
    case "bold":
      return `**${esc(span.text)}**`;
    case "strike":
      return `~~${esc(span.text)}~~`;
    case "link":
      return `[${esc(span.text)}](${safeUrl(span.url)})`;
    default:
      return esc(span.text ?? "");
  }
}

export function blocksMd(blocks) {
  return blocks
    .map((block) =>
      block.type === "paragraph"
        ? block.spans.map(spanMd).join("")
        : block.type === "bullet_list"
          ? block.items.map((item) => "- " + item.spans.map(spanMd).join("")).join("\n")
          : "",
    )
    .filter(Boolean)
    .join("\n\n");
}

/** A history message → a UI message (unknown parts and markers are skipped). */
export function toUiMessage(message) {
  const parts = [];
  for (const part of message.parts) {
    if (part.type === "text")
      parts.push({ type: "text", text: message.role === "user" ? part.text : esc(part.text), state: "done" });
    else if (part.type === "rich_text") parts.push({ type: "text", text: blocksMd(part.blocks), state: "done" });
    else if (part.type === "products" || part.type === "table")
      parts.push({ type: `data-${part.type}`, id: part.part_id, data: part });
  }
  return { id: message.message_id, role: message.role === "user" ? "user" : "assistant", parts };
}

/**
 * A TransformStream from parsed SSE events ({event, data}) to UI message chunks. Text deltas
 * go out as they come; products and tables as one data part when their final `part` arrives.
 */
export function sseToChunks({ onToken } = {}) {
  let started = false;
  const texts = new Map(); // part_id → index of the last block that got text
  return new TransformStream({
    transform(ev, out) {
      if (!ev.data) return;
      const data = JSON.parse(ev.data);
      if (!started && ev.event !== "error") {
        out.enqueue({ type: "start" });
        started = true;
      }
      switch (ev.event) {
        case "part_delta": {
          const { part_id: id, delta } = data;
          const text = texts.get(id);
          switch (delta.action) {
            case "start_part":
              if (delta.part_type === "rich_text") {
                texts.set(id, { last: -1 });
                out.enqueue({ type: "text-start", id });
              }
              break;
            case "start_block":
              if (text) {
                if (text.last >= 0) out.enqueue({ type: "text-delta", id, delta: "\n\n" });
                text.last = delta.block_index;
              }
              break;
            case "append_text":
              if (text) out.enqueue({ type: "text-delta", id, delta: esc(delta.text) });
              break;
            case "append_span":
              if (text) out.enqueue({ type: "text-delta", id, delta: spanMd(delta.span) });
              break;
            case "append_item":
              if (text) out.enqueue({ type: "text-delta", id, delta: "- " + delta.item.spans.map(spanMd).join("") + "\n" });
              break;
            case "end_part":
              if (text) out.enqueue({ type: "text-end", id });
              break;
          }
          break;
        }
        case "part": {
          const part = data.part;
          if (part.type === "products" || part.type === "table")
            out.enqueue({ type: `data-${part.type}`, id: part.part_id, data: part });
          else if (part.type === "text") {
            const id = "t" + Math.random().toString(36).slice(2);
            out.enqueue({ type: "text-start", id });
            out.enqueue({ type: "text-delta", id, delta: esc(part.text) });
            out.enqueue({ type: "text-end", id });
          }
          break;
        }
        case "done":
          if (data.visitor_token) onToken?.(data.visitor_token);
          out.enqueue({ type: "finish" });
          break;
        case "error":
          out.enqueue({ type: "error", errorText: data.message });
          break;
      }
    },
  });
}
