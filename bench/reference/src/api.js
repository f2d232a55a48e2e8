// The reference's side of the sandbox: the shop's token handshake (EMBED.md section 2, the same
// endpoint the widget's `data-token-url` names) and Bearer calls to the Dialoge API.
export function makeApi({ chatbotId, tokenUrl, apiBase }) {
  const key = `reference:${chatbotId}:token`;
  let pending = null;

  async function handshake(previous) {
    const res = await fetch(tokenUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(previous ? { chatbot_id: chatbotId, visitor_token: previous } : { chatbot_id: chatbotId }),
    });
    if (!res.ok) throw new Error(`token handshake: HTTP ${res.status}`);
    const { token } = await res.json();
    localStorage.setItem(key, token);
    return token;
  }

  function token() {
    const stored = localStorage.getItem(key);
    if (stored) return Promise.resolve(stored);
    pending ??= handshake().finally(() => (pending = null));
    return pending;
  }

  /** A Bearer call; a 401 renews the token once and retries. */
  async function call(path, init = {}) {
    let bearer = await token();
    const go = () =>
      fetch(apiBase + "/api/v1/chat" + path, {
        ...init,
        headers: { ...(init.headers ?? {}), authorization: `Bearer ${bearer}` },
      });
    let res = await go();
    if (res.status === 401) {
      bearer = await handshake(bearer);
      res = await go();
    }
    return res;
  }

  return {
    call,
    adoptToken: (t) => localStorage.setItem(key, t),
    async history(cursor) {
      const res = await call(`/messages?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (!res.ok) throw new Error(`history: HTTP ${res.status}`);
      return res.json();
    },
  };
}
