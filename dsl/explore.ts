/**
 * `explore`: sliders and charts that re-run an experiment in the page. Every slider move (and a
 * drag of the start point on the contours) runs `optimize(target, optimizer(h), { from, steps })`
 * in the browser, on optlab's own optimizer code and the objective's compiled float64 code, so the
 * page shows the kernel's numbers, offline, in exported HTML too.
 *
 * @example
 * const f = objective("(x^2 + 25*y^2)/2");
 * explore(f, {
 *   optimizer: (h) => sgd({ lr: h.lr, momentum: h.beta }),
 *   params: { lr: { min: 0.001, max: 0.08, value: 0.03, log: true }, beta: { min: 0, max: 0.99, value: 0.5 } },
 *   from: [-3, 1], steps: 200,
 * });
 */
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DISPLAY, escapeHtml, type MimeBundle } from "../src/display/index.js";
import { DslError, describe } from "../src/errors/index.js";
import { checkRunOptions, parseStart, runSync, type Transform } from "../src/optim/index.js";
import { chartBundleSync, kernelHooks, landscape, lineChartSvg, plotSettings, renderPng, staticImageStatus } from "../src/plots/index.js";
import type { Problem } from "../src/problem/index.js";
import { exploreFigure, shipOptimizer, shipProblem, type ExploreResult, type WireContour, type WireOptimizer, type WireParam, type WireSpec } from "../src/explore/index.js";
import { formatNumber } from "../src/explore/format.js";

/** One slider: a hyperparameter's range and initial value. */
export interface ExploreParam {
  min: number;
  max: number;
  /** Initial value (default: the middle of the range, geometric for log sliders). */
  value?: number;
  /** Slide in log₁₀ space (min > 0). */
  log?: boolean;
  /** Label next to the slider (default: the name). */
  label?: string;
  /** Slider positions between min and max (default 200). */
  ticks?: number;
}

/** Which charts to draw. */
export interface ExploreCharts {
  /** Contours with trajectories (2 variables; default on): false, or the axis ranges and grid. */
  contour?: false | { x?: [number, number]; y?: [number, number]; resolution?: number; levels?: "auto" | "log" | "linear" };
  /** Loss curves (default on, log y when the losses are positive). */
  loss?: false | { log?: boolean };
  /** Chart height in px (default 430). */
  height?: number;
}

/** A hyperparameter record (the slider values by name) → an optimizer. */
export type OptimizerFn = (h: Record<string, number>) => Transform;

/** Options of `explore`. */
export interface ExploreOptions {
  /** `(h) => optimizer`, or several by name (drawn side by side in one chart). */
  optimizer: OptimizerFn | Record<string, OptimizerFn>;
  /** The sliders: one per hyperparameter, by the name `h` reads. */
  params: Record<string, ExploreParam>;
  /** Start point (draggable on the contours for 2 variables). */
  from: unknown;
  /** Optimizer steps (default 100; at most 100 000). */
  steps?: number;
  charts?: ExploreCharts;
  title?: string;
  clipNorm?: number;
  clipValue?: number;
  tol?: number;
}

const MAX_STEPS = 100_000;
const KNOWN = ["optimizer", "params", "from", "steps", "charts", "title", "clipNorm", "clipValue", "tol"];

/** The engine bundle (dist/explore/engine.js), read once. */
let engineCode: string | undefined;
function engine(): string {
  if (engineCode !== undefined) return engineCode;
  const here = dirname(fileURLToPath(import.meta.url));
  // dist/dsl/explore.js → dist/explore/engine.js; dsl/explore.ts (tsx, vitest) → dist/explore/engine.js
  const candidates = [join(here, "../explore/engine.js"), join(here, "../dist/explore/engine.js")];
  const file = candidates.find((c) => existsSync(c));
  if (!file) throw new DslError("explore-engine-missing", `explore: the page engine dist/explore/engine.js is missing; build it with npm run build (looked in ${candidates.join(", ")})`, { path: "explore" });
  return (engineCode = readFileSync(file, "utf8"));
}

/** The page engine's code (for tests and pages assembled by hand). */
export function exploreEngineSource(): string {
  return engine();
}

let engineGz: string | undefined;
/** The engine gzipped, base64 (what outputs carry: ~44 KB instead of ~95 KB). */
function engineGzipBase64(): string {
  return (engineGz ??= gzipSync(engine(), { level: 9 }).toString("base64"));
}

/**
 * Loads the engine from its gzip+base64 payload once per page (the browser inflates it,
 * `DecompressionStream`, as for plotly.js), then runs it as a `<script>`: it defines
 * `window.optlabExplore`. ES5, like optlab's plotly.js loader.
 */
const ENGINE_LOADER = `(function(){var w=window,d=document,b=__PAYLOAD__;if(w.optlabExplore||w.__optlabExploreLoading)return;
if(typeof DecompressionStream==="undefined"){if(w.console)console.error("optlab explore: this browser cannot inflate gzip (DecompressionStream)");return;}
var s=atob(b),n=s.length,a=new Uint8Array(n);for(var i=0;i<n;i++)a[i]=s.charCodeAt(i);
w.__optlabExploreLoading=new Response(new Blob([a]).stream().pipeThrough(new DecompressionStream("gzip"))).text().then(function(code){
var e=d.createElement("script");e.text=code;(d.head||d.documentElement).appendChild(e);}).then(null,function(err){w.__optlabExploreLoading=null;if(w.console)console.error("optlab explore: could not load the engine: "+(err&&err.message||err));});})();`;

const bad = (key: string, want: string, got: unknown): DslError =>
  new DslError("bad-option", `explore: ${key} must be ${want}, got ${describe(got)}`, { path: `explore.${key}` });

function readParams(params: unknown): WireParam[] {
  if (params === null || typeof params !== "object" || Array.isArray(params) || Object.keys(params).length === 0) {
    throw bad("params", "a record of sliders such as { lr: { min: 0.001, max: 0.1, log: true } }", params);
  }
  return Object.entries(params as Record<string, unknown>).map(([name, p]) => {
    const key = `params.${name}`;
    if (p === null || typeof p !== "object") throw bad(key, "{ min, max, value?, log? }", p);
    const o = p as ExploreParam;
    for (const k of Object.keys(o)) if (!["min", "max", "value", "log", "label", "ticks"].includes(k)) throw bad(`${key}.${k}`, "one of min, max, value, log, label, ticks (an option name)", k);
    const num = (k: "min" | "max" | "value", v: unknown) => {
      if (typeof v !== "number" || !Number.isFinite(v)) throw bad(`${key}.${k}`, "a finite number", v);
      return v;
    };
    const min = num("min", o.min), max = num("max", o.max);
    if (!(min < max)) throw bad(`${key}.max`, `greater than min (${min})`, max);
    const log = o.log === undefined ? false : o.log;
    if (typeof log !== "boolean") throw bad(`${key}.log`, "true or false", log);
    if (log && !(min > 0)) throw bad(`${key}.min`, "positive for a log slider", min);
    const value = o.value === undefined ? (log ? Math.sqrt(min * max) : (min + max) / 2) : num("value", o.value);
    if (value < min || value > max) throw bad(`${key}.value`, `within [${min}, ${max}]`, value);
    const ticks = o.ticks ?? 200;
    if (!Number.isInteger(ticks) || ticks < 2 || ticks > 100_000) throw bad(`${key}.ticks`, "an integer in [2, 100000]", ticks);
    if (o.label !== undefined && typeof o.label !== "string") throw bad(`${key}.label`, "a string", o.label);
    return { name, min, max, value, log, ticks, label: o.label ?? name };
  });
}

function isTransform(t: unknown): t is Transform {
  return !!t && typeof t === "object" && typeof (t as Transform).init === "function" && typeof (t as Transform).update === "function";
}

/** Axis range around the points (start, initial trajectories), 25% margin, never empty. */
function autoRange(values: number[]): [number, number] {
  const fin = values.filter(Number.isFinite);
  let lo = Math.min(...fin), hi = Math.max(...fin);
  const span = Math.max(hi - lo, 1e-9 + Math.abs(lo) * 0.5, 1);
  lo -= 0.25 * span;
  hi += 0.25 * span;
  return [lo, hi];
}

/** An explorable: displays as sliders and charts that re-run the experiment in the page. */
export class Explorable {
  /** What the page gets (objective code, optimizer sources, sliders, contour grid). */
  readonly spec: WireSpec;
  /** The runs for the initial slider values, computed in the kernel (`optimize`'s results). */
  readonly initial: ExploreResult[];

  /** @internal Use `explore(...)`. */
  constructor(spec: WireSpec, initial: ExploreResult[]) {
    this.spec = spec;
    this.initial = initial;
  }

  /** The figure of the initial state (Plotly spec), as the page first draws it. */
  figure(): { data: Record<string, unknown>[]; layout: Record<string, unknown>; config: Record<string, unknown> } {
    return exploreFigure(this.spec, this.initial, this.spec.from);
  }

  /**
   * Payload sizes in bytes, without plotly.js: the spec (objective code, sliders, contour grid),
   * the engine minified, and the engine as outputs carry it (gzip, base64).
   */
  payloadBytes(): { spec: number; engine: number; engineInPage: number } {
    return { spec: Buffer.byteLength(JSON.stringify(this.spec)), engine: Buffer.byteLength(engine()), engineInPage: engineGzipBase64().length };
  }

  /** Self-contained HTML (engine included; plotly.js when `includePlotly`, default: once per document). */
  html(o: { includePlotly?: boolean; includeEngine?: boolean } = {}): string {
    return exploreHtml(this, o);
  }

  async [DISPLAY](): Promise<MimeBundle> {
    const bundle: MimeBundle = {
      "text/html": this.html(),
      "text/plain": `Explorable: ${this.spec.params.map((p) => p.name).join(" × ")} for ${this.spec.optimizers.map((o) => o.name).join(", ")} over ${this.spec.problem.names.join(", ")} (${this.spec.steps} steps); sliders run in the page (text/html)`,
    };
    const want = plotSettings().staticImage;
    if (want !== false && staticImageStatus().available) {
      const png = await renderPng(this.figure() as never, plotSettings().imageSize).catch(() => null);
      if (png) bundle["image/png"] = png;
    }
    return bundle;
  }
}

let counter = 0;
const SCRIPT_CARRIER = /<script type="text\/javascript" class="optlab-plotlyjs">[\s\S]*?<\/script>/;

/** The plotly.js loader when this output is its document's carrier (the rule charts follow), else "". */
function plotlyCarrier(include: boolean | undefined): string {
  if (include === false) return "";
  // chartBundleSync claims the document's one plotly.js carrier exactly as charts do; its loader
  // script is all we take from it.
  const html = chartBundleSync({ data: [], layout: {} }, { includePlotly: include === true ? true : "auto" })["text/html"] as string;
  return SCRIPT_CARRIER.exec(html)?.[0] ?? "";
}

const STYLE = `.optlab-explore{font:13px system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#222;max-width:980px}
.optlab-explore .ox-controls{display:flex;flex-wrap:wrap;gap:6px 22px;align-items:center;margin:4px 0 6px}
.optlab-explore .ox-row{display:flex;align-items:center;gap:8px}
.optlab-explore .ox-name{font-weight:600;min-width:2em}
.optlab-explore input[type=range]{width:210px}
.optlab-explore .ox-value{font-variant-numeric:tabular-nums;min-width:5.5em}
.optlab-explore .ox-from{color:#555}
.optlab-explore .ox-status{color:#444;margin:2px 0}
.optlab-explore .ox-error{color:#b00020}`;

/** Mount script: waits for plotly.js and the engine, then mounts; says what is missing after 30 s. */
const MOUNT = `(function(){var id=__ID__,w=window,t0=Date.now();
function go(){var root=document.getElementById(id);if(!root)return;
if(w.Plotly&&w.Plotly.react&&w.optlabExplore){try{w.optlabExplore.mount(root);}catch(e){var s=root.querySelector(".ox-status");if(s){s.textContent="optlab explore: "+(e&&e.message||e);s.className="ox-status ox-error";}}return;}
if(Date.now()-t0>30000){var s2=root.querySelector(".ox-status");if(s2){s2.className="ox-status ox-error";s2.textContent="optlab explore: "+(w.optlabExplore?"plotly.js":"the explore engine")+" is not on this page (its output was cleared or its cell re-run before saving): re-run this cell after restarting the kernel.";}return;}
setTimeout(go,30);}go();})();`;


/** A no-script picture of the initial state: the trajectory (2 variables) and the loss curves, as SVG. */
function fallbackSvg(e: Explorable): string {
  const { spec, initial } = e;
  const parts: string[] = [];
  if (spec.contour) {
    const W = 380, H = 300, m = 36;
    const [x0, x1] = spec.contour.xRange, [y0, y1] = spec.contour.yRange;
    const X = (x: number) => m + ((x - x0) / (x1 - x0)) * (W - 2 * m);
    const Y = (y: number) => H - m - ((y - y0) / (y1 - y0)) * (H - 2 * m);
    const lines = initial.map((r, i) => {
      const pts: string[] = [];
      for (let k = 0; k < r.xs.length / r.n; k++) {
        const a = r.xs[k * r.n]!, b = r.xs[k * r.n + 1]!;
        if (Number.isFinite(a) && Number.isFinite(b)) pts.push(`${X(Math.min(Math.max(a, x0), x1)).toFixed(1)},${Y(Math.min(Math.max(b, y0), y1)).toFixed(1)}`);
      }
      return `<polyline fill="none" stroke="${["#1f77b4", "#d62728", "#2ca02c", "#9467bd"][i % 4]}" stroke-width="1.5" points="${pts.join(" ")}"/>`;
    });
    parts.push(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="font:11px sans-serif">` +
      `<rect x="${m}" y="${m}" width="${W - 2 * m}" height="${H - 2 * m}" fill="#fafafa" stroke="#bbb"/>${lines.join("")}` +
      `<circle cx="${X(spec.from[0]!)}" cy="${Y(spec.from[1]!)}" r="5" fill="#fff" stroke="#111" stroke-width="2"/>` +
      `<text x="${m}" y="${H - 8}">${escapeHtml(spec.contour.names[0])} ∈ [${formatNumber(x0)}, ${formatNumber(x1)}], ${escapeHtml(spec.contour.names[1])} ∈ [${formatNumber(y0)}, ${formatNumber(y1)}]</text>` +
      `<text x="${m}" y="22" style="font-weight:600">trajectory from (${spec.from.map(formatNumber).join(", ")})</text></svg>`,
    );
  }
  if (spec.loss) {
    parts.push(lineChartSvg(initial.map((r, i) => ({
      name: r.name, color: ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"][i % 4]!,
      x: Array.from({ length: r.losses.length }, (_, k) => k),
      y: Array.from(r.losses, (v) => (Number.isFinite(v) && (!spec.loss!.log || v > 0) ? v : null)),
    })), { title: "loss", xLabel: "step", yLabel: "f(xₖ)", log: spec.loss.log, width: 520, height: 300 }));
  }
  return `<div style="display:flex;flex-wrap:wrap;gap:8px">${parts.join("")}</div>`;
}

function statusText(results: readonly ExploreResult[]): string {
  return results.map((r) => `${r.name}: ${r.status} after ${r.losses.length - 1} steps, f = ${formatNumber(r.losses[r.losses.length - 1]!)}`).join(" · ");
}

/** The explorable's self-contained HTML. */
export function exploreHtml(e: Explorable, o: { includePlotly?: boolean; includeEngine?: boolean } = {}): string {
  const id = `optlab-explore-${process.pid.toString(36)}-${++counter}`;
  const k = kernelHooks();
  const withEngine = o.includeEngine ?? (k ? k.once("optlab-explore-engine") : true);
  const spec = JSON.stringify(e.spec).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
  return (
    `<div class="optlab-explore" id="${id}"><style>${STYLE}</style>` +
    `<div class="ox-controls" style="display:none"></div>` +
    `<div class="ox-status">${escapeHtml(statusText(e.initial))} (initial values; the sliders need JavaScript)</div>` +
    `<div class="ox-chart" style="width:100%;height:${e.spec.height}px;display:block"></div>` +
    `<div class="ox-fallback">${fallbackSvg(e)}</div>` +
    `<script type="application/json" class="ox-spec">${spec}</script></div>` +
    (withEngine ? `<script type="text/javascript" class="optlab-explore-engine">${ENGINE_LOADER.replace("__PAYLOAD__", () => JSON.stringify(engineGzipBase64()))}</script>` : "") +
    plotlyCarrier(o.includePlotly) +
    `<script type="text/javascript">${MOUNT.replace("__ID__", JSON.stringify(id))}</script>`
  );
}

/**
 * An explorable: one slider per entry of `params`, a contour chart with the trajectory (2
 * variables; drag the start point) and the loss curve. Moving a slider re-runs
 * `optimize(target, optimizer(h), { from, steps })` in the page for the slider values `h`.
 *
 * @param target an objective from `objective(...)` (string, TS function, data-backed).
 * @param opts see `ExploreOptions`.
 * @example
 * explore(objective("x^2 + 10*y^2"), { optimizer: (h) => adam({ lr: h.lr }), params: { lr: { min: 1e-3, max: 1, log: true } }, from: [2, 1], steps: 300 });
 */
export function explore(target: unknown, opts: ExploreOptions): Explorable {
  if (opts === null || typeof opts !== "object") throw new DslError("bad-options", `explore: expected options such as { optimizer: (h) => adam({ lr: h.lr }), params: { lr: { min, max } }, from, steps }, got ${describe(opts)}`, { path: "explore" });
  for (const key of Object.keys(opts)) if (!KNOWN.includes(key)) throw bad(key, `one of ${KNOWN.join(", ")} (an option name)`, key);
  const params = readParams(opts.params);
  const single = typeof opts.optimizer === "function";
  const fns: [string, unknown][] = single
    ? [["optimizer", opts.optimizer]]
    : opts.optimizer && typeof opts.optimizer === "object" ? Object.entries(opts.optimizer) : [["optimizer", opts.optimizer]];
  if (fns.length === 0) throw bad("optimizer", "a function (h) => optimizer, or a record of them", opts.optimizer);
  const steps = opts.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) throw bad("steps", `an integer in [1, ${MAX_STEPS}]`, steps);
  const runOptions: Record<string, number> = {};
  for (const k of ["clipNorm", "clipValue", "tol"] as const) if (opts[k] !== undefined) runOptions[k] = opts[k] as number;
  checkRunOptions("explore", { from: opts.from, steps, ...runOptions });
  const wireOpts: WireOptimizer[] = fns.map(([name, fn]) => shipOptimizer(fn, name));
  // Run each optimizer function once in the kernel: it must build an optimizer, and its run is the
  // initial state (and `optimize`'s result for the initial slider values).
  const h0: Record<string, number> = Object.fromEntries(params.map((p) => [p.name, p.value]));
  const transforms = fns.map(([name, fn]) => {
    let t: unknown;
    try {
      t = (fn as OptimizerFn)({ ...h0 });
    } catch (err) {
      if (err instanceof DslError) throw new DslError(err.code, `explore: optimizer ${name} at the initial slider values: ${err.message}`, { path: err.path, cause: err });
      throw err;
    }
    if (!isTransform(t)) throw new DslError("bad-optimizer", `explore: optimizer ${name} must return an optimizer such as adam({ lr: h.lr }), got ${describe(t)}`, { path: `explore.optimizer` });
    return t;
  });
  // One optimizer is named by what it is (sgd, adam); several by their keys.
  if (single) {
    const own = (transforms[0] as { name?: unknown }).name;
    wireOpts[0]!.name = fns[0]![0] = typeof own === "string" && own !== "" ? own : "optimizer";
  }
  const needsProblem = transforms.some((t) => (t as { needs?: readonly string[] }).needs?.includes("problem"));
  const problem = shipProblem(target, needsProblem);
  const from = Array.from(parseStart(target as Problem, opts.from, "explore"));
  const initial: ExploreResult[] = transforms.map((t, i) => {
    const run = runSync(target as Problem, t, { from: opts.from, steps, ...runOptions }, "explore");
    return {
      name: fns[i]![0], n: problem.n, xs: run.trajectory.slice(), losses: Float64Array.from(run.losses), lrs: Float64Array.from(run.lrs),
      status: run.status, message: run.message,
    };
  });
  const charts = opts.charts ?? {};
  let contour: WireContour | null = null;
  if (problem.n === 2 && charts.contour !== false) {
    const c = charts.contour ?? {};
    const xsAll = [from[0]!, ...initial.flatMap((r) => Array.from({ length: r.xs.length / 2 }, (_, k) => r.xs[2 * k]!))];
    const ysAll = [from[1]!, ...initial.flatMap((r) => Array.from({ length: r.xs.length / 2 }, (_, k) => r.xs[2 * k + 1]!))];
    const xRange = c.x ?? autoRange(xsAll.filter((v) => Math.abs(v) < 1e6));
    const yRange = c.y ?? autoRange(ysAll.filter((v) => Math.abs(v) < 1e6));
    const fig = landscape(target as Problem, { xRange, yRange, resolution: c.resolution ?? 70, levels: c.levels ?? "auto" });
    const trace = { ...(fig.data[0] as Record<string, unknown>) };
    contour = { x: trace.x as number[], y: trace.y as number[], trace, xRange, yRange, names: [problem.names[0]!, problem.names[1]!] };
  }
  const lossLog = charts.loss === false ? false : (charts.loss?.log ?? initial.every((r) => r.losses.every((v) => !(v <= 0))));
  const spec: WireSpec = {
    version: 1,
    title: opts.title ?? `${params.map((p) => p.label).join(" × ")}: drag the sliders${contour ? " or the start point" : ""}`,
    problem, optimizers: wireOpts, params, from, steps, options: runOptions, contour,
    loss: charts.loss === false ? null : { log: lossLog },
    draggable: contour !== null,
    height: charts.height ?? 430,
  };
  return new Explorable(spec, initial);
}
