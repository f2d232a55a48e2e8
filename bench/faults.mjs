#!/usr/bin/env node
// The fault matrix, full sweep: every request the widget makes × every fault, with the same
// cell definitions and oracle as e2e/faults.test.mjs (e2e/fault-matrix-lib.mjs), plus what is
// too long for the test command — the long reply dropped after every one of its events, the long
// essay dropped every `--essay-stride` events (and just before `done`), a 30 s stall and 30 s
// offline in the middle of a stream and of a livechat. Prints a markdown table of cells passed /
// run per request and fault kind, then each failing cell with why. Exits 1 when a cell failed.
// Needs the widget built in dist/ and `cargo build -p dialoge-sandbox`.
//
//   node bench/faults.mjs [--only=REGEX] [--offline-ms=30000] [--stall-ms=30000]
//                         [--essay-stride=100] [--no-essay]
import { openMatrix, cells, runCell, table, replyEvents, ROWS } from "../e2e/fault-matrix-lib.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k, v ?? true];
  }),
);
const offlineMs = Number(args["offline-ms"] ?? 30_000);
const stallMs = Number(args["stall-ms"] ?? 30_000);
const essayStride = Number(args["essay-stride"] ?? 100);
const only = args.only ? new RegExp(args.only) : null;

const started = Date.now();
const env = await openMatrix();
let failed = 0;
try {
  const longEvents = await replyEvents(env, "long");
  const essayEvents = await replyEvents(env, "essay");
  const dropAt = Array.from({ length: longEvents }, (_, i) => i);
  const essayDropAt = [];
  if (!args["no-essay"]) {
    for (let i = 0; i < essayEvents - 1; i += essayStride) essayDropAt.push(i);
    essayDropAt.push(essayEvents - 1);
  }
  const list = cells({ dropAt, essayDropAt, stallMs, offlineMs, only: only && ((c) => only.test(c.id)) });
  console.error(
    `${list.length} cells; the long reply has ${longEvents} events (every drop index), the essay ${essayEvents} ` +
      `(${essayDropAt.length} drop indices); stall ${stallMs / 1000} s, offline ${offlineMs / 1000} s`,
  );

  const results = [];
  for (const [i, cell] of list.entries()) {
    const t = Date.now();
    const result = { cell, ok: false, ms: 0, notes: [], error: null };
    try {
      result.notes = await runCell(env, cell);
      result.ok = true;
    } catch (e) {
      result.error = e;
      failed += 1;
    }
    result.ms = Date.now() - t;
    results.push(result);
    console.error(
      `[${i + 1}/${list.length}] ${result.ok ? "ok  " : "FAIL"} ${cell.id} → ${cell.expect} (${(result.ms / 1000).toFixed(1)} s)` +
        (result.ok ? "" : `\n    ${result.error.message.split("\n")[0]}`),
    );
  }

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const out = [
    `## Fault matrix, full sweep`,
    "",
    `${results.length} cells, ${results.length - failed} passed, ${failed} failed, in ${minutes} min. ` +
      `Cells passed / run per request and fault kind (n/a: the fault does not apply to that request).`,
    "",
    table(results),
    "",
  ];
  if (failed) {
    out.push("### Failing cells", "");
    for (const row of ROWS) {
      for (const r of results.filter((x) => !x.ok && x.cell.row === row)) {
        const why = r.error.message.split("\n").filter((l) => l.trim())[0];
        out.push(`- \`${r.cell.id}\` (expected ${r.cell.expect}): ${why}`);
      }
    }
    out.push("");
  }
  console.log(out.join("\n"));
} finally {
  await env.close();
}
process.exit(failed ? 1 : 0);
