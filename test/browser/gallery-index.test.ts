/**
 * The gallery index that `npm start` (`optlab run notebooks --html build/html`) writes, opened
 * offline in headless Chromium: one entry per notebook in notebooks/, each with its title and
 * one-line claim; every link opens an existing page whose charts draw, with no page error, no
 * console error and no network request.
 *
 * The pages come from `npm test`'s notebooks stage when it ran first (OPTLAB_NOTEBOOK_OUTPUTS:
 * every notebook already executed by `optlab run --html`; the index is written over those pages
 * with the runner's own `writeIndex`), else from running `optlab run notebooks --html` here, which
 * executes the whole gallery (a few minutes on 2 cores).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { notebookClaim, notebookTitle } from "../../kernel/gallery-index.js";
import { inline } from "../../kernel/markdown.js";
import { delimitedToMathml } from "../../kernel/math.js";
import { readNotebook } from "../../kernel/notebook.js";
import { writeIndex, type NotebookResult } from "../../kernel/runner.js";
import { configurePlots } from "../../src/plots/index.js";
import { BOUNDS, CLI, ROOT, browserMissing, charts, launch, open, screenshots, stageOutput, watch } from "./chrome.js";

const missing = browserMissing();
const NOTEBOOKS = join(ROOT, "notebooks");
const notebooks = readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb") && !f.startsWith(".")).sort();

describe.skipIf(missing !== null || !existsSync(CLI))("the gallery index in Chromium", () => {
  let browser: Browser;
  let tmp: string | undefined;
  let index: string;

  beforeAll(async () => {
    configurePlots({ staticImage: false });
    const staged = notebooks.map((f) => stageOutput("run-html", join(NOTEBOOKS, f)));
    if (staged.every((s) => s !== null)) {
      // the notebooks stage ran every notebook into one run-html directory: index those pages
      const results: NotebookResult[] = notebooks.map((f, i) => ({ path: join(NOTEBOOKS, f), ok: true, html: staged[i]!.html, cells: 0, codeCells: 0, errors: [], seconds: 0 }));
      index = writeIndex(dirname(staged[0]!.html), results)!;
    } else {
      tmp = mkdtempSync(join(tmpdir(), "optlab-gallery-"));
      execFileSync(process.execPath, [CLI, "run", NOTEBOOKS, "--html", tmp, "--out", tmp], { stdio: "pipe", timeout: 1_500_000, env: { ...process.env, OPTLAB_STATIC_IMAGES: "0" } });
      index = join(tmp, "index.html");
    }
    browser = await launch();
  }, 1_600_000);

  afterAll(async () => {
    await browser?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("lists every notebook with its title and claim; every link opens its page with no error", async () => {
    expect(existsSync(index), `no index.html at ${index}`).toBe(true);
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const log = await watch(page);
    await open(page, pathToFileURL(index).href);
    const items = await page.$$eval("ol.gallery > li", (lis) => lis.map((li) => ({
      href: li.querySelector("a")?.getAttribute("href") ?? "",
      title: li.querySelector("a")?.textContent ?? "",
      claim: li.querySelector(".claim")?.textContent ?? "",
      file: li.querySelector(".file")?.textContent ?? "",
      failed: li.querySelector(".failed") !== null,
    })));
    await screenshots(page, "gallery-index");
    expect(items.map((i) => i.file)).toEqual(notebooks);
    for (const [k, item] of items.entries()) {
      const nb = readNotebook(join(NOTEBOOKS, notebooks[k]!));
      expect(item.title.length, `${item.file}: empty title`).toBeGreaterThan(0);
      expect(item.title).toBe(notebookTitle(nb) ?? basename(notebooks[k]!, ".ipynb"));
      expect(item.claim.trim().length, `${item.file}: no claim on the index`).toBeGreaterThan(20);
      // the claim shown is the notebook's own (metadata.optlab.claim, or its first paragraph; the
      // unit test test/kernel/gallery-index.test.ts requires the metadata)
      const shown = await page.evaluate((html) => {
        const d = document.createElement("span");
        d.innerHTML = html;
        return d.textContent ?? "";
      }, inline(notebookClaim(nb).claim, { math: delimitedToMathml }));
      expect(item.claim).toBe(shown);
      expect(item.failed, `${item.file} is marked failed`).toBe(false);
    }
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([]);

    const dir = dirname(index);
    for (const item of items) {
      const target = fileURLToPath(new URL(item.href, pathToFileURL(index)));
      expect(dirname(target)).toBe(dir);
      expect(existsSync(target), `${item.file}: the link ${item.href} points at no page`).toBe(true);
      const p = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      const pageLog = await watch(p);
      await open(p, pathToFileURL(target).href);
      expect(await p.title()).toBe(basename(item.file, ".ipynb"));
      const drawn = await charts(p, 0, BOUNDS.chartsMs);
      expect(drawn.filter((c) => c.mainSvgs === 0).map((c) => `${c.id}: ${c.message}`), `${item.file}: charts not drawn`).toEqual([]);
      // no cell of an executed gallery page shows an error
      expect(await p.$$eval(".output .error", (els) => els.map((e) => (e.textContent ?? "").slice(0, 200))), `${item.file}: error output on the page`).toEqual([]);
      expect(pageLog.errors, `${item.file}: page errors`).toEqual([]);
      expect(pageLog.requests, `${item.file}: network requests`).toEqual([]);
      await p.close();
    }
    await page.close();
  }, 1_200_000);
});
