/**
 * What a finished run says about itself beyond its status: warnings (a start at a stationary
 * point or a saddle, exploding or vanishing gradient norms) and, when it diverged, why — the lr
 * against the stability bound 2/L (with heavy-ball momentum β: 2(1+β)/L; `stabilityThreshold`) at the start.
 */
import { hvpOperator, lanczos } from "../numeric/curvature/index.js";
import { eigvalsSym } from "../numeric/index.js";
import type { Problem } from "../problem/index.js";
import type { Optimizer } from "./base.js";
import { stabilityThreshold } from "./theory.js";
import type { RunRecord, RunStatus, StopReason } from "./run-record.js";

/** What the diagnosis reads from a runner. */
export interface Diagnosis {
  readonly problem: Problem;
  readonly optimizer: Optimizer;
  readonly rec: RunRecord;
  /** The loss at the start. */
  readonly loss0: number;
  /** Steps taken. */
  readonly step: number;
}

/** Largest n for which the diagnosis forms the dense Hessian at the start; above it, Lanczos. */
export const DIAGNOSIS_DENSE_MAX_N = 256;

/**
 * Eigenvalues of the Hessian at the start (ascending), when the problem has one: every
 * eigenvalue up to {@link DIAGNOSIS_DENSE_MAX_N} variables, above that only the smallest and the
 * largest (Lanczos on Hessian-vector products, at most 100 of them), or null. Only the ends are
 * read. A diagnosis never throws: a Hessian that cannot be formed (a network too large for a
 * dense one) or is not finite gives null, and the run's own message stands without the hint.
 */
function startEigenvalues(d: Diagnosis): Float64Array | null {
  const { problem, rec } = d;
  const n = rec.n;
  const x = rec.xs.subarray(0, n);
  try {
    if (n > DIAGNOSIS_DENSE_MAX_N || !problem.hessianInto) {
      if (!problem.hvpInto) return null;
      const res = lanczos(hvpOperator(problem, x, { method: "exact" }), { which: "both", maxIter: Math.min(n, 100) });
      const lo = res.smallest?.[0], hi = res.largest?.[0];
      return lo !== undefined && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi) ? Float64Array.of(lo, hi) : null;
    }
    const H = new Float64Array(n * n);
    problem.hessianInto(x, H);
    for (const h of H) if (!Number.isFinite(h)) return null;
    return eigvalsSym(H, n);
  } catch {
    return null;
  }
}

/** Warnings about a run that ended for `reason`. */
export function runWarnings(d: Diagnosis, reason: StopReason): string[] {
  const w: string[] = [];
  const { rec } = d;
  const g0 = rec.gradNorms[0]!;
  if (g0 <= 1e-10 * (1 + Math.abs(d.loss0))) {
    let what = "a stationary point";
    const lmin = startEigenvalues(d)?.[0];
    if (lmin !== undefined && lmin < 0) what = `a saddle point or a maximum (smallest Hessian eigenvalue ${fmt(lmin)}): gradient methods stay there; perturb the start`;
    w.push(`the gradient vanishes at the start (|∇f| = ${fmt(g0)}): it is ${what}`);
  }
  if (reason !== "diverged" && g0 > 0) {
    let kMax = 0;
    for (let i = 1; i < rec.length; i++) if (rec.gradNorms[i]! > rec.gradNorms[kMax]!) kMax = i;
    const gMax = rec.gradNorms[kMax]!;
    if (gMax > 1e4 * g0) w.push(`the gradient norm exploded from ${fmt(g0)} to ${fmt(gMax)} at step ${kMax}: the step is probably too large (try a smaller lr, or clipNorm)`);
  }
  if (rec.length > 10 && reason !== "diverged" && g0 > 1e-10) {
    const last = rec.gradNorms[rec.length - 1]!;
    const lossDrop = Math.abs(rec.losses[0]! - rec.losses[rec.length - 1]!);
    if (last < 1e-3 * g0 && last > 0 && lossDrop <= 1e-9 * (1 + Math.abs(rec.losses[0]!))) {
      w.push(`the gradient norm vanished (${fmt(g0)} → ${fmt(last)}) while the loss barely moved: a plateau or a saddle`);
    }
  }
  return w;
}

/** The message of a run that diverged at the current step with this loss and gradient norm. */
export function divergenceMessage(d: Diagnosis, loss: number, gn: number): string {
  const g0 = d.rec.gradNorms[0]!;
  const lrNow = d.step > 0 ? d.rec.lrs[d.step - 1]! : NaN;
  if (d.step > 0 && !Number.isFinite(lrNow) && !Number.isNaN(lrNow)) {
    return `diverged at step ${d.step}: the learning rate is ${lrNow} there (its schedule overflowed: a factor > 1 compounded over the steps); loss ${fmt(loss)}. Use a schedule whose lr stays finite over the run`;
  }
  if (loss === -Infinity || (Number.isFinite(loss) && Number.isFinite(gn) && loss < d.loss0 - (Math.abs(d.loss0) + 1) && gn > 1e4 * g0)) {
    // falling without bound: a smaller lr only slows the fall, so it is not the advice
    const lmin = startEigenvalues(d)?.[0];
    const why = lmin !== undefined && lmin < 0 ? ` (the Hessian at the start has the eigenvalue ${fmt(lmin)} < 0: a direction of negative curvature)` : "";
    return `diverged at step ${d.step}: the loss fell to ${fmt(loss)} while |∇f| grew to ${fmt(gn)} (started at loss ${fmt(d.loss0)}, |∇f| ${fmt(g0)}): the objective looks unbounded below${why}. No step size fixes that: check the objective's sign, or bound it (a penalty, or constrain the variables)`;
  }
  if (Number.isNaN(loss) && Number.isFinite(d.rec.losses[Math.max(0, d.step - 1)]!)) {
    const eps = d.optimizer.options?.eps;
    if (eps === 0) return `diverged at step ${d.step}: the loss became NaN: with eps = 0, a gradient coordinate that is exactly 0 gives 0/0 in ${d.optimizer.name}'s update; use eps > 0 (default ${d.optimizer.name === "adagrad" ? "1e-10" : "1e-8"})`;
  }
  const head = `diverged at step ${d.step}: loss ${fmt(loss)}, |∇f| ${fmt(gn)} (started at loss ${fmt(d.loss0)})`;
  return `${head}. ${hint(d)}`;
}

/**
 * True when the loss fell far below the start while the gradient grew by orders of magnitude:
 * an iteration running off along a direction where the objective is unbounded below (GD on
 * x² − y²), which the loss-above-the-limit test does not see.
 */
export function fallingWithoutBound(loss0: number, g0: number, loss: number, gn: number, factor: number): boolean {
  return loss < loss0 - factor * (Math.abs(loss0) + 1) && gn > 1e4 * Math.max(g0, 1e-300);
}

/** Why it diverged, when we can tell: the lr against 2/L for gradient methods. */
function hint(d: Diagnosis): string {
  const opt = d.optimizer;
  const lr0 = opt.learningRate;
  const lr = typeof lr0 === "number" ? lr0 : typeof lr0 === "function" ? lr0(0) : NaN;
  // a schedule that raised the lr far above its start value: that, not lr₀, is what blew up
  let lrMax = lr, kMax = 0;
  for (let k = 0; k < d.step; k++) if (d.rec.lrs[k]! > lrMax) [lrMax, kMax] = [d.rec.lrs[k]!, k];
  if (Number.isFinite(lr) && lrMax > 10 * Math.max(lr, 1e-300)) return `its lr schedule raised the lr from ${fmt(lr)} to ${fmt(lrMax)} by step ${kMax}: use a schedule whose lr stays small enough (a factor > 1 compounds every step)`;
  const values = startEigenvalues(d);
  const L = values ? values[values.length - 1]! : NaN;
  // the stability edge from the one copy of its formulas (theory.ts): 2/L, 2(1+β)/L, 2(1+β)/((1+2β)L)
  const edge = stabilityThreshold(opt, { lr: 1 });
  if (edge && edge.of === "sharpness" && Number.isFinite(L) && L > 0 && Number.isFinite(lr)) {
    const wd = edge.constant - edge.value;
    const bound = edge.constant / (L + wd);
    // "2(1+β)/L with momentum β = 0.5": β is momentum in every message (μ is strong convexity)
    const params = edge.label.slice(edge.formula.length).replace(/^, /, "").replace(/, − wd .*$/, "");
    const what = edge.formula.replace("η", "L");
    const given = [params.replace("β =", "momentum β ="), wd > 0 ? `weight decay ${fmt(wd)} added to L` : ""].filter(Boolean).map((t) => `; ${t}`).join("");
    if (lr > bound) {
      return `lr ${fmt(lr)} exceeds ${what} = ${fmt(bound)} at the start (L = ${fmt(L)}, the largest Hessian eigenvalue there${given}), so the iteration is unstable; try lr ≤ ${fmt(1 / L)} (= 1/L)`;
    }
    return `lr ${fmt(lr)} is below ${what} = ${fmt(bound)} at the start (L = ${fmt(L)}${given}), but the curvature grows along the path; try a smaller lr or clipNorm`;
  }
  if (Number.isFinite(lr)) return `try a smaller lr (now ${fmt(lr)}) or clipNorm`;
  return "try a smaller step or clipNorm";
}

/** What `runOutcome` reads: how the loop ended and the gradient norms that tell whether it converged. */
export interface RunEnd {
  /** Why the loop stopped. */
  readonly reason: StopReason;
  /** Steps taken. */
  readonly steps: number;
  /** The loop's own message for reasons other than "max-steps" (tol, diverged, early-stopping, aborted). */
  readonly message: string;
  /** |∇f| at the start and at the end. */
  readonly g0: number;
  readonly last: number;
  /** The status tolerance: the run's `tol`, else `DEFAULT_STATUS_TOL`. */
  readonly tol: number;
  /** Whether `tol` was given (without it every step runs). */
  readonly tolGiven: boolean;
  /** Full-batch float64 runs: the step after which the iterate last moved (unknown elsewhere). */
  readonly lastMove?: number;
  /** The optimizer ends its own iterations when its tests hold (lbfgs's tolerances, a line search that finds no decrease). */
  readonly selfStopping?: boolean;
  /**
   * The smallest and the largest-magnitude Hessian eigenvalue at the end point, when the
   * objective has a Hessian (and is small enough to factor); null when unknown.
   */
  readonly curvature?: () => { min: number; scale: number } | null;
}

/**
 * A run's status and message, from one place (every runner calls this), so that they cannot
 * contradict each other: "converged" only when a convergence test held (tol, |∇f| ≤ 1e-6 at the
 * end, an optimizer's own tests) at a point that is not known to be a saddle or a maximum;
 * "stationary" when the gradient test held where the Hessian has a negative eigenvalue;
 * "max-steps" when the budget ran out first (its message never says "converged").
 */
export function runOutcome(e: RunEnd): { status: RunStatus; message: string } {
  const { reason, steps: k, last, g0 } = e;
  if (reason === "diverged") return { status: "diverged", message: e.message };
  if (reason === "aborted") return { status: "aborted", message: e.message };
  if (reason === "early-stopping") return { status: "converged", message: e.message };
  const t = fmtTol(e.tol);
  const moved = e.lastMove === undefined || e.lastMove >= k;
  const stalledAtTest = reason === "max-steps" && !moved && e.selfStopping === true && last < g0;
  if (reason === "tol" || last <= e.tol || stalledAtTest) {
    const c = e.curvature?.() ?? null;
    if (c && c.min < -1e-8 * Math.max(1, c.scale)) {
      const where = k === 0 || e.lastMove === 0 ? "at the start" : `after ${k} step${k === 1 ? "" : "s"}`;
      return {
        status: "stationary",
        message: `stopped ${where} at a stationary point that is not a minimum: |∇f| = ${fmt(last)}, but the Hessian there has the eigenvalue ${fmt(c.min)} < 0 (a saddle point or a maximum); gradient methods stay there: perturb the start`,
      };
    }
    if (reason === "tol") return { status: "converged", message: e.message };
    if (last <= e.tol) {
      if (k === 0) return { status: "converged", message: `converged at the start: |∇f| = ${fmt(last)} ≤ ${t} (no steps were asked for)` };
      const hint = e.tolGiven ? "" : " (without tol every step runs; pass tol to stop as soon as that holds)";
      return { status: "converged", message: `converged: |∇f| = ${fmt(last)} ≤ ${t} after ${k} steps${hint}` };
    }
    return {
      status: "converged",
      message: `converged: the optimizer stopped moving after step ${e.lastMove} (its own convergence tests), |∇f| = ${fmt(last)}; the remaining ${k - e.lastMove!} steps left the point in place`,
    };
  }
  if (k === 0) return { status: "max-steps", message: `no steps were asked for (steps: 0); |∇f| = ${fmt(last)} at the start (> ${t})` };
  if (!moved) {
    return {
      status: "max-steps",
      message: `took all ${k} steps, but the point stopped moving after step ${e.lastMove} with |∇f| = ${fmt(last)} (> ${t}): the step size went to 0 (check lr, its schedule, lrDecay)`,
    };
  }
  return { status: "max-steps", message: `took all ${k} steps; |∇f| = ${fmt(last)} at the end (> ${t})` };
}

/** Smallest and largest-magnitude eigenvalue of the problem's Hessian at x (null without one, or above `maxN` variables). */
export function hessianExtremes(problem: Problem, x: Float64Array, maxN = 100): { min: number; scale: number } | null {
  const n = x.length;
  if (!problem.hessianInto || n === 0 || n > maxN) return null;
  const H = new Float64Array(n * n);
  try {
    problem.hessianInto(x, H);
  } catch {
    return null;
  }
  for (const h of H) if (!Number.isFinite(h)) return null;
  const v = eigvalsSym(H, n);
  return { min: v[0]!, scale: Math.max(Math.abs(v[0]!), Math.abs(v[n - 1]!)) };
}

/** A tolerance for messages: 1e-6 rather than 0.000001. */
export const fmtTol = (v: number): string => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v));

/** A figure for messages: 4 significant digits, exponent form outside [1e-3, 1e5). */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(2) : Number(v.toPrecision(4)).toString();
}
