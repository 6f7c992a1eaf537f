/**
 * Browser-test helpers: Debian's Chromium through playwright-core (no browser downloads), pages
 * opened offline, and a check that every optlab chart on a page rendered.
 *
 * A page is "offline": every request that is not for the page's own file (or the loopback
 * notebook server under test) is answered from a local copy where one is named (require.js, as
 * nbconvert's template asks for it from a CDN) or aborted, and recorded. Tests assert that charts
 * make no request at all.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM_ARGS, chromiumPath } from "../../src/plots/index.js";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
/** The kernel's CLI, built by `npm run build`. */
export const CLI = join(ROOT, "dist/kernel/cli.js");
const NOTEBOOKS = join(ROOT, "notebooks");
/** Notebooks whose charts the tests render: the chart fixture (every kind once) and the starter notebooks. */
export const CHART_NOTEBOOKS = [
  join(ROOT, "test/browser/fixtures/charts.ipynb"),
  ...(existsSync(NOTEBOOKS) ? readdirSync(NOTEBOOKS).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(NOTEBOOKS, f)) : []),
];

/** Where screenshots go (CI keeps them as artifacts; gitignored). */
export const SCREENSHOTS = join(ROOT, "test/artifacts/screenshots");

/** Why browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return chromiumPath() ? null : "no Chromium (install Debian's chromium or set OPTLAB_CHROMIUM)";
}

/** Launch headless Chromium with a fresh profile (playwright makes a temporary user-data-dir). */
export async function launch(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: chromiumPath()!, headless: true, args: CHROMIUM_ARGS });
}

/** What happened on a page. */
export interface PageLog {
  errors: string[];
  /** Requests that left the page (URL), whether answered locally or aborted. */
  requests: string[];
}

/**
 * Record console errors, page errors and outside requests; serve `local` URLs from files,
 * let `allow(url)` through (the notebook server under test), abort the rest.
 */
export async function watch(page: Page, o: { local?: Record<string, string>; allow?: (url: string) => boolean } = {}): Promise<PageLog> {
  const log: PageLog = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") log.errors.push(`console: ${m.text()} @ ${m.location().url}`);
  });
  page.on("pageerror", (e) => log.errors.push(`page error: ${e.message}`));
  await page.route("**/*", async (route) => {
    const url = route.request().url();
    if (url.startsWith("file:") || url.startsWith("data:") || o.allow?.(url)) return route.continue();
    log.requests.push(url);
    const file = Object.entries(o.local ?? {}).find(([u]) => url.startsWith(u))?.[1];
    if (file) return route.fulfill({ path: file, contentType: "application/javascript" });
    return route.abort();
  });
  return log;
}

/** One chart's state in the page. */
export interface ChartState {
  id: string;
  /** `.main-svg` layers Plotly drew (≥ 1 when drawn). */
  mainSvgs: number;
  /** Traces Plotly holds for the chart (`gd._fullData.length`). */
  traces: number;
  /** The chart's own message when it failed (empty when drawn). */
  message: string;
}

/**
 * Chart containers: optlab's chart outputs (`.optlab-chart`) and the charts the kernel's HTML
 * renderer draws from Plotly JSON itself (`.plotly-chart`).
 */
export const CHART = ".optlab-chart, .plotly-chart";

/** Wait until every chart on the page has been drawn or gave up, then report each. */
export async function charts(page: Page, count: number, timeoutMs = 60_000): Promise<ChartState[]> {
  await page.waitForFunction(
    ([n, sel]) => {
      const els = Array.from(document.querySelectorAll(sel));
      return els.length >= n && els.every((el) => el.querySelector(".main-svg") || /optlab: /.test(el.textContent ?? ""));
    },
    [count, CHART] as const,
    { timeout: timeoutMs, polling: 200 },
  ).catch(() => undefined);
  return page.evaluate((sel) =>
    Array.from(document.querySelectorAll(sel)).map((el) => {
      const gd = el as HTMLElement & { _fullData?: unknown[] };
      return {
        id: el.id,
        mainSvgs: el.querySelectorAll(".main-svg").length,
        traces: gd._fullData ? gd._fullData.length : 0,
        message: el.querySelector(".main-svg") ? "" : (el.textContent ?? "").slice(0, 300) || "(not drawn)",
      };
    }), CHART);
}

/** Screenshot each chart element and the whole page under `SCREENSHOTS/<name>/`. */
export async function screenshots(page: Page, name: string): Promise<string> {
  const dir = join(SCREENSHOTS, name);
  mkdirSync(dir, { recursive: true });
  const els = await page.$$(CHART);
  for (const [i, el] of els.entries()) await el.screenshot({ path: join(dir, `chart-${String(i + 1).padStart(2, "0")}.png`) });
  await page.screenshot({ path: join(dir, "page.png"), fullPage: true });
  return dir;
}

/** Trace counts a notebook's chart outputs promise, in order (from their Plotly JSON). */
export function expectedTraces(nb: { cells: { outputs?: { data?: Record<string, unknown> }[] }[] }): number[] {
  const out: number[] = [];
  for (const c of nb.cells) {
    for (const o of c.outputs ?? []) {
      const fig = o.data?.["application/vnd.plotly.v1+json"] as { data: unknown[] } | undefined;
      if (fig) out.push(fig.data.length);
    }
  }
  return out;
}
