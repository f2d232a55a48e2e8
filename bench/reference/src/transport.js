// A custom AI SDK ChatTransport: POSTs the visitor's last message to the sandbox's
// `POST /api/v1/chat/messages` and turns its SSE stream into UI message chunks.
import { EventSourceParserStream } from "eventsource-parser/stream";
import { sseToChunks } from "./convert.js";

export class SandboxTransport {
  constructor(api) {
    this.api = api;
  }

  async sendMessages({ messages, abortSignal }) {
    const last = messages[messages.length - 1];
    const text = last.parts.filter((p) => p.type === "text").map((p) => p.text).join("\n");
    const res = await this.api.call("/messages", {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify({ message: { parts: [{ type: "text", text }] } }),
      signal: abortSignal,
    });
    if (!res.ok || !(res.headers.get("content-type") ?? "").startsWith("text/event-stream"))
      throw new Error(`send: HTTP ${res.status}`);
    return res.body
      .pipeThrough(new TextDecoderStream())
      .pipeThrough(new EventSourceParserStream())
      .pipeThrough(sseToChunks({ onToken: this.api.adoptToken }));
  }

  async reconnectToStream() {
    return null;
  }
}
