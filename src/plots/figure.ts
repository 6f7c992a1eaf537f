/**
 * `Figure`: a Plotly figure spec that displays itself. Builders return one; its data is plain
 * JSON (`data`, `layout`, `config`) and its `[DISPLAY]()` makes the chart MIME bundle (plotly
 * JSON, offline HTML, optional PNG, one-line text) through `./bundle.ts`.
 */
import { DISPLAY, type MimeBundle } from "../display/index.js";
import { chartBundle, renderChartHtml, type ChartBundleOptions } from "./bundle.js";
import { DslError, describe } from "../errors/index.js";
import { applyStyle, isHouseStyle, markHouseStyle } from "./style.js";
import type { FigureSpec, Layout, PlotConfig, Trace } from "./types.js";

/** What `fig.with(...)` adjusts. Ranges are in data units (also on log axes). */
export interface FigureAdjustments {
  /** The chart title. */
  title?: string;
  /** x range [lo, hi] of the (first) x axis, in data units. */
  xRange?: [number, number];
  /** y range [lo, hi] of the (first) y axis, in data units. */
  yRange?: [number, number];
  /** Log (true) or linear (false) x axis. */
  logX?: boolean;
  /** Log (true) or linear (false) y axis. */
  logY?: boolean;
  /** Width in CSS pixels (default: the width of the output area). */
  width?: number;
  /** Height in CSS pixels. */
  height?: number;
}

const ADJUSTMENTS = ["title", "xRange", "yRange", "logX", "logY", "width", "height"] as const;

/** A chart: Plotly traces, layout and config, plus a one-line summary for `text/plain`. */
export class Figure implements FigureSpec {
  readonly data: Trace[];
  readonly layout: Layout;
  readonly config: PlotConfig;
  /** One line saying what the chart shows (the bundle's `text/plain`). */
  readonly summary: string;

  constructor(spec: FigureSpec, summary: string) {
    // Charts built on the house layout follow the style guide (docs/readme/charts.md).
    if (isHouseStyle(spec.layout)) spec = applyStyle(spec);
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
   * A copy adjusted before it is shown: title, axis ranges (data units), log or linear axes,
   * size. The first x and y axes are adjusted (of stacked panels, the top one's y; the x axis is
   * shared); a 3-D chart's scene axes likewise.
   *
   * @example
   * plot.loss(run).with({ title: "adam, lr = 0.01", yRange: [1e-8, 10], height: 300 });
   * plot.contour(f).with({ xRange: [-2, 2], yRange: [-1, 3] });
   */
  with(adj: FigureAdjustments): Figure {
    if (adj === null || typeof adj !== "object" || Array.isArray(adj)) {
      throw new DslError("bad-argument", `fig.with: expected { title?, xRange?, yRange?, logX?, logY?, width?, height? }, got ${describe(adj)}`, { path: "fig.with" });
    }
    for (const [k, v] of Object.entries(adj)) {
      if (!(ADJUSTMENTS as readonly string[]).includes(k)) {
        throw new DslError("unknown-option", `fig.with: unknown option "${k}"; options are ${ADJUSTMENTS.join(", ")}`, { path: `fig.with.${k}` });
      }
      if (v === undefined) continue;
      const bad = (what: string) => new DslError("bad-option", `fig.with: ${k} must be ${what}, got ${describe(v)}`, { path: `fig.with.${k}` });
      if (k === "title" && typeof v !== "string") throw bad("a string");
      if ((k === "logX" || k === "logY") && typeof v !== "boolean") throw bad("true or false");
      if ((k === "width" || k === "height") && !(typeof v === "number" && Number.isFinite(v) && v >= 10)) throw bad("a number of pixels ≥ 10");
      if (k === "xRange" || k === "yRange") {
        const r = v as unknown[];
        if (!(Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === "number" && Number.isFinite(x)) && (r[0] as number) < (r[1] as number))) throw bad("[lo, hi] with finite lo < hi");
      }
    }
    const layout: Layout = { ...this.layout };
    const scene = typeof layout.scene === "object" && layout.scene !== null ? { ...(layout.scene as Layout) } : undefined;
    if (adj.title !== undefined) layout.title = { ...(typeof layout.title === "object" && layout.title ? layout.title : {}), text: adj.title };
    if (adj.width !== undefined) {
      layout.width = adj.width;
      layout.autosize = false;
    }
    if (adj.height !== undefined) layout.height = adj.height;
    const adjust = (key: "xaxis" | "yaxis", range: [number, number] | undefined, log: boolean | undefined) => {
      const holder: Layout = scene ?? layout;
      const ax: Record<string, unknown> = { ...((holder[key] as Record<string, unknown> | undefined) ?? {}) };
      if (log !== undefined) {
        ax.type = log ? "log" : "linear";
        ax.exponentformat = "power";
        if (range === undefined) {
          delete ax.range;
          ax.autorange = true;
        }
        delete ax.dtick;
      }
      if (range !== undefined) {
        const isLog = ax.type === "log";
        if (isLog && range[0] <= 0) throw new DslError("bad-option", `fig.with: ${key === "xaxis" ? "xRange" : "yRange"} on a log axis must be positive, got ${describe(range)}`, { path: `fig.with.${key === "xaxis" ? "xRange" : "yRange"}` });
        ax.range = isLog ? [Math.log10(range[0]), Math.log10(range[1])] : [range[0], range[1]];
        ax.autorange = false;
      }
      holder[key] = ax;
      // Stacked panels whose axis follows this one (`matches`: the loss chart's gradient-norm
      // panel, gradNorms' runs) take its type too: Plotly cannot match a log axis to a linear one.
      if (log !== undefined && !scene) {
        const id = key === "xaxis" ? "x" : "y";
        for (const [k, v] of Object.entries(layout)) {
          if (k === key || !k.startsWith(key) || !/^[xy]axis\d+$/.test(k) || typeof v !== "object" || v === null) continue;
          const other = v as Record<string, unknown>;
          if (other.matches !== id) continue;
          const copy: Record<string, unknown> = { ...other, type: ax.type, exponentformat: "power" };
          delete copy.dtick;
          delete copy.range;
          layout[k] = copy;
        }
      }
    };
    if (adj.xRange !== undefined || adj.logX !== undefined) adjust("xaxis", adj.xRange, adj.logX);
    if (adj.yRange !== undefined || adj.logY !== undefined) adjust("yaxis", adj.yRange, adj.logY);
    if (scene) layout.scene = scene;
    // a house-style chart stays one (a log axis made here gets its decade ticks)
    if (isHouseStyle(this.layout)) markHouseStyle(layout);
    return new Figure({ data: this.data, layout, config: this.config }, this.summary);
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
