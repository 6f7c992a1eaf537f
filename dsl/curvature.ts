/**
 * `curvature.*`: the Hessian of an objective at large n without forming it, for notebooks.
 *
 * - `curvature.eigenvalues(f, { at, k, which })`: the extreme eigenvalues (exact dense spectrum
 *   when n < 64, Lanczos on Hessian-vector products otherwise).
 * - `curvature.trace(f, { at, probes })`: Hutchinson's estimate of tr ∇²f.
 * - `curvature.density(f, { at, probes, steps })`: the eigenvalue density by stochastic Lanczos
 *   quadrature (PyHessian's picture), as a chart.
 * - `curvature.sharpness(f, run, { every })`: λ_max along a trajectory, with 2/η.
 * - `curvature.noise(f, { at })`: gradient-noise statistics of a data-backed objective (the
 *   simple noise scale B = tr Σ / |G|², McCandlish et al. 2018).
 *
 * Everything here runs on the float64 engine with exact Hessian-vector products from the
 * symbolic Hessian (central differences of gradients for hand-written objectives). For
 * TensorFlow.js models see `tensorHvp` / `tensorLanczos` in src/numeric/curvature.
 *
 * @example
 * const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
 * curvature.eigenvalues(f, { at: [1, 1], which: "both" }); // λ ≈ 0.399 and 1001.6
 */
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
import { pointIn } from "../src/optim/index.js";
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

/** What `curvature.sharpness` returns (displays as a chart of λ_max with 2/η). */
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
 * @param options `{ at, k = 1, which = "largest" | "smallest" | "both", tol?, maxIter?, seed? }`.
 * @example
 * curvature.eigenvalues(f, { at: [1, 1], which: "both" }).values; // [1001.6, 0.3994]
 */
function eigenvalues(objective: unknown, options: AtOptions & { k?: number; which?: "largest" | "smallest" | "both"; tol?: number; maxIter?: number; seed?: number; method?: "auto" | "dense" | "lanczos" }): HessianEigenvalues {
  const who = "curvature.eigenvalues";
  const p = problemOf(objective, who);
  const x = pointOf(p, options?.at, who);
  const k = options.k ?? 1;
  const which = options.which ?? "largest";
  const method = options.method ?? "auto";
  if (method === "dense" || (method === "auto" && p.n < DENSE_BELOW)) {
    const all = Array.from(hessianSpectrum(p, x).values);
    const largest = all.slice(-k).reverse();
    const smallest = all.slice(0, k);
    const values = which === "largest" ? largest : which === "smallest" ? smallest : [...largest, ...smallest];
    return new HessianEigenvalues(values, which !== "smallest" ? largest : undefined, which !== "largest" ? smallest : undefined, "dense", 0, true, Array.from(x), all);
  }
  const res = lanczos(hvpOperator(p, x), { k, which, ...(options.tol !== undefined ? { tol: options.tol } : {}), ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
  return new HessianEigenvalues(Array.from(res.values), res.largest && Array.from(res.largest), res.smallest && Array.from(res.smallest), "lanczos", res.iterations, res.converged, Array.from(x), undefined, res.warning);
}

/**
 * Hutchinson's estimate of tr ∇²f(at) from `probes` Rademacher probes, with its standard error.
 *
 * @example
 * curvature.trace(f, { at: x, probes: 100 }); // { trace, stdError, samples }
 */
function trace(objective: unknown, options: AtOptions & { probes?: number; seed?: number }): HessianTrace {
  const who = "curvature.trace";
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
  const p = problemOf(objective, who);
  const x = pointOf(p, options?.at, who);
  const { at: _at, ...rest } = options;
  return new HessianDensity(spectralDensity(hvpOperator(p, x), rest), Array.from(x));
}

/**
 * λ_max of ∇²f along a run's trajectory (every `every`-th point), drawn with 2/η when the run's
 * learning rate is known.
 *
 * @example
 * curvature.sharpness(f, optimize(f, gd({ lr: 0.01 }), { from: [0, 0], steps: 200 }), { every: 10 });
 */
function sharpness(objective: unknown, run: { xs: readonly (readonly number[])[]; lrs?: readonly number[]; name?: string } | readonly (readonly number[])[], options: { every?: number; smallest?: boolean } = {}): Sharpness {
  const who = "curvature.sharpness";
  const p = problemOf(objective, who);
  const xs = Array.isArray(run) ? (run as readonly (readonly number[])[]) : (run as { xs: readonly (readonly number[])[] }).xs;
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
    figure: () => hessianAlong([{ name, steps: tr.steps, eigenvalues: values.map((v, j) => (tr.smallest ? [tr.smallest[j]!, v] : [v])), ...(lrs && lrs.length ? { lr: tr.steps.map((s) => lrs[Math.min(s, lrs.length - 1)]!) } : {}) }], { show: "sharpness" }),
    [DISPLAY](): Promise<MimeBundle> {
      const text = `sharpness λ_max along ${name}: ${fmt(values[0]!)} → ${fmt(values[values.length - 1]!)} (${tr.steps.length} points)`;
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

/** The curvature tools (see the file comment). */
export const curvature = {
  // One-line docs on each member: a cell's inspect (Shift+Tab) on `curvature.trace` shows them.
  /** The k largest and/or smallest eigenvalues of ∇²f(at): dense and exact for n < 64, Lanczos on Hessian-vector products otherwise. `curvature.eigenvalues(f, { at, k?, which? })`. */
  eigenvalues,
  /** Hutchinson's estimate of tr ∇²f(at) with its standard error: `curvature.trace(f, { at, probes? })`. */
  trace,
  /** The Hessian's eigenvalue density at `at` by stochastic Lanczos quadrature (displays as a chart): `curvature.density(f, { at, probes?, steps? })`. */
  density,
  /** λ_max of ∇²f along a run's trajectory, drawn with 2/η: `curvature.sharpness(f, run, { every? })`. */
  sharpness,
  /** Gradient-noise statistics of a data-backed objective: tr Σ, |G|², B_simple = tr Σ / |G|² (McCandlish et al. 2018): `curvature.noise(f, { at })`. */
  noise,
};
