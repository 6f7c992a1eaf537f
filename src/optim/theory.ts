/**
 * Theory helpers for textbook reproductions: the curvature at a point (Hessian eigenvalues, L, μ,
 * κ, the type of critical point), the step sizes and momentum parameters that theory prescribes,
 * the linear rates it predicts, and the rate a run actually achieved.
 *
 * Rates are stated two ways, because textbooks mix them:
 * - `rate`: the asymptotic factor per step of ‖x_k − x*‖ on the quadratic model
 *   f ≈ f* + ½(x − x*)ᵀH(x − x*) (exact for a quadratic, the local rate near a nondegenerate
 *   minimum otherwise); f(x_k) − f* then shrinks by `valueRate` = rate² per step.
 * - `guarantee`: the worst-case bound over all μ-strongly convex functions with L-Lipschitz
 *   gradient, with the quantity it bounds and where it is proved.
 *
 * References: Nesterov, "Introductory Lectures on Convex Optimization", Kluwer 2004; Bubeck,
 * "Convex Optimization: Algorithms and Complexity", Found. Trends ML 8(3–4), 2015; Polyak, "Some
 * methods of speeding up the convergence of iteration methods", USSR Comp. Math. Math. Phys.
 * 4(5), 1964; Karimi, Nutini & Schmidt, "Linear Convergence of Gradient and Proximal-Gradient
 * Methods Under the Polyak-Łojasiewicz Condition", ECML PKDD 2016; Lessard, Recht & Packard,
 * "Analysis and Design of Optimization Algorithms via Integral Quadratic Constraints", SIAM J.
 * Optim. 26(1), 2016.
 */
import type { Tree } from "../tree/index.js";
import { DISPLAY, escapeHtml, renderWith, type MimeBundle } from "../display/index.js";
import { DslError, describe } from "../errors/index.js";
import { eigSym } from "../numeric/index.js";
import { asProblem, checkSymmetric, hessianAt, isMatrix, readPoint } from "./theory-input.js";
import { fmt } from "./schedules/schedule.js";
import { readOptions, type Rules as OptionRules } from "./options.js";

/** The second-order test at a critical point, from the signs of the Hessian's eigenvalues. */
export type Classification = "minimum" | "maximum" | "saddle" | "degenerate";

/** Where the Hessian came from. */
export type HessianSource = "given" | "exact" | "Hessian-vector products" | "finite differences of the gradient";

/** A method's parameters and predicted linear rate. */
export interface LinearRate {
  /** The method, in words: `"GD, lr = 1/L"`. */
  method: string;
  /** Its parameters in PyTorch's `sgd` terms (`momentum` = heavy-ball β, dampening 0). */
  params: { lr: number; momentum?: number; nesterov?: boolean };
  /** Asymptotic factor per step of ‖x_k − x*‖ on the quadratic model (tight). */
  rate: number;
  /** Factor per step of f(x_k) − f* on the quadratic model (= rate²). */
  valueRate: number;
  /** Steps per decimal digit of f − f*: −1 / log₁₀(valueRate). */
  stepsPerDigit: number;
  /** The worst-case guarantee over μ-strongly convex L-smooth functions: the factor per step, what it bounds, the source. */
  guarantee: { factor: number; of: string; reference: string };
}

export interface TheoryOptions {
  /** The point (in the problem's variable order, or a record by name); not used with a matrix. */
  at?: ArrayLike<number> | Readonly<Record<string, number | ArrayLike<number>>> | Tree;
  /** An eigenvalue with |λ| ≤ tol · max|λ| counts as zero (default 1e-10). */
  tol?: number;
  /** ‖∇f(at)‖ ≤ gradTol counts as a stationary point (default 1e-6). */
  gradTol?: number;
}

/** What `theory` returns: curvature, classification, prescribed parameters and predicted rates. */
export class Theory {
  /** Eigenvalues of the Hessian, ascending. */
  readonly eigenvalues: number[];
  /** Unit eigenvectors, `eigenvectors[k]` for `eigenvalues[k]`. */
  readonly eigenvectors: number[][];
  /** L = λ_max (the smoothness constant on the quadratic model). */
  readonly L: number;
  /**
   * μ = λ_min (the strong-convexity constant when positive), or exactly 0 when |λ_min| ≤ tol·max|λ|:
   * an eigenvalue that small is rounding noise of a zero (the Hessian [0, 1, 3] computes λ_min ≈
   * 1e−16, not a strong-convexity constant), so κ is Infinity and no rate follows.
   */
  readonly mu: number;
  /** The relative zero used: eigenvalues with |λ| ≤ `zeroTol` (= tol·max|λ|) count as zero. */
  readonly zeroTol: number;
  /** κ = L/μ when μ > 0, otherwise Infinity. */
  readonly kappa: number;
  readonly classification: Classification;
  /** 1/L and 2/(L+μ) (NaN where undefined: L ≤ 0, μ ≤ 0). */
  readonly stepSizes: { invL: number; optimal: number };
  /** Polyak's optimal heavy ball: lr α = 4/(√L+√μ)², momentum β = ((√κ−1)/(√κ+1))². */
  readonly heavyBall: { lr: number; momentum: number };
  /**
   * Nesterov's constant-momentum method for strongly convex f: lr 1/L, momentum (√κ−1)/(√κ+1),
   * and `nesterov: true`, so that `sgd(t.nesterov)` runs it (PyTorch's Nesterov form of SGD).
   */
  readonly nesterov: { lr: number; momentum: number; nesterov: true };
  /** Predicted rates (all NaN unless μ > 0). */
  readonly rates: { gd: LinearRate; gdOptimal: LinearRate; heavyBall: LinearRate; nesterov: LinearRate };

  constructor(
    /** The Hessian analysed (row-major rows). */
    readonly hessian: number[][],
    readonly hessianSource: HessianSource,
    /** The point, f and ‖∇f‖ there, when a problem was given. */
    readonly point: { at: number[]; names: readonly string[]; value: number; gradNorm: number; stationary: boolean } | undefined,
    tol: number,
  ) {
    const n = hessian.length;
    const { values, vectors } = eigSym(hessian);
    this.eigenvalues = Array.from(values);
    this.eigenvectors = this.eigenvalues.map((_, k) => Array.from({ length: n }, (_, i) => vectors[i * n + k]!));
    this.L = values[n - 1]!;
    this.zeroTol = tol * Math.max(...this.eigenvalues.map(Math.abs));
    this.mu = Math.abs(values[0]!) <= this.zeroTol ? 0 : values[0]!;
    this.kappa = this.mu > 0 ? this.L / this.mu : Infinity;
    this.classification = classify(this.eigenvalues, tol);
    const { L, mu, kappa } = this;
    const ok = mu > 0;
    const sk = Math.sqrt(kappa);
    const q = ok ? (sk - 1) / (sk + 1) : NaN;
    this.stepSizes = { invL: L > 0 ? 1 / L : NaN, optimal: ok ? 2 / (L + mu) : NaN };
    this.heavyBall = { lr: ok ? 4 / (Math.sqrt(L) + Math.sqrt(mu)) ** 2 : NaN, momentum: q * q };
    this.nesterov = { lr: this.stepSizes.invL, momentum: q, nesterov: true };
    const nan = (x: number) => (ok ? x : NaN);
    this.rates = {
      gd: rate("GD, lr = 1/L", { lr: this.stepSizes.invL }, nan(1 - mu / L), {
        factor: nan(1 - mu / L),
        of: "f − f*",
        reference: "Karimi, Nutini & Schmidt 2016, Thm 1 (PL inequality); also Nesterov 2004, Thm 2.1.15: ‖x_k − x*‖² ≤ ((κ−1)/(κ+1))^k ‖x_0 − x*‖²",
      }),
      gdOptimal: rate("GD, lr = 2/(L+μ)", { lr: this.stepSizes.optimal }, nan((kappa - 1) / (kappa + 1)), {
        factor: nan((kappa - 1) / (kappa + 1)),
        of: "‖x − x*‖",
        reference: "Nesterov 2004, Thm 2.1.15",
      }),
      heavyBall: rate("heavy ball (Polyak)", { lr: this.heavyBall.lr, momentum: this.heavyBall.momentum }, q, {
        factor: q,
        of: "‖x − x*‖, locally (no global guarantee: Lessard, Recht & Packard 2016)",
        reference: "Polyak 1964",
      }),
      nesterov: rate("Nesterov, constant momentum", { lr: this.nesterov.lr, momentum: q, nesterov: true }, nan(1 - 1 / sk), {
        factor: nan(1 - 1 / sk),
        of: "f − f* + (μ/2)‖x − x*‖² (at the start)",
        reference: "Nesterov 2004, §2.2.1 (constant step scheme III); Bubeck 2015, Thm 3.18",
      }),
    };
  }

  /** Plain text and an HTML table; with the chart code loaded, the eigenvalue spectrum too. */
  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    return renderWith("theory", this, this.tableBundle());
  }

  /** The display without the chart: text and an HTML table. */
  tableBundle(): MimeBundle {
    return { "text/plain": this.toString(), "text/html": theoryHtml(this) };
  }

  toString(): string {
    const lines = [headline(this), `eigenvalues: ${this.eigenvalues.map(fmt).join(", ")}`, `L = ${fmt(this.L)}, μ = ${fmt(this.mu)}, κ = ${fmt(this.kappa)}`];
    if (this.mu === 0 && this.eigenvalues[0] !== 0)
      lines.push(`μ = 0: λ_min = ${fmt(this.eigenvalues[0]!)} is within the relative zero tol·max|λ| = ${fmt(this.zeroTol)}, so it counts as 0`);
    if (!(this.mu > 0)) lines.push("μ ≤ 0: not strongly convex here, so no step size or linear rate follows from L and μ alone");
    else {
      lines.push(`step sizes: 1/L = ${fmt(this.stepSizes.invL)}, 2/(L+μ) = ${fmt(this.stepSizes.optimal)}`);
      for (const r of Object.values(this.rates))
        lines.push(`${r.method}: ${paramText(r.params)}; rate ‖x−x*‖ ${fmt(r.rate)}, f−f* ${fmt(r.valueRate)} per step (${fmt(r.stepsPerDigit)} steps/digit)`);
    }
    return lines.join("\n");
  }
}

function rate(method: string, params: LinearRate["params"], r: number, guarantee: LinearRate["guarantee"]): LinearRate {
  const valueRate = r * r;
  return { method, params, rate: r, valueRate, stepsPerDigit: -1 / Math.log10(valueRate), guarantee };
}

function classify(values: number[], tol: number): Classification {
  const scale = Math.max(...values.map(Math.abs));
  const zero = tol * scale;
  const pos = values.some((v) => v > zero);
  const neg = values.some((v) => v < -zero);
  if (pos && neg) return "saddle";
  if (scale === 0 || values.some((v) => Math.abs(v) <= zero)) return "degenerate";
  return pos ? "minimum" : "maximum";
}

const CLASS_TEXT: Record<Classification, string> = {
  minimum: "minimum (Hessian positive definite)",
  maximum: "maximum (Hessian negative definite)",
  saddle: "saddle (eigenvalues of both signs)",
  degenerate: "degenerate (a zero eigenvalue: the second-order test is inconclusive)",
};

function headline(t: Theory): string {
  const where = t.point ? `at (${t.point.at.map(fmt).join(", ")})` : "of the given Hessian";
  let s = `theory ${where}: ${CLASS_TEXT[t.classification]}`;
  if (t.point) {
    s += `, f = ${fmt(t.point.value)}, ‖∇f‖ = ${fmt(t.point.gradNorm)}`;
    if (!t.point.stationary) s += " (not a stationary point: the classification describes the local curvature only)";
  }
  if (t.hessianSource !== "exact" && t.hessianSource !== "given") s += `; Hessian from ${t.hessianSource}`;
  return s;
}

function paramText(p: LinearRate["params"]): string {
  return `lr ${fmt(p.lr)}` + (p.momentum !== undefined ? `, momentum ${fmt(p.momentum)}` : "") + (p.nesterov ? ", nesterov" : "");
}

function theoryHtml(t: Theory): string {
  const cell = (s: string) => `<td>${escapeHtml(s)}</td>`;
  const rows = [
    ["eigenvalues", t.eigenvalues.map(fmt).join(", ")],
    ["L = λ_max, μ = λ_min", `${fmt(t.L)}, ${fmt(t.mu)}`],
    ["κ = L/μ", fmt(t.kappa)],
    ["1/L, 2/(L+μ)", `${fmt(t.stepSizes.invL)}, ${fmt(t.stepSizes.optimal)}`],
  ].map(([k, v]) => `<tr><th style="text-align:left">${escapeHtml(k!)}</th>${cell(v!)}</tr>`);
  const methods = Object.values(t.rates).map(
    (r) => `<tr>${cell(r.method)}${cell(paramText(r.params))}${cell(fmt(r.rate))}${cell(fmt(r.valueRate))}${cell(fmt(r.stepsPerDigit))}${cell(`${fmt(r.guarantee.factor)} on ${r.guarantee.of} (${r.guarantee.reference})`)}</tr>`,
  );
  return [
    `<div><p>${escapeHtml(headline(t))}</p>`,
    `<table>${rows.join("")}</table>`,
    `<table><tr><th>method</th><th>parameters</th><th>rate ‖x−x*‖</th><th>rate f−f*</th><th>steps/digit</th><th>worst-case guarantee</th></tr>${methods.join("")}</table></div>`,
  ].join("");
}

/** `at` is checked by `readPoint` (its shape depends on the target). */
const theoryRules: OptionRules = {
  at: { type: "any", what: "the point" },
  tol: { type: "number", gt: 0, lt: 1, default: 1e-10, what: "eigenvalues with |λ| ≤ tol·max|λ| count as zero" },
  gradTol: { type: "number", gt: 0, default: 1e-6, what: "‖∇f‖ ≤ gradTol counts as stationary" },
};

/**
 * The curvature at a point and what theory predicts from it.
 *
 * `target` is a `Problem` (a symbolic objective, or anything with `n`, `valueAndGradInto` and
 * ideally `hessianInto`; without it the Hessian comes from `hvpInto`, else from central
 * differences of the gradient, and the result says so), an object `{ f, grad }` of plain
 * functions (Hessian by differences), or the Hessian itself as a `number[][]`.
 *
 * @param opts.at the point, required unless `target` is a matrix.
 * @param opts.tol relative zero for eigenvalues, in (0, 1), default 1e-10.
 * @param opts.gradTol stationarity tolerance on ‖∇f‖, default 1e-6.
 * @example
 * const t = theory([[1, 0], [0, 100]]);
 * t.kappa; // 100
 * t.heavyBall; // { lr: 4/121, momentum: 81/121 }
 */
export function theory(target: unknown, opts: TheoryOptions = {}): Theory {
  if (opts === null || typeof opts !== "object") throw new DslError("bad-options", `theory: expected an options object such as { at: [...] }, got ${describe(opts)}`, { path: "theory" });
  const o = readOptions("theory", opts, theoryRules) as { tol: number; gradTol: number };
  if (isMatrix(target)) {
    if (opts.at !== undefined)
      throw new DslError("bad-option", "theory: `at` is not used with a Hessian matrix (pass an objective to evaluate its Hessian at a point)", { path: "theory.at" });
    return new Theory(checkSymmetric(target), "given", undefined, o.tol);
  }
  const problem = asProblem(target, opts.at);
  const x = readPoint(opts.at, problem, target);
  const g = new Float64Array(problem.n);
  const value = problem.valueAndGradInto(x, g);
  const gradNorm = Math.hypot(...g);
  const { H, source } = hessianAt(problem, x);
  const rows = Array.from({ length: problem.n }, (_, i) => Array.from(H.subarray(i * problem.n, (i + 1) * problem.n)));
  if (rows.some((r) => r.some((v) => !Number.isFinite(v))))
    throw new DslError("non-finite", `theory: the Hessian at (${Array.from(x).map(fmt).join(", ")}) has a non-finite entry`, { path: "theory.at" });
  return new Theory(rows, source, { at: Array.from(x), names: problem.names, value, gradNorm, stationary: gradNorm <= o.gradTol }, o.tol);
}

export { MeasuredRate, measuredRate, type ErrorKind, type MeasuredRateOptions } from "./measured-rate.js";
