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

  /**
   * The largest stable learning rate of a first-order method at this Hessian: c/(L + wd) with the
   * constant c of `stabilityThreshold` (2 for GD, 2(1+β) for heavy ball, 2(1+β)/(1+2β) for
   * Nesterov); NaN when L ≤ 0 or the method has no closed-form edge (Adam's bounds the
   * preconditioned Hessian, not this one).
   *
   * @example
   * theory([[1, 0], [0, 100]]).maxStableLr(momentum({ momentum: 0.9 })); // 0.038
   */
  maxStableLr(optimizer: StabilitySubject): number {
    const s = stabilityThreshold(optimizer, { lr: 1 });
    if (!s || s.of !== "sharpness" || !(this.L > 0)) return NaN;
    const wd = s.constant - s.value; // value = constant/1 − wd
    return s.constant / (this.L + wd);
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

/** The first-order methods whose stability edge on a quadratic is known in closed form. */
export type StabilityMethod = "gd" | "heavy-ball" | "nesterov" | "adam";

/**
 * Where a method loses stability on a quadratic: with step η it converges along a direction of
 * curvature λ > 0 iff η·(λ + weight decay) < `constant`, so the largest stable curvature is
 * `value` = constant/η − weightDecay and the largest stable step for λ = L is constant/(L + wd).
 */
export interface StabilityThreshold {
  method: StabilityMethod;
  /** c in ηλ < c: 2 (GD), 2(1+β)/(1−τ) (heavy ball), 2(1+β)/(1+2β) (Nesterov), 2(1+β₁)/(1−β₁) (Adam). */
  constant: number;
  /** The threshold on λ, constant/η − weightDecay (NaN when no lr is known). */
  value: number;
  /** The step size η it was computed for. */
  lr: number;
  /** The formula in words and symbols, e.g. "2(1+β)/η". */
  formula: string;
  /** A legend label: the formula with its parameters, e.g. "2(1+β)/η, β = 0.9". */
  label: string;
  /** What λ is compared with: the Hessian's λ_max, or (Adam) the preconditioned λ_max(P⁻¹∇²f). */
  of: "sharpness" | "preconditioned sharpness";
  reference: string;
}

/** What `stabilityThreshold` reads: an `Optimizer` (`name`, `options`), a `Run` (`optimizer`, `hyperparameters`), or a plain record. */
export interface StabilitySubject {
  /** The optimizer's name ("gd", "sgd", "momentum", "nesterov", "adam", ...). */
  name?: string;
  /** A run's optimizer text, `sgd(lr=0.01, momentum=0.9, ...)`: its name is read from it. */
  optimizer?: string;
  /** The optimizer's options (an `Optimizer`'s). */
  options?: Readonly<Record<string, unknown>>;
  /** The optimizer's options (a `Run`'s). */
  hyperparameters?: Readonly<Record<string, unknown>>;
}

const SGD_FAMILY = new Set(["gd", "sgd", "momentum", "nesterov"]);
const ADAM_FAMILY = new Set(["adam", "adamw"]);

/** A hyperparameter's value at `step`: a number, or a schedule's value there. */
function hyperAt(v: unknown, step: number): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "function") {
    const y = (v as (t: number) => unknown)(step);
    return typeof y === "number" ? y : undefined;
  }
  return undefined;
}

/**
 * The stability edge of a first-order method on a quadratic f = ½λx² (per eigen-direction of the
 * Hessian), in closed form; undefined for methods without one (L-BFGS, Newton, RMSprop, ...).
 * Charts (`curvature.sharpness`, `plot.hessian` along runs) draw their threshold lines from
 * here, and `Theory.maxStableLr` uses the same constants, so there is one copy of each formula.
 *
 * - Gradient descent, x ← x − ηλx: stable iff ηλ < 2, so λ < 2/η.
 * - Heavy ball as PyTorch's SGD (b ← βb + (1−τ)g, x ← x − ηb): the iteration on (x_k, x_{k−1})
 *   has characteristic polynomial z² − (1 + β − η'λ)z + β with η' = η(1−τ); Jury's test gives
 *   stability iff 0 < η'λ < 2(1+β), so λ < 2(1+β)/(η(1−τ)) (β = 0.9: 3.8/η).
 * - Nesterov as PyTorch's SGD (x ← x − η(g + βb)): on (x, ηb) the matrix [[1 − a(1+β), −β²],
 *   [a, β]] with a = ηλ has trace 1 + β − a(1+β) and determinant β(1 − a); Jury's test
 *   1 + trace + det > 0 gives a < 2(1+β)/(1+2β), so λ < 2(1+β)/((1+2β)η) (β = 0.9: 1.357/η).
 * - Adam (and AdamW): with the preconditioner P = diag(√v̂ + ε) frozen, the update is EMA momentum
 *   on P⁻¹∇²f, stable iff λ_max(P⁻¹∇²f) < 2(1+β₁)/((1−β₁)η) (β₁ = 0.9: 38/η): a limit on the
 *   preconditioned sharpness, not on λ_max(∇²f) (Cohen et al., "Adaptive Gradient Methods at the
 *   Edge of Stability", arXiv:2207.14484, 2022).
 *
 * Coupled weight decay wd (g ← g + wd·x, as `sgd`'s) adds wd to every curvature, so the limit
 * on λ is constant/η − wd; AdamW's decoupled decay is not included.
 *
 * @param optimizer an `Optimizer`, a `Run`, or `{ name, hyperparameters }`.
 * @param at `lr` (default the optimizer's, a schedule read at `step`) and `step` (default 0).
 * @example
 * stabilityThreshold(momentum({ lr: 1e-3, momentum: 0.9 })).value; // 3800
 * stabilityThreshold(gd({ lr: 1e-3 })).value; // 2000
 */
export function stabilityThreshold(optimizer: StabilitySubject, at: { lr?: number; step?: number } = {}): StabilityThreshold | undefined {
  // checked at the edge (issue 16's fuzz: null or a number was a TypeError)
  if (optimizer === null || (typeof optimizer !== "object" && typeof optimizer !== "function")) throw new DslError("bad-argument", `stabilityThreshold: expected an optimizer such as gd({ lr: 0.1 }) or a run, got ${describe(optimizer)}`, { path: "stabilityThreshold.optimizer" });
  if (at === null || typeof at !== "object") throw new DslError("bad-argument", `stabilityThreshold: expected options { lr?, step? }, got ${describe(at)}`, { path: "stabilityThreshold.at" });
  const h = optimizer.hyperparameters ?? optimizer.options ?? {};
  const step = at.step ?? 0;
  let name = optimizer.name;
  if (name === undefined && typeof optimizer.optimizer === "string") name = /^([A-Za-z_$][\w$]*)/.exec(optimizer.optimizer)?.[1];
  // Without a name: an SGD-shaped record ({ lr, momentum?, nesterov? }) is read as sgd, Adam's option set as adam.
  if (name === undefined || (!SGD_FAMILY.has(name) && !ADAM_FAMILY.has(name))) {
    const keys = Object.keys(h);
    const within = (allowed: string[]) => keys.every((k) => allowed.includes(k));
    if (name === undefined && within(["lr", "momentum", "dampening", "nesterov", "weightDecay"])) name = "sgd";
    else if (name === undefined && "amsgrad" in h && within(["lr", "betas", "eps", "weightDecay", "amsgrad"])) name = "adam";
    else return undefined;
  }
  const lr = at.lr ?? hyperAt(h.lr, step) ?? NaN;
  const wd = hyperAt(h.weightDecay, step) ?? 0;
  const f = (v: number) => fmt(v);
  let method: StabilityMethod, constant: number, formula: string, label: string, reference: string;
  let of: StabilityThreshold["of"] = "sharpness";
  if (ADAM_FAMILY.has(name)) {
    const b1 = Array.isArray(h.betas) ? (hyperAt(h.betas[0], step) ?? 0.9) : 0.9;
    method = "adam";
    constant = (2 + 2 * b1) / (1 - b1);
    formula = "2(1+β₁)/((1−β₁)η)";
    label = `${formula}, β₁ = ${f(b1)}`;
    of = "preconditioned sharpness";
    reference = "Cohen et al. 2022, arXiv:2207.14484 (adaptive edge of stability)";
  } else {
    const beta = hyperAt(h.momentum, step) ?? 0;
    const damp = hyperAt(h.dampening, step) ?? 0;
    if (!(beta > 0)) {
      method = "gd"; constant = 2; formula = "2/η"; label = "2/η";
      reference = "GD on a quadratic: |1 − ηλ| < 1";
    } else if (h.nesterov === true) {
      method = "nesterov"; constant = (2 * (1 + beta)) / (1 + 2 * beta); formula = "2(1+β)/((1+2β)η)"; label = `${formula}, β = ${f(beta)}`;
      reference = "Jury's test on PyTorch's Nesterov SGD for a quadratic";
    } else {
      method = "heavy-ball"; constant = (2 * (1 + beta)) / (1 - damp);
      formula = damp > 0 ? "2(1+β)/((1−τ)η)" : "2(1+β)/η";
      label = `${formula}, β = ${f(beta)}${damp > 0 ? `, τ = ${f(damp)}` : ""}`;
      reference = "Polyak 1964; Jury's test on the heavy-ball iteration for a quadratic";
    }
  }
  const wdOf = method === "adam" ? 0 : wd;
  if (wdOf > 0) label += `, − wd ${f(wdOf)}`;
  const value = lr > 0 ? constant / lr - wdOf : NaN;
  return { method, constant, value, lr, formula, label, of, reference };
}

export { MeasuredRate, measuredRate, type ErrorKind, type MeasuredRateOptions } from "./measured-rate.js";
