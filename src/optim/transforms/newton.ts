/**
 * Second-order directions on float64: Newton's (with the saddle-free eigenvalue fix) and the
 * natural gradient's (Fisher preconditioning), and the Armijo backtracking step that makes
 * "damped Newton" never walk uphill.
 */
import { DslError, describe } from "../../errors/index.js";
import { eigSym } from "../../numeric/index.js";
import type { Problem } from "../../problem/index.js";
import type { Schedule, StepContext, Transform, UpdateExtras } from "../base.js";
import { backtracking } from "../line-search.js";
import { readOptions } from "../options.js";

function needContext(extra: UpdateExtras | undefined, who: string): StepContext {
  const ctx = extra?.context;
  if (!ctx) throw new DslError("backend-capability", `${who} needs the objective inside the step: run it with optimize() on the float64 engine`, { path: who });
  return ctx;
}

/**
 * Throws when the curvature matrix has a non-finite entry (x^1.5 at 0 has f'' = ∞ while f and
 * f' are finite): the step cannot be taken, and the message says where, in the user's terms,
 * instead of the eigen-solver's.
 */
function requireFinite(M: Float64Array, x: Float64Array, names: readonly string[], who: string, what: string, step: number): void {
  const n = x.length;
  for (let k = 0; k < n * n; k++) {
    if (Number.isFinite(M[k]!)) continue;
    const name = (i: number) => names[i] ?? `x[${i}]`;
    const at = Array.from(x, (v, i) => `${name(i)} = ${v}`).slice(0, 6).join(", ");
    throw new DslError(
      "non-finite",
      `${who}: the ${what} at step ${step} has a non-finite entry [${name(Math.floor(k / n))}, ${name(k % n)}] = ${M[k]} at (${at}${n > 6 ? ", …" : ""}); ${who} needs finite curvature there: start elsewhere, or use a first-order method (lbfgs, adam)`,
      { path: who, detail: { step, point: Array.from(x) } },
    );
  }
}

/**
 * A user's metric must be symmetric positive semi-definite: one with a negative eigenvalue would
 * be clipped to 0 and give a huge step (or, unclipped, an uphill one).
 */
function requireMetric(M: Float64Array, n: number, step: number): void {
  let scale = 0;
  for (let k = 0; k < n * n; k++) scale = Math.max(scale, Math.abs(M[k]!));
  const tol = 1e-10 * scale;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(M[i * n + j]! - M[j * n + i]!) > tol) {
        throw new DslError("bad-metric", `naturalGradient: the fisher function must return a symmetric matrix, but at step ${step} F[${i}][${j}] = ${M[i * n + j]} and F[${j}][${i}] = ${M[j * n + i]}`, { path: "naturalGradient.fisher" });
      }
    }
  }
  const { values } = eigSym(M, n);
  const lo = Math.min(...values);
  if (lo < -1e-8 * Math.max(scale, Number.MIN_VALUE)) {
    throw new DslError("bad-metric", `naturalGradient: the fisher function must return a positive semi-definite matrix, but at step ${step} it has the eigenvalue ${lo.toPrecision(4)}`, { path: "naturalGradient.fisher" });
  }
}

/**
 * Solves with the modified spectrum: u = V diag(1/(max(|λᵢ|, floor) + damping)) Vᵀ g, for a
 * symmetric M = V Λ Vᵀ (row-major n×n). Writes u into `g`.
 */
function solveModified(M: Float64Array, g: Float64Array, floor: number, damping: number, absolute: boolean, signed = false): Float64Array {
  const n = g.length;
  const { values, vectors } = eigSym(M, n);
  const c = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += vectors[i * n + k]! * g[i]!;
    const lam = absolute || signed ? Math.abs(values[k]!) : Math.max(values[k]!, 0);
    // signed (plain Newton): λᵢ keeps its sign, |λᵢ| floored; d = 0 only for naturalGradient with
    // damping 0 on a zero eigenvalue: the pseudo-inverse (no step there)
    const d = signed ? (values[k]! < 0 ? -1 : 1) * Math.max(lam, floor) + damping : Math.max(lam, floor) + damping;
    c[k] = d !== 0 ? s / d : 0;
  }
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += vectors[i * n + k]! * c[k]!;
    g[i] = s;
  }
  return g;
}

export interface NewtonOptions {
  /** λ ≥ 0 added to every (modified) eigenvalue, Levenberg–Marquardt style (default 0). */
  damping?: number;
  /** Floor for |λ| (default 1e-8): flat directions get a long but finite step. */
  minCurvature?: number;
  /**
   * true (default): the saddle-free direction, λᵢ replaced by |λᵢ|. false: plain Newton, H⁻¹g
   * with each λᵢ's sign kept (|λᵢ| floored at `minCurvature`), which heads for the nearest
   * stationary point — a saddle or a maximum too (the textbook contrast; Dauphin et al. 2014).
   */
  saddleFree?: boolean;
}

export interface NewtonState {
  count: number;
  /** The Hessian at the last point (row-major n×n). */
  H: Float64Array;
}

/**
 * The saddle-free Newton direction: with ∇²f(x) = V Λ Vᵀ,
 * $$u = V\,\mathrm{diag}\!\left(\frac{1}{\max(|\lambda_i|, \lambda_{\min}) + \delta}\right) V^\top \nabla f(x).$$
 * On a positive-definite Hessian (and δ = 0) this is Newton's direction H⁻¹g. On an indefinite
 * one, plain Newton heads for the stationary point, a saddle or a maximum; replacing λᵢ by |λᵢ|
 * (Dauphin et al., "Identifying and attacking the saddle point problem in high-dimensional
 * non-convex optimization", NeurIPS 2014, arXiv:1406.2572; Nocedal & Wright §3.4 "modified
 * Newton") keeps the step length Newton would take along each eigenvector but always points
 * downhill: −uᵀg = Σ (vᵢᵀg)²/(|λᵢ|+δ) > 0. Uses the objective's dense Hessian (`hessianInto`)
 * and `eigSym`; float64 only. The sign is not flipped: chain it with `scaleByLearningRate` or
 * `scaleByBacktracking`.
 *
 * @example
 * const damped = chain(scaleByNewton(), scaleByBacktracking({ lr: 1 }));
 */
export function scaleByNewton(o: NewtonOptions = {}): Transform<NewtonState> {
  // checked as the aliases' options are (issue 16's fuzz: null was a TypeError, a string damping passed)
  readOptions("scaleByNewton", o, {
    damping: { type: "number", min: 0, what: "added to every eigenvalue" },
    minCurvature: { type: "number", gt: 0, what: "the smallest |eigenvalue| used" },
    saddleFree: { type: "boolean", default: true, what: "use |λ| (saddle-free Newton)" },
  });
  const damping = o.damping ?? 0;
  const floor = o.minCurvature ?? 1e-8;
  const signed = o.saddleFree === false;
  return {
    needs: ["problem", "float64"],
    init: (p) => {
      const n = (p as unknown as Float64Array).length;
      return { count: 0, H: new Float64Array(n * n) };
    },
    update(u, s, p, _ops, extra) {
      const ctx = needContext(extra, "newton");
      batchHessian(ctx, p as unknown as Float64Array, s.H, "newton");
      requireFinite(s.H, p as unknown as Float64Array, ctx.problem.names ?? [], "newton", "Hessian", s.count);
      s.count++;
      solveModified(s.H, u as unknown as Float64Array, floor, damping, !signed, signed);
      return u;
    },
  };
}

/** How natural gradient gets its Fisher information matrix. */
export type FisherSource = "auto" | "exact" | "empirical" | ((x: number[]) => number[][]);

export interface FisherOptions {
  /** λ > 0 added to the Fisher's eigenvalues (default 1e-4). */
  damping?: number;
  /** Where F comes from (default "auto", see `scaleByFisher`). */
  fisher?: FisherSource;
}

export interface FisherState {
  count: number;
  F: Float64Array;
  /** Per-sample gradients scratch (rows × n), grown on demand. */
  G: Float64Array;
  /** Every row index (the empirical Fisher's rows on full batch). */
  all: Int32Array;
  /** The source used ("family", "hessian", "empirical" or "metric"), decided at the first step. */
  source: string;
}

/** Model families whose Fisher equals the Hessian of the mean NLL (canonical links). */
const CANONICAL = new Set(["bernoulli", "binomial", "poisson", "gaussian", "normal", "categorical", "multinomial"]);

/**
 * What a data-backed objective may offer beyond `DataProblem` (duck-typed: a symbolic objective
 * with a declared `family` has all of it): its family, its exact Fisher, its Hessian on a batch.
 */
interface CurvatureSource {
  readonly family?: unknown;
  fisherInto?(x: Float64Array, F: Float64Array, rows: Int32Array | null): void;
  batchHessianInto?(x: Float64Array, H: Float64Array, rows: Int32Array | null): void;
}

const curvatureOf = (p: Problem): CurvatureSource => (p.data ?? {}) as CurvatureSource;

/** The objective's declared model family, if any (on the objective or on its data). */
function familyOf(p: Problem): string | undefined {
  const f = (p as unknown as { family?: unknown }).family ?? curvatureOf(p).family;
  return typeof f === "string" ? f : undefined;
}

/** The Hessian of the loss of the current batch (of the whole objective when it has no batch Hessian). */
function batchHessian(ctx: StepContext, x: Float64Array, H: Float64Array, who: string): void {
  const data = curvatureOf(ctx.problem);
  if (ctx.rows !== null && data.batchHessianInto) return data.batchHessianInto(x, H, ctx.rows);
  if (!ctx.problem.hessianInto) throw new DslError("no-hessian", `${who}: this objective has no Hessian (hessianInto); use a symbolic objective, or lbfgs`, { path: who });
  ctx.problem.hessianInto(x, H);
}

/** "family" (the objective's exact Fisher), "hessian", "empirical" or "metric". */
type FisherKind = "family" | "hessian" | "empirical" | "metric";

function pickSource(problem: Problem, fisher: FisherSource): FisherKind {
  if (typeof fisher === "function") return "metric";
  if (fisher === "empirical") return fisher;
  const exact: FisherKind | undefined = curvatureOf(problem).fisherInto && familyOf(problem) ? "family" : problem.hessianInto ? "hessian" : undefined;
  if (fisher === "exact") {
    if (exact === undefined) throw new DslError("no-hessian", 'naturalGradient: fisher "exact" needs the objective\'s Hessian (or a declared family)', { path: "naturalGradient.fisher" });
    return exact;
  }
  const fam = familyOf(problem);
  if (fam !== undefined && CANONICAL.has(fam.toLowerCase()) && exact !== undefined) return exact;
  if (problem.data) return "empirical";
  throw new DslError(
    "no-fisher",
    "naturalGradient: this objective is not data-backed and declares no model family, so there is no Fisher to use; " +
      'pass fisher: "exact" (the Hessian, right for canonical-link GLMs), or fisher: (x) => matrix (your metric)',
    { path: "naturalGradient.fisher" },
  );
}

/**
 * The natural-gradient direction (Amari, "Natural Gradient Works Efficiently in Learning",
 * Neural Computation 10(2), 1998): u = (F + δI)⁻¹ ∇f, with F from `fisher`:
 *  - "exact": the Fisher information of the model. A data-backed objective that declares its
 *    `family` (objective option; "bernoulli" for logistic regression, "poisson", "gaussian")
 *    computes it exactly, as the mean over the batch's rows of V(μᵢ)∇ηᵢ∇ηᵢᵀ (the generalized
 *    Gauss–Newton matrix of its model η; see src/symbolic/family.ts). Otherwise it is the Hessian
 *    of the objective (of the batch): for a generalized linear model with its canonical link
 *    (logistic regression = Bernoulli/logit, Poisson/log, Gaussian/identity, softmax) the Hessian
 *    of the mean negative log-likelihood does not depend on the labels and *is* the Fisher, so
 *    natural gradient with lr 1 is Fisher scoring (IRLS). A regularizer in the objective adds
 *    its Hessian there (not to the family's Fisher).
 *  - "empirical": F = (1/m) Σᵢ gᵢgᵢᵀ over the rows of the current batch (Σ without 1/m when the
 *    objective sums), from per-sample gradients (`DataProblem.sampleGradsInto`). Cheap and
 *    general, but not the Fisher: see Kunstner, Balles & Hennig, "Limitations of the empirical
 *    Fisher approximation for natural gradient descent", NeurIPS 2019, arXiv:1905.12558.
 *  - a function `(x) => number[][]`: your metric at x (must be symmetric positive semi-definite).
 *  - "auto" (default): "exact" when the objective declares a canonical-link `family`, else
 *    "empirical" when it is data-backed, else an error asking for one of the above.
 * Negative eigenvalues of F (rounding, or a metric that is not PSD) are clipped to 0 before δ is
 * added. float64 only. The sign is not flipped: chain with `scaleByLearningRate`.
 *
 * @example
 * const ng = chain(scaleByFisher({ fisher: "empirical", damping: 1e-3 }), scaleByLearningRate(1));
 */
export function scaleByFisher(o: FisherOptions = {}): Transform<FisherState> {
  readOptions("scaleByFisher", o, {
    damping: { type: "number", min: 0, what: "added to the Fisher's eigenvalues" },
    fisher: { type: "fisher", default: "auto", what: "the Fisher information" },
  });
  const damping = o.damping ?? 1e-4;
  const fisher = o.fisher ?? "auto";
  return {
    needs: ["problem", "float64"],
    init: (p) => {
      const n = (p as unknown as Float64Array).length;
      return { count: 0, F: new Float64Array(n * n), G: new Float64Array(0), all: new Int32Array(0), source: "" };
    },
    update(u, s, p, _ops, extra) {
      const ctx = needContext(extra, "naturalGradient");
      const x = p as unknown as Float64Array;
      const n = x.length;
      if (!s.source) s.source = pickSource(ctx.problem, fisher);
      if (s.source === "metric") {
        const M = (fisher as (x: number[]) => number[][])(Array.from(x));
        if (!Array.isArray(M) || M.length !== n || M.some((r) => !Array.isArray(r) || r.length !== n)) {
          throw new DslError("bad-metric", `naturalGradient: the fisher function must return a ${n}×${n} matrix (number[][]), got ${describe(M)}`, { path: "naturalGradient.fisher" });
        }
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            const v = M[i]![j];
            if (typeof v !== "number") throw new DslError("bad-metric", `naturalGradient: the fisher function must return numbers, but at step ${s.count} F[${i}][${j}] is ${describe(v)}`, { path: "naturalGradient.fisher" });
            s.F[i * n + j] = v;
          }
        }
      } else if (s.source === "family") {
        curvatureOf(ctx.problem).fisherInto!(x, s.F, ctx.rows);
      } else if (s.source === "hessian") {
        batchHessian(ctx, x, s.F, "naturalGradient");
      } else {
        empiricalFisher(ctx, x, s);
      }
      const what = s.source === "metric" ? "metric (the fisher function's value)" : s.source === "hessian" ? "Hessian (the exact Fisher)" : "Fisher information";
      requireFinite(s.F, x, ctx.problem.names ?? [], "naturalGradient", what, s.count);
      if (s.source === "metric") requireMetric(s.F, n, s.count);
      s.count++;
      solveModified(s.F, u as unknown as Float64Array, 0, damping, false);
      return u;
    },
  };
}

function empiricalFisher(ctx: StepContext, x: Float64Array, s: FisherState): void {
  const data = ctx.problem.data;
  if (!data) throw new DslError("no-data", 'naturalGradient: fisher "empirical" needs a data-backed objective (per-sample gradients)', { path: "naturalGradient.fisher" });
  const n = x.length;
  let rows = ctx.rows;
  if (rows === null) {
    if (s.all.length !== data.samples) s.all = Int32Array.from({ length: data.samples }, (_v, i) => i);
    rows = s.all;
  }
  const m = rows.length;
  if (s.G.length < m * n) s.G = new Float64Array(m * n);
  data.sampleGradsInto(x, rows, s.G);
  const F = s.F;
  F.fill(0);
  for (let r = 0; r < m; r++) {
    const o = r * n;
    for (let i = 0; i < n; i++) {
      const gi = s.G[o + i]!;
      for (let j = 0; j < n; j++) F[i * n + j] += gi * s.G[o + j]!;
    }
  }
  if (data.reduce === "mean") for (let i = 0; i < n * n; i++) F[i] /= m;
}

export interface BacktrackingOptions {
  /** Initial step t₀ > 0 (default 1), or a schedule: step k starts its search from t₀(k). */
  lr?: number | Schedule;
  /** Sufficient-decrease constant c₁ ∈ (0, 1) (default 1e-4). */
  c1?: number;
  /** Shrink factor β ∈ (0, 1) (default 0.5). */
  beta?: number;
  /** Halvings before giving up with no step (default 60). */
  maxTries?: number;
}

/**
 * Armijo backtracking along the incoming direction, with the sign flip: the update is −t·u with
 * the first t = t₀βᵏ such that f(x − t u) ≤ f(x) − c₁ t ∇f(x)ᵀu. If −u is not a descent direction
 * (∇fᵀu ≤ 0), or no t works, the update is 0: it never walks uphill. Evaluates the objective
 * (on the current batch); float64 only. Boyd & Vandenberghe, "Convex Optimization", §9.2, §9.5.
 *
 * @example
 * const dampedNewton = chain(scaleByNewton(), scaleByBacktracking({ lr: 1 }));
 */
export function scaleByBacktracking(o: BacktrackingOptions = {}): Transform<{ count: number; xt: Float64Array; lastT: number }> {
  readOptions("scaleByBacktracking", o, {
    lr: { type: "any", what: "the first trial step (checked below)" },
    c1: { type: "number", gt: 0, lt: 1, what: "the sufficient-decrease constant" },
    beta: { type: "number", gt: 0, lt: 1, what: "the step shrink factor" },
    maxTries: { type: "integer", min: 1, max: 1e4, what: "trial steps per update" },
  });
  const t0 = o.lr ?? 1;
  if (typeof t0 !== "number" && typeof t0 !== "function") {
    throw new DslError("bad-option", "scaleByBacktracking: lr (the first trial step) must be a number or a schedule; per-run values need a batched engine, and line searches run on float64 only", { path: "scaleByBacktracking.lr" });
  }
  const c1 = o.c1 ?? 1e-4;
  const beta = o.beta ?? 0.5;
  const maxTries = o.maxTries ?? 60;
  return {
    needs: ["problem", "float64"],
    learningRate: t0,
    init: (p) => ({ count: 0, xt: new Float64Array((p as unknown as Float64Array).length), lastT: NaN }),
    update(u, s, p, _ops, extra) {
      const ctx = needContext(extra, "scaleByBacktracking");
      const x = p as unknown as Float64Array;
      const d = u as unknown as Float64Array;
      const g = extra!.grad!;
      const n = x.length;
      s.count++;
      let gtd = 0;
      for (let i = 0; i < n; i++) gtd -= g[i]! * d[i]!;
      const f = extra!.loss ?? ctx.valueAt(x);
      const first = typeof t0 === "number" ? t0 : t0(s.count - 1);
      let t = 0;
      if (gtd < 0) {
        const xt = s.xt;
        const valueAt = (tt: number) => {
          for (let i = 0; i < n; i++) xt[i] = x[i]! - tt * d[i]!;
          return ctx.valueAt(xt);
        };
        t = first > 0 ? backtracking(valueAt, first, f, gtd, c1, beta, maxTries).t : 0;
      }
      s.lastT = t;
      for (let i = 0; i < n; i++) d[i] = -t * d[i]!;
      return u;
    },
  };
}
