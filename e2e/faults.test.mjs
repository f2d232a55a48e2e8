// The fault matrix, end to end: every request the widget makes × every fault the sandbox (or the
// network) can throw at it, judged from the sandbox's own records — no visitor message lost or
// sent twice, the visitor's text never gone from the screen, the contract's reaction to each
// status, and a normal answer afterwards. The rows, faults and the oracle are in
// `fault-matrix-lib.mjs`; this file runs a representative subset (every request and every fault
// kind at least once, offline for 5 s instead of 30) so `node --test e2e/` stays quick. The full
// sweep — every drop index of the long reply, the long essay, 30 s offline, every cell — is
// `node bench/faults.mjs`.
//
// A failing cell here is a widget bug the matrix found: the oracle is not bent to fit the widget.
import { test, before, after } from "node:test";
import { openMatrix, cells, runCell, table } from "./fault-matrix-lib.mjs";

/** The cells of this file, by id (see `cells()` for how ids are made). */
const SUBSET = new Set([
  // The message send, every fault kind; the long reply cut at the telling places.
  "send × 401",
  "send × 403",
  "send × 409",
  "send × 429",
  "send × 500",
  "send × net",
  "send × net-after",
  "send × drop@first",
  "send × drop@status",
  "send × drop@delta",
  "send × drop@mid",
  "send × drop@last",
  "send × bytes",
  "send × stall 4s",
  "send × offline 5s",
  // Every other request at least once, each fault kind it has somewhere.
  "handshake-boot × 500",
  // Two calls wait for one handshake that waits out the site's 429.
  "handshake-boot × 429",
  // A 403 at boot: the calm "unavailable" notice, no composer.
  "config × 403",
  "handshake × 401",
  "handshake × net-after",
  "config × 429",
  "config × net",
  "history × 500",
  "actions × 409 (real)",
  "actions × net-after",
  "rate × 403",
  "rate × net-after",
  "export × 401",
  "export × 500",
  "delete × 409",
  "delete × net-after",
  "handover × 429",
  "handover × net",
  "lc-state × 500",
  "lc-sync × 403",
  "lc-sync × 429",
  "lc-sync × offline 5s",
  "lc-poll × net",
  "lc-send × 409",
  "lc-send × 500",
  "lc-send × net-after",
  "lc-typing × 500",
  "lc-close × 500",
  "lc-close × net-after",
  "lc-feedback × 409 (real)",
  "lc-feedback × net",
  "lc-attachment × 403",
  "lc-attachment × net",
]);

const chosen = cells({
  dropAt: ["first", "status", "delta", "mid", "last"],
  stallMs: 4000,
  offlineMs: 5000,
  only: (c) => SUBSET.has(c.id),
});
// A renamed cell must not silently drop out of the subset.
const missing = [...SUBSET].filter((id) => !chosen.some((c) => c.id === id));
if (missing.length) throw new Error(`no such cells: ${missing.join(", ")}`);

let env;
const results = [];

before(async () => {
  env = await openMatrix();
});

after(async () => {
  await env?.close();
  console.log(`\nFault matrix (this file's subset; the full sweep is bench/faults.mjs):\n\n${table(results)}\n`);
});

for (const cell of chosen) {
  test(`${cell.id} → ${cell.expect}`, { timeout: 150_000 }, async () => {
    const result = { cell, ok: false };
    results.push(result);
    await runCell(env, cell);
    result.ok = true;
  });
}
