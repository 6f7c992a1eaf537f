/**
 * Static PNGs of charts, for front ends that run no JavaScript (GitHub's notebook preview,
 * nbconvert to PDF): a headless Chromium driven by `playwright-core`, launched on the first
 * image, reused for every later one, and closed after a while idle or by `closeStaticRenderer()`.
 *
 * Which Chromium: `$OPTLAB_CHROMIUM`, else the first of /usr/bin/chromium, chromium-browser,
 * google-chrome(-stable) that exists (browser downloads are not possible here). Without one,
 * `renderPng` resolves to null and the bundle carries no image; `staticImageStatus()` says why.
 */
import { existsSync } from "node:fs";
import type { FigureSpec } from "./types.js";
import { plotlySource } from "./plotly-source.js";

/** Chromium flags for a quiet, offline, GPU-less headless browser. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** Path of the Chromium to use, or null when none is found. */
export function chromiumPath(): string | null {
  const env = process.env.OPTLAB_CHROMIUM;
  if (env) return existsSync(env) ? env : null;
  return CANDIDATES.find((p) => existsSync(p)) ?? null;
}

/** Size of a static image (CSS pixels; the PNG has width·scale × height·scale pixels). */
export interface ImageSize {
  width: number;
  height: number;
  scale: number;
}

interface PwBrowser {
  close(): Promise<void>;
  newPage(): Promise<PwPage>;
}
interface PwPage {
  setContent(html: string): Promise<void>;
  addScriptTag(o: { content: string }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

let page: Promise<PwPage> | null = null;
let browser: PwBrowser | null = null;
let failure: string | null = null;
let queue: Promise<unknown> = Promise.resolve();
let idleTimer: NodeJS.Timeout | null = null;

/** Seconds without a render after which the browser closes (it restarts on the next image). */
export const IDLE_CLOSE_MS = 20_000;

/** Whether static images can be made, and if not, why (null when they can, as far as is known). */
export function staticImageStatus(): { available: boolean; reason: string | null } {
  if (failure) return { available: false, reason: failure };
  const path = chromiumPath();
  if (!path) {
    return { available: false, reason: `no Chromium found (looked at ${process.env.OPTLAB_CHROMIUM ? `$OPTLAB_CHROMIUM=${process.env.OPTLAB_CHROMIUM}` : CANDIDATES.join(", ")}); set OPTLAB_CHROMIUM to a Chromium or Chrome binary` };
  }
  return { available: true, reason: null };
}

/**
 * A PNG of the figure (base64, no data-URL prefix), or null when no Chromium is available.
 * Renders are queued: one page renders one chart at a time.
 *
 * @param fig the figure spec.
 * @param size width/height in CSS pixels and the device scale (default 800 × layout height, scale 1).
 */
export function renderPng(fig: FigureSpec, size: Partial<ImageSize> = {}): Promise<string | null> {
  const width = size.width ?? 800;
  const height = size.height ?? (typeof fig.layout.height === "number" ? fig.layout.height : 450);
  const scale = size.scale ?? 1;
  const job = queue.then(async () => {
    const p = await openPage();
    if (!p) return null;
    const url = await p.evaluate(
      async (a: { fig: FigureSpec; width: number; height: number; scale: number }) => {
        const P = (window as unknown as { Plotly: { toImage(fig: unknown, o: unknown): Promise<string> } }).Plotly;
        const layout = { ...a.fig.layout, width: a.width, height: a.height, autosize: false };
        return P.toImage({ data: a.fig.data, layout, config: { ...(a.fig.config ?? {}), staticPlot: true } }, { format: "png", width: a.width, height: a.height, scale: a.scale });
      },
      { fig: { data: fig.data, layout: fig.layout, config: fig.config ?? {} }, width, height, scale },
    );
    armIdleClose();
    return url.replace(/^data:image\/png;base64,/, "");
  });
  queue = job.catch(() => undefined);
  return job;
}

async function openPage(): Promise<PwPage | null> {
  if (failure) return null;
  if (idleTimer) { clearTimeout(idleTimer); idleTimer = null; }
  page ??= launch().catch((e: unknown) => {
    failure = `Chromium did not start: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`;
    page = null;
    throw e;
  });
  try {
    return await page;
  } catch {
    return null;
  }
}

async function launch(): Promise<PwPage> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error(staticImageStatus().reason ?? "no Chromium");
  // Lazy: playwright-core costs ~100 ms to import; kernels start without it.
  const { chromium } = await import("playwright-core");
  const b = (await chromium.launch({
    executablePath, headless: true, args: CHROMIUM_ARGS,
    // The kernel owns SIGINT (interrupts) and SIGTERM (shutdown); playwright still kills the browser on exit.
    handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false,
  })) as unknown as PwBrowser;
  browser = b;
  const p = await b.newPage();
  await p.setContent("<!doctype html><html><head><meta charset='utf-8'></head><body style='margin:0'></body></html>");
  await p.addScriptTag({ content: plotlySource().code() });
  return p;
}

function armIdleClose(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => void closeStaticRenderer(), IDLE_CLOSE_MS);
  idleTimer.unref();
}

/**
 * Close the browser (if one is open). The notebook runner calls this when it is done so the
 * process can exit; a later image relaunches it.
 */
export async function closeStaticRenderer(): Promise<void> {
  if (idleTimer) { clearTimeout(idleTimer); idleTimer = null; }
  const b = browser;
  browser = null;
  page = null;
  await queue;
  if (b) await b.close().catch(() => undefined);
}
