/**
 * `curvature.*`: the Hessian of an objective at large n without forming it, for notebooks.
 *
 * - `curvature.eigenvalues(f, { at, k, which })`: the extreme eigenvalues (exact dense spectrum
 *   when n < 64, Lanczos on Hessian-vector products otherwise).
 * - `curvature.trace(f, { at, probes })`: Hutchinson's estimate of tr ∇²f.
 * - `curvature.density(f, { at, probes, steps })`: the eigenvalue density by stochastic Lanczos
 *   quadrature (PyHessian's picture), as a chart.
 * - `curvature.sharpness(f, run, { every })`: λ_max along a trajectory, with the optimizer's
 *   stability limit (2/η for GD, 2(1+β)/η for heavy ball: `stabilityThreshold`).
 * - `curvature.noise(f, { at })`: gradient-noise statistics of a data-backed objective (the
 *   simple noise scale B = tr Σ / |G|², McCandlish et al. 2018).
 * - `curvature.slice(f, { at, direction })`: f along a line through `at` (the top Hessian
 *   eigenvector by default) with its quadratic model, as a chart.
 *
 * Everything here runs on the float64 engine with exact Hessian-vector products from the
 * symbolic Hessian (central differences of gradients for hand-written objectives). For
 * TensorFlow.js models see `tensorHvp` / `tensorLanczos` in src/numeric/curvature.
 *
 * @example
 * const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
 * curvature.eigenvalues(f, { at: [1, 1], which: "both" }); // λ ≈ 0.399 and 1001.6
 */
import { checkCurvatureOptions } from "./validate.js";
import { DISPLAY, escapeHtml, type MimeBundle } from "../src/display/index.js";
import { DslError, describe } from "../src/errors/index.js";
import {
  DENSE_BELOW,
  gradientNoise,
  hessianSpectrum,
  hutchinsonTrace,
  hvpOperator,
  lanczos,
  sharpnessAlong,
  spectralDensity,
  type GradientNoise,
  type SpectralDensity,
} from "../src/numeric/curvature/index.js";
import { Figure, hessianAlong, hessianSpectrum as spectrumChart } from "../src/plots/index.js";
import type { Problem } from "../src/problem/index.js";
import { pointIn, stabilityThreshold } from "../src/optim/index.js";
import { rng as randomStream } from "../src/random/index.js";
import type { Tree } from "../src/tree/index.js";

/** A point: number[] in variable order, a record by name, or a parameter tree the objective reads. */
type Point = readonly number[] | Float64Array | Record<string, unknown> | Tree;

const fmt = (v: number): string => {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(3) : Number(v.toPrecision(5)).toString();
};

/** A point for text: every coordinate up to 6, else the first 4 and how many more. */
const fmtPoint = (x: readonly number[]): string => (x.length <= 6 ? `[${x.map(fmt).join(", ")}]` : `[${x.slice(0, 4).map(fmt).join(", ")}, … (${x.length} coordinates)]`);

function problemOf(target: unknown, who: string): Problem {
  const t = target as Record<string, unknown> | null;
  if (t && typeof t === "object" && typeof t.valueAndGradInto === "function" && typeof t.n === "number") return target as Problem;
  throw new DslError("bad-objective", `${who}: expected an objective (from objective(...)), got ${describe(target)}`, { path: `${who}.objective` });
}

/** The point `at` in any form the problem reads (its own point(), a parameter tree, an array, a record by name). */
function pointOf(p: Problem, at: unknown, who: string): Float64Array {
  return pointIn(p, at, who, "at");
}

function table(rows: [string, string][], caption: string): string {
  return `<table><caption>${escapeHtml(caption)}</caption><tbody>${rows.map(([k, v]) => `<tr><th style="text-align:left">${escapeHtml(k)}</th><td style="text-align:left">${escapeHtml(v)}</td></tr>`).join("")}</tbody></table>`;
}

/** Extreme Hessian eigenvalues at a point. */
export class HessianEigenvalues {
  constructor(
    /** The eigenvalues found: ascending for "smallest", descending for "largest", both lists for "both". */
    readonly values: number[],
    readonly largest: number[] | undefined,
    readonly smallest: number[] | undefined,
    /** "dense" (every eigenvalue, Jacobi) or "lanczos". */
    readonly method: "dense" | "lanczos",
    /** Hessian-vector products (Lanczos steps), 0 for dense. */
    readonly iterations: number,
    readonly converged: boolean,
    readonly at: number[],
    /** Every eigenvalue, ascending (dense only). */
    readonly all?: number[],
    /** Lanczos's warning when its iteration cap stopped it before the residual tolerance. */
    readonly warning?: string,
    /**
     * With `vectors: true`: a unit eigenvector for each entry of `values`, in the same order, as a
     * flat `number[]` in the objective's variable order (a network's `unflatten(v)` gives it the
     * params' tree shape). Signs are arbitrary.
     */
    readonly vectors?: number[][],
  ) {}
  /** λ_max / λ_min when both are known and positive (else NaN). */
  get condition(): number {
    const hi = this.largest?.[0];
    const lo = this.smallest?.[0] ?? (this.all ? this.all[0] : undefined);
    return hi !== undefined && lo !== undefined && lo > 0 ? hi / lo : NaN;
  }
  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    const text = `Hessian eigenvalues at ${fmtPoint(this.at)} (${this.method}${this.method === "lanczos" ? `, ${this.iterations} products${this.converged ? "" : ", NOT converged"}` : ""}): ${this.values.map(fmt).join(", ")}${this.warning ? `\n⚠ ${this.warning}` : ""}`;
    if (this.all) return spectrumChart(this.all, { point: this.at }).bundle().then((b) => ({ ...b, "text/plain": text }));
    return { "text/plain": text, "text/html": table([["eigenvalues", this.values.map(fmt).join(", ")], ["method", this.method], ["Hessian-vector products", String(this.iterations)], ["converged", String(this.converged)], ...(this.warning ? [["⚠ warning", this.warning] as [string, string]] : [])], "Hessian eigenvalues") };
  }
}

/** The spectral density by stochastic Lanczos quadrature. */
export class HessianDensity {
  constructor(readonly sd: SpectralDensity, readonly at: number[]) {}
  get grid(): number[] {
    return Array.from(this.sd.grid);
  }
  get density(): number[] {
    return Array.from(this.sd.density);
  }
  /** The chart: density over eigenvalue (log-scaled density, as PyHessian draws it). */
  figure(): Figure {
    const y = this.density.map((d) => Math.max(d, 1e-12));
    return new Figure({
      data: [{ type: "scatter", mode: "lines", x: this.grid, y, name: "density", line: { color: "#1f77b4" } }],
      layout: { title: { text: `Hessian eigenvalue density (SLQ, ${this.sd.nodes.length} probes)` }, xaxis: { title: { text: "eigenvalue" } }, yaxis: { title: { text: "density" }, type: "log" }, height: 380 },
      config: { responsive: true, displaylogo: false },
    }, `Hessian eigenvalue density over [${fmt(this.sd.min)}, ${fmt(this.sd.max)}]`);
  }
  [DISPLAY](): Promise<MimeBundle> {
    const text = `Hessian eigenvalue density at ${fmtPoint(this.at)}: support ≈ [${fmt(this.sd.min)}, ${fmt(this.sd.max)}], mean eigenvalue ${fmt(this.sd.moment(1))} (${this.sd.nodes.length} probes × ${this.sd.nodes[0]?.length ?? 0} Lanczos steps)`;
    return this.figure().bundle().then((b) => ({ ...b, "text/plain": text }));
  }
}

/** Options shared by the point-wise functions. */
/** What `curvature.trace` returns (a named type, so a cell can keep it in a `const`). */
export interface HessianTrace {
  /** Hutchinson's estimate of tr ∇²f. */
  trace: number;
  /** Its standard error. */
  stdError: number;
  /** The per-probe samples. */
  samples: number[];
  [DISPLAY](): MimeBundle;
}

/** What `curvature.sharpness` returns (displays as a chart of λ_max with the stability limit of the run's optimizer). */
export interface Sharpness {
  /** The step of each evaluated point. */
  steps: number[];
  /** λ_max(∇²f) at each evaluated point. */
  sharpness: number[];
  /** λ_min(∇²f) at each point (with `smallest: true`). */
  smallest?: number[];
  /** False where Lanczos did not meet its tolerance at some point. */
  converged: boolean;
  /** The chart. */
  figure(): Figure;
  [DISPLAY](): Promise<MimeBundle>;
}

/** What `curvature.noise` returns. */
export interface GradientNoiseReport extends GradientNoise {
  [DISPLAY](): MimeBundle;
}

export interface AtOptions {
  /** The point (number[] in variable order, a record by name, or a parameter tree the objective reads). */
  at: Point;
}

/**
 * The k largest and/or smallest eigenvalues of ∇²f(at). Dense and exact for n < 64 (every
 * eigenvalue, `all`), Lanczos with full reorthogonalization on Hessian-vector products otherwise.
 *
 * @param objective an `objective(...)` (exact Hessian-vector products) or any `Problem`.
 * @param options `{ at, k = 1, which = "largest" | "smallest" | "both", tol?, maxIter?, seed?, vectors? }`;
 *   `vectors: true` also returns a unit eigenvector per eigenvalue (`.vectors`, flat, variable order).
 * @example
 * curvature.eigenvalues(f, { at: [1, 1], which: "both" }).values; // [1001.6, 0.3994]
 * curvature.eigenvalues(f, { at: [1, 1], vectors: true }).vectors[0]; // ≈ [0.8948, -0.4465] (up to sign)
 */
function eigenvalues(objective: unknown, options: AtOptions & { k?: number; which?: "largest" | "smallest" | "both"; tol?: number; maxIter?: number; seed?: number; method?: "auto" | "dense" | "lanczos"; vectors?: boolean }): HessianEigenvalues {
  const who = "curvature.eigenvalues";
  checkCurvatureOptions(who, options);
  const p = problemOf(objective, who);
  const x = pointOf(p, options?.at, who);
  const k = options.k ?? 1;
  const which = options.which ?? "largest";
  const method = options.method ?? "auto";
  if (method === "dense" || (method === "auto" && p.n < DENSE_BELOW)) {
    const spec = hessianSpectrum(p, x);
    const all = Array.from(spec.values);
    const n = p.n;
    // indices into the ascending spectrum, in the order of `values`
    const top = Array.from({ length: Math.min(k, n) }, (_, i) => n - 1 - i), bottom = Array.from({ length: Math.min(k, n) }, (_, i) => i);
    const order = which === "largest" ? top : which === "smallest" ? bottom : [...top, ...bottom];
    const largest = top.map((i) => all[i]!);
    const smallest = bottom.map((i) => all[i]!);
    const values = order.map((i) => all[i]!);
    const vectors = options.vectors ? order.map((c) => Array.from({ length: n }, (_, r) => spec.vectors[r * n + c]!)) : undefined;
    return new HessianEigenvalues(values, which !== "smallest" ? largest : undefined, which !== "largest" ? smallest : undefined, "dense", 0, true, Array.from(x), all, undefined, vectors);
  }
  const res = lanczos(hvpOperator(p, x), { k, which, ...(options.tol !== undefined ? { tol: options.tol } : {}), ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}), ...(options.vectors ? { vectors: true } : {}) });
  return new HessianEigenvalues(Array.from(res.values), res.largest && Array.from(res.largest), res.smallest && Array.from(res.smallest), "lanczos", res.iterations, res.converged, Array.from(x), undefined, res.warning, res.vectors?.map((v) => Array.from(v)));
}

/**
 * Hutchinson's estimate of tr ∇²f(at) from `probes` Rademacher probes, with its standard error.
 *
 * @example
 * curvature.trace(f, { at: x, probes: 100 }); // { trace, stdError, samples }
 */
function trace(objective: unknown, options: AtOptions & { probes?: number; seed?: number }): HessianTrace {
  const who = "curvature.trace";
  checkCurvatureOptions(who, options);
  const p = problemOf(objective, who);
  const r = hutchinsonTrace(hvpOperator(p, pointOf(p, options?.at, who)), { probes: options.probes ?? 100, seed: options.seed ?? 0 });
  return {
    trace: r.trace,
    stdError: r.stdError,
    samples: Array.from(r.samples),
    [DISPLAY]: (): MimeBundle => ({ "text/plain": `tr ∇²f ≈ ${fmt(r.trace)} ± ${fmt(r.stdError)} (Hutchinson, ${r.samples.length} probes)` }),
  };
}

/**
 * The Hessian's eigenvalue density at `at` by stochastic Lanczos quadrature; displays as a chart.
 *
 * @example
 * curvature.density(f, { at: x, probes: 10, steps: 80 });
 */
function density(objective: unknown, options: AtOptions & { probes?: number; steps?: number; seed?: number; sigma?: number; bins?: number }): HessianDensity {
  const who = "curvature.density";
  checkCurvatureOptions(who, options);
  const p = problemOf(objective, who);
  const x = pointOf(p, options?.at, who);
  const { at: _at, ...rest } = options;
  return new HessianDensity(spectralDensity(hvpOperator(p, x), rest), Array.from(x));
}

/**
 * λ_max of ∇²f along a run's trajectory (every `every`-th point), drawn with the stability limit
 * of the run's optimizer when its learning rate is known (2/η for GD, 2(1+β)/η for heavy ball with
 * momentum β, 2(1+β)/((1+2β)η) for Nesterov: `stabilityThreshold`, the formulas of `theory`).
 *
 * @example
 * curvature.sharpness(f, optimize(f, gd({ lr: 0.01 }), { from: [0, 0], steps: 200 }), { every: 10 });
 */
function sharpness(objective: unknown, run: { xs: readonly (readonly number[])[]; lrs?: readonly number[]; name?: string } | readonly (readonly number[])[], options: { every?: number; smallest?: boolean } = {}): Sharpness {
  const who = "curvature.sharpness";
  const p = problemOf(objective, who);
  // run may be missing or anything (issue 16's fuzz: undefined was a TypeError)
  const xs = Array.isArray(run) ? (run as readonly (readonly number[])[]) : run !== null && typeof run === "object" ? (run as { xs: readonly (readonly number[])[] }).xs : undefined;
  if (!Array.isArray(xs) || xs.length === 0) throw new DslError("bad-argument", `${who}: expected a run (from optimize) or a list of points, got ${describe(run)}`, { path: `${who}.run` });
  const tr = sharpnessAlong(p, xs, options);
  const lrs = Array.isArray(run) ? undefined : (run as { lrs?: readonly number[] }).lrs;
  const name = Array.isArray(run) ? "trajectory" : ((run as { name?: string }).name ?? "run");
  const values = Array.from(tr.sharpness);
  return {
    steps: tr.steps,
    sharpness: values,
    ...(tr.smallest ? { smallest: Array.from(tr.smallest) } : {}),
    converged: tr.converged,
    figure: () => hessianAlong([{ name, steps: tr.steps, eigenvalues: values.map((v, j) => (tr.smallest ? [tr.smallest[j]!, v] : [v])), ...(lrs && lrs.length ? { lr: tr.steps.map((s) => lrs[Math.min(s, lrs.length - 1)]!), ...(isRunLike(run) ? { optimizer: run } : {}) } : {}) }], { show: "sharpness" }),
    [DISPLAY](): Promise<MimeBundle> {
      // the run's stability limit at its last step (the same formula the chart draws)
      const edge = lrs && lrs.length && isRunLike(run) ? stabilityThreshold(run, { lr: lrs[lrs.length - 1]!, step: lrs.length - 1 }) : undefined;
      const limit = edge && edge.of === "sharpness" && Number.isFinite(edge.value) ? `; stability limit ${edge.formula} = ${fmt(edge.value)}` : "";
      const text = `sharpness λ_max along ${name}: ${fmt(values[0]!)} → ${fmt(values[values.length - 1]!)} (${tr.steps.length} points)${limit}`;
      return (this as { figure: () => Figure }).figure().bundle().then((b) => ({ ...b, "text/plain": text }));
    },
  };
}

/**
 * Gradient-noise statistics at `at` for a data-backed objective: tr Σ, |G|², and the simple
 * noise scale B_simple = tr Σ / |G|² (McCandlish et al. 2018, arXiv:1812.06162): batches much
 * smaller than B_simple are noise-dominated, much larger ones waste samples.
 *
 * @example
 * curvature.noise(L, { at: w }).noiseScale;
 */
function noise(objective: unknown, options: AtOptions & { maxRows?: number; seed?: number }): GradientNoiseReport {
  const who = "curvature.noise";
  checkCurvatureOptions(who, options);
  const p = problemOf(objective, who);
  const { at: _at, ...rest } = options;
  const r = gradientNoise(p, pointOf(p, options?.at, who), rest);
  return Object.assign(r, {
    [DISPLAY]: (): MimeBundle => ({
      "text/plain": `gradient noise at the point (${r.rows} rows${r.exact ? ", all" : ", a random subset"}): tr Σ = ${fmt(r.traceCov)}, |G|² = ${fmt(r.gradNormSq)}, noise scale B_simple = ${fmt(r.noiseScale)}`,
      "text/html": table([["rows used", `${r.rows}${r.exact ? " (all)" : " (random subset)"}`], ["tr Σ (per-sample gradient variance)", fmt(r.traceCov)], ["|G|² (full gradient)", fmt(r.gradNormSq)], ["B_simple = tr Σ / |G|²", fmt(r.noiseScale)]], "Gradient noise"),
    }),
  });
}

/** What `curvature.slice` returns (displays as a chart of f(at + t·d) − f(at) with its quadratic model). */
export interface LossSlice {
  /** The offsets t along the direction (`points` of them, evenly spaced over `range`). */
  t: number[];
  /** f(at + t·d) at each offset. */
  values: number[];
  /** f(at + t·d) − f(at) at each offset. */
  delta: number[];
  /** The unit direction d, flat, in the objective's variable order. */
  direction: number[];
  /** ∇f(at)·d: the slice's slope at t = 0. */
  slope: number;
  /** dᵀ∇²f(at) d: the slice's curvature at t = 0 (a Hessian-vector product; equals λ_max for `direction: "top"`). */
  curvature: number;
  /** λ_max(∇²f(at)) when the direction is `"top"` (its eigenvector). */
  eigenvalue?: number;
  /** The chart: the slice (solid) and its quadratic model slope·t + ½·curvature·t² (dotted). */
  figure(): Figure;
  [DISPLAY](): Promise<MimeBundle>;
}

/**
 * The objective along a line through `at`: t ↦ f(at + t·d) for a unit direction d — the 1-D
 * picture of a minimum's width (Goodfellow, Vinyals & Saxe 2015; Li et al. 2018, "Visualizing the
 * loss landscape of neural nets"). `direction` is `"top"` (the Hessian's top eigenvector, by
 * Lanczos: the sharpest direction, default), `"random"` (a seeded Gaussian direction), or a
 * vector in any form a point takes (array, record, parameter tree); it is normalized to length 1.
 *
 * @param objective an `objective(...)`, a network's `nn.loss`, or any `Problem`.
 * @param options `{ at, direction = "top", range = [-1, 1], points = 51, seed = 0 }`.
 * @example
 * const s = curvature.slice(objective("(1 - x)^2 + 100*(y - x^2)^2"), { at: [1, 1], range: [-0.1, 0.1] });
 * s.curvature; // ≈ 1001.6 (λ_max at the minimum); s.delta[25] = 0 (t = 0)
 */
function slice(objective: unknown, options: AtOptions & { direction?: "top" | "random" | Point; range?: readonly [number, number]; points?: number; seed?: number }): LossSlice {
  const who = "curvature.slice";
  checkCurvatureOptions(who, options);
  const p = problemOf(objective, who);
  const x = pointOf(p, options?.at, who);
  const n = p.n;
  const range = options.range ?? [-1, 1];
  if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === "number" && Number.isFinite(v)) || !(range[0]! < range[1]!)) {
    throw new DslError("bad-option", `${who}: range must be [lo, hi] with finite lo < hi, got ${describe(range)}`, { path: `${who}.range` });
  }
  const points = options.points ?? 51;
  if (!Number.isInteger(points) || points < 3 || points > 10001) throw new DslError("bad-option", `${who}: points must be an integer in [3, 10001], got ${describe(points)}`, { path: `${who}.points` });
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new DslError("bad-option", `${who}: seed must be an integer, got ${describe(options.seed)}`, { path: `${who}.seed` });
  const dir = options.direction ?? "top";
  let d: Float64Array;
  let eigenvalue: number | undefined;
  if (dir === "top") {
    const res = lanczos(hvpOperator(p, x), { k: 1, which: "largest", vectors: true, seed });
    d = Float64Array.from(res.vectors![0]!);
    eigenvalue = res.values[0]!;
  } else if (dir === "random") {
    d = Float64Array.from(randomStream(seed).normal(n) as number[]);
  } else if (typeof dir === "string") {
    throw new DslError("bad-option", `${who}: direction must be "top", "random" or a vector shaped like the point, got ${describe(dir)}`, { path: `${who}.direction` });
  } else {
    d = Float64Array.from(pointIn(p, dir, who, "direction"));
  }
  let norm = 0;
  for (let i = 0; i < n; i++) norm += d[i]! * d[i]!;
  norm = Math.sqrt(norm);
  if (!(norm > 0) || !Number.isFinite(norm)) throw new DslError("bad-option", `${who}: the direction must be finite and nonzero, its norm is ${norm}`, { path: `${who}.direction` });
  for (let i = 0; i < n; i++) d[i] = d[i]! / norm;
  const g = new Float64Array(n);
  const f0 = p.valueAndGradInto(x, g);
  let slope = 0;
  for (let i = 0; i < n; i++) slope += g[i]! * d[i]!;
  const hd = new Float64Array(n);
  hvpOperator(p, x).apply(d, hd);
  let curv = 0;
  for (let i = 0; i < n; i++) curv += d[i]! * hd[i]!;
  const [lo, hi] = range as [number, number];
  const t = Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1));
  const y = new Float64Array(n);
  const values = t.map((tk) => {
    for (let i = 0; i < n; i++) y[i] = x[i]! + tk * d[i]!;
    return p.valueAt(y);
  });
  const delta = values.map((v) => v - f0);
  const what = dir === "top" ? "the top Hessian eigenvector" : dir === "random" ? "a random direction" : "the given direction";
  const figure = (): Figure => new Figure({
    data: [
      { type: "scatter", mode: "lines", name: "f(x + t·d) − f(x)", x: t, y: delta, line: { color: "#1f77b4" } },
      { type: "scatter", mode: "lines", name: `slope·t + ½·${fmt(curv)}·t²`, x: t, y: t.map((tk) => slope * tk + 0.5 * curv * tk * tk), line: { color: "#1f77b4", dash: "dot" } },
    ],
    layout: { title: { text: `The objective along ${what}` }, xaxis: { title: { text: "t" } }, yaxis: { title: { text: "f(x + t·d) − f(x)" } }, height: 380 },
    config: { responsive: true, displaylogo: false },
  }, `the objective along ${what}: ${points} points over t ∈ [${fmt(lo)}, ${fmt(hi)}], curvature dᵀ∇²f d = ${fmt(curv)}`);
  return {
    t, values, delta, direction: Array.from(d), slope, curvature: curv,
    ...(eigenvalue !== undefined ? { eigenvalue } : {}),
    figure,
    [DISPLAY](): Promise<MimeBundle> {
      const text = `f along ${what} through ${fmtPoint(Array.from(x))}: Δf from ${fmt(Math.min(...delta))} to ${fmt(Math.max(...delta))} over t ∈ [${fmt(lo)}, ${fmt(hi)}]; slope ${fmt(slope)}, curvature ${fmt(curv)}${eigenvalue !== undefined ? ` (λ_max ${fmt(eigenvalue)})` : ""}`;
      return figure().bundle().then((b) => ({ ...b, "text/plain": text }));
    },
  };
}

/** A `Run`: what the stability limit is read from (its optimizer text and hyperparameters). */
function isRunLike(run: unknown): run is { optimizer: string; hyperparameters: Readonly<Record<string, unknown>> } {
  const r = run as { optimizer?: unknown; hyperparameters?: unknown } | null;
  return !!r && typeof r.optimizer === "string" && typeof r.hyperparameters === "object" && r.hyperparameters !== null;
}

/** The curvature tools (see the file comment). */
export const curvature = {
  // One-line docs on each member: a cell's inspect (Shift+Tab) on `curvature.trace` shows them.
  /** The k largest and/or smallest eigenvalues of ∇²f(at): dense and exact for n < 64, Lanczos on Hessian-vector products otherwise. `curvature.eigenvalues(f, { at, k?, which? })`. */
  eigenvalues,
  /** Hutchinson's estimate of tr ∇²f(at) with its standard error: `curvature.trace(f, { at, probes? })`. */
  trace,
  /** The Hessian's eigenvalue density at `at` by stochastic Lanczos quadrature (displays as a chart): `curvature.density(f, { at, probes?, steps? })`. */
  density,
  /** λ_max of ∇²f along a run's trajectory, drawn with the optimizer's stability limit (2/η for GD, 2(1+β)/η with momentum β): `curvature.sharpness(f, run, { every? })`. */
  sharpness,
  /** Gradient-noise statistics of a data-backed objective: tr Σ, |G|², B_simple = tr Σ / |G|² (McCandlish et al. 2018): `curvature.noise(f, { at })`. */
  noise,
  /** The objective along a line through `at` (default: the top Hessian eigenvector), with its quadratic model; displays as a chart: `curvature.slice(f, { at, direction?, range?, points? })`. */
  slice,
};
