/**
 * Remakes the notebook screenshots of the README (docs/img/notebook-*.png): runs the starter
 * notebooks with `optlab run --html` (the built CLI: `npm run build` first), opens the exported
 * pages offline in headless Chromium and saves a cropped, readable part of each:
 * - notebook-gradient.png: the LaTeX gradient of notebooks/rosenbrock.ipynb (note, cell, output);
 * - notebook-comparison.png: the chart of `compare(...)` in the same notebook;
 * - notebook-rates.png: `plot.rates(...)` of notebooks/textbook-rates.ipynb.
 *
 * Run: npx tsx test/browser/notebook-images.mts
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { CLI, ROOT, charts, launch, watch } from "./chrome.js";

const OUT = join(ROOT, "docs/img");

/** The code cell whose source starts with `source` (and, with `withNote`, the markdown cell above it). */
async function cellBox(page: Page, source: string, withNote: boolean): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await page.evaluate(([src, note]) => {
    const cells = Array.from(document.querySelectorAll(".cell"));
    const i = cells.findIndex((c) => c.classList.contains("code") && (c.querySelector(".source")?.textContent ?? "").startsWith(src));
    if (i < 0) return null;
    const first = (note && cells[i - 1]?.classList.contains("markdown") ? cells[i - 1] : cells[i])!.getBoundingClientRect();
    const last = cells[i]!.getBoundingClientRect();
    return { x: first.left, y: first.top + window.scrollY, width: Math.max(first.width, last.width), height: last.bottom - first.top };
  }, [source, withNote] as const);
  if (!box) throw new Error(`notebook-images: no cell starting with ${JSON.stringify(source)}`);
  const pad = 8;
  return { x: Math.max(0, box.x - pad), y: Math.max(0, box.y - pad), width: box.width + 2 * pad, height: box.height + 2 * pad };
}

/** The chart element of the code cell whose source starts with `source`. */
async function chartOf(page: Page, source: string) {
  const cells = await page.$$(".cell.code");
  for (const c of cells) {
    const text = await c.$eval(".source", (e) => e.textContent ?? "");
    if (text.startsWith(source)) {
      const chart = await c.$(".optlab-chart");
      if (chart) return chart;
    }
  }
  throw new Error(`notebook-images: no chart in the cell starting with ${JSON.stringify(source)}`);
}

async function open(page: Page, file: string): Promise<void> {
  const log = await watch(page);
  await page.goto(`file://${file}`);
  const state = await charts(page, 1);
  if (state.some((c) => c.mainSvgs === 0) || log.errors.length || log.requests.length) throw new Error(`notebook-images: ${file} did not render: ${JSON.stringify({ state, log })}`);
  await page.waitForTimeout(500); // let WebGL (the 3-D surface) settle
}

const dir = mkdtempSync(join(tmpdir(), "optlab-notebook-images-"));
const browser = await launch();
try {
  const notebooks = ["rosenbrock", "textbook-rates"].map((n) => join(ROOT, "notebooks", `${n}.ipynb`));
  execFileSync(process.execPath, [CLI, "run", ...notebooks, "--html", dir], { stdio: "inherit", env: { ...process.env, OPTLAB_STATIC_IMAGES: "0" } });
  mkdirSync(OUT, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await open(page, join(dir, "rosenbrock.html"));
  await page.screenshot({ path: join(OUT, "notebook-gradient.png"), clip: await cellBox(page, "f.gradient", true), fullPage: true });
  await (await chartOf(page, "const runs = compare(")).screenshot({ path: join(OUT, "notebook-comparison.png") });
  await open(page, join(dir, "textbook-rates.html"));
  await (await chartOf(page, "plot.rates(")).screenshot({ path: join(OUT, "notebook-rates.png") });
  for (const f of ["notebook-gradient.png", "notebook-comparison.png", "notebook-rates.png"]) console.log(`wrote docs/img/${f}`);
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
