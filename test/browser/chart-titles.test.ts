/**
 * Drawn in Chromium, the charts a reviewer found broken: the title never overlaps a y-axis
 * title (a failing gradcheck's V curve read "Ğradient check…"), and plot.gradNorms with 2 runs ×
 * 18 leaves keeps its panels tall and its legend unscrolled. Screenshots go to
 * test/artifacts/screenshots/chart-titles/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { adam, compare, gradcheck, nn, objective, optimize, plot, sgd } from "../../dsl/index.js";
import { renderChartHtml, type Figure } from "../../src/plots/index.js";
import { BOUNDS, SCREENSHOTS, browserMissing, launch, open } from "./chrome.js";

const missing = browserMissing();
const OUT = join(SCREENSHOTS, "chart-titles");

function figures(): Record<string, Figure> {
  const bad = { f: (p: number[]) => p[0]! ** 2 + p[1]! ** 2, grad: (p: number[]) => [3 * p[0]!, 2 * p[1]!] };
  const xs = Array.from({ length: 16 }, (_, i) => [Math.sin(i), Math.cos(1.3 * i)]);
  const L = nn.loss(nn.mlp([2, 4, 4, 4, 4, 4, 4, 4, 4, 1], { activation: "tanh", seed: 2 }), { x: xs, y: xs.map((v) => [v[0]! - v[1]!]) }, "mse");
  const f = objective("(x-1)^2 + 3*(y+2)^2");
  return {
    gradcheck: plot.gradcheck(gradcheck(bad, { at: [1, 2] })),
    // short: the rotated y title (longer than the plot is tall) reaches up into the title's row
    gradcheckShort: plot.gradcheck(gradcheck(bad, { at: [1, 2] })).with({ height: 300 }),
    gradNorms: plot.gradNorms(compare(L, { sgd: sgd({ lr: 0.05 }), adam: adam({ lr: 0.01 }) }, { steps: 12 })),
    loss: plot.loss([optimize(f, sgd({ lr: 0.3 }), { from: [0, 0], steps: 5 }), optimize(f, sgd({ lr: 5e-4 }), { from: [0, 0], steps: 1312 })], { logX: true }),
  };
}

describe.skipIf(missing !== null)("chart titles and legends, drawn", () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launch();
    dir = mkdtempSync(join(tmpdir(), "optlab-titles-"));
    mkdirSync(OUT, { recursive: true });
  }, BOUNDS.launchMs);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, fig] of Object.entries(figures())) {
    test(`${name}: the title overlaps no axis title; the legend does not scroll`, async () => {
      const file = join(dir, `${name}.html`);
      writeFileSync(file, `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;width:900px">${renderChartHtml(fig, { includePlotly: true })}</body></html>`);
      const page = await browser.newPage({ viewport: { width: 900, height: 700 } });
      await open(page, pathToFileURL(file).href);
      await page.waitForSelector(".main-svg .gtitle", { timeout: BOUNDS.chartsMs });
      const m = await page.evaluate(() => {
        const box = (e: Element) => { const r = e.getBoundingClientRect(); return { l: r.left, r: r.right, t: r.top, b: r.bottom }; };
        const plots = Array.from(document.querySelectorAll(".cartesianlayer .subplot .bg, .bglayer rect")).map(box).filter((b) => b.b - b.t > 0);
        return {
          title: box(document.querySelector(".gtitle")!),
          axisTitles: Array.from(document.querySelectorAll("[class^='g-y'][class$='title'] text, [class^='g-x'][class$='title'] text")).map(box),
          scrollbar: Array.from(document.querySelectorAll(".legend .scrollbar")).map(box).filter((b) => b.b - b.t > 0).length,
          plotHeights: plots.map((b) => b.b - b.t),
        };
      });
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
      await page.close();
      expect(m.axisTitles.length).toBeGreaterThan(0);
      for (const a of m.axisTitles) {
        const overlap = a.l < m.title.r && m.title.l < a.r && a.t < m.title.b && m.title.t < a.b;
        expect(overlap, `title ${JSON.stringify(m.title)} vs axis title ${JSON.stringify(a)}`).toBe(false);
      }
      expect(m.scrollbar).toBe(0);
      if (name === "gradNorms") for (const h of m.plotHeights) expect(h).toBeGreaterThan(180);
    }, BOUNDS.chartsMs);
  }
});
