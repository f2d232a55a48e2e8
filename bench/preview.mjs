// Bench: how long `Dialoge('preview', config)` takes to re-theme a mounted preview, in a real
// Chromium against the sandbox's /preview page (the widget as built in dist/). Each update sets
// a new brand colour; we time from the call to the moment the widget root's style changed
// (the CSSOM write) and to the moment the browser's computed style shows the colour (style
// recalculated). Goal: within one frame (16.7 ms). Reports median, p90 and max over several
// runs; never gates a test (shared machines are noisy).
//
//   node bench/preview.mjs [updates per run, default 200] [runs, default 5]
import { startSandbox, startBrowser } from "../e2e/harness.mjs";

const UPDATES = Number(process.argv[2] ?? 200);
const RUNS = Number(process.argv[3] ?? 5);

const sandbox = await startSandbox();
const browser = await startBrowser();
const { page } = browser;

function stats(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { median: at(0.5), p90: at(0.9), max: v[v.length - 1] };
}

const applied = [];
const computed = [];
try {
  for (let run = 0; run < RUNS; run++) {
    await page.goto(sandbox.url + "/preview");
    await page.locator("[data-testid=part][data-part-type=table]").waitFor({ timeout: 20000 });
    const times = await page.evaluate(async (n) => {
      const config = await fetch("/shop/branding.json").then((r) => r.json());
      const root = document.querySelector("[data-dialoge]").shadowRoot.querySelector(".dlg-root");
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const out = [];
      for (let i = 0; i < n; i++) {
        const colour = "#" + ((i * 2654435761) >>> 8 & 0xffffff).toString(16).padStart(6, "0");
        config.theme.brand.primary_color = colour;
        await frame();
        const styled = new Promise((resolve) => {
          const mo = new MutationObserver(() => { mo.disconnect(); resolve(performance.now()); });
          mo.observe(root, { attributes: true, attributeFilter: ["style"] });
        });
        const t0 = performance.now();
        window.Dialoge("preview", config);
        const t1 = await styled;
        const shown = getComputedStyle(root).getPropertyValue("--dlg-primary").trim();
        const t2 = performance.now();
        if (shown.toLowerCase() !== colour) throw new Error(`update ${i}: ${shown} is not ${colour}`);
        out.push([t1 - t0, t2 - t0]);
      }
      return out;
    }, UPDATES);
    for (const [a, c] of times) {
      applied.push(a);
      computed.push(c);
    }
  }
} finally {
  await browser.close();
  sandbox.stop();
}

const fmt = (s) => `median ${s.median.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, max ${s.max.toFixed(2)} ms`;
console.log(`Dialoge('preview', config), ${RUNS} runs × ${UPDATES} updates (${applied.length} in all):`);
console.log(`  call → widget style written:   ${fmt(stats(applied))}`);
console.log(`  call → computed style shows it: ${fmt(stats(computed))}`);
const within = computed.filter((t) => t <= 1000 / 60).length;
console.log(`  within one frame (16.7 ms): ${within} of ${computed.length}`);
