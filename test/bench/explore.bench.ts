/**
 * Explorables in Chromium: the time from a slider value to a redrawn chart (the engine's run plus
 * the redraw), median of 25 moves, now (Plotly.restyle of the moving traces) and before
 * (Plotly.react of the whole figure, a `data-draw="react"` copy on the same page, moves alternating), for a 2-D problem with 200 steps (contours, trajectory, loss)
 * and for 10⁴ steps (loss curve), next to the same runs in Node (`optimize`, the kernel's engine)
 * measured in this process. Also the payload: the engine bundle minified and as outputs carry it.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { explore, objective, optimize, sgd } from "../../dsl/index.js";
import type { OptimizerFn } from "../../dsl/explore.js";
import { chromiumPath, configurePlots } from "../../src/plots/index.js";
import { launch, open } from "../browser/chrome.js";
import type { BenchRow } from "./run.js";

const median = (xs: number[]): number => xs.slice().sort((a, b) => a - b)[xs.length >> 1]!;

export default async function (): Promise<BenchRow[]> {
  if (!chromiumPath()) return [{ name: "explore: no Chromium, not measured", ours: NaN, unit: "" }];
  configurePlots({ staticImage: false });
  const f = objective("(x^2 + 25*y^2)/2");
  const fn: OptimizerFn = (h) => sgd({ lr: h.lr, momentum: h.beta });
  const params = { lr: { min: 0.001, max: 0.08, value: 0.03, log: true }, beta: { min: 0, max: 0.99, value: 0.5 } };
  const small = explore(f, { optimizer: fn, params, from: [-3, 1], steps: 200 });
  const large = explore(f, { optimizer: fn, params, from: [-3, 1], steps: 10_000, charts: { contour: false } });
  const dir = mkdtempSync(join(tmpdir(), "optlab-explore-bench-"));
  const file = join(dir, "page.html");
  // Each explorable twice: as it redraws now (restyle of the moving traces) and, data-draw="react",
  // as it did before (the whole figure through Plotly.react); the moves alternate between the two
  // so that both see the same load.
  const legacy = (html: string): string => html.replace('<div class="optlab-explore" ', '<div class="optlab-explore" data-draw="react" ');
  writeFileSync(file, `<!doctype html><html><body>${small.html({ includePlotly: true })}${legacy(small.html({ includePlotly: false, includeEngine: false }))}${large.html({ includePlotly: false, includeEngine: false })}${legacy(large.html({ includePlotly: false, includeEngine: false }))}</body></html>`);
  const browser = await launch();
  const rows: BenchRow[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
    await open(page, `file://${file}`);
    await page.waitForFunction(() => Array.from(document.querySelectorAll(".optlab-explore")).every((e) => ((e as unknown as { optlabExplore?: { renders: number } }).optlabExplore?.renders ?? 0) >= 1), undefined, { timeout: 120_000 });
    type Row = { run: number; draw: number; total: number; painted: number; cpu: number };
    // Main-thread CPU time per move (Chromium's ThreadTime metric): wall times on a loaded machine
    // include the time other processes held the cores; CPU time mostly does not.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable");
    const threadMs = async (): Promise<number> => 1000 * (await cdp.send("Performance.getMetrics")).metrics.find((x) => x.name === "ThreadTime")!.value;
    const times: Row[][] = [[], [], [], []];
    for (const pair of [[0, 1], [2, 3]] as const) {
      for (let i = 0; i < 25; i++) {
        for (const k of i % 2 ? [pair[1], pair[0]] : [pair[0], pair[1]]) {
          const c0 = await threadMs();
          const row = await page.evaluate(async ([k, beta]) => {
            const s = (document.querySelectorAll(".optlab-explore")[k] as unknown as { optlabExplore: { set(h: Record<string, number>): Promise<void>; lastRunMs: number; lastDrawMs: number } }).optlabExplore;
            await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
            const t0 = performance.now();
            await s.set({ beta });
            const t1 = performance.now();
            // the next frame's callbacks: the browser has laid out and painted the redrawn chart
            await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
            return { run: s.lastRunMs, draw: s.lastDrawMs, total: t1 - t0, painted: performance.now() - t0 };
          }, [k, 0.3 + 0.024 * i] as const);
          times[k]!.push({ ...row, cpu: (await threadMs()) - c0 });
        }
      }
    }
    const node = (steps: number): number => {
      const ms: number[] = [];
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        optimize(f, fn({ lr: 0.03, beta: 0.3 + 0.04 * i }), { from: [-3, 1], steps });
        ms.push(performance.now() - t0);
      }
      return median(ms);
    };
    const [a, aOld, b, bOld] = times as [Row[], Row[], Row[], Row[]];
    const m = (r: Row[], k: keyof Row): number => median(r.map((x) => x[k]));
    const load = `load average ${loadavg()[0]!.toFixed(1)} on this machine`;
    rows.push({ name: "explore, 2-D, 200 steps: slider → chart redrawn (Chromium, median of 25)", ours: m(a, "total"), unit: "ms", reference: m(aOld, "total"), referenceName: "before: Plotly.react of the whole figure", goal: "≤ 2 frames (33 ms)", met: m(a, "total") <= 33, note: `restyle ${m(a, "draw").toFixed(1)} ms vs react ${m(aOld, "draw").toFixed(1)} ms; to the next frame painted ${m(a, "painted").toFixed(1)} vs ${m(aOld, "painted").toFixed(1)} ms; main-thread CPU per move (set, redraw, paint) ${m(a, "cpu").toFixed(1)} vs ${m(aOld, "cpu").toFixed(1)} ms; engine run ${m(a, "run").toFixed(2)} ms (Node's optimize: ${node(200).toFixed(2)} ms); ${load}` });
    rows.push({ name: "explore, 10⁴ steps: slider → loss chart redrawn (Chromium, median of 25)", ours: m(b, "total"), unit: "ms", reference: m(bOld, "total"), referenceName: "before: Plotly.react of the whole figure", goal: "< 100 ms", met: m(b, "total") < 100, note: `restyle ${m(b, "draw").toFixed(1)} ms vs react ${m(bOld, "draw").toFixed(1)} ms; to the next frame painted ${m(b, "painted").toFixed(1)} vs ${m(bOld, "painted").toFixed(1)} ms; main-thread CPU per move ${m(b, "cpu").toFixed(1)} vs ${m(bOld, "cpu").toFixed(1)} ms; engine run ${m(b, "run").toFixed(2)} ms (Node's optimize: ${node(10_000).toFixed(2)} ms)` });
    const p = small.payloadBytes();
    rows.push({ name: "explore: engine bundle dist/explore/engine.js, minified", ours: p.engine / 1024, unit: "KiB", goal: "< 100 KB besides plotly.js", met: p.engine < 100_000, note: `${p.engine} bytes; as outputs carry it (gzip+base64): ${(p.engineInPage / 1024).toFixed(1)} KiB; the 2-D spec (code, sliders, 70×70 contour grid): ${(p.spec / 1024).toFixed(1)} KiB` });
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
