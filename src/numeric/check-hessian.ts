/**
 * The Hessian check: the analytic Hessian against central differences of the (analytic) gradient.
 *
 * Column j of the numeric Jacobian of ∇f is (∇f(x + h_j e_j) − ∇f(x − h_j e_j))/(2h_j), 2n gradient
 * evaluations; its symmetric part is the numeric Hessian. Entries are compared as in the gradient
 * check (ok ⇔ |a − d| ≤ max(rtol·max(|a|, |d|), atol_ij), atol "auto" = max(2¹⁰ε·max|H|, the
 * entry's estimated error)); columns with a failing entry are re-measured at h/4 and
 * Richardson-extrapolated before they are called wrong.
 *
 * Two symmetry checks come with it: the analytic Hessian must be symmetric, and so must the
 * Jacobian of the gradient — if it is not, the "gradient" is not the gradient of any function
 * (a swapped or mis-indexed entry), whatever the Hessian says.
 */
import type { Problem } from "../problem/index.js";
import { DslError } from "../errors/index.js";
import { fmt, sci } from "./gradcheck-message.js";
import { FLOAT32_RATIO, GRAD_ROUNDING, agrees, compareEntry } from "./check-gradient.js";
import { ROUNDING } from "./line-derivative.js";
import { extrapolate4, extrapolationError4 } from "./second-look.js";
import { EPS, STEP, coordScale } from "./step-size.js";

/** One entry (i ≤ j) of the Hessian comparison. */
export interface HessianRow {
  i: number;
  j: number;
  /** `H[x,y]`. */
  name: string;
  analytic: number;
  numeric: number;
  absError: number;
  relError: number;
  ok: boolean;
  /** Absolute tolerance applied. */
  tol: number;
  /** Not judged: the gradient has a kink along x_i or x_j (see `HessianSettings.skip`). */
  skipped?: boolean;
}

/** Plain-data result of `checkHessian`. */
export interface HessianCheckResult {
  ok: boolean;
  rtol: number;
  atol: number | "auto";
  /** Step coefficient (step of coordinate j: h·max(|x_j|, 1)). */
  h: number;
  /** Upper-triangle entries (i ≤ j), row-major. */
  rows: HessianRow[];
  maxRelError: number;
  /** Positions in `rows` that fail. */
  failures: number[];
  /** The analytic Hessian is symmetric (to rtol). */
  symmetric: boolean;
  /** The Jacobian of the gradient is symmetric (to its error): false means a gradient bug. */
  gradientSymmetric: boolean;
  /** The analytic and numeric (symmetrized) Hessians, n×n. */
  analyticHessian: number[][];
  numericHessian: number[][];
  /** Gradient evaluations spent. */
  gradEvaluations: number;
  message: string;
}

/** Settings of a Hessian check. */
export interface HessianSettings {
  rtol: number;
  atol: number | "auto";
  h: number;
  refine: boolean;
  names: readonly string[];
  /** Coordinates whose rows and columns are reported but not judged (kinks of f found by the gradient check). */
  skip?: readonly number[];
  /** The precision the gradient is computed in (default 64): 32 takes float32's ε for its rounding. */
  precision?: 32 | 64;
}

/**
 * Numeric Hessian by central differences of the gradient, symmetrized, into `H` (row-major n×n).
 * Costs 2n gradient evaluations.
 *
 * @param opts.h step coefficient, default ε^(1/3).
 * @param jac optional buffer receiving the unsymmetrized Jacobian of the gradient (column j =
 *   derivative along e_j).
 * @example
 * const H = new Float64Array(4);
 * fdHessianInto(problem, Float64Array.of(1, 1), H); // ≈ [802, -400, -400, 200] for Rosenbrock
 */
export function fdHessianInto(p: Problem, x: Float64Array, H: Float64Array, opts: { h?: number } = {}, jac?: Float64Array): void {
  const n = p.n;
  const J = jac ?? new Float64Array(n * n);
  const work = Float64Array.from(x);
  const bufs = gradBuffers(n);
  p.valueAndGradInto(work, bufs.g0);
  for (let j = 0; j < n; j++) jacobianColumn(p, work, j, (opts.h ?? STEP.central) * coordScale(x[j]!), bufs, J, null);
  symmetrizeInto(J, H, n);
}

interface GradBuffers {
  g0: Float64Array;
  gp: Float64Array;
  gm: Float64Array;
}

function gradBuffers(n: number): GradBuffers {
  return { g0: new Float64Array(n), gp: new Float64Array(n), gm: new Float64Array(n) };
}

/** Column j of the gradient's Jacobian at step t (and its rounding error if `E` is given; `eps`: the gradient's unit roundoff). */
function jacobianColumn(p: Problem, work: Float64Array, j: number, t: number, b: GradBuffers, J: Float64Array, E: Float64Array | null, eps = EPS): void {
  const n = p.n;
  const xj = work[j]!;
  work[j] = xj + t;
  p.valueAndGradInto(work, b.gp);
  const hp = work[j]! - xj;
  work[j] = xj - t;
  p.valueAndGradInto(work, b.gm);
  const hm = xj - work[j]!;
  work[j] = xj;
  for (let i = 0; i < n; i++) {
    const r = (b.gp[i]! - b.g0[i]!) / hp;
    const l = (b.g0[i]! - b.gm[i]!) / hm;
    J[i * n + j] = (hm * r + hp * l) / (hp + hm);
    if (E) E[i * n + j] = (ROUNDING * eps * Math.max(Math.abs(b.g0[i]!), Math.abs(b.gp[i]!), Math.abs(b.gm[i]!))) / (0.5 * (hp + hm));
  }
}

/** H = (J + Jᵀ)/2 (row-major n×n; H may be J). */
export function symmetrizeInto(J: Float64Array, H: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) H[i * n + j] = H[j * n + i] = 0.5 * (J[i * n + j]! + J[j * n + i]!);
}

/**
 * Checks `p`'s analytic Hessian (`hessianInto`, or n Hessian-vector products) at `x` against
 * central differences of its gradient (see the module comment). Never throws for a wrong
 * Hessian; throws a `DslError` when the problem has no Hessian.
 *
 * @example
 * checkHessian(problem, Float64Array.of(1, 2), { rtol: 1e-6, atol: "auto", h: STEP.central, refine: true, names: ["x", "y"] }).ok;
 */
export function checkHessian(p: Problem, x: Float64Array, s: HessianSettings): HessianCheckResult {
  const n = p.n;
  const A = analyticHessian(p, x);
  const work = Float64Array.from(x);
  const b = gradBuffers(n);
  p.valueAndGradInto(work, b.g0);
  const J = new Float64Array(n * n);
  const E = new Float64Array(n * n);
  const steps = Float64Array.from(x, (xj) => s.h * coordScale(xj));
  const eps = s.precision === 32 ? 2 ** -23 : EPS;
  for (let j = 0; j < n; j++) jacobianColumn(p, work, j, steps[j]!, b, J, E, eps);
  let evals = 1 + 2 * n;
  let amax = 0;
  for (const v of A) if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
  // The Hessian's rounding floor, as the gradient check's (float32: 2⁵ε₃₂ rather than 2¹⁰ε).
  const floorEps = s.precision === 32 ? (EPS * FLOAT32_RATIO) / 16 : EPS;
  const atolOf = (i: number, j: number) => (s.atol === "auto" ? Math.max(GRAD_ROUNDING * floorEps * amax, 0.5 * (E[i * n + j]! + E[j * n + i]!)) : s.atol);
  const entryOk = (i: number, j: number) => agrees(A[i * n + j]!, 0.5 * (J[i * n + j]! + J[j * n + i]!), s.rtol, atolOf(i, j));
  if (s.refine) {
    const redo = new Set<number>();
    const skip = new Set(s.skip ?? []);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) if (!skip.has(i) && !skip.has(j) && !entryOk(i, j)) redo.add(i).add(j);
    const J2 = new Float64Array(n * n);
    const E2 = new Float64Array(n * n);
    for (const j of redo) {
      jacobianColumn(p, work, j, steps[j]! / 4, b, J2, E2, eps);
      evals += 2;
      for (let i = 0; i < n; i++) {
        const k = i * n + j;
        E[k] = extrapolationError4(J[k]!, J2[k]!, E2[k]!);
        J[k] = extrapolate4(J[k]!, J2[k]!);
      }
    }
  }
  return summarize(A, J, E, atolOf, s, n, evals);
}

function analyticHessian(p: Problem, x: Float64Array): Float64Array {
  const n = p.n;
  const A = new Float64Array(n * n);
  if (p.hessianInto) {
    p.hessianInto(Float64Array.from(x), A);
    return A;
  }
  if (p.hvpInto) {
    const v = new Float64Array(n);
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      v.fill(0);
      v[j] = 1;
      p.hvpInto(Float64Array.from(x), v, col);
      for (let i = 0; i < n; i++) A[i * n + j] = col[i]!;
    }
    return A;
  }
  throw new DslError("unsupported", "gradcheck: the Hessian check needs an analytic Hessian (hessianInto or hvpInto; for user code, pass `hess`)", { path: "hessian" });
}

function summarize(A: Float64Array, J: Float64Array, E: Float64Array, atolOf: (i: number, j: number) => number, s: HessianSettings, n: number, evals: number): HessianCheckResult {
  const rows: HessianRow[] = [];
  const failures: number[] = [];
  let maxRelError = 0;
  let symmetric = true;
  let gradientSymmetric = true;
  const notes: string[] = [];
  const nm = (i: number) => s.names[i] ?? `x[${i}]`;
  const skip = new Set(s.skip ?? []);
  if (skip.size > 0) notes.push(`entries along ${[...skip].map(nm).join(", ")} not judged: f has a kink there`);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const a = A[i * n + j]!;
      const d = 0.5 * (J[i * n + j]! + J[j * n + i]!);
      const atol = atolOf(i, j);
      const c = compareEntry(a, d, s.rtol, atol);
      const skipped = skip.has(i) || skip.has(j);
      const ok = skipped || c.ok;
      const row: HessianRow = { i, j, name: `H[${nm(i)},${nm(j)}]`, analytic: a, numeric: d, absError: c.absError, relError: c.relError, ok, tol: c.tol };
      rows.push(row);
      if (skipped) {
        row.skipped = true;
        continue;
      }
      if (!ok) failures.push(rows.length - 1);
      maxRelError = Math.max(maxRelError, row.relError);
      if (i === j) continue;
      const aji = A[j * n + i]!;
      if (symmetric && !agrees(a, aji, s.rtol, atol)) {
        symmetric = false;
        notes.push(`the analytic Hessian is not symmetric: H[${nm(i)},${nm(j)}] = ${fmt(a, 4)} but H[${nm(j)},${nm(i)}] = ${fmt(aji, 4)}`);
      }
      const jij = J[i * n + j]!;
      const jji = J[j * n + i]!;
      if (gradientSymmetric && !agrees(jij, jji, s.rtol, atol + E[i * n + j]! + E[j * n + i]!)) {
        gradientSymmetric = false;
        notes.push(
          `the gradient's Jacobian is not symmetric (∂g_${nm(i)}/∂${nm(j)} ≈ ${fmt(jij, 4)} but ∂g_${nm(j)}/∂${nm(i)} ≈ ${fmt(jji, 4)}): ` +
            `the gradient is not the gradient of any function — check the gradient first`,
        );
      }
    }
  }
  const ok = failures.length === 0 && symmetric;
  const head = ok
    ? `hessian: pass — ${rows.length} entries agree (central differences of the gradient, max relative error ${sci(maxRelError)} ≤ rtol ${sci(s.rtol)})`
    : failures.length === 0
      ? "hessian: fail"
      : `hessian: ${failures.length} of ${rows.length} entries fail: ` +
        failures
          .slice(0, 4)
          .map((k) => {
            const r = rows[k]!;
            return `relative error ${sci(r.relError)} at ${r.name} (analytic ${fmt(r.analytic, 4)}, numeric ${fmt(r.numeric, 4)})`;
          })
          .join("; ") +
        (failures.length > 4 ? `; and ${failures.length - 4} more` : "") +
        ` (rtol ${sci(s.rtol)})`;
  return {
    ok,
    rtol: s.rtol,
    atol: s.atol,
    h: s.h,
    rows,
    maxRelError,
    failures,
    symmetric,
    gradientSymmetric,
    analyticHessian: toRows(A, n),
    numericHessian: toRows(J, n, true),
    gradEvaluations: evals,
    message: [head, ...notes].join(". "),
  };
}

function toRows(M: Float64Array, n: number, sym = false): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (sym ? 0.5 * (M[i * n + j]! + M[j * n + i]!) : M[i * n + j]!)));
}
