/**
 * The chart gallery (notebooks/chart-gallery.ipynb: one example of every chart type), exported by
 * `optlab run --html` as `npm start` does, opened offline in headless Chromium: no page errors,
 * every chart drawn (a plot container and Plotly's SVG layers per output, the trace count of its
 * JSON), and what the style guide promises, checked on the drawn page: no tick label written
 * "1e-7", tick labels of one axis never overlapping, no legend as tall as its plot. Screenshots of
 * every chart go to test/artifacts/screenshots/chart-gallery/ (CI keeps them as artifacts).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CHART, CLI, ROOT, browserMissing, charts, expectedTraces, launch, open, screenshots, stageOutput, watch } from "./chrome.js";

const NOTEBOOK = join(ROOT, "notebooks/chart-gallery.ipynb");
const missing = browserMissing() ?? (existsSync(CLI) ? null : "dist/kernel/cli.js not built (npm run build)");

/** The chart kinds the gallery must show, by a word of each chart's title. */
const KINDS = [/^Loss/, /Suboptimality/, /^Contours of|^Objective|Contours/, /Trajectories over/, /Heatmap|heatmap|Trajectories/, /Surface of/, /rates|Convergence|theory/i, /[Gg]radient check/, /schedule|Learning rate/i, /final loss/, /[Bb]asins/, /Hessian eigenvalues/, /[Ss]harpness/, /[Gg]radient norm per layer/, /Activations per layer/];

/** Per chart, what the drawn page shows: tick texts, overlapping tick labels, legend and plot heights. */
async function drawn(page: Page) {
  return page.evaluate((sel) => Array.from(document.querySelectorAll(sel)).map((el) => {
    const title = el.querySelector(".gtitle")?.textContent ?? "";
    const ticks = Array.from(el.querySelectorAll(".xtick text, .ytick text, .x2tick text, .y2tick text, .cbaxis text, .xaxislayer-above text, .yaxislayer-above text"));
    const texts = ticks.map((t) => t.textContent ?? "");
    // tick labels of one axis layer (one parent group) must not overlap
    const overlaps: string[] = [];
    const groups = new Map<Element, DOMRect[]>();
    const labels = new Map<DOMRect, string>();
    for (const t of ticks) {
      const g = t.parentElement?.parentElement;
      if (!g) continue;
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      labels.set(r, t.textContent ?? "");
      groups.set(g, [...(groups.get(g) ?? []), r]);
    }
    for (const rects of groups.values()) {
      for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
        const a = rects[i]!, b = rects[j]!;
        const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (w > 1 && h > 1) overlaps.push(`${labels.get(a)} / ${labels.get(b)}`);
      }
    }
    const legend = el.querySelector(".legend")?.getBoundingClientRect();
    const plots = Array.from(el.querySelectorAll(".nsewdrag")).map((d) => d.getBoundingClientRect().height);
    return {
      title, texts, overlaps,
      containers: el.querySelectorAll(".plot-container").length,
      mainSvgs: el.querySelectorAll(".main-svg").length,
      legendHeight: legend ? legend.height : 0,
      plotHeight: plots.length ? Math.max(...plots) : (el.querySelector(".gl-container, .scene")?.getBoundingClientRect().height ?? 0),
    };
  }), CHART);
}

describe.skipIf(missing !== null)("the chart gallery page", () => {
  let browser: Browser;
  let dir: string;
  let html: string;
  let expected: number[];

  beforeAll(async () => {
    // npm test's notebooks stage may have exported it already; else export it as `npm start` does
    const done = stageOutput("run-html", NOTEBOOK);
    dir = mkdtempSync(join(tmpdir(), "optlab-gallery-"));
    if (done) {
      html = done.html;
      expected = expectedTraces(JSON.parse(readFileSync(done.ipynb, "utf8")));
    } else {
      execFileSync(process.execPath, [CLI, "run", NOTEBOOK, "--html", dir, "--out", dir], { stdio: "pipe", timeout: 300_000, env: { ...process.env, OPTLAB_STATIC_IMAGES: "0" } });
      html = join(dir, readdirSync(dir).find((f) => f.endsWith(".html"))!);
      expected = expectedTraces(JSON.parse(readFileSync(join(dir, "chart-gallery.ipynb"), "utf8")));
    }
    browser = await launch();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("every chart draws, offline, with no page error; screenshots kept", async () => {
    expect(expected.length).toBeGreaterThanOrEqual(19);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const log = await watch(page);
    await open(page, `file://${html}`);
    const state = await charts(page, expected.length);
    const shots = await screenshots(page, "chart-gallery");
    expect(existsSync(join(shots, "chart-01.png"))).toBe(true);
    expect(dirname(shots)).toBe(join(ROOT, "test/artifacts/screenshots"));
    expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
    expect(state.map((c) => c.traces)).toEqual(expected);
    const d = await drawn(page);
    expect(d).toHaveLength(expected.length);
    for (const c of d) {
      expect(c.containers, c.title).toBe(1);
      expect(c.mainSvgs, c.title).toBeGreaterThanOrEqual(1);
    }
    // one example of every chart type
    for (const kind of KINDS) expect(d.some((c) => kind.test(c.title)), String(kind)).toBe(true);
    expect(log.requests).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.close();
  }, 300_000);

  test("as drawn: powers written 10⁻⁷ (never 1e-7), no overlapping tick labels, no legend as tall as its plot", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    await watch(page);
    await open(page, `file://${html}`);
    await charts(page, expected.length);
    const d = await drawn(page);
    for (const c of d) {
      expect(c.texts.filter((t) => /\de[+-−]?\d/.test(t)), c.title).toEqual([]);
      expect(c.overlaps, c.title).toEqual([]);
      if (c.plotHeight > 0) expect(c.legendHeight, `${c.title}: legend ${c.legendHeight}px, plot ${c.plotHeight}px`).toBeLessThan(0.6 * c.plotHeight);
    }
    await page.close();
  }, 300_000);
});
