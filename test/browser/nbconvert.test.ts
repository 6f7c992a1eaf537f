/**
 * nbconvert's HTML (Debian's jupyter-nbconvert), opened offline in headless Chromium: of a saved
 * notebook with 20 optlab charts, and of the chart fixture and starter notebooks executed by
 * `jupyter nbconvert --execute` with the optlab kernel. Every chart draws with its traces, no
 * console errors, no network requests from the charts. nbconvert's own template asks a CDN for require.js and
 * MathJax: require.js is served from Debian's copy (so the charts meet an AMD loader, as in an
 * online page and in classic Notebook), MathJax is aborted.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { configurePlots } from "../../src/plots/index.js";
import { twentyChartNotebook } from "../plots/twenty-charts.js";
import { CHART_NOTEBOOKS, CLI, ROOT, browserMissing, charts, expectedTraces, launch, open, screenshots, stageOutput, watch } from "./chrome.js";

const JUPYTER = "/usr/bin/jupyter";
const REQUIRE_JS = "/usr/share/javascript/requirejs/require.min.js";
const missing = browserMissing() ?? (existsSync(JUPYTER) ? null : "no /usr/bin/jupyter (Debian's jupyter-nbconvert)");

describe.skipIf(missing !== null)("nbconvert HTML of a 20-chart notebook", () => {
  let browser: Browser;
  let dir: string;
  let html: string;
  let expected: number[];

  beforeAll(async () => {
    configurePlots({ staticImage: false });
    dir = mkdtempSync(join(tmpdir(), "optlab-nbconvert-"));
    const { notebook } = await twentyChartNotebook();
    expected = expectedTraces(notebook as never);
    writeFileSync(join(dir, "twenty.ipynb"), JSON.stringify(notebook, null, 1));
    execFileSync(JUPYTER, ["nbconvert", "--to", "html", "--output-dir", dir, join(dir, "twenty.ipynb")], { stdio: "pipe", timeout: 120_000 });
    html = join(dir, "twenty.html");
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("every chart draws with its traces, with require.js on the page, offline", async () => {
    expect(expected).toHaveLength(20);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const log = await watch(page, { local: { "https://cdnjs.cloudflare.com/ajax/libs/require.js": REQUIRE_JS } });
    await open(page, `file://${html}`);
    const state = await charts(page, 20);
    await screenshots(page, "nbconvert-twenty");
    expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
    expect(state.every((c) => c.mainSvgs >= 1)).toBe(true);
    expect(state.map((c) => c.traces)).toEqual(expected);
    expect(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require)).toBe("function");
    // Only nbconvert's template went out (require.js, MathJax); the charts asked for nothing.
    expect(log.requests.filter((u) => !/cdnjs\.cloudflare\.com\/ajax\/libs\/(require\.js|mathjax)\//.test(u))).toEqual([]);
    expect(log.errors.filter((e) => !/mathjax/i.test(e))).toEqual([]);
    await page.close();
  }, 300_000);

  test("with nothing reachable at all (no require.js either) every chart still draws", async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const log = await watch(page);
    await open(page, `file://${html}`);
    const state = await charts(page, 20);
    expect(state.map((c) => c.traces)).toEqual(expected);
    expect(log.errors.filter((e) => !/cdnjs\.cloudflare\.com/.test(e))).toEqual([]);
    await page.close();
  }, 300_000);

  test("plotly.js is in the page once, and the page stays small", () => {
    const text = readFileSync(html, "utf8");
    expect(text.split('class="optlab-plotlyjs"').length - 1).toBe(1);
    expect(text.length / 1e6).toBeLessThan(3);
  });
});

describe.skipIf(missing !== null || !existsSync(join(ROOT, "kernel/cli.ts")))("jupyter nbconvert --execute with the optlab kernel", () => {
  let browser: Browser;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "optlab-nbexec-"));
    // The kernelspec goes into a temporary prefix that only these jupyter processes see.
    execFileSync(process.execPath, [CLI, "install", "--prefix", join(dir, "prefix")], { stdio: "pipe" });
    env = { ...process.env, JUPYTER_PATH: join(dir, "prefix/share/jupyter"), JUPYTER_DATA_DIR: join(dir, "data"), JUPYTER_RUNTIME_DIR: join(dir, "runtime"), OPTLAB_STATIC_IMAGES: "0" };
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test.each(CHART_NOTEBOOKS.map((p) => [basename(p), p]))("%s: executed and exported, every chart draws offline", async (name, path) => {
    const out = join(dir, name.replace(/\.ipynb$/, ""));
    // Execute to a notebook (to know each chart's trace count), then export that to HTML — or take
    // both from npm test's notebooks stage, which just did exactly that.
    const { ipynb: executed, html } = stageOutput("nbconvert", path) ?? { ipynb: join(out, name), html: join(out, name.replace(/\.ipynb$/, ".html")) };
    if (!existsSync(executed)) {
      execFileSync(JUPYTER, ["nbconvert", "--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=optlab", "--ExecutePreprocessor.timeout=300", "--output-dir", out, path], { stdio: "pipe", timeout: 400_000, env });
      execFileSync(JUPYTER, ["nbconvert", "--to", "html", "--output-dir", out, executed], { stdio: "pipe", timeout: 120_000, env });
    }
    const expected = expectedTraces(JSON.parse(readFileSync(executed, "utf8")));
    expect(expected.length).toBeGreaterThan(0);
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const log = await watch(page, { local: { "https://cdnjs.cloudflare.com/ajax/libs/require.js": REQUIRE_JS } });
    await open(page, `file://${html}`);
    const state = await charts(page, expected.length);
    await screenshots(page, `nbconvert-execute-${name.replace(/\.ipynb$/, "")}`);
    expect(state.map((c) => c.message).filter(Boolean)).toEqual([]);
    expect(state.map((c) => c.traces)).toEqual(expected);
    expect(log.requests.filter((u) => !/cdnjs\.cloudflare\.com\/ajax\/libs\/(require\.js|mathjax)\//.test(u))).toEqual([]);
    expect(log.errors.filter((e) => !/mathjax/i.test(e))).toEqual([]);
    await page.close();
  }, 600_000);
});
