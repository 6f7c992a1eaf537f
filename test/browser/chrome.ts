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

/**
 * What `npm test`'s notebooks stage already made of a starter notebook, when it ran first
 * (test/run-all.sh sets OPTLAB_NOTEBOOK_OUTPUTS): `nbconvert/NAME.ipynb` and `.html` (executed by
 * `jupyter nbconvert --execute`, then exported) or `run-html/NAME.ipynb` and `.html` (`optlab run
 * --html`). The browser tests open those rather than execute the same notebooks a second time;
 * run on their own (or for the chart fixture) they execute the notebook themselves.
 */
export function stageOutput(kind: "nbconvert" | "run-html", notebook: string): { ipynb: string; html: string } | null {
  const dir = process.env.OPTLAB_NOTEBOOK_OUTPUTS;
  if (!dir || dirname(notebook) !== NOTEBOOKS) return null;
  const name = notebook.slice(NOTEBOOKS.length + 1);
  const ipynb = join(dir, kind, name);
  const html = join(dir, kind, name.replace(/\.ipynb$/, ".html"));
  return existsSync(ipynb) && existsSync(html) ? { ipynb, html } : null;
}

/** Where screenshots go (CI keeps them as artifacts; gitignored). */
export const SCREENSHOTS = join(ROOT, "test/artifacts/screenshots");

/** Why browser tests cannot run here, or null when they can. */
export function browserMissing(): string | null {
  return chromiumPath() ? null : "no Chromium (install Debian's chromium or set OPTLAB_CHROMIUM)";
}

/**
 * Bounds for a busy 2-core machine (CI gives no promise of quiet): loading a page, launching the
 * browser, and drawing a page's charts each take a second or two on a quiet machine and can take
 * ten times that while other work holds both cores. They are hang detectors, not speed checks.
 */
export const BOUNDS = { launchMs: 120_000, navigationMs: 120_000, chartsMs: 120_000 } as const;

/** Launch headless Chromium with a fresh profile (playwright makes a temporary user-data-dir). */
export async function launch(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath: chromiumPath()!, headless: true, args: CHROMIUM_ARGS, timeout: BOUNDS.launchMs });
}

/**
 * Open `url` and return once its document is parsed (`domcontentloaded`: the page's own scripts
 * ran), not when every subresource finished (`load`, which also waits for aborted CDN requests).
 * What a test checks next it waits for itself (charts drawn, the kernel connected).
 */
export async function open(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: "domcontentloaded", timeout: BOUNDS.navigationMs });
}

/** What happened on a page. */
export interface PageLog {
  errors: string[];
  /** Console errors that matched a named benign message (`BenignMessage.name: text`), kept apart, not dropped. */
  benign: string[];
  /** Requests that left the page (URL), whether answered locally or aborted. */
  requests: string[];
}

/** A console error a front end is known to log for a reason that is not a fault of the page under test. */
export interface BenignMessage {
  name: string;
  /** Why it is harmless (shown in the test source; keep it specific). */
  why: string;
  /** Matches the error text (`console: <text> @ <url>`); anchor it to the exact resource. */
  pattern: RegExp;
}

/**
 * Classic Notebook 6 (Debian's jupyter-notebook) loads ipywidgets' notebook extension on every page
 * open, whether or not ipywidgets is installed (notebook/static/notebook/js/main.js, "HARDCODED
 * WIDGETS HACK"): without it the server answers 404 and Chromium logs the failed load and the
 * refused script; Notebook then warns "Widgets are not available" and goes on. Neither optlab nor
 * these tests use widgets. Exactly these two messages, for exactly that URL, are tolerated.
 */
export const NOTEBOOK6_BENIGN: readonly BenignMessage[] = [
  {
    name: "notebook6-widgets-404",
    why: "Notebook 6 probes ipywidgets' nbextension on every page; ipywidgets is not installed",
    pattern: /^console: Failed to load resource: the server responded with a status of 404 \(Not Found\) @ http:\/\/127\.0\.0\.1:\d+\/nbextensions\/widgets\/notebook\/js\/extension\.js\?v=\d+$/,
  },
  {
    name: "notebook6-widgets-mime",
    why: "the same probe: the 404 page is HTML, so Chromium refuses to run it as the extension's script",
    pattern: /^console: Refused to execute script from 'http:\/\/127\.0\.0\.1:\d+\/nbextensions\/widgets\/notebook\/js\/extension\.js\?v=\d+' because its MIME type \('text\/html'\) is not executable, and strict MIME type checking is enabled\. @ /,
  },
];

/**
 * Record console errors, page errors and outside requests; serve `local` URLs from files,
 * let `allow(url)` through (the notebook server under test), abort the rest. Console errors that
 * match one of `benign` go to `log.benign` instead of `log.errors`; page errors never do.
 */
export async function watch(page: Page, o: { local?: Record<string, string>; allow?: (url: string) => boolean; benign?: readonly BenignMessage[] } = {}): Promise<PageLog> {
  const log: PageLog = { errors: [], benign: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    const text = `console: ${m.text()} @ ${m.location().url}`;
    const known = o.benign?.find((b) => b.pattern.test(text));
    if (known) log.benign.push(`${known.name}: ${text}`);
    else log.errors.push(text);
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

/**
 * Wait until every chart on the page has been drawn or gave up (the page's own event, polled), at
 * most `timeoutMs`, then report each: a chart still undrawn then says "(not drawn)".
 */
export async function charts(page: Page, count: number, timeoutMs: number = BOUNDS.chartsMs): Promise<ChartState[]> {
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
