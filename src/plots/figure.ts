/**
 * `Figure`: a Plotly figure spec that displays itself. Builders return one; its data is plain
 * JSON (`data`, `layout`, `config`) and its `[DISPLAY]()` makes the chart MIME bundle (plotly
 * JSON, offline HTML, optional PNG, one-line text) through `./bundle.ts`.
 */
import { DISPLAY, type MimeBundle } from "../display/index.js";
import { chartBundle, renderChartHtml, type ChartBundleOptions } from "./bundle.js";
import type { FigureSpec, Layout, PlotConfig, Trace } from "./types.js";

/** A chart: Plotly traces, layout and config, plus a one-line summary for `text/plain`. */
export class Figure implements FigureSpec {
  readonly data: Trace[];
  readonly layout: Layout;
  readonly config: PlotConfig;
  /** One line saying what the chart shows (the bundle's `text/plain`). */
  readonly summary: string;

  constructor(spec: FigureSpec, summary: string) {
    this.data = spec.data;
    this.layout = spec.layout;
    this.config = spec.config ?? {};
    this.summary = summary;
  }

  /** The plain spec (what `JSON.stringify` writes). */
  toJSON(): FigureSpec {
    return { data: this.data, layout: this.layout, config: this.config };
  }

  /**
   * A copy with `patch` merged into the layout (objects merge key by key, other values replace),
   * e.g. `fig.withLayout({ title: { text: "Rosenbrock" }, height: 600 })`.
   */
  withLayout(patch: Layout): Figure {
    return new Figure({ data: this.data, layout: merge(this.layout, patch), config: this.config }, this.summary);
  }

  /**
   * This chart as an HTML fragment (a `<div>` and a `<script>`); with `includePlotly` the
   * fragment also carries plotly.js, so it works alone in a page with no network.
   */
  toHTML(opts: { includePlotly?: boolean } = {}): string {
    return renderChartHtml(this, { includePlotly: opts.includePlotly ?? false });
  }

  /** The MIME bundle with explicit options (see `chartBundle`). */
  bundle(opts: ChartBundleOptions = {}): Promise<MimeBundle> {
    return chartBundle(this, { ...opts, summary: this.summary });
  }

  [DISPLAY](): Promise<MimeBundle> {
    return this.bundle();
  }

  /** What Node's `util.inspect` shows outside notebooks. */
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Figure(${this.summary})`;
  }
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    out[k] = isPlainObject(old) && isPlainObject(v) ? merge(old, v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}
