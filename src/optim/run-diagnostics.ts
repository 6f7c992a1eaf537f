/**
 * What a finished run says about itself beyond its status: warnings (a start at a stationary
 * point or a saddle, exploding or vanishing gradient norms) and, when it diverged, why — the lr
 * against the stability bound 2/L (with momentum 2(1+μ)/L) at the start.
 */
import { eigvalsSym } from "../numeric/index.js";
import type { Problem } from "../problem/index.js";
import type { Optimizer } from "./base.js";
import type { RunRecord, StopReason } from "./run-record.js";

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

/** Eigenvalues of the Hessian at the start, when the problem has one (ascending). */
function startEigenvalues(d: Diagnosis): Float64Array | null {
  const { problem, rec } = d;
  if (!problem.hessianInto) return null;
  const n = rec.n;
  const H = new Float64Array(n * n);
  problem.hessianInto(rec.xs.subarray(0, n), H);
  for (const h of H) if (!Number.isFinite(h)) return null;
  return eigvalsSym(H, n);
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
  const head = !Number.isFinite(loss) && loss < 0
    ? `diverged at step ${d.step}: the loss went to ${loss} (the objective may be unbounded below)`
    : `diverged at step ${d.step}: loss ${fmt(loss)}, |∇f| ${fmt(gn)} (started at loss ${fmt(d.loss0)})`;
  return `${head}. ${hint(d)}`;
}

/** Why it diverged, when we can tell: the lr against 2/L for gradient methods. */
function hint(d: Diagnosis): string {
  const opt = d.optimizer;
  const lr0 = opt.learningRate;
  const lr = typeof lr0 === "number" ? lr0 : typeof lr0 === "function" ? lr0(0) : NaN;
  const values = startEigenvalues(d);
  const L = values ? values[values.length - 1]! : NaN;
  const mu = typeof opt.options?.momentum === "number" ? (opt.options.momentum as number) : 0;
  const plain = ["gd", "sgd", "momentum", "nesterov"].includes(opt.name);
  if (plain && Number.isFinite(L) && L > 0 && Number.isFinite(lr)) {
    const nest = opt.name === "nesterov" || opt.options?.nesterov === true;
    const bound = nest ? (2 * (1 + mu)) / (L * (1 + 2 * mu)) : (2 * (1 + mu)) / L;
    const what = mu === 0 ? "2/L" : nest ? "2(1+μ)/(L(1+2μ))" : "2(1+μ)/L";
    if (lr > bound) {
      return `lr ${fmt(lr)} exceeds ${what} = ${fmt(bound)} at the start (L = ${fmt(L)}, the largest Hessian eigenvalue there), so the iteration is unstable; try lr ≤ ${fmt(1 / L)} (= 1/L)`;
    }
    return `lr ${fmt(lr)} is below ${what} = ${fmt(bound)} at the start (L = ${fmt(L)}), but the curvature grows along the path; try a smaller lr or clipNorm`;
  }
  if (Number.isFinite(lr)) return `try a smaller lr (now ${fmt(lr)}) or clipNorm`;
  return "try a smaller step or clipNorm";
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
