/**
 * A notebook run live in Debian's classic Jupyter Notebook 6 (the front end with require.js and
 * jQuery-inserted outputs): the chart renders inline, and a live progress display (SVG updates
 * through update_display_data) ends as the interactive chart.
 *
 * The kernel here is Python's (ipykernel) replaying bundles that optlab made — the chart bundle,
 * the live chart's progress updates and its final chart — so the front-end side is tested on its
 * own; the optlab kernel itself is tested by the kernel's tests.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { adam, compare, gd, objective, plot } from "../../dsl/index.js";
import type { MimeBundle } from "../../src/display/index.js";
import { LiveChart, chartBundle, configurePlots, lossCurves, resetPlotlyDocument, setDisplayHook } from "../../src/plots/index.js";
import { ROOT, browserMissing, charts, launch, screenshots } from "./chrome.js";
import { openAndRunAll, startNotebookServer, type NotebookServer } from "./notebook-server.js";

const missing = browserMissing() ?? (existsSync("/usr/bin/python3") ? null : "no /usr/bin/python3");

/** The bundles the Python kernel replays: a chart, then a live display's updates and final chart. */
async function bundles(): Promise<{ chart: MimeBundle; progress: MimeBundle[]; final: MimeBundle }> {
  configurePlots({ staticImage: false });
  resetPlotlyDocument();
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const c = compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }) }, { from: [-1.2, 1], steps: 400 });
  const chart = await chartBundle(plot.contour(f, c), { summary: "contour" });
  const sent: MimeBundle[] = [];
  setDisplayHook((b) => void sent.push(b));
  try {
    const live = new LiveChart({ title: "adam on Rosenbrock", throttleMs: 0, totalSteps: 400 });
    const run = c.runs.adam!;
    for (const n of [50, 100, 200, 300]) live.progress({ name: "adam", losses: run.losses.slice(0, n + 1), steps: n });
    await live.finish(lossCurves([{ name: "adam (lr=0.02)", losses: run.losses }]));
  } finally {
    setDisplayHook(null);
  }
  return { chart, progress: sent.slice(0, -1), final: sent.at(-1)! };
}

const cell = (source: string) => ({ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });

describe.skipIf(missing !== null)("classic Notebook 6, live", () => {
  let dir: string;
  let server: NotebookServer;
  let browser: Browser;
  let chartTraces = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "optlab-live-"));
    const b = await bundles();
    chartTraces = (b.chart["application/vnd.plotly.v1+json"] as { data: unknown[] }).data.length;
    expect(b.progress.length).toBe(4);
    writeFileSync(join(dir, "bundles.json"), JSON.stringify(b));
    writeFileSync(join(dir, "live.ipynb"), JSON.stringify({
      cells: [
        cell("import json, time\nfrom IPython.display import display, update_display\nB = json.load(open('bundles.json'))"),
        cell("display(B['chart'], raw=True)"),
        cell("h = display(B['progress'][0], raw=True, display_id=True)\nfor b in B['progress'][1:]:\n    time.sleep(0.4)\n    update_display(b, raw=True, display_id=h.display_id)\ntime.sleep(0.4)\nupdate_display(B['final'], raw=True, display_id=h.display_id)"),
      ],
      metadata: { kernelspec: { name: "python3", display_name: "Python 3", language: "python" } },
      nbformat: 4, nbformat_minor: 4,
    }));
    server = await startNotebookServer(dir);
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("run all: the chart renders inline, the live display updates in place and ends as the interactive chart", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const { log, liveSeen } = await openAndRunAll(page, server, "live.ipynb");
    const state = await charts(page, 2);
    await screenshots(page, "notebook6-live");
    expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
    expect(state.map((c) => c.traces)).toEqual([chartTraces, 1]); // the final live chart: one loss curve
    expect(await page.evaluate(() => document.querySelectorAll(".optlab-live").length)).toBe(0);
    const seen = await liveSeen();
    expect(seen.most).toBe(1);
    expect(seen.seen.map((t) => /step (\d+)/.exec(t)?.[1])).toEqual(["50", "100", "200", "300"]);
    // One output per display: the progress updates replaced each other and then the chart.
    expect(await page.evaluate(() => document.querySelectorAll(".cell")[2]!.querySelectorAll(".output_area").length)).toBe(1);
    expect(log.requests).toEqual([]);
    expect(log.errors).toEqual([]); // Notebook 6's ipywidgets probe is tolerated by name (NOTEBOOK6_BENIGN), nothing else
    await page.close();
  }, 300_000);
});

const haveKernel = existsSync(join(ROOT, "kernel/cli.ts"));

describe.skipIf(missing !== null || !haveKernel)("classic Notebook 6 with the optlab kernel", () => {
  let dir: string;
  let prefix: string;
  let server: NotebookServer;
  let browser: Browser;

  const setup = 'const f = objective("(1 - x)^2 + 100*(y - x^2)^2");\nconst c = compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }) }, { from: [-1.2, 1], steps: 300 });';
  const liveCell = [
    "const xs = Array.from({ length: 2000 }, (_, i) => i / 1000);",
    'const fit = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((x) => 3 * x + 1 + 0.1 * Math.sin(50 * x)) }, reduce: "mean" });',
    // optimizeAsync's own live chart (on by default in a kernel); the declaration displays nothing more
    "const long = await optimizeAsync(fit, adam({ lr: 0.001 }), { from: [0, 0], steps: 200000 });",
  ].join("\n");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "optlab-live-kernel-"));
    prefix = mkdtempSync(join(tmpdir(), "optlab-prefix-"));
    execFileSync(process.execPath, [join(ROOT, "dist/kernel/cli.js"), "install", "--prefix", prefix], { stdio: "pipe" });
    writeFileSync(join(dir, "charts.ipynb"), JSON.stringify({
      cells: [cell(`${setup}\nplot.contour(f, c)`), cell(liveCell)],
      metadata: { kernelspec: { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" } },
      nbformat: 4, nbformat_minor: 4,
    }));
    server = await startNotebookServer(dir, [join(prefix, "share/jupyter")]);
    browser = await launch();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    for (const d of [dir, prefix]) if (d) rmSync(d, { recursive: true, force: true });
  });

  test("run all: the chart renders inline; optimizeAsync's live chart updates in place and ends as the interactive chart", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    const { log, liveSeen } = await openAndRunAll(page, server, "charts.ipynb");
    const state = await charts(page, 2);
    await screenshots(page, "notebook6-optlab-kernel");
    const { compare: cmp, gd: gd_, adam: adam_, objective: obj, plot: plt } = await import("../../dsl/index.js");
    const f = obj("(1 - x)^2 + 100*(y - x^2)^2");
    const contourTraces = plt.contour(f, cmp(f, { gd: gd_({ lr: 1e-3 }), adam: adam_({ lr: 0.02 }) }, { from: [-1.2, 1], steps: 300 })).data.length;
    expect(await page.evaluate(() => Array.from(document.querySelectorAll(".output_error")).map((e) => e.textContent))).toEqual([]);
    expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
    expect(state.map((c) => c.traces)).toEqual([contourTraces, 2]); // the live chart ends as loss + gradient norm
    const seen = await liveSeen();
    expect(seen.most).toBe(1);
    expect(seen.seen.length).toBeGreaterThanOrEqual(2); // it moved while the run went
    expect(await page.evaluate(() => document.querySelectorAll(".cell")[1]!.querySelectorAll(".output_area").length)).toBe(1);
    expect(log.requests).toEqual([]);
    expect(log.errors).toEqual([]); // Notebook 6's ipywidgets probe is tolerated by name (NOTEBOOK6_BENIGN), nothing else
    await page.close();
  }, 300_000);
});
