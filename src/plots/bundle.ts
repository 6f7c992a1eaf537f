/**
 * The MIME bundle of a chart, and the per-document bookkeeping of plotly.js.
 *
 * A chart's bundle:
 * - `application/vnd.plotly.v1+json`: `{ data, layout, config }` (JupyterLab's and VS Code's
 *   Plotly renderers draw this);
 * - `text/html`: a div plus the loader script of `./loader.ts`, drawn with `window.Plotly`; the
 *   first chart of a document also carries plotly.js (gzip+base64), later ones wait for it;
 * - `image/png` (optional): a static image made by headless Chromium, for GitHub previews and PDF;
 * - `text/plain`: a one-line summary.
 *
 * "Document" = what the kernel calls one (its hooks' `once("plotly.js")`: a kernel session, or
 * one notebook of `optlab run`); outside a kernel, the process until `resetPlotlyDocument()`.
 */
import { randomBytes } from "node:crypto";
import { DISPLAY, type MimeBundle } from "../display/index.js";
import { DslError, describe } from "../errors/index.js";
import { encodeArrays } from "./encode.js";
import { chartHtml, loadScript } from "./loader.js";
import { kernelHooks } from "./kernel-hooks.js";
import { plotlySource } from "./plotly-source.js";
import { renderPng, staticImageStatus, type ImageSize } from "./static-image.js";
import type { FigureSpec } from "./types.js";

/** Chart output settings (see `configurePlots`). */
export interface PlotSettings {
  /**
   * Add a static `image/png` to chart bundles (for GitHub previews and PDF export): false
   * (default: a PNG adds 40–200 KB per chart and ~0.2–4 s of rendering), true (when a Chromium
   * is found; said once when none is), or "auto" (the same, silently). Env override:
   * `OPTLAB_STATIC_IMAGES=0|1|auto`.
   */
  staticImage: "auto" | boolean;
  /** Size of static images (default 800 CSS px wide, the layout's height, scale 1). */
  imageSize: Partial<ImageSize>;
  /**
   * Write long numeric arrays as Plotly typed-array specs (base64; see `./encode.ts`): default
   * true. Set false for a Plotly renderer older than plotly.js 2.28 (JupyterLab's jupyterlab-plotly
   * before plotly.py 5.18) that shows such charts empty.
   */
  compactArrays: boolean;
}

const settings: PlotSettings = { staticImage: envStaticImage(), imageSize: {}, compactArrays: true };

/**
 * Change chart output settings for this process; returns the settings now in force.
 *
 * @param patch `{ staticImage?: boolean | "auto", imageSize?: { width?, height?, scale? }, compactArrays?: boolean }`.
 * @example
 * configurePlots({ staticImage: true, imageSize: { width: 1000, scale: 2 } });
 */
export function configurePlots(patch: Partial<PlotSettings>): PlotSettings {
  const bad = (key: string, want: string, got: unknown) =>
    new DslError("bad-option", `plot.configure: ${key} must be ${want}, got ${describe(got)}`, { path: `plot.configure.${key}` });
  if (patch === null || typeof patch !== "object") throw bad("the argument", "an object such as { staticImage: true }", patch);
  for (const [k, v] of Object.entries(patch)) {
    if (k === "staticImage" && !(typeof v === "boolean" || v === "auto")) throw bad(k, 'true, false or "auto"', v);
    else if (k === "compactArrays" && typeof v !== "boolean") throw bad(k, "true or false", v);
    else if (k === "imageSize") {
      if (v === null || typeof v !== "object") throw bad(k, "{ width?, height?, scale? }", v);
      for (const [dim, n] of Object.entries(v as object)) {
        if (!["width", "height", "scale"].includes(dim)) throw bad(`imageSize.${dim}`, "one of width, height, scale", dim);
        if (!(typeof n === "number" && n > 0 && Number.isFinite(n))) throw bad(`imageSize.${dim}`, "a positive number", n);
      }
    } else if (!["staticImage", "compactArrays", "imageSize"].includes(k)) throw bad(k, "one of staticImage, imageSize, compactArrays (an option name)", k);
  }
  Object.assign(settings, patch);
  return plotSettings();
}

/** The settings in force. */
export function plotSettings(): PlotSettings {
  return { ...settings, imageSize: { ...settings.imageSize } };
}

function envStaticImage(): "auto" | boolean {
  const v = process.env.OPTLAB_STATIC_IMAGES?.toLowerCase();
  if (v === "0" || v === "false" || v === "off") return false;
  if (v === "1" || v === "true" || v === "on") return true;
  if (v === "auto") return "auto";
  return false;
}

let carried = false;
let counter = 0;
/** The kernel's key for "this document already has plotly.js". */
const PLOTLY_KEY = "plotly.js";
const prefix = randomBytes(4).toString("hex");
let saidNoImages = false;

/**
 * Start a new document outside a kernel (a page assembled by hand, a test): the next chart
 * carries plotly.js again. In a kernel the kernel decides: `once("plotly.js")` is true once per
 * kernel session, and once per notebook of `optlab run`.
 */
export function resetPlotlyDocument(): void {
  carried = false;
}

/** True when this output is the one of its document to carry plotly.js (and marks it taken). */
function claimCarrier(): boolean {
  const k = kernelHooks();
  if (k) return k.once(PLOTLY_KEY);
  if (carried) return false;
  carried = true;
  return true;
}

export interface ChartBundleOptions {
  /** Carry plotly.js in this output: "auto" (default: the first chart of the document), true, false. */
  includePlotly?: "auto" | boolean;
  /** Static PNG: defaults to the process setting (`configurePlots`). */
  staticImage?: "auto" | boolean;
  /** text/plain (default: a generic description). */
  summary?: string;
}

/**
 * The MIME bundle of a chart: plotly JSON, offline HTML, a PNG when Chromium is available and
 * enabled, and a one-line `text/plain`.
 *
 * @param fig the figure spec.
 * @param o options; see `ChartBundleOptions`.
 */
export async function chartBundle(fig: FigureSpec, o: ChartBundleOptions = {}): Promise<MimeBundle> {
  const bundle = chartBundleSync(fig, o);
  const want = o.staticImage ?? settings.staticImage;
  if (want === false) return bundle;
  const png = staticImageStatus().available
    ? await renderPng(fig, settings.imageSize).catch((e: unknown) => {
        console.warn(`optlab: could not make a static image of this chart: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}`);
        return null;
      })
    : null;
  if (png) bundle["image/png"] = png;
  // Chromium missing (or failing to start, which renderPng records): say so once, when asked for.
  const status = staticImageStatus();
  if (!status.available && want === true && !saidNoImages) {
    saidNoImages = true;
    console.warn(`optlab: static chart images are off (${status.reason}). Charts stay interactive wherever JavaScript runs.`);
  }
  return bundle;
}

/** `chartBundle` without the static image (synchronous). */
export function chartBundleSync(fig: FigureSpec, o: ChartBundleOptions = {}): MimeBundle {
  const include = o.includePlotly ?? "auto";
  const carry = include === true || (include === "auto" && claimCarrier());
  const spec = { data: fig.data, layout: fig.layout, config: fig.config ?? {} };
  return {
    // Typed-array specs shrink the saved notebook; the HTML gzips the plain spec instead (decimal
    // text compresses better than base64 of floats does).
    "application/vnd.plotly.v1+json": settings.compactArrays ? encodeArrays(spec) : spec,
    "text/html": chartHtml(spec, nextId(), carry ? plotlySource().gzipBase64 : null),
    "text/plain": o.summary ?? `Plotly chart with ${fig.data.length} trace${fig.data.length === 1 ? "" : "s"}`,
  };
}

/**
 * A chart as an HTML fragment, for renderers that assemble their own page (`optlab run --html`):
 * pass `includePlotly: true` for the first chart of the page and false for the rest. The
 * fragment needs no network and no other script.
 *
 * @param fig a figure spec, or a MIME bundle holding `application/vnd.plotly.v1+json`.
 * @param o `includePlotly` (default false).
 */
export function renderChartHtml(fig: FigureSpec | MimeBundle, o: { includePlotly?: boolean } = {}): string {
  const spec = "data" in fig && Array.isArray((fig as FigureSpec).data) ? (fig as FigureSpec) : ((fig as MimeBundle)["application/vnd.plotly.v1+json"] as FigureSpec | undefined);
  if (!spec || !Array.isArray(spec.data)) throw new TypeError("renderChartHtml: expected a figure spec or a bundle with application/vnd.plotly.v1+json");
  return chartHtml(spec, nextId(), o.includePlotly ? plotlySource().gzipBase64 : null);
}

/**
 * The script that loads plotly.js on a page (gzip+base64 payload, ~2 MB, inflated by the browser;
 * once per page however often it appears), for a page whose chart fragments carry no plotly.js
 * (`renderChartHtml(..., { includePlotly: false })`, or saved chart outputs with their carrier
 * script removed). `optlab run --html` puts it in `<head>` once. It fetches nothing.
 *
 * @example
 * const page = `<head>${plotlyLoaderHtml()}</head><body>${renderChartHtml(fig, { includePlotly: false })}</body>`;
 */
export function plotlyLoaderHtml(): string {
  return loadScript(plotlySource().gzipBase64, null);
}

/** `<script class="optlab-plotlyjs">` elements: the plotly.js payload a chart output carries. */
const CARRIER = /<script type="text\/javascript" class="optlab-plotlyjs">[\s\S]*?<\/script>/g;

/**
 * A chart output's HTML without the plotly.js it may carry (the first chart of a document
 * does), for a page that loads plotly.js once itself (`plotlyLoaderHtml()`). Other HTML is
 * returned unchanged.
 *
 * @param html an output's `text/html`.
 * @example
 * withoutPlotlyPayload(renderChartHtml(fig, { includePlotly: true })) === renderChartHtml(fig) // up to the element id
 */
export function withoutPlotlyPayload(html: string): string {
  return html.includes("optlab-plotlyjs") ? html.replace(CARRIER, "") : html;
}

function nextId(): string {
  return `optlab-chart-${prefix}-${++counter}`;
}

/**
 * A displayable that carries plotly.js on its own (a one-line output plus the payload): for a
 * notebook whose chart that carried it is gone, or to load it before any chart.
 */
export function plotlyjsDisplay(): { [DISPLAY](): MimeBundle } {
  return {
    [DISPLAY]() {
      claimCarrier();
      const src = plotlySource();
      const note = `plotly.js ${src.version} for the charts of this notebook (${(src.gzipBase64.length / 1e6).toFixed(1)} MB embedded once)`;
      return {
        "text/html": `<div style="font:12px sans-serif;color:#888">${note}</div>${loadScript(src.gzipBase64, null)}`,
        "text/plain": note,
      };
    },
  };
}

/**
 * A result object's own bundle (text, table) with a chart added: plotly JSON and the PNG from
 * the chart, `text/html` = the object's HTML followed by the chart, `text/plain` = the object's.
 * The display renderers of result objects (./result-displays.ts, registered in src/display's
 * registry by dsl/plot.ts) use it: `(run, own) => withChart(own, lossCurves([runSeries(run)]))`.
 *
 * @param own the object's bundle without the chart.
 * @param fig the chart.
 */
export async function withChart(own: MimeBundle, fig: FigureSpec): Promise<MimeBundle> {
  return merge(own, await chartBundle(fig, { summary: own["text/plain"] }));
}

/** `withChart` without the static image, for displays that must stay synchronous. */
export function withChartSync(own: MimeBundle, fig: FigureSpec): MimeBundle {
  return merge(own, chartBundleSync(fig, { summary: own["text/plain"] }));
}

function merge(own: MimeBundle, chart: MimeBundle): MimeBundle {
  const html = typeof own["text/html"] === "string" ? own["text/html"] : "";
  return { ...own, ...chart, "text/html": html + (chart["text/html"] as string), "text/plain": own["text/plain"] };
}
