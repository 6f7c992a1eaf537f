/**
 * HTML pages that optlab writes itself, opened offline in headless Chromium:
 * - a page assembled from a saved notebook's chart bundles with `renderChartHtml` (what the
 *   HTML renderer of `optlab run --html` calls: plotly.js in the first chart only);
 * - the HTML that `optlab run --html` writes for the chart fixture (test/browser/fixtures) and
 *   every starter notebook in notebooks/.
 * Every chart must draw with the trace count of its plotly JSON, with no console error and no
 * network request at all (LaTeX is MathML made at export time, plotly.js is in the page); the page
 * carries plotly.js once and stays small.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { configurePlots, renderChartHtml } from "../../src/plots/index.js";
import { twentyChartNotebook } from "../plots/twenty-charts.js";
import { CHART_NOTEBOOKS, CLI, ROOT, browserMissing, charts, expectedTraces, launch, open, screenshots, stageOutput, watch } from "./chrome.js";

const missing = browserMissing();

/** Bound on an exported page (plotly.js, ~2 MB, once; then the charts' data). Before: 12 MB. */
const MAX_PAGE_BYTES = 3.5e6;

/** What the exported page must show as MathML: `text/latex` outputs shown as such, and markdown cells with `$` math. */
function expectedMath(nb: { cells: { cell_type: string; source: string | string[]; outputs?: { data?: Record<string, unknown> }[] }[] }): { latexOutputs: number; markdownCells: number } {
  const richer = ["text/html", "application/vnd.plotly.v1+json", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "text/markdown"];
  let latexOutputs = 0;
  let markdownCells = 0;
  for (const c of nb.cells) {
    const src = Array.isArray(c.source) ? c.source.join("") : c.source;
    if (c.cell_type === "markdown" && /\$[^$\s][^$]*\$/.test(src)) markdownCells++;
    for (const o of c.outputs ?? []) if (o.data?.["text/latex"] && !richer.some((m) => m in o.data!)) latexOutputs++;
  }
  return { latexOutputs, markdownCells };
}
const haveCli = existsSync(join(ROOT, "kernel/cli.ts"));

describe.skipIf(missing !== null)("optlab's own HTML", () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    configurePlots({ staticImage: false });
    dir = mkdtempSync(join(tmpdir(), "optlab-html-"));
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("a page of saved chart bundles rendered with renderChartHtml draws every chart", async () => {
    const { notebook } = await twentyChartNotebook();
    const outputs = (notebook as { cells: { outputs: { data: Record<string, unknown> }[] }[] }).cells.map((c) => c.outputs[0]!.data);
    const body = outputs.map((b, i) => `<h2>chart ${i + 1}</h2>${renderChartHtml(b as never, { includePlotly: i === 0 })}`).join("\n");
    const file = join(dir, "page.html");
    writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"><title>charts</title></head><body>${body}</body></html>`);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const log = await watch(page);
    await open(page, `file://${file}`);
    const state = await charts(page, 20);
    await screenshots(page, "render-chart-html");
    expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
    expect(state.map((c) => c.traces)).toEqual(expectedTraces(notebook as never));
    // The saved JSON holds typed-array specs: plotly.js decoded them into full-length data.
    const lengths = await page.evaluate(() => {
      const gd = document.querySelectorAll(".optlab-chart")[1] as unknown as { _fullData: { z?: unknown[] }[] };
      return gd._fullData[0]!.z!.length;
    });
    expect(lengths).toBe(80);
    expect(log.requests).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.close();
  }, 300_000);

  test.skipIf(!haveCli)("optlab run --html: a chart given only as Plotly JSON draws too, with plotly.js loaded once by the page", async () => {
    const out = join(dir, "json-only");
    mkdirSync(out, { recursive: true });
    const code = (source: string) => ({ cell_type: "code", metadata: {}, execution_count: null, outputs: [], source });
    const nb = {
      nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" } },
      cells: [
        code('display.plotly({ data: [{ type: "scatter", y: [1, 3, 2] }, { type: "bar", y: [2, 1, 3] }], layout: { title: { text: "raw Plotly JSON" } } });'),
        code("display.plotly({ data: [{ y: [3, 1, 2] }] })"), // no layout, no type
      ],
    };
    writeFileSync(join(out, "json-only.ipynb"), JSON.stringify(nb));
    execFileSync(process.execPath, [CLI, "run", join(out, "json-only.ipynb"), "--html", out, "--inplace"], { stdio: "pipe", timeout: 120_000, env: { ...process.env, OPTLAB_STATIC_IMAGES: "0" } });
    const text = readFileSync(join(out, "json-only.html"), "utf8");
    expect(text.match(/class="optlab-plotlyjs"/g)?.length).toBe(1);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const log = await watch(page);
    await open(page, `file://${join(out, "json-only.html")}`);
    const state = await charts(page, 2);
    expect(state.map((c) => [c.traces, c.message])).toEqual([[2, ""], [1, ""]]);
    expect(log.requests).toEqual([]);
    expect(log.errors).toEqual([]);
    await page.close();
  }, 300_000);

  describe.skipIf(!haveCli)("optlab run --html on the chart fixture and the starter notebooks", () => {
    test.each(CHART_NOTEBOOKS.map((p) => [basename(p), p]))("%s: every chart draws, offline", async (name, path) => {
      // npm test's notebooks stage just ran `optlab run --html` on the starter notebooks: open its output.
      const done = stageOutput("run-html", path);
      const out = done ? dirname(done.html) : join(dir, "run", name.replace(/\.ipynb$/, ""));
      if (!done) {
        mkdirSync(out, { recursive: true });
        // The executed copy goes into out/ (next to the HTML), never over notebooks/.
        execFileSync(process.execPath, [CLI, "run", path, "--html", out, "--out", out], { stdio: "pipe", timeout: 300_000, env: { ...process.env, OPTLAB_STATIC_IMAGES: "0" } });
      }
      const html = done ? basename(done.html) : readdirSync(out).find((f) => f.endsWith(".html"));
      expect(html, `optlab run wrote no HTML for ${name} in ${out}`).toBeDefined();
      const nb = JSON.parse(readFileSync(join(out, name), "utf8"));
      const expected = expectedTraces(nb);
      const file = join(out, html!);
      const text = readFileSync(file, "utf8");
      expect(statSync(file).size, `${html} is ${(statSync(file).size / 1e6).toFixed(2)} MB`).toBeLessThan(MAX_PAGE_BYTES);
      // plotly.js once (its compressed payload), only when there are charts; no MathJax, no CDN
      expect(text.match(/class="optlab-plotlyjs"/g)?.length ?? 0).toBe(expected.length > 0 ? 1 : 0);
      expect(text).not.toMatch(/mathjax|<script[^>]+src=/i);
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const log = await watch(page);
      await open(page, `file://${file}`);
      const state = await charts(page, expected.length);
      await screenshots(page, `optlab-run-${name.replace(/\.ipynb$/, "")}`);
      expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
      expect(state.map((c) => c.traces)).toEqual(expected);
      // LaTeX as native MathML: a block formula per text/latex output, math in the markdown that has some, no TeX errors
      const math = await page.evaluate(() => ({
        latexOutputs: document.querySelectorAll(".latex math[display=block]").length,
        markdownCells: Array.from(document.querySelectorAll(".cell.markdown")).filter((c) => c.querySelector("math")).length,
        errors: document.querySelectorAll(".katex-error").length,
        laidOut: Array.from(document.querySelectorAll("math")).every((m) => m.getBoundingClientRect().width > 0),
      }));
      expect(math).toEqual({ ...expectedMath(nb), errors: 0, laidOut: true });
      expect(log.requests).toEqual([]);
      expect(log.errors).toEqual([]);
      await page.close();
    }, 600_000);
  });
});
