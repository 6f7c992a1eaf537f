/**
 * Remakes the screenshots of docs/readme/plots.md: runs the document's examples, renders their
 * charts as optlab's offline HTML in headless Chromium, and saves each chart element as
 * docs/img/plots-*.png (plus a frame of a live progress chart).
 *
 * Run: npx tsx test/browser/readme-images.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adam, objective, optimize } from "../../dsl/index.js";
import type { MimeBundle } from "../../src/display/index.js";
import { LiveChart, configurePlots, renderChartHtml, resetColors, setDisplayHook } from "../../src/plots/index.js";
import { runReadmeBlocks } from "../plots/readme-blocks.js";
import { ROOT, charts, launch, watch } from "./chrome.js";

const OUT = join(ROOT, "docs/img");

async function liveFrame(): Promise<string> {
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const run = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 20000 });
  const sent: MimeBundle[] = [];
  setDisplayHook((b) => void sent.push(b));
  const live = new LiveChart({ title: "adam (lr=0.01) on Rosenbrock", throttleMs: 0, totalSteps: 20000 });
  live.progress({ name: "adam (lr=0.01)", losses: run.losses.slice(0, 12001), steps: 12000 });
  setDisplayHook(null);
  return sent[0]!["text/html"] as string;
}

configurePlots({ staticImage: false });
resetColors();
mkdirSync(OUT, { recursive: true });
const figs = await runReadmeBlocks();
const body = figs.map(({ image, fig }, i) => `<section data-image="${image}">${renderChartHtml(fig, { includePlotly: i === 0 })}</section>`).join("\n");
const live = `<section data-image="plots-live.png"><div class="optlab-live-frame" style="display:inline-block">${await liveFrame()}</div></section>`;
const file = join(tmpdir(), "optlab-readme-images.html");
writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:8px;background:#fff">${body}${live}</body></html>`);
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 800 }, deviceScaleFactor: 1 });
  const log = await watch(page);
  await page.goto(`file://${file}`);
  const state = await charts(page, figs.length);
  const bad = state.filter((c) => c.mainSvgs === 0);
  if (bad.length || log.errors.length || log.requests.length) throw new Error(`charts did not render: ${JSON.stringify({ bad, log })}`);
  await page.waitForTimeout(500); // let WebGL settle
  for (const section of await page.$$("section")) {
    const image = await section.getAttribute("data-image");
    const el = (await section.$(".optlab-chart")) ?? (await section.$(".optlab-live-frame"));
    await el!.screenshot({ path: join(OUT, image!) });
    console.log(`wrote docs/img/${image}`);
  }
} finally {
  await browser.close();
}
