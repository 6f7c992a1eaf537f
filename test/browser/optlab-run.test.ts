/**
 * HTML pages that optlab writes itself, opened offline in headless Chromium:
 * - a page assembled from a saved notebook's chart bundles with `renderChartHtml` (what the
 *   HTML renderer of `optlab run --html` calls: plotly.js in the first chart only);
 * - the HTML that `optlab run --html` writes for the chart fixture (test/browser/fixtures) and
 *   every starter notebook in notebooks/.
 * Every chart must draw with the trace count of its plotly JSON, with no console error and no
 * network request.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { configurePlots, renderChartHtml } from "../../src/plots/index.js";
import { twentyChartNotebook } from "../plots/twenty-charts.js";
import { CHART_NOTEBOOKS, CLI, ROOT, browserMissing, charts, expectedTraces, launch, screenshots, watch } from "./chrome.js";

const missing = browserMissing();
const haveCli = existsSync(join(ROOT, "kernel/cli.ts"));

describe.skipIf(missing !== null)("optlab's own HTML", () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    configurePlots({ staticImage: false });
    dir = mkdtempSync(join(tmpdir(), "optlab-html-"));
    browser = await launch();
  }, 60_000);

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
    await page.goto(`file://${file}`);
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
  }, 120_000);

  describe.skipIf(!haveCli)("optlab run --html on the chart fixture and the starter notebooks", () => {
    test.each(CHART_NOTEBOOKS.map((p) => [basename(p), p]))("%s: every chart draws, offline", async (name, path) => {
      const out = join(dir, "run", name.replace(/\.ipynb$/, ""));
      mkdirSync(out, { recursive: true });
      // --out keeps the executed copy out of notebooks/ (the runner writes in place without it).
      execFileSync(process.execPath, [CLI, "run", path, "--html", out, "--out", out], { stdio: "pipe", timeout: 300_000, env: { ...process.env, OPTLAB_STATIC_IMAGES: "0" } });
      const html = readdirSync(out).find((f) => f.endsWith(".html"));
      expect(html, `optlab run wrote no HTML for ${name} in ${out}`).toBeDefined();
      const nb = JSON.parse(readFileSync(join(out, name), "utf8"));
      const expected = expectedTraces(nb);
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const log = await watch(page);
      await page.goto(`file://${join(out, html!)}`);
      const state = await charts(page, expected.length);
      await screenshots(page, `optlab-run-${name.replace(/\.ipynb$/, "")}`);
      expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
      expect(state.map((c) => c.traces)).toEqual(expected);
      expect(log.requests.filter((u) => !/mathjax/i.test(u))).toEqual([]); // the page's MathJax (for LaTeX) is its own business
      expect(log.errors.filter((e) => !/mathjax/i.test(e))).toEqual([]);
      await page.close();
    }, 300_000);
  });
});
