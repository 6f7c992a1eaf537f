/**
 * The Jacobian check: a vector function F: ℝⁿ → ℝᵐ with an analytic derivative given as a full
 * Jacobian, as vector-Jacobian products (reverse mode, a layer's backward) or as Jacobian-vector
 * products (forward mode, or a Hessian-vector product as the Jacobian of a gradient), against
 * central differences of F.
 *
 * Cost and policy:
 * - The numeric Jacobian takes central differences of all m outputs at once: 2n evaluations of F
 *   (column j from F(x ± t_j e_j), t_j = h·max(|x_j|, 1)). Columns with a failing entry are
 *   measured again at t_j/4 (2 more evaluations each) and Richardson-extrapolated, or found to be
 *   kinks, before anything is called wrong.
 * - `jacobian`: one call, every entry compared. Rows are named `(output, input)`.
 * - `vjp`: with m ≤ `FULL_LIMIT` outputs, m products with the unit vectors e_i give the whole
 *   Jacobian, row by row (every entry compared); otherwise `directions` (default 4) random ±1
 *   vectors v, each vjp(v) compared entry by entry with vᵀJ from the numeric Jacobian (rows
 *   `(v0, input)`).
 * - `jvp`: with n ≤ `FULL_LIMIT` inputs, n products with e_j give the Jacobian column by column;
 *   otherwise `directions` random ±1 vectors t, each jvp(t) compared with a central difference of
 *   F along t (2 evaluations per direction; the numeric Jacobian is then never formed, rows
 *   `(output, t0)`).
 *
 * Test per entry (a analytic, d numeric): ok ⇔ |a − d| ≤ max(rtol·max(|a|, |d|), atol), atol
 * "auto" = max(2¹⁰ε·max|a|, the numeric entry's estimated error: rounding ρε·max|F|/t, plus the
 * measured truncation where it was re-measured).
 *
 * A kink: the one-sided quotients (F(x+t) − F(x))/t and (F(x) − F(x−t))/t differ and the gap does
 * not shrink with the step (a smooth F's gap shrinks 4× at t/4). There the analytic entry passes if
 * it lies between them or matches either side to the tolerance (a one-sided derivative is a valid
 * choice: ReLU's derivative at −1e-16 is one side's).
 */
import { DslError } from "../errors/index.js";
import { agrees, buildRow, tallyRows, type CheckSettings, type GradCheckResult, type GradRow } from "./check-gradient.js";
import { describeFailures } from "./gradcheck-message.js";
import { ROUNDING } from "./line-derivative.js";
import { mulberry32, randomSignsInto } from "./prng.js";
import { extrapolate4, extrapolationError4 } from "./second-look.js";
import { EPS, coordScale } from "./step-size.js";

/** Up to this many products, a vjp/jvp check forms the whole Jacobian (every entry compared). */
export const FULL_LIMIT = 64;

/** A vector function on flat vectors, with names for its inputs and outputs. */
export interface VectorFunction {
  /** Number of inputs. */
  readonly n: number;
  /** Number of outputs. */
  readonly m: number;
  readonly inNames: readonly string[];
  readonly outNames: readonly string[];
  /** F(x) into `out` (length m). */
  valueInto(x: Float64Array, out: Float64Array): void;
}

/** How the analytic derivative of a `VectorFunction` is given. */
export type AnalyticDerivative =
  | { kind: "jacobian"; jacobianInto(x: Float64Array, J: Float64Array /* m×n row-major */): void }
  | { kind: "vjp"; vjpInto(x: Float64Array, v: Float64Array /* m */, out: Float64Array /* n */): void }
  | { kind: "jvp"; jvpInto(x: Float64Array, t: Float64Array /* n */, out: Float64Array /* m */): void };

/** Settings of a Jacobian check. */
export interface JacobianSettings {
  rtol: number;
  atol: number | "auto";
  /** Step coefficient (step of input j: h·max(|x_j|, 1)). */
  h: number;
  /** Re-measure failing columns at h/4 (default true). */
  refine: boolean;
  /** Random directions for a vjp/jvp check past `FULL_LIMIT` (0: the default 4; `Infinity`: always full). */
  directions: number;
  seed: number;
  /** What the check is called in messages ("jacobian", "vjp", "jvp", "hvp"). */
  label?: string;
}

/** A row of a Jacobian check: one entry (output, input) or one entry of a random product. */
export interface JacobianRow extends GradRow {
  /** The output's name (`v0` for a random vjp direction). */
  output: string;
  /** The input's name (`t0` for a random jvp direction). */
  input: string;
  /** The input's flat index (−1 for a random jvp direction). */
  inputIndex: number;
}

/** The result of `checkJacobian`: a gradient-check result whose rows are Jacobian entries. */
export interface JacobianCheckResult extends GradCheckResult {
  rows: JacobianRow[];
  /** How the analytic derivative was given. */
  kind: AnalyticDerivative["kind"];
  /** "full" (every entry) or "directions" (random products). */
  coverage: "full" | "directions";
  /** Calls of the analytic derivative (vjp/jvp products; 1 for a Jacobian). */
  products: number;
  /** F at the point. */
  outputs: Float64Array;
  /** The analytic row of output `o` at `at` (default the point; for the V curve of a failing output); costs n jvps for a jvp. */
  analyticRow(o: number, at?: Float64Array): Float64Array;
}

const DEFAULT_DIRECTIONS = 4;

/** Numeric Jacobian by central differences (column-wise), with error estimates and one-sided quotients. */
class NumericJacobian {
  readonly J: Float64Array;
  readonly E: Float64Array;
  readonly L: Float64Array;
  readonly R: Float64Array;
  readonly kink: Uint8Array;
  readonly refined: Uint8Array;
  evals = 0;
  private readonly fp: Float64Array;
  private readonly fm: Float64Array;
  constructor(
    private readonly F: VectorFunction,
    private readonly x: Float64Array,
    private readonly f0: Float64Array,
    private readonly steps: Float64Array,
  ) {
    const { m, n } = F;
    this.J = new Float64Array(m * n);
    this.E = new Float64Array(m * n);
    this.L = new Float64Array(m * n);
    this.R = new Float64Array(m * n);
    this.kink = new Uint8Array(m * n);
    this.refined = new Uint8Array(m * n);
    this.fp = new Float64Array(m);
    this.fm = new Float64Array(m);
  }

  /** Central difference of column j at step t into J (or into the given buffers). */
  column(j: number, t: number, J = this.J, E = this.E, L = this.L, R = this.R): void {
    const { m, n } = this.F;
    const work = Float64Array.from(this.x);
    const xj = this.x[j]!;
    work[j] = xj + t;
    const hp = work[j]! - xj;
    this.F.valueInto(work, this.fp);
    work[j] = xj - t;
    const hm = xj - work[j]!;
    this.F.valueInto(work, this.fm);
    this.evals += 2;
    for (let i = 0; i < m; i++) {
      const r = (this.fp[i]! - this.f0[i]!) / hp;
      const l = (this.f0[i]! - this.fm[i]!) / hm;
      const k = i * n + j;
      R[k] = r;
      L[k] = l;
      J[k] = (this.fp[i]! - this.fm[i]!) / (hp + hm);
      E[k] = (ROUNDING * EPS * Math.max(Math.abs(this.fp[i]!), Math.abs(this.fm[i]!), Math.abs(this.f0[i]!))) / (0.5 * (hp + hm));
    }
  }

  /** Columns with an entry whose one-sided quotients differ beyond curvature and rounding: kink suspects, for a second look. */
  suspects(): Set<number> {
    const { m, n } = this.F;
    const out = new Set<number>();
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        const gap = Math.abs(this.R[k]! - this.L[k]!);
        if (gap > 1e-3 * Math.max(Math.abs(this.R[k]!), Math.abs(this.L[k]!)) && gap > 128 * this.E[k]!) out.add(j);
      }
    return out;
  }

  all(): void {
    for (let j = 0; j < this.F.n; j++) this.column(j, this.steps[j]!);
  }

  /**
   * Column j again at t/4: Richardson-extrapolates smooth entries (error = measured truncation +
   * rounding); an entry whose one-sided gap does not shrink is a kink (L, R from the small step).
   */
  refine(j: number): void {
    const { m, n } = this.F;
    const J2 = new Float64Array(m * n);
    const E2 = new Float64Array(m * n);
    const L2 = new Float64Array(m * n);
    const R2 = new Float64Array(m * n);
    this.column(j, this.steps[j]! / 4, J2, E2, L2, R2);
    for (let i = 0; i < m; i++) {
      const k = i * n + j;
      const e = twoSteps({ d: this.J[k]!, e: this.E[k]!, l: this.L[k]!, r: this.R[k]! }, { d: J2[k]!, e: E2[k]!, l: L2[k]!, r: R2[k]! });
      this.J[k] = e.d;
      this.E[k] = e.e;
      if (e.kink) {
        this.kink[k] = 1;
        this.L[k] = e.l;
        this.R[k] = e.r;
      } else this.refined[k] = 1;
    }
  }
}

/**
 * Checks an analytic derivative of F at x against central differences (see the module comment).
 * Never throws for a wrong derivative; throws a `DslError` when F is not finite at x.
 *
 * @example
 * const F = { n: 2, m: 2, inNames: ["x", "y"], outNames: ["u", "v"], valueInto: (x, o) => { o[0] = x[0] * x[1]; o[1] = Math.sin(x[0]); } };
 * checkJacobian(F, { kind: "jacobian", jacobianInto: (x, J) => J.set([x[1], x[0], Math.cos(x[0]), 0]) }, Float64Array.of(1, 2), { rtol: 1e-6, atol: "auto", h: STEP.central, refine: true, directions: 0, seed: 1 }).ok; // true
 */
export function checkJacobian(F: VectorFunction, D: AnalyticDerivative, x: Float64Array, s: JacobianSettings): JacobianCheckResult {
  const { m, n } = F;
  const f0 = new Float64Array(m);
  F.valueInto(Float64Array.from(x), f0);
  for (let i = 0; i < m; i++)
    if (!Number.isFinite(f0[i]!)) throw new DslError("non-finite", `gradcheck: output ${F.outNames[i]} of f is ${f0[i]} at the point, so its derivative cannot be checked there`, { path: "at" });
  const steps = Float64Array.from(x, (xj) => s.h * coordScale(xj));
  const k = s.directions > 0 ? s.directions : DEFAULT_DIRECTIONS;
  const rand = mulberry32(s.seed);
  const rows: JacobianRow[] = [];
  let products = 0;
  let evaluations = 1;
  let coverage: "full" | "directions" = "full";
  const analyticRow = (o: number, at: Float64Array = x): Float64Array => rowOf(F, D, at, o);

  // Random directions when asked for (`fast`), or by default past FULL_LIMIT products.
  const random = (size: number) => (s.directions > 0 && Number.isFinite(s.directions)) || (s.directions === 0 && size > FULL_LIMIT);
  if (D.kind === "jvp" && random(n)) {
    // Random directions t: jvp(t) against a central difference of F along t (2 evaluations each).
    coverage = "directions";
    const t = new Float64Array(n);
    const a = new Float64Array(m);
    const fp = new Float64Array(m);
    const fm = new Float64Array(m);
    let xs = 1;
    for (const v of x) xs = Math.max(xs, Math.abs(v));
    const step = s.h * xs;
    for (let d = 0; d < k; d++) {
      randomSignsInto(t, rand);
      D.jvpInto(Float64Array.from(x), t, a);
      products++;
      const central = (tt: number) => {
        const w = Float64Array.from(x, (xi, i) => xi + tt * t[i]!);
        F.valueInto(w, fp);
        w.set(x);
        for (let i = 0; i < n; i++) w[i] = x[i]! - tt * t[i]!;
        F.valueInto(w, fm);
        evaluations += 2;
        return Array.from({ length: m }, (_, i) => ({
          d: (fp[i]! - fm[i]!) / (2 * tt),
          r: (fp[i]! - f0[i]!) / tt,
          l: (f0[i]! - fm[i]!) / tt,
          e: (ROUNDING * EPS * Math.max(Math.abs(fp[i]!), Math.abs(fm[i]!), Math.abs(f0[i]!))) / tt,
        }));
      };
      const first = central(step);
      let amax = 0;
      for (const v of a) if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
      const floor = 1024 * EPS * amax;
      let second: ReturnType<typeof central> | null = null;
      for (let i = 0; i < m; i++) {
        let q: Quotients & { kink: boolean } = { ...first[i]!, kink: false };
        let refined = false;
        const atol = s.atol === "auto" ? Math.max(floor, q.e) : s.atol;
        if (s.refine && !agrees(a[i]!, q.d, s.rtol, atol)) {
          second ??= central(step / 4);
          q = twoSteps(q, second[i]!);
          refined = !q.kink;
        }
        rows.push(makeRow(rows.length, F.outNames[i]!, `t${d}`, -1, a[i]!, q.d, q.e, q.l, q.r, q.kink, refined, step, s, floor));
      }
    }
  } else {
    const NJ = new NumericJacobian(F, x, f0, steps);
    const A = new Float64Array(m * n);
    const outs: string[] = F.outNames.slice();
    const ins: string[] = F.inNames.slice();
    NJ.all();
    const xc = () => Float64Array.from(x);
    if (D.kind === "jacobian") {
      D.jacobianInto(xc(), A);
      products = 1;
    } else if (D.kind === "jvp") {
      const t = new Float64Array(n);
      const col = new Float64Array(m);
      for (let j = 0; j < n; j++) {
        t.fill(0);
        t[j] = 1;
        D.jvpInto(xc(), t, col);
        products++;
        for (let i = 0; i < m; i++) A[i * n + j] = col[i]!;
      }
    } else if (!random(m)) {
      const v = new Float64Array(m);
      const row = new Float64Array(n);
      for (let i = 0; i < m; i++) {
        v.fill(0);
        v[i] = 1;
        D.vjpInto(xc(), v, row);
        products++;
        A.set(row, i * n);
      }
    } else {
      // Random vᵀ: rows are vjp(v) against vᵀ·(numeric J).
      const sumSigns: Float64Array[] = [];
      const names = Array.from({ length: k }, (_, d) => `v${d}`);
      const row = new Float64Array(n);
      const A2 = new Float64Array(k * n);
      for (let d = 0; d < k; d++) {
        const v = randomSignsInto(new Float64Array(m), rand);
        sumSigns.push(v);
        D.vjpInto(xc(), v, row);
        products++;
        A2.set(row, d * n);
      }
      return finish(F, D, x, s, compareDirections(NJ, sumSigns, A2, names, ins, steps, s), f0, evaluations + NJ.evals, products, "directions", analyticRow);
    }
    let amax = 0;
    for (const v of A) if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
    const floor = 1024 * EPS * amax;
    const atolOf = (idx: number) => (s.atol === "auto" ? Math.max(floor, NJ.E[idx]!) : s.atol);
    if (s.refine) {
      const redo = NJ.suspects();
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) if (!agrees(A[i * n + j]!, NJ.J[i * n + j]!, s.rtol, atolOf(i * n + j))) redo.add(j);
      for (const j of redo) NJ.refine(j);
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        const idx = i * n + j;
        rows.push(makeRow(rows.length, outs[i]!, ins[j]!, j, A[idx]!, NJ.J[idx]!, NJ.E[idx]!, NJ.L[idx]!, NJ.R[idx]!, NJ.kink[idx] === 1, NJ.refined[idx] === 1, steps[j]!, s, floor));
      }
    evaluations += NJ.evals;
  }
  return finish(F, D, x, s, rows, f0, evaluations, products, coverage, analyticRow);
}

function compareDirections(NJ: NumericJacobian, vs: Float64Array[], A2: Float64Array, outs: string[], ins: string[], steps: Float64Array, s: JacobianSettings): JacobianRow[] {
  const n = ins.length;
  const m = vs[0]!.length;
  let amax = 0;
  for (const v of A2) if (Number.isFinite(v)) amax = Math.max(amax, Math.abs(v));
  const floor = 1024 * EPS * amax;
  const rows: JacobianRow[] = [];
  const combine = (v: Float64Array, j: number) => {
    let d = 0;
    let e = 0;
    let l = 0;
    let r = 0;
    let kink = false;
    let refined = false;
    for (let i = 0; i < m; i++) {
      const idx = i * n + j;
      d += v[i]! * NJ.J[idx]!;
      e += NJ.E[idx]!;
      l += v[i]! * NJ.L[idx]!;
      r += v[i]! * NJ.R[idx]!;
      kink ||= NJ.kink[idx] === 1;
      refined ||= NJ.refined[idx] === 1;
    }
    return { d, e, l, r, kink, refined };
  };
  const atolOf = (e: number) => (s.atol === "auto" ? Math.max(floor, e) : s.atol);
  if (s.refine) {
    const redo = NJ.suspects();
    vs.forEach((v, d) => {
      for (let j = 0; j < n; j++) {
        const c = combine(v, j);
        if (!agrees(A2[d * n + j]!, c.d, s.rtol, atolOf(c.e))) redo.add(j);
      }
    });
    for (const j of redo) NJ.refine(j);
  }
  vs.forEach((v, d) => {
    for (let j = 0; j < n; j++) {
      const c = combine(v, j);
      rows.push(makeRow(rows.length, outs[d]!, ins[j]!, j, A2[d * n + j]!, c.d, c.e, c.l, c.r, c.kink, c.refined, steps[j]!, s, floor));
    }
  });
  return rows;
}

/** A central difference d with its estimated error e and its one-sided quotients l, r. */
interface Quotients {
  d: number;
  e: number;
  l: number;
  r: number;
}

/**
 * One entry measured at steps t and t/4: a kink when the one-sided gap does not shrink (a smooth
 * F's shrinks 4×; the small step's quotients are kept), otherwise one Richardson step removes the
 * truncation error and measures it.
 */
function twoSteps(big: Quotients, small: Quotients): Quotients & { kink: boolean } {
  const gap = Math.abs(big.r - big.l);
  const gap2 = Math.abs(small.r - small.l);
  const noise = 4 * (big.e + small.e);
  if (gap2 > noise && gap > noise && gap2 > 0.5 * gap) return { ...small, kink: true };
  return { d: extrapolate4(big.d, small.d), e: extrapolationError4(big.d, small.d, small.e), l: big.l, r: big.r, kink: false };
}

/** A Jacobian row: the gradient check's row (`buildRow`, one copy of the judging) plus the entry's output and input. */
function makeRow(index: number, output: string, input: string, inputIndex: number, a: number, d: number, err: number, l: number, r: number, kink: boolean, refined: boolean, h: number, s: JacobianSettings, floor: number): JacobianRow {
  const atol = s.atol === "auto" ? Math.max(floor, err) : s.atol;
  const row = buildRow({
    index,
    name: `(${output}, ${input})`,
    analytic: a,
    numeric: d,
    error: err,
    rtol: s.rtol,
    atol,
    h,
    kink,
    left: kink ? l : undefined,
    right: kink ? r : undefined,
    refined,
    uncertain: false,
    kinkOk: (v) => oneSidedOk(v, l, r, s.rtol, atol),
  });
  return Object.assign(row, { output, input, inputIndex });
}

/** At a kink: the analytic entry lies between the one-sided derivatives or matches one of them. */
export function oneSidedOk(a: number, left: number, right: number, rtol: number, atol: number): boolean {
  if (agrees(a, left, rtol, atol) || agrees(a, right, rtol, atol)) return true;
  const lo = Math.min(left, right);
  const hi = Math.max(left, right);
  return a >= lo - atol && a <= hi + atol;
}

/** Row o of the analytic Jacobian, however it was given (n jvps for a jvp). */
function rowOf(F: VectorFunction, D: AnalyticDerivative, x: Float64Array, o: number): Float64Array {
  const { m, n } = F;
  const out = new Float64Array(n);
  if (D.kind === "jacobian") {
    const J = new Float64Array(m * n);
    D.jacobianInto(Float64Array.from(x), J);
    return out.map((_, j) => J[o * n + j]!);
  }
  if (D.kind === "vjp") {
    const v = new Float64Array(m);
    v[o] = 1;
    D.vjpInto(Float64Array.from(x), v, out);
    return out;
  }
  const t = new Float64Array(n);
  const col = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    t.fill(0);
    t[j] = 1;
    D.jvpInto(Float64Array.from(x), t, col);
    out[j] = col[o]!;
  }
  return out;
}

function finish(
  F: VectorFunction,
  D: AnalyticDerivative,
  x: Float64Array,
  s: JacobianSettings,
  rows: JacobianRow[],
  f0: Float64Array,
  evaluations: number,
  products: number,
  coverage: "full" | "directions",
  analyticRow: (o: number, at?: Float64Array) => Float64Array,
): JacobianCheckResult {
  const { failures, kinks, maxRelError, verdict } = tallyRows(rows);
  const settings: CheckSettings = { method: "central", rtol: s.rtol, atol: s.atol, h: s.h, directions: coverage === "full" ? 0 : Math.max(1, s.directions || DEFAULT_DIRECTIONS), seed: s.seed, refine: s.refine, names: F.inNames };
  const label = s.label ?? D.kind;
  const unit = coverage === "full" ? `entries of the ${F.m}×${F.n} Jacobian (${label})` : `entries of random ${label} products`;
  const { message, warnings } = describeFailures(rows, failures, kinks, settings, verdict, maxRelError, { unit, who: `gradcheck (${label})` });
  return {
    ok: verdict === "pass",
    verdict,
    method: "central",
    rtol: s.rtol,
    atol: s.atol,
    h: s.h,
    rows,
    maxRelError,
    failures,
    kinks,
    value: f0[0] ?? NaN,
    gradient: Float64Array.from(rows, (r) => r.analytic),
    evaluations,
    directions: settings.directions,
    seed: s.seed,
    message,
    warnings,
    kind: D.kind,
    coverage,
    products,
    outputs: f0,
    analyticRow,
  };
}

