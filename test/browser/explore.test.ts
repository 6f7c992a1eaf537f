/**
 * An explorable in exported HTML, offline in headless Chromium: moving each slider (and dragging
 * the start point on the contours) re-runs the experiment in the page, and the chart's data (read
 * from the Plotly div's `.data`) equal the kernel's `optimize` for the values the page shows, to
 * 1e-12; no network request, no page error. The same in a live classic Notebook 6 session with
 * the optlab kernel, where the optimizer function's source is the kernel's compiled form.
 * Timings: test/bench/explore.bench.ts. Needs `npm run build` (dist/explore/engine.js).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { explore, objective, optimize, sgd } from "../../dsl/index.js";
import type { OptimizerFn } from "../../dsl/explore.js";
import { configurePlots } from "../../src/plots/index.js";
import { ROOT, browserMissing, launch, open, watch, type PageLog } from "./chrome.js";
import { openAndRunAll, startNotebookServer, type NotebookServer } from "./notebook-server.js";

const missing = browserMissing();

interface Drawn {
  h: Record<string, number>;
  from: number[];
  renders: number;
  path: { x: number[]; y: number[] };
  loss: number[];
  lastRunMs: number;
  lastDrawMs: number;
}

/** The explorable `id`'s state and its chart's path and loss traces, as the page has them. */
async function drawn(page: Page, id: string): Promise<Drawn> {
  return page.evaluate((id) => {
    const root = document.getElementById(id) as HTMLElement & { optlabExplore: { h: Record<string, number>; from: number[]; renders: number; lastRunMs: number; lastDrawMs: number } };
    const s = root.optlabExplore;
    const data = (root.querySelector(".ox-chart") as unknown as { data: { meta?: { role: string }; x: number[]; y: number[] }[] }).data;
    const path = data.find((t) => t.meta?.role === "path");
    const loss = data.find((t) => t.meta?.role === "loss")!;
    return { h: { ...s.h }, from: s.from.slice(), renders: s.renders, path: path ? { x: Array.from(path.x), y: Array.from(path.y) } : { x: [], y: [] }, loss: Array.from(loss.y), lastRunMs: s.lastRunMs, lastDrawMs: s.lastDrawMs };
  }, id);
}

/** Waits until the explorable drew `n` charts and has nothing scheduled. */
async function waitRenders(page: Page, id: string, n: number): Promise<void> {
  await page.waitForFunction(([id, n]) => {
    const s = (document.getElementById(id as string) as unknown as { optlabExplore?: { renders: number; busy: boolean } }).optlabExplore;
    return !!s && s.renders >= (n as number) && !s.busy;
  }, [id, n] as const, { polling: 20, timeout: 120_000 });
}


/** Dispatches an input event on slider `name` of explorable `id` at `position`; waits for the redraw. */
async function slide(page: Page, id: string, name: string, position: string): Promise<void> {
  const before = await page.evaluate((id) => (document.getElementById(id) as unknown as { optlabExplore: { renders: number } }).optlabExplore.renders, id);
  await page.evaluate(([id, name, pos]) => {
    const input = document.querySelector(`#${id} input[data-param="${name}"]`) as HTMLInputElement;
    input.value = pos;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }, [id, name, position] as const);
  await waitRenders(page, id, before + 1);
}

/**
 * Moves each slider of explorable `id` to each of its `positions` and checks, after every move,
 * that the readout shows the value and the chart's path and loss traces equal `optimize` for the
 * page's slider values and start point (to 1e-12). Returns the last state drawn.
 */
/** A readout as the page writes it (formatNumber: 0.111111, 5×10⁻⁴, 10⁻⁶) back to a number. */
function readNumber(text: string): number {
  const sup: Record<string, string> = { "⁻": "-", "⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9" };
  const m = /^(-?[\d.]+×)?(-?)10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/.exec(text.trim());
  if (!m) return Number(text);
  const e = Number([...m[3]!].map((c) => sup[c]).join(""));
  return (m[1] ? Number(m[1].slice(0, -1)) : m[2] ? -1 : 1) * 10 ** e;
}

async function checkSliders(page: Page, id: string, positions: Record<string, string[]>, mismatch: (d: Drawn) => number): Promise<Drawn> {
  let d = await drawn(page, id);
  expect(mismatch(d)).toBeLessThanOrEqual(1e-12);
  for (const [name, list] of Object.entries(positions)) {
    for (const pos of list) {
      await slide(page, id, name, pos);
      d = await drawn(page, id);
      const shown = await page.$eval(`#${id} output[data-param="${name}"]`, (o) => o.textContent);
      expect(readNumber(shown!)).toBeCloseTo(d.h[name]!, 6);
      expect(mismatch(d)).toBeLessThanOrEqual(1e-12);
    }
  }
  return d;
}

describe.skipIf(missing !== null)("explore in exported HTML (Chromium, offline)", () => {
  let browser: Browser;
  let dir: string;
  const f = objective("(x^2 + 25*y^2)/2");
  const fn: OptimizerFn = (h) => sgd({ lr: h.lr, momentum: h.beta });
  const sideBySide: Record<string, OptimizerFn> = { "heavy ball": (h) => sgd({ lr: h.lr, momentum: 0.9 }), nesterov: (h) => sgd({ lr: h.lr, momentum: 0.9, nesterov: true }) };
  const opts = { optimizer: fn, params: { lr: { min: 0.001, max: 0.08, value: 0.03, log: true }, beta: { min: 0, max: 0.99, value: 0.5 } } };

  beforeAll(async () => {
    configurePlots({ staticImage: false });
    dir = mkdtempSync(join(tmpdir(), "optlab-explore-"));
    browser = await launch();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Largest |page − optimize| for what the page drew. */
  function mismatch(d: Drawn, steps: number): number {
    const run = optimize(f, fn(d.h), { from: d.from, steps });
    expect(d.path.x.length).toBe(run.xs.length);
    expect(d.loss.length).toBe(run.losses.length);
    let worst = 0;
    run.xs.forEach((p, k) => (worst = Math.max(worst, Math.abs(p[0]! - d.path.x[k]!), Math.abs(p[1]! - d.path.y[k]!))));
    run.losses.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - d.loss[k]!))));
    return worst;
  }

  test("sliders and the draggable start point re-run optimize in the page, side by side too; no requests, no errors", async () => {
    const small = explore(f, { ...opts, from: [-3, 1], steps: 200 });
    const large = explore(f, { ...opts, from: [-3, 1], steps: 10_000, charts: { contour: false } });
    const pair = explore(f, { optimizer: sideBySide, params: { lr: { min: 0.001, max: 0.08, value: 0.02, log: true } }, from: [-3, 1], steps: 120 });
    const file = join(dir, "explore.html");
    writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><title>explore</title></head><body>${small.html({ includePlotly: true })}${large.html({ includePlotly: false })}${pair.html({ includePlotly: false, includeEngine: false })}</body></html>`);
    const page = await browser.newPage({ viewport: { width: 1100, height: 1200 } });
    let log: PageLog | undefined;
    try {
      log = await watch(page);
      await open(page, `file://${file}`);
      const [a, b] = await page.evaluate(() => Array.from(document.querySelectorAll(".optlab-explore")).map((e) => e.id));
      await waitRenders(page, a!, 1);
      await waitRenders(page, b!, 1);
      let d = await drawn(page, a!);
      expect(d.h).toEqual({ lr: 0.03, beta: 0.5 });
      // redraws restyle only the moving traces: the contour trace Plotly holds stays the same object
      // (a non-enumerable tag: a copy of the trace, as Plotly.react of a new figure needs, loses it)
      await page.evaluate((id) => {
        Object.defineProperty((document.querySelector(`#${id} .ox-chart`) as unknown as { data: object[] }).data[0]!, "__drawnFirst", { value: true, enumerable: false });
      }, a!);
      d = await checkSliders(page, a!, { lr: ["-1.5", "-2.7"], beta: ["0.9", "0.1"] }, (x) => mismatch(x, 200));
      expect(await page.evaluate((id) => {
        const gd = document.querySelector(`#${id} .ox-chart`) as unknown as { data: Record<string, unknown>[] };
        return { kept: gd.data[0]!.__drawnFirst === true, role: (gd.data[0]!.meta as { role: string }).role };
      }, a!)).toEqual({ kept: true, role: "contour" });
      // drag the start point: press on the contour panel, move, release
      const box = (await page.locator(`#${a} .ox-chart .nsewdrag`).first().boundingBox())!;
      const before = d.renders;
      await page.mouse.move(box.x + box.width * 0.8, box.y + box.height * 0.3);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.25, { steps: 3 });
      await page.mouse.up();
      await waitRenders(page, a!, before + 1);
      // settle: the last pointer move's frame drawn, nothing scheduled
      await page.waitForFunction((id) => !(document.getElementById(id) as unknown as { optlabExplore: { busy: boolean } }).optlabExplore.busy, a!, { polling: 20 });
      d = await drawn(page, a!);
      expect(d.from[0]).toBeGreaterThan(-2); // moved right of the start at x = -3
      expect(d.from[1]).toBeGreaterThan(-2);
      expect(mismatch(d, 200)).toBeLessThanOrEqual(1e-12);
      // the 10⁴-step explorable: a few slider moves
      for (const pos of ["-1.6", "-1.9", "-2.2"]) {
        const r0 = (await drawn(page, b!)).renders;
        await page.evaluate(([id, pos]) => {
          const input = document.querySelector(`#${id} input[data-param="lr"]`) as HTMLInputElement;
          input.value = pos;
          input.dispatchEvent(new Event("input", { bubbles: true }));
        }, [b!, pos] as const);
        await waitRenders(page, b!, r0 + 1);
        const db = await page.evaluate((id) => {
          const root = document.getElementById(id) as unknown as { optlabExplore: { h: Record<string, number>; from: number[]; lastRunMs: number; lastDrawMs: number } ; querySelector(s: string): { data: { meta?: { role: string }; y: number[] }[] } };
          const s = root.optlabExplore;
          const loss = root.querySelector(".ox-chart").data.find((t) => t.meta?.role === "loss")!;
          return { h: { ...s.h }, from: s.from, loss: Array.from(loss.y) };
        }, b!);
        const run = optimize(f, fn(db.h), { from: db.from, steps: 10_000 });
        expect(db.loss.length).toBe(run.losses.length);
        expect(Math.max(...run.losses.map((v, k) => Math.abs(v - db.loss[k]!)))).toBeLessThanOrEqual(1e-12);
      }
      // side by side: two optimizers in one explorable, one path and one loss trace each
      const [c] = await page.evaluate(() => Array.from(document.querySelectorAll(".optlab-explore")).slice(2).map((e) => e.id));
      await waitRenders(page, c!, 1);
      await slide(page, c!, "lr", "-1.3");
      const both = await page.evaluate((id) => {
        const root = document.getElementById(id) as unknown as { optlabExplore: { h: Record<string, number>; from: number[] }; querySelector(s: string): { data: { meta?: { role: string; optimizer?: string }; x: number[]; y: number[] }[] } };
        const data = root.querySelector(".ox-chart").data;
        const pick = (role: string) => Object.fromEntries(data.filter((t) => t.meta?.role === role).map((t) => [t.meta!.optimizer!, { x: Array.from(t.x), y: Array.from(t.y) }]));
        return { h: { ...root.optlabExplore.h }, from: root.optlabExplore.from, paths: pick("path"), losses: pick("loss") };
      }, c!);
      expect(Object.keys(both.paths)).toEqual(["heavy ball", "nesterov"]);
      for (const [name, make] of Object.entries(sideBySide)) {
        const run = optimize(f, make(both.h), { from: both.from, steps: 120 });
        const worst = Math.max(
          ...run.xs.map((p, k) => Math.max(Math.abs(p[0]! - both.paths[name]!.x[k]!), Math.abs(p[1]! - both.paths[name]!.y[k]!))),
          ...run.losses.map((v, k) => Math.abs(v - both.losses[name]!.y[k]!)),
        );
        expect(both.paths[name]!.x.length).toBe(run.xs.length);
        expect(worst).toBeLessThanOrEqual(1e-12);
      }
      expect(log.errors).toEqual([]);
      expect(log.requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  test("without JavaScript the initial state shows as a picture: the trajectory and the loss curve", async () => {
    const e = explore(f, { ...opts, from: [-3, 1], steps: 200 });
    const file = join(dir, "noscript.html");
    writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body>${e.html({ includePlotly: true })}</body></html>`);
    const page = await browser.newPage({ javaScriptEnabled: false, viewport: { width: 1100, height: 900 } });
    try {
      await open(page, `file://${file}`);
      const shown = await page.evaluate(() => {
        const fb = document.querySelector(".ox-fallback")!;
        const svgs = Array.from(fb.querySelectorAll("svg"));
        const poly = svgs[0]!.querySelector("polyline")!.getAttribute("points")!.trim().split(/\s+/).length;
        return { svgs: svgs.length, visible: svgs.every((s) => s.getBoundingClientRect().width > 100), poly, status: document.querySelector(".ox-status")!.textContent, sliders: getComputedStyle(document.querySelector(".ox-controls")!).display };
      });
      expect(shown.svgs).toBe(2);
      expect(shown.visible).toBe(true);
      expect(shown.poly).toBe(201); // x₀ … x₂₀₀
      expect(shown.status).toMatch(/^sgd: max-steps after 200 steps, f = .* \(initial values; the sliders need JavaScript\)$/);
      expect(shown.sliders).toBe("none");
    } finally {
      await page.close();
    }
  });
});

const haveKernel = existsSync(join(ROOT, "kernel/cli.ts"));

describe.skipIf(missing !== null || !haveKernel || !existsSync("/usr/bin/python3"))("explore in a live classic Notebook 6 session with the optlab kernel", () => {
  let dir: string;
  let prefix: string;
  let server: NotebookServer;
  let browser: Browser;
  const f = objective("(x^2 + 25*y^2)/2");
  const fn: OptimizerFn = (h) => sgd({ lr: h.lr, momentum: h.beta });
  // The cell as a user types it: the kernel compiles it (the optimizer function's source then reads
  // exports.sgd), the explorable ships it, the page evaluates it.
  const source = [
    'const f = objective("(x^2 + 25*y^2)/2");',
    "explore(f, {",
    "  optimizer: (h) => sgd({ lr: h.lr, momentum: h.beta }),",
    "  params: { lr: { min: 0.001, max: 0.08, value: 0.03, log: true }, beta: { min: 0, max: 0.99, value: 0.5 } },",
    "  from: [-3, 1], steps: 200,",
    "})",
  ].join("\n");

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "optlab-explore-live-"));
    prefix = mkdtempSync(join(tmpdir(), "optlab-prefix-"));
    execFileSync(process.execPath, [join(ROOT, "dist/kernel/cli.js"), "install", "--prefix", prefix], { stdio: "pipe" });
    writeFileSync(join(dir, "explore.ipynb"), JSON.stringify({
      cells: [{ cell_type: "code", execution_count: null, metadata: {}, outputs: [], source }],
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

  test("run all, then each slider re-runs optimize in the page (to 1e-12); no requests, no errors", async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 1000 } });
    try {
      const { log } = await openAndRunAll(page, server, "explore.ipynb");
      await page.waitForFunction(() => !!document.querySelector(".optlab-explore") || !!document.querySelector(".output_error"), undefined, { timeout: 120_000, polling: 100 });
      expect(await page.evaluate(() => Array.from(document.querySelectorAll(".output_error")).map((e) => e.textContent))).toEqual([]);
      const id = await page.evaluate(() => document.querySelector(".optlab-explore")!.id);
      await waitRenders(page, id, 1);
      const mismatch = (d: Drawn): number => {
        const run = optimize(f, fn(d.h), { from: d.from, steps: 200 });
        expect(d.path.x.length).toBe(run.xs.length);
        let worst = 0;
        run.xs.forEach((p, k) => (worst = Math.max(worst, Math.abs(p[0]! - d.path.x[k]!), Math.abs(p[1]! - d.path.y[k]!))));
        run.losses.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - d.loss[k]!))));
        return worst;
      };
      await checkSliders(page, id, { lr: ["-1.4", "-2.5"], beta: ["0.95", "0.2"] }, mismatch);
      expect(log.requests).toEqual([]);
      expect(log.errors).toEqual([]); // Notebook 6's ipywidgets probe is tolerated by name (NOTEBOOK6_BENIGN), nothing else
    } finally {
      await page.close();
    }
  }, 300_000);
});
