/**
 * `gradcheck(target, { at, ... })`: is this gradient right? Compares an objective's analytic
 * gradient — or a custom model's hand-written one — with finite differences in float64, and
 * reports per coordinate, with a verdict: "pass", "fail" (naming the coordinates at fault) or
 * "kink" (f has no derivative at the point; not a bug).
 *
 * This module checks the user's input and adapts the target; the numerics live in
 * src/numeric (checkGradient, checkHessian) and the report in src/numeric/gradcheck-report.ts.
 */
import { createRequire } from "node:module";
import { DslError, describe } from "../src/errors/index.js";
import {
  GradcheckReport,
  STEP,
  UserModelProblem,
  checkGradient,
  checkHessian,
  checkJacobian,
  isJacobianModel,
  isUserModel,
  userJacobian,
  commonFactorHint,
  permutationHint,
  type FdMethod,
  type GradRow,
  type AnalyticDerivative,
  type JacobianCheckResult,
  type JacobianRow,
  type VectorFunction,
  type UserJacobianModel,
  type UserModel,
} from "../src/numeric/index.js";
import { isTreePoint, suggest } from "../src/optim/index.js";
import { mulberry32, randomSignsInto } from "../src/numeric/prng.js";
import type { Problem } from "../src/problem/index.js";
import { layoutOf, type Layout, type Tree } from "../src/tree/index.js";

export { GradcheckReport } from "../src/numeric/index.js";
export type { GradRow, JacobianRow, UserJacobianModel, HessianCheckResult, HessianRow, UserModel, VCurve, VCurveOptions, VSeries, Verdict } from "../src/numeric/index.js";

/**
 * What `gradcheck` accepts: an objective (anything implementing `Problem`: `objective(...)`, an
 * `nn.loss`), user code `{ f, grad, hess?, hvp? }`, or user code with a vector output
 * `{ f, jacobian }`, `{ f, vjp }`, `{ f, jvp }`.
 */
export type GradcheckTarget<P = number[]> = Problem | UserModel<P> | UserJacobianModel<P>;

/**
 * A function built from TensorFlow.js ops: `f(p)` returns a `tf.Scalar` (p: a tensor for an array
 * point, a tree of tensors for a tree point); `grad(p)`, if given, returns tensors shaped like p
 * (otherwise `tf.grads` of f). Typed without tfjs's own types, which the public API leaves out.
 */
export interface TfjsTarget<P = any> {
  f: (p: P) => { dataSync(): ArrayLike<number>; readonly shape: number[] };
  grad?: (p: P) => unknown;
}

/**
 * A TensorFlow.js `tf.LayersModel` checked directly: its trainable weights are the parameter tree
 * (nested by weight name: `dense_Dense1.kernel`), the gradient is `tf.variableGrads` of the loss.
 * The loss is `f()` (your function of the model: it reads the weights gradcheck sets), or the mean
 * `loss` over data `x`, `y`: a function `(yTrue, yPred) => tf.Scalar`, a name
 * ("meanSquaredError", "meanAbsoluteError", "binaryCrossentropy", "categoricalCrossentropy"),
 * default the model's compiled loss. `at` defaults to the model's current weights, which are
 * restored afterwards. Checked as float32.
 */
export interface TfjsModelTarget {
  /** A `tf.LayersModel` (`tf.sequential`, `tf.model`). */
  model: { trainableWeights: readonly unknown[]; predict(x: unknown): unknown };
  /** The loss as your function of the model's current weights (instead of x, y, loss). */
  f?: () => unknown;
  /** Inputs and targets for `loss`. */
  x?: unknown;
  y?: unknown;
  /** `(yTrue, yPred) => tf.Scalar` or a loss name; default the model's compiled loss. */
  loss?: string | ((yTrue: any, yPred: any) => unknown);
}

/** One leaf (tensor) of a tree point in a gradient check: whether its entries pass. */
export interface LeafCheck {
  /** The leaf's path: `W1`, `layers[0].b`. */
  path: string;
  /** Its number of entries. */
  size: number;
  /** All its checked entries agree. */
  ok: boolean;
  /** How many of its entries fail. */
  failing: number;
  /** The largest relative error among its entries (kinks aside). */
  maxRelError: number;
  /** A guess at the leaf's bug: a factor common to its failing entries, a transpose, a permutation. */
  hint?: string;
}

/** How a Jacobian check (`{ f, jacobian | vjp | jvp }`) was done. */
export interface JacobianInfo {
  /** How the derivative was given. */
  kind: "jacobian" | "vjp" | "jvp";
  /** "full": every entry of the Jacobian compared; "directions": random vjp/jvp products. */
  coverage: "full" | "directions";
  /** Calls of jacobian/vjp/jvp. */
  products: number;
  /** The outputs' names (`y[0]`, or paths of a tree output). */
  outputs: string[];
  /** The inputs' names. */
  inputs: string[];
}

/**
 * A gradient-check report; for a tree point `at`, with `params`: one entry per leaf; for a
 * Jacobian check, rows are entries named `(output, input)` (also `row.output`, `row.input`) and
 * `jacobian` says how it was done.
 */
export type TreeGradcheckReport = GradcheckReport & { params?: LeafCheck[]; jacobian?: JacobianInfo; order2?: SecondOrderInfo };

/**
 * `order: 2` for a vector f (`{ f, vjp | jacobian | jvp, vhp }`): the derivative of the gradient
 * of wᵀf (w: random ±1 output weights) — vhp(p, w, u) — against central differences of that
 * gradient. Its verdict is folded into the report's `ok`, `verdict` and `message`.
 */
export interface SecondOrderInfo {
  ok: boolean;
  verdict: "pass" | "fail" | "kink";
  coverage: "full" | "directions";
  /** Calls of vhp. */
  products: number;
  /** The output weights w. */
  weights: number[];
  /** Entries `(∂/∂x_i, x_j)` of ∇²(wᵀf) (or of random products u). */
  rows: JacobianRow[];
  failures: number[];
  maxRelError: number;
  message: string;
}

/** A point given as TensorFlow.js tensors: a tensor, or a tree with tensor leaves (their values are used). */
export type TensorPoint = { dataSync(): ArrayLike<number>; readonly shape: number[] } | readonly (TensorPoint | Tree)[] | { readonly [key: string]: TensorPoint | Tree };

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /**
   * The point: numbers in parameter order, or a record by variable name (for an objective with
   * indexed variables also `{ x: [..] }` for x[1], x[2], …, nested arrays for W[i,j]); for user
   * code `{ f, grad }`, any parameter tree (`{ W: [[..]], b: [..] }`): f and grad get trees, rows
   * are named by path (`W[0,1]`); tf.Tensor leaves (or one tensor) give their values. Required,
   * except for a `{ model }` target (default: the model's current weights).
   */
  at: ArrayLike<number> | Readonly<Record<string, number | ArrayLike<number>>> | Tree | TensorPoint;
  /** `"central"` (default), `"richardson"`, `"complex"` (symbolic objectives) or `"forward"`. */
  method?: FdMethod;
  /** Relative tolerance; default per method, see `DEFAULT_RTOL`. */
  rtol?: number;
  /** Absolute tolerance, or `"auto"` (default): rtol relative to the largest gradient entry, and
   *  never below the numeric derivative's own estimated error. */
  atol?: number | "auto";
  /** Step coefficient: coordinate i moves by h·max(|x_i|, 1). Default per method (`STEP`). */
  h?: number;
  /** Fast mode for large n: compare k random directional derivatives with gᵀv instead of every
   *  coordinate (`true` = 4 directions). */
  fast?: boolean | number;
  /** Seed of the fast-mode directions (default 1). */
  seed?: number;
  /** Also check the Hessian against central differences of the gradient (`true`, or its own
   *  `{ rtol, atol, h }`; default rtol 1e-6). */
  hessian?: boolean | { rtol?: number; atol?: number | "auto"; h?: number };
  /** Re-measure failing coordinates at h/4 and extrapolate away truncation (default true). */
  refine?: boolean;
  /** Parameter names (default: the objective's, else `x[0]`, `x[1]`, …). */
  names?: string[];
  /**
   * 2: also check the derivative of the gradient (as torch's `gradgradcheck`): the analytic
   * Hessian or Hessian-vector products (an objective's, an `nn.loss`'s, user code's `hess`/`hvp`)
   * against central differences of the gradient. Default 1.
   */
  order?: 1 | 2;
  /**
   * The precision `f` computes in: 64 (float64) or 32 (float32: `Math.fround`, `Float32Array`,
   * TensorFlow.js). Detected when not given: a gradient returned as a `Float32Array`, or f's
   * values exactly float32 at the point and at a point off float32's grid. With 32, the default
   * rtol is `DEFAULT_RTOL_32`, the step is float32's optimum (ε₃₂^(1/3) for central differences),
   * and rounding and kink tests use float32's ε or f's measured noise floor, whichever is larger.
   */
  precision?: 32 | 64;
}

/**
 * Default relative tolerances for float32 f: the numeric derivative of a float32 function is good
 * to ~ε₃₂^(2/3) ≈ 2.4e-5 (central) at best, its analytic gradient to ~√n·ε₃₂; torch suggests
 * rtol 1e-3 for float32.
 */
export const DEFAULT_RTOL_32: Readonly<Record<FdMethod, number>> = { forward: 1e-2, central: 1e-3, richardson: 1e-4, complex: 1e-3 };

/** Step coefficients for float32 f: the float64 rules with ε₃₂ = 2⁻²³. */
export const STEP_32: Readonly<Record<FdMethod, number>> = { forward: Math.sqrt(2 ** -23), central: Math.cbrt(2 ** -23), richardson: 1e-1, complex: 1e-20 };

/**
 * Default relative tolerances (float64), from the accuracy of each method with the default step:
 * forward ≈ √ε·|f''x/f'| (1e-8–1e-6 measured), central ≈ ε^(2/3) (1e-11–1e-9 typical, 2.4e-7 worst
 * measured), Richardson ≈ 1e-13–1e-11, complex step ≈ ε (≤ 3e-14 measured). Each default leaves a
 * margin over the worst error measured on the test corpus at random points, and is far below the
 * 1e-4 relative bugs it must catch. (torch.autograd.gradcheck's rtol=1e-3 is meant for float32.)
 */
export const DEFAULT_RTOL: Readonly<Record<FdMethod, number>> = { forward: 1e-5, central: 1e-6, richardson: 1e-9, complex: 1e-12 };

/** Default tolerance of the Hessian check (central differences of the gradient). */
export const DEFAULT_HESSIAN_RTOL = 1e-6;

/** Default tolerance of the Hessian check for a float32 gradient (as the float32 gradient check's, central). */
export const DEFAULT_HESSIAN_RTOL_32 = 1e-3;

const OPTIONS = ["at", "method", "rtol", "atol", "h", "fast", "seed", "hessian", "refine", "names", "order", "precision"] as const;
const METHODS: readonly FdMethod[] = ["central", "richardson", "complex", "forward"];
const FAST_DIRECTIONS = 4;

/** torch.autograd.gradcheck's option names, which users bring along, and what they are here. */
const TORCH_NAMES: Record<string, string> = {
  eps: "torch's eps is the finite-difference step: here it is h, a step coefficient (coordinate i moves by h·max(|x_i|, 1))",
  fast_mode: "torch's fast_mode is fast here",
  fastMode: "torch's fast_mode is fast here",
  raise_exception: "gradcheck never throws for a wrong gradient: read report.ok or report.verdict",
  raiseException: "gradcheck never throws for a wrong gradient: read report.ok or report.verdict",
  check_grad_dtypes: "everything is float64 here",
  check_grad_grad: "torch's gradgradcheck is order: 2 here",
};

/**
 * Checks a gradient against finite differences and returns a report (`ok`, `verdict`, `rows`,
 * `maxRelError`, `message`, …) that displays as a table. Never throws for a wrong gradient;
 * throws a `DslError` for bad input (no `at`, wrong length, unknown option, f not finite at the
 * point, a malformed value from user code).
 *
 * Test per coordinate (a analytic, d numeric): ok ⇔ |a − d| ≤ max(rtol·max(|a|, |d|), atol).
 *
 * @param target an objective, `{ f, grad }` user code (p: number[] → number / number[]), a vector
 *   function `{ f, jacobian | vjp | jvp, vhp? }`, a TensorFlow.js `{ f }`, or `{ model, x, y, loss? }`.
 * @param opts `at` (required), `method`, `rtol`, `atol`, `h`, `fast`, `seed`, `hessian`, `refine`, `names`.
 * @example
 * const r = gradcheck({ f: ([x, y]) => x * x * y, grad: ([x, y]) => [2 * x * y, x * x] }, { at: [1, 2] });
 * r.verdict; // "pass"
 */
export function gradcheck<P = number[]>(target: GradcheckTarget<P>, opts: GradcheckOptions): TreeGradcheckReport;
export function gradcheck<P>(target: TfjsTarget<P>, opts: GradcheckOptions): TreeGradcheckReport;
export function gradcheck(target: TfjsModelTarget, opts?: Partial<GradcheckOptions>): TreeGradcheckReport;
export function gradcheck<P = number[]>(target: GradcheckTarget<P> | TfjsTarget<P> | TfjsModelTarget, options?: GradcheckOptions | Partial<GradcheckOptions>): TreeGradcheckReport {
  const t0 = performance.now();
  if (isTfjsModelTarget(target)) return modelCheck(target, options ?? {});
  checkOptionNames(options);
  // tf.Tensor leaves in the point (or a tensor point): their values, as nested arrays.
  const opts: GradcheckOptions = hasTensor(options.at) ? { ...options, at: untensor(options.at) as GradcheckOptions["at"] } : options;
  if (isJacobianModel(target)) return jacobianCheck(target, opts, t0);
  const order = orderOption(opts.order);
  const problem = toProblem(target, opts);
  const names = resolveNames(problem, opts.names);
  const at = resolvePoint(opts.at, problem, names);
  const method = oneOf("method", opts.method ?? "central", METHODS);
  if (method === "complex" && !problem.valueComplex)
    throw new DslError("unsupported", `gradcheck: method "complex" needs an objective with a complex evaluation path (symbolic objectives have one); for ${isUserModel(target) ? "user code { f, grad }" : "this target"} use "central" or "richardson"`, { path: "method" });
  if (problem instanceof UserModelProblem) problem.preflight(at);
  const precision = opts.precision === undefined ? detectPrecision(problem, at) : precisionOption(opts.precision);
  const rtol = positive("rtol", opts.rtol ?? (precision === 32 ? DEFAULT_RTOL_32 : DEFAULT_RTOL)[method]);
  const atol = atolOption("atol", opts.atol);
  const h = positive("h", opts.h ?? (precision === 32 ? STEP_32 : STEP)[method]);
  const directions = fastOption(opts.fast);
  const seed = opts.seed === undefined ? 1 : integer("seed", opts.seed);
  const refine = bool("refine", opts.refine ?? true);
  const result = checkGradient(problem, at, { method, rtol, atol, h, directions, seed, refine, names, precision });
  // A second derivative the user wrote (hvp) is checked whenever it is given (unless hessian: false);
  // order: 2 checks whatever second derivative the target has.
  const userHvp = problem instanceof UserModelProblem && problem.hvpInto !== undefined && opts.hessian !== false;
  if (order === 2 && !problem.hessianInto && !problem.hvpInto)
    throw new DslError(
      "unsupported",
      `gradcheck: order: 2 checks the derivative of the gradient, which needs an analytic second derivative: an objective's, an nn.loss's, or user code's hess(p) or hvp(p, v); ${
        (problem as { tfjs?: boolean }).tfjs ? "a TensorFlow.js function has none here (tfjs's gradients of tf.grads are wrong for tanh and missing for sin in tfjs 4.22)" : isUserModel(target) ? "this user code has neither" : "this target has none"
      }`,
      { path: "order" },
    );
  const hess = hessianOption(opts.hessian, precision) ?? (order === 2 || userHvp ? hessianOption(true, precision) : null);
  // Along a kink of f the gradient jumps and its finite differences mean nothing: not judged.
  const skip = result.directions === 0 ? result.kinks.map((k) => result.rows[k]!.index) : [];
  const hessian = hess ? checkHessian(problem, at, { ...hess, refine, names, skip, precision }) : undefined;
  const layout = layoutOfProblem(problem);
  const params = layout && directions === 0 ? leafChecks(layout, result.rows) : undefined;
  if (params) result.message = withLeafSummary(result.message, params);
  const report: TreeGradcheckReport = new GradcheckReport(result, problem, at, names, hessian, performance.now() - t0);
  if (params) report.params = params;
  return report;
}

/** `{ f, jacobian | vjp | jvp }`: the Jacobian check (see src/numeric/check-jacobian.ts for the policy). */
function jacobianCheck(target: UserJacobianModel, opts: GradcheckOptions, t0: number): TreeGradcheckReport {
  const method = oneOf("method", opts.method ?? "central", METHODS);
  if (method !== "central") throw new DslError("unsupported", `gradcheck: a Jacobian check ({ f, jacobian | vjp | jvp }) uses central differences; method "${method}" is for scalar f`, { path: "method" });
  if (opts.hessian !== undefined && opts.hessian !== false) throw new DslError("unsupported", "gradcheck: hessian applies to a scalar f with a gradient ({ f, grad, hess | hvp }), not to a Jacobian check", { path: "hessian" });
  const order = orderOption(opts.order);
  if (order === 2 && typeof target.vhp !== "function")
    throw new DslError("unsupported", "gradcheck: order: 2 for a vector f checks the derivative of its vjp, which needs it analytically: add vhp: (p, v, u) => tree, the derivative of vjp(p, v) along u (Σᵢ vᵢ∇²fᵢ(p)·u)", { path: "order" });
  const rtol = positive("rtol", opts.rtol ?? DEFAULT_RTOL.central);
  const atol = atolOption("atol", opts.atol);
  const h = positive("h", opts.h ?? STEP.central);
  const directions = fastOption(opts.fast);
  const seed = opts.seed === undefined ? 1 : integer("seed", opts.seed);
  const refine = bool("refine", opts.refine ?? true);
  const tree = isTreePoint(opts.at);
  const layout = tree ? treeLayout(opts.at) : undefined;
  let x: Float64Array;
  if (layout) {
    x = new Float64Array(layout.size);
    layout.flattenInto(opts.at as Tree, x, "gradcheck: at");
  } else {
    const at = opts.at as ArrayLike<number>;
    if (!isArrayLike(at) || at.length === 0) throw new DslError("bad-point", `gradcheck: at must be a non-empty array of numbers or a parameter tree, got ${describe(opts.at)}`, { path: "at" });
    x = Float64Array.from({ length: at.length }, (_, i) => finite(`at[${i}]`, at[i]));
  }
  const defaultNames = layout ? layout.paths : Array.from({ length: x.length }, (_, i) => `x[${i}]`);
  if (opts.names !== undefined && (!Array.isArray(opts.names) || opts.names.length !== x.length || opts.names.some((s) => typeof s !== "string")))
    throw new DslError("bad-option", `gradcheck: names must be ${x.length} strings (one per parameter), got ${describe(opts.names)}`, { path: "names" });
  const names = opts.names ?? defaultNames;
  for (let i = 0; i < x.length; i++) finite(`at: ${names[i]}`, x[i]);
  const { F, D, vhpInto } = userJacobian(target, x, names, layout, "gradcheck");
  const res = checkJacobian(F, D, x, { rtol, atol, h, refine, directions, seed, label: D.kind });
  const second = order === 2 ? secondOrderCheck(F, D, vhpInto!, x, { rtol, atol, h, refine, directions, seed }) : undefined;
  const combined = second ? { ...res, ok: res.ok && second.ok, verdict: second.ok ? res.verdict : ("fail" as const), message: `${res.message}. order 2: ${second.message}` } : res;
  const report: TreeGradcheckReport = new GradcheckReport(combined, outputProblem(res, F, x), x, names, undefined, performance.now() - t0);
  report.jacobian = { kind: res.kind, coverage: res.coverage, products: res.products, outputs: F.outNames.slice(), inputs: names.slice() };
  if (second) report.order2 = { ok: second.ok, verdict: second.verdict, coverage: second.coverage, products: second.products, weights: Array.from(second.weights), rows: second.rows, failures: second.failures, maxRelError: second.maxRelError, message: second.message };
  if (layout) report.params = leafChecks(layout, res.rows.filter((r) => r.inputIndex >= 0), (r) => (r as JacobianRow).inputIndex);
  return report;
}

/**
 * `order: 2` for a vector f (torch's gradgradcheck): for a random ±1 output weight w, the gradient
 * of wᵀf — the user's vjp(p, w), or wᵀ·jacobian(p), or n jvps — is itself a function of p; its
 * derivative along u is vhp(p, w, u), checked against central differences of that gradient
 * (2n gradient evaluations; every entry for n ≤ 64, random directions u beyond).
 */
function secondOrderCheck(
  F: VectorFunction,
  D: AnalyticDerivative,
  vhpInto: (x: Float64Array, v: Float64Array, u: Float64Array, out: Float64Array) => void,
  x: Float64Array,
  s: { rtol: number; atol: number | "auto"; h: number; refine: boolean; directions: number; seed: number },
): JacobianCheckResult & { weights: Float64Array } {
  const { n, m } = F;
  const w = randomSignsInto(new Float64Array(m), mulberry32(s.seed + 7919));
  const J = D.kind === "jacobian" ? new Float64Array(m * n) : null;
  const t = new Float64Array(n);
  const col = new Float64Array(m);
  const G: VectorFunction = {
    n,
    m: n,
    inNames: F.inNames,
    outNames: F.inNames.map((nm) => `∂/∂${nm}`),
    valueInto: (p, out) => {
      if (D.kind === "vjp") return D.vjpInto(p, w, out);
      if (D.kind === "jacobian") {
        D.jacobianInto(p, J!);
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let i = 0; i < m; i++) acc += w[i]! * J![i * n + j]!;
          out[j] = acc;
        }
        return;
      }
      for (let j = 0; j < n; j++) {
        t.fill(0);
        t[j] = 1;
        D.jvpInto(p, t, col);
        let acc = 0;
        for (let i = 0; i < m; i++) acc += w[i]! * col[i]!;
        out[j] = acc;
      }
    },
  };
  const res = checkJacobian(G, { kind: "jvp", jvpInto: (p, u, out) => vhpInto(p, w, u, out) }, x, { ...s, label: "vhp" });
  return Object.assign(res, { weights: w });
}

/** One output of a vector f as a scalar problem (the first failing one): what the V curve of a failing Jacobian check shows. */
function outputProblem(res: JacobianCheckResult, F: { n: number; m: number; inNames: readonly string[]; outNames: readonly string[]; valueInto(x: Float64Array, out: Float64Array): void }, x: Float64Array): Problem {
  const bad = res.failures[0] !== undefined ? res.rows[res.failures[0]]!.output : F.outNames[0];
  const o = Math.max(0, F.outNames.indexOf(bad!));
  const buf = new Float64Array(F.m);
  const valueAt = (p: Float64Array) => {
    F.valueInto(p, buf);
    return buf[o]!;
  };
  return {
    n: F.n,
    names: F.inNames,
    valueAt,
    valueAndGradInto: (p: Float64Array, g: Float64Array) => {
      g.set(res.analyticRow(o, p));
      return valueAt(p);
    },
  } as unknown as Problem;
}

function precisionOption(v: unknown): 32 | 64 {
  if (v === 32 || v === 64) return v;
  throw new DslError("bad-option", `gradcheck: precision must be 32 or 64 (the float width f computes in), got ${describe(v)}`, { path: "precision" });
}

/**
 * float32 when user code returns its gradient as a Float32Array, or when f is exactly a float32
 * at the point and at a point off float32's grid (a float64 f lands on float32's grid by chance
 * with probability ~2⁻²⁹; integer values, which every format holds, prove nothing). Costs one
 * evaluation, only where f's value at the point is a non-integer float32.
 */
function detectPrecision(p: Problem, x: Float64Array): 32 | 64 {
  if ((p as { precision?: number }).precision === 32) return 32;
  if (p instanceof UserModelProblem && p.gradIsFloat32) return 32;
  const f0 = p.valueAt(Float64Array.from(x));
  const on32 = (v: number) => Number.isFinite(v) && Math.fround(v) === v && !Number.isInteger(v);
  if (!on32(f0)) return 64;
  // Off float32's grid: x_i + ε₆₄-scale offsets that float32 cannot hold.
  const off = Float64Array.from(x, (v) => v + Math.max(Math.abs(v), 1) * 3.3e-12);
  return on32(p.valueAt(off)) ? 32 : 64;
}

function orderOption(v: unknown): 1 | 2 {
  if (v === undefined || v === 1) return 1;
  if (v === 2) return 2;
  throw new DslError("bad-option", `gradcheck: order must be 1 or 2, got ${describe(v)}`, { path: "order" });
}

function checkOptionNames(opts: unknown): asserts opts is GradcheckOptions {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts))
    throw new DslError("missing-option", `gradcheck: expected options { at: [...] } as the second argument, got ${describe(opts)}`, { path: "at" });
  for (const key of Object.keys(opts)) {
    if ((OPTIONS as readonly string[]).includes(key)) continue;
    const torch = TORCH_NAMES[key];
    const near = torch ? undefined : suggest(key, OPTIONS);
    const hint = torch ? ` (${torch})` : near ? ` (did you mean '${near}'?)` : "";
    throw new DslError("bad-option", `gradcheck: unknown option '${key}'${hint}; options are ${OPTIONS.join(", ")}`, { path: key });
  }
  if ((opts as GradcheckOptions).at === undefined)
    throw new DslError("missing-option", "gradcheck: the option `at` (the point to check at) is required, e.g. gradcheck(target, { at: [1, 2] })", { path: "at" });
}

function isProblem(t: unknown): t is Problem {
  const p = t as Problem;
  return typeof p === "object" && p !== null && typeof p.valueAt === "function" && typeof p.valueAndGradInto === "function" && Number.isInteger(p.n);
}

/** The tree layout of a problem over a parameter tree (user code with a tree `at`, a network's loss). */
function layoutOfProblem(p: Problem): Layout | undefined {
  const l = (p as { layout?: Layout }).layout;
  return l && Array.isArray(l.leaves) && l.size === p.n ? l : undefined;
}

/** Per leaf: size, failing entries, the largest relative error of its rows, and a hint (a factor common to the leaf, a transpose). */
function leafChecks(layout: Layout, rows: readonly GradRow[], indexOf: (r: GradRow) => number = (r) => r.index): LeafCheck[] {
  return layout.leaves.map((l) => {
    const mine = rows.filter((r) => indexOf(r) >= l.offset && indexOf(r) < l.offset + l.size);
    const bad = mine.flatMap((r, k) => (r.ok ? [] : [k]));
    const failing = bad.length;
    const leaf: LeafCheck = { path: l.path, size: l.size, ok: failing === 0, failing, maxRelError: mine.reduce((m, r) => Math.max(m, r.kink ? 0 : r.relError), 0) };
    const hint = failing > 0 ? (commonFactorHint(mine, bad) ?? permutationHint(mine, bad) ?? (failing === mine.length && mine.length > 1 ? "every entry fails" : undefined)) : undefined;
    if (hint) leaf.hint = hint;
    return leaf;
  });
}

/** "the failures are all in W (b, c agree)" when one leaf of several holds every failure. */
function withLeafSummary(message: string, params: readonly LeafCheck[]): string {
  const bad = params.filter((l) => !l.ok);
  if (params.length < 2 || bad.length !== 1) return message;
  const good = params.filter((l) => l.ok).map((l) => l.path || "(root)");
  const b = bad[0]!;
  return `${message}. All ${b.failing} failing entr${b.failing === 1 ? "y is" : "ies are"} in ${b.path || "(root)"} (${good.join(", ")} agree${good.length === 1 ? "s" : ""})${b.hint ? `: ${b.hint}` : ""}`;
}

function treeLayout(at: unknown): Layout {
  try {
    return layoutOf(at as Tree, "gradcheck: at");
  } catch (e) {
    if (e instanceof DslError) throw new DslError("bad-point", e.message, { path: e.path ? `at${e.path.startsWith("[") ? "" : "."}${e.path}` : "at" });
    throw e;
  }
}

function toProblem(target: GradcheckTarget<any>, opts: GradcheckOptions): Problem {
  if (isProblem(target)) return target;
  const tfjs = tfjsProblem(target, opts);
  if (tfjs) return tfjs;
  if (isUserModel(target)) {
    if (!target.names && isTreePoint(opts.at)) {
      const layout = treeLayout(opts.at);
      return new UserModelProblem(target, layout.size, { who: "gradcheck", layout, ...(opts.names ? { names: opts.names } : {}), point: "at" });
    }
    const n = pointLength(opts.at as GradcheckOptions["at"] & ArrayLike<number>, target.names ?? opts.names);
    return new UserModelProblem(target, n, { who: "gradcheck", names: target.names ?? opts.names, point: "at" });
  }
  throw new DslError("bad-target", `gradcheck: expected an objective or user code { f: (p) => number, grad: (p) => number[] }, got ${describe(target)} (a vector f takes { f, jacobian | vjp | jvp })`, { path: "target" });
}

function pointLength(at: GradcheckOptions["at"], names: string[] | undefined): number {
  if (isArrayLike(at)) {
    if (at.length === 0) throw new DslError("bad-point", "gradcheck: at must have at least one value", { path: "at" });
    return at.length;
  }
  if (names) return names.length;
  throw new DslError("bad-point", `gradcheck: at must be an array of numbers for user code without names, got ${describe(at)}`, { path: "at" });
}

function resolveNames(p: Problem, given: string[] | undefined): readonly string[] {
  if (given === undefined) return p.names && p.names.length === p.n ? p.names : Array.from({ length: p.n }, (_, i) => `x[${i}]`);
  if (!Array.isArray(given) || given.length !== p.n || given.some((s) => typeof s !== "string"))
    throw new DslError("bad-option", `gradcheck: names must be ${p.n} strings (one per parameter), got ${describe(given)}`, { path: "names" });
  return given;
}

function resolvePoint(at: GradcheckOptions["at"], p: Problem, names: readonly string[]): Float64Array {
  if (isArrayLike(at) && !isTreePoint(at)) {
    if (at.length !== p.n) throw new DslError("bad-point", `gradcheck: at has ${at.length} value${at.length === 1 ? "" : "s"}, but the objective has ${p.n} variable${p.n === 1 ? "" : "s"} (${names.join(", ")})`, { path: "at" });
    const x = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) x[i] = finite(`at[${i}]`, at[i]);
    return x;
  }
  if (typeof at !== "object" || at === null) throw new DslError("bad-point", `gradcheck: at must be an array of numbers or a record by name, got ${describe(at)}`, { path: "at" });
  const layout = (p as { layout?: Layout }).layout;
  if (layout && typeof (p as { point?: unknown }).point !== "function" && typeof layout.flattenInto === "function") {
    const x = new Float64Array(p.n);
    try {
      layout.flattenInto(at as Tree, x, "gradcheck: at");
    } catch (e) {
      if (e instanceof DslError) throw new DslError("bad-point", e.message, { path: e.path ? `at${e.path.startsWith("[") ? "" : "."}${e.path}` : "at" });
      throw e;
    }
    for (let i = 0; i < p.n; i++) finite(`at.${names[i]}`, x[i]);
    return x;
  }
  // An objective knows its own record forms (e.g. { w: [..] } for w[1], w[2], …): let it convert.
  const own = (p as { point?: unknown }).point;
  if (typeof own === "function") return Float64Array.from((own as (x: unknown, what: string) => ArrayLike<number>).call(p, at, "gradcheck's point `at`"));
  const rec = at as Record<string, unknown>;
  for (const key of Object.keys(rec))
    if (!names.includes(key)) throw new DslError("bad-point", `gradcheck: at has a value for '${key}', which is not a variable (variables: ${names.join(", ")})`, { path: `at.${key}` });
  return Float64Array.from(names, (name) => {
    if (!(name in rec)) throw new DslError("bad-point", `gradcheck: at has no value for '${name}' (variables: ${names.join(", ")})`, { path: `at.${name}` });
    return finite(`at.${name}`, rec[name]);
  });
}

function isArrayLike(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function finite(path: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new DslError("bad-point", `gradcheck: ${path} must be a finite number, got ${describe(v)}`, { path });
  return v;
}

function positive(name: string, v: unknown): number {
  if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) throw new DslError("bad-option", `gradcheck: ${name} must be a positive number, got ${describe(v)}`, { path: name });
  return v;
}

function integer(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v)) throw new DslError("bad-option", `gradcheck: ${name} must be an integer, got ${describe(v)}`, { path: name });
  return v;
}

function bool(name: string, v: unknown): boolean {
  if (typeof v !== "boolean") throw new DslError("bad-option", `gradcheck: ${name} must be true or false, got ${describe(v)}`, { path: name });
  return v;
}

function oneOf<T extends string>(name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new DslError("bad-option", `gradcheck: ${name} must be one of ${allowed.map((a) => `"${a}"`).join(", ")}, got ${describe(v)}`, { path: name });
  return v as T;
}

function atolOption(name: string, v: unknown): number | "auto" {
  if (v === undefined || v === "auto") return "auto";
  if (typeof v !== "number" || !(v >= 0) || !Number.isFinite(v)) throw new DslError("bad-option", `gradcheck: ${name} must be "auto" or a number ≥ 0, got ${describe(v)}`, { path: name });
  return v;
}

function fastOption(v: unknown): number {
  if (v === undefined || v === false) return 0;
  if (v === true) return FAST_DIRECTIONS;
  if (typeof v === "number" && Number.isInteger(v) && v > 0) return v;
  throw new DslError("bad-option", `gradcheck: fast must be true, false or a number of directions (a positive integer), got ${describe(v)}`, { path: "fast" });
}

function hessianOption(v: unknown, precision: 32 | 64 = 64): { rtol: number; atol: number | "auto"; h: number } | null {
  if (v === undefined || v === false) return null;
  const o = v === true ? {} : v;
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw new DslError("bad-option", `gradcheck: hessian must be true, false or { rtol, atol, h }, got ${describe(v)}`, { path: "hessian" });
  const rec = o as Record<string, unknown>;
  for (const key of Object.keys(rec))
    if (!["rtol", "atol", "h"].includes(key)) throw new DslError("bad-option", `gradcheck: unknown option 'hessian.${key}'; hessian options are rtol, atol, h`, { path: `hessian.${key}` });
  return {
    rtol: positive("hessian.rtol", rec.rtol ?? (precision === 32 ? DEFAULT_HESSIAN_RTOL_32 : DEFAULT_HESSIAN_RTOL)),
    atol: atolOption("hessian.atol", rec.atol),
    h: positive("hessian.h", rec.h ?? (precision === 32 ? STEP_32.central : STEP.central)),
  };
}

// ---------------------------------------------------------------------------------------------
// TensorFlow.js functions: f(p) returns a tf.Scalar; p is a tf.Tensor for an array `at`, or a tree
// of tensors (one per leaf, of the leaf's shape) for a tree `at`. The gradient is tf.grads of f
// over the leaves (so a tf.customGrad inside f is what gets checked), or the user's grad(p)
// returning tensors or numbers. Checked as float32 (tfjs computes in float32).

interface TfLike {
  tensor(values: Float32Array, shape: number[]): TensorLike;
  tidy<T>(fn: () => T): T;
  grads(f: (...xs: TensorLike[]) => TensorLike): (xs: TensorLike[]) => TensorLike[];
}
interface TensorLike {
  shape: number[];
  dtype: string;
  dataSync(): ArrayLike<number>;
  dispose(): void;
}

const isTensor = (v: unknown): v is TensorLike => typeof v === "object" && v !== null && typeof (v as TensorLike).dataSync === "function" && Array.isArray((v as TensorLike).shape);

let tfCache: TfLike | null | undefined;
/** tfjs-core, the instance a cell's `import * as tf from "@tensorflow/tfjs"` shares (null when not installed). */
function tfSync(): TfLike | null {
  if (tfCache !== undefined) return tfCache;
  try {
    tfCache = createRequire(import.meta.url)("@tensorflow/tfjs-core") as TfLike;
  } catch {
    tfCache = null;
  }
  return tfCache;
}

/** `{ f }` (or `{ f, grad }`) whose f returns a tfjs tensor, as a float32 Problem; undefined for other targets. */
function tfjsProblem(target: unknown, opts: GradcheckOptions): Problem | undefined {
  const t = target as { f?: unknown; grad?: unknown; jacobian?: unknown; vjp?: unknown; jvp?: unknown };
  if (typeof t !== "object" || t === null || typeof t.f !== "function") return undefined;
  // Nobody built a tensor unless tfjs is loaded: ordinary user code never pays for this.
  if ((globalThis as { _tfengine?: unknown })._tfengine === undefined) return undefined;
  if (isJacobianModel(target)) return undefined;
  const tf = tfSync();
  if (!tf) return undefined;
  const layout = isTreePoint(opts.at) ? treeLayout(opts.at) : undefined;
  const at = opts.at as ArrayLike<number>;
  const n = layout ? layout.size : isArrayLike(at) ? at.length : 0;
  if (n === 0) return undefined;
  const leaves = layout ? layout.leaves.map((l) => ({ offset: l.offset, size: l.size, shape: [...l.shape] })) : [{ offset: 0, size: n, shape: [n] }];
  const f = t.f as (p: unknown) => unknown;
  const user = typeof t.grad === "function" ? (t.grad as (p: unknown) => unknown) : undefined;
  const tensors = (x: Float64Array): TensorLike[] => leaves.map((l) => tf.tensor(Float32Array.from(x.subarray(l.offset, l.offset + l.size)), l.shape));
  const assemble = (ts: TensorLike[]): unknown => {
    if (!layout) return ts[0];
    // The tree of tensors: unflatten a tree of leaf indices, then put the tensors in.
    const marks = new Float64Array(n);
    leaves.forEach((l, k) => marks.fill(k, l.offset, l.offset + l.size));
    return rebuild(layout.unflatten(marks) as unknown, ts);
  };
  const scalar = (v: unknown, what: string): number => {
    if (typeof v === "number") return v;
    if (!isTensor(v)) throw new DslError("bad-output", `gradcheck: ${what} must return a tf.Scalar (or a number), got ${describe(v)}`, { path: "f" });
    const d = v.dataSync();
    if (d.length !== 1) throw new DslError("bad-output", `gradcheck: ${what} must return a scalar tensor, got a tensor of shape [${v.shape.join(", ")}]`, { path: "f" });
    return d[0]!;
  };
  // { f, grad } is ordinary user code unless f returns a tensor when given tensors.
  if (isUserModel(target)) {
    const answer = (() => {
      try {
        return tf.tidy(() => isTensor(f(assemble(tensors(pointOf(opts.at, n, layout))))) ? 1 : 0);
      } catch {
        return 0;
      }
    })();
    if (answer !== 1) return undefined;
  }
  const problem = {
    n,
    names: opts.names ?? (layout ? layout.paths : Array.from({ length: n }, (_, i) => `x[${i}]`)),
    precision: 32 as const,
    tfjs: true,
    ...(layout ? { layout } : {}),
    valueAt: (x: Float64Array) => tf.tidy(() => scalar(f(assemble(tensors(x))), "f(p)")),
    valueAndGradInto: (x: Float64Array, g: Float64Array) =>
      tf.tidy(() => {
        const xs = tensors(x);
        let parts: ArrayLike<unknown>;
        if (user) {
          const out = user(assemble(xs));
          // A tensor, a flat array (one leaf), or a tree of tensors/arrays (a top-level array of records too).
          const flatNumbers = isArrayLike(out) && (out.length === 0 || typeof out[0] === "number");
          parts = isTensor(out) ? [out] : layout && !flatNumbers ? collectTensors(out, leaves.length) : [out];
        } else parts = tf.grads((...ys: TensorLike[]) => f(assemble(ys)) as TensorLike)(xs);
        if (parts.length !== leaves.length) throw new DslError("bad-output", `gradcheck: grad(p) must return one tensor per leaf of p (${leaves.length}), got ${parts.length}`, { path: "grad" });
        leaves.forEach((l, k) => {
          const part = parts[k];
          const d = isTensor(part) ? part.dataSync() : (part as ArrayLike<number>);
          if (!isArrayLike(d) || d.length !== l.size) throw new DslError("bad-output", `gradcheck: the gradient of leaf ${k} must have ${l.size} entries, got ${describe(part)}`, { path: "grad" });
          for (let i = 0; i < l.size; i++) g[l.offset + i] = d[i]!;
        });
        return scalar(f(assemble(xs)), "f(p)");
      }),
  };
  return problem as unknown as Problem;
}

function pointOf(at: unknown, n: number, layout: Layout | undefined): Float64Array {
  const x = new Float64Array(n);
  if (layout) layout.flattenInto(at as Tree, x, "gradcheck: at");
  else for (let i = 0; i < n; i++) x[i] = Number((at as ArrayLike<number>)[i]);
  return x;
}

/** Replaces each leaf of a tree of leaf indices (numbers, possibly nested arrays) by its tensor. */
function rebuild(node: unknown, ts: TensorLike[]): unknown {
  if (typeof node === "number") return ts[node];
  if (node instanceof Float64Array) return ts[node[0]!];
  if (Array.isArray(node)) {
    // A numeric (nested) array is one tensor leaf: its first number is the leaf's index.
    let first: unknown = node;
    while (Array.isArray(first)) first = first[0];
    if (typeof first === "number" && isNumericArray(node)) return ts[first];
    return node.map((c) => rebuild(c, ts));
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node as Record<string, unknown>)) out[k] = rebuild(v, ts);
  return out;
}

function isNumericArray(a: unknown): boolean {
  return Array.isArray(a) ? a.every(isNumericArray) : typeof a === "number";
}

/** The tensors (or arrays) of a gradient tree, in leaf order. */
function collectTensors(tree: unknown, count: number): unknown[] {
  const out: unknown[] = [];
  const walk = (v: unknown) => {
    if (isTensor(v) || typeof v === "number" || v instanceof Float64Array || v instanceof Float32Array || isNumericArray(v)) out.push(typeof v === "number" ? [v] : isNumericArray(v) ? (v as unknown[]).flat(Infinity) : v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (typeof v === "object" && v !== null) Object.values(v).forEach(walk);
  };
  walk(tree);
  void count;
  return out;
}

// ---------------------------------------------------------------------------------------------
// tf.Tensor points and tf.LayersModel targets.

/** True when `at` is a tensor or a tree with a tensor leaf. */
function hasTensor(v: unknown): boolean {
  if (isTensor(v)) return true;
  if (Array.isArray(v)) return v.some(hasTensor);
  if (typeof v === "object" && v !== null && !ArrayBuffer.isView(v)) return Object.values(v).some(hasTensor);
  return false;
}

/** The point with each tensor replaced by its values (nested arrays; a scalar tensor by a number). */
function untensor(v: unknown): unknown {
  if (isTensor(v)) {
    const t = v as TensorLike & { arraySync(): unknown };
    if (t.dtype !== "float32" && t.dtype !== "int32") throw new DslError("bad-point", `gradcheck: a tensor in at must hold numbers, got dtype ${t.dtype}`, { path: "at" });
    return t.arraySync();
  }
  if (Array.isArray(v)) return v.map(untensor);
  if (typeof v === "object" && v !== null && !ArrayBuffer.isView(v)) return Object.fromEntries(Object.entries(v).map(([k, c]) => [k, untensor(c)]));
  return v;
}

function isTfjsModelTarget(t: unknown): t is TfjsModelTarget {
  const m = (t as { model?: { trainableWeights?: unknown; predict?: unknown } } | null)?.model;
  return typeof t === "object" && t !== null && typeof m === "object" && m !== null && Array.isArray(m.trainableWeights) && typeof m.predict === "function";
}

interface VariableLike extends TensorLike {
  name: string;
  assign(t: TensorLike): void;
}
interface TfModelOps extends TfLike {
  variableGrads(f: () => TensorLike, vars: VariableLike[]): { value: TensorLike; grads: Record<string, TensorLike> };
  clone(t: TensorLike): TensorLike;
  keep<T>(t: T): T;
  mean(t: unknown): TensorLike;
  sub(a: unknown, b: unknown): TensorLike;
  square(t: unknown): TensorLike;
  abs(t: unknown): TensorLike;
  log(t: unknown): TensorLike;
  clipByValue(t: unknown, lo: number, hi: number): TensorLike;
  mul(a: unknown, b: unknown): TensorLike;
  add(a: unknown, b: unknown): TensorLike;
  sum(t: unknown, axis?: number): TensorLike;
  neg(t: unknown): TensorLike;
  scalar(v: number): TensorLike;
}

/** Keras's losses by name (the mean over samples), in tfjs-core ops; probabilities clipped to [1e-7, 1 − 1e-7] as Keras does. */
function namedLoss(tf: TfModelOps, name: string): ((yTrue: unknown, yPred: unknown) => TensorLike) | undefined {
  const eps = 1e-7;
  const clip = (p: unknown) => tf.clipByValue(p, eps, 1 - eps);
  switch (name) {
    case "meanSquaredError":
    case "mse":
      return (y, p) => tf.mean(tf.square(tf.sub(y, p)));
    case "meanAbsoluteError":
    case "mae":
      return (y, p) => tf.mean(tf.abs(tf.sub(y, p)));
    case "binaryCrossentropy":
      return (y, p) => tf.neg(tf.mean(tf.add(tf.mul(y, tf.log(clip(p))), tf.mul(tf.sub(tf.scalar(1), y), tf.log(tf.sub(tf.scalar(1), clip(p)))))));
    case "categoricalCrossentropy":
      return (y, p) => tf.neg(tf.mean(tf.sum(tf.mul(y, tf.log(clip(p))), -1)));
    default:
      return undefined;
  }
}

const LOSS_NAMES = ["meanSquaredError", "meanAbsoluteError", "binaryCrossentropy", "categoricalCrossentropy"];

/** A `tf.LayersModel`: its trainable weights as a tree, the loss's `tf.variableGrads` as the gradient (see `TfjsModelTarget`). */
function modelCheck(target: TfjsModelTarget, opts: Partial<GradcheckOptions>): TreeGradcheckReport {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new DslError("bad-option", `gradcheck: expected options { ... } as the second argument, got ${describe(opts)}`, { path: "" });
  const tf = tfSync() as TfModelOps | null;
  if (!tf) throw new DslError("bad-target", "gradcheck: a tf.LayersModel needs @tensorflow/tfjs, which is not installed", { path: "target.model" });
  const vars = target.model.trainableWeights.map((w, k) => {
    const v = (w as { read?: () => unknown }).read?.() as VariableLike | undefined;
    if (!v || typeof v.assign !== "function") throw new DslError("bad-target", `gradcheck: model.trainableWeights[${k}] is not a tfjs LayerVariable (expected .read() returning a tf.Variable)`, { path: `target.model.trainableWeights[${k}]` });
    const o = w as { name?: string; originalName?: string };
    return { name: o.name ?? `w${k}`, original: o.originalName ?? o.name ?? `w${k}`, v };
  });
  // tfjs makes weight names unique with a counter (hidden/kernel_3 for a second model's layer
  // "hidden"): the names the user gave are used where they are unique in the model.
  const originals = new Set(vars.map((w) => w.original));
  if (vars.length === 0) throw new DslError("bad-target", "gradcheck: the model has no trainable weights", { path: "target.model" });
  let lossOf: () => TensorLike;
  if (typeof target.f === "function") {
    if (target.x !== undefined || target.y !== undefined || target.loss !== undefined) throw new DslError("bad-target", "gradcheck: give a model's loss either as f() or as x, y and loss, not both", { path: "target.f" });
    const f = target.f;
    lossOf = () => f() as TensorLike;
  } else {
    if (!isTensor(target.x) || !isTensor(target.y)) throw new DslError("bad-target", `gradcheck: a tf.LayersModel target needs f: () => tf.Scalar, or data x and y (tensors), got x ${describe(target.x)} and y ${describe(target.y)}`, { path: isTensor(target.x) ? "target.y" : "target.x" });
    const given = target.loss ?? (target.model as { loss?: unknown }).loss;
    const fn = typeof given === "function" ? (given as (y: unknown, p: unknown) => TensorLike) : typeof given === "string" ? namedLoss(tf, given) : undefined;
    if (!fn) throw new DslError("bad-target", `gradcheck: loss must be (yTrue, yPred) => tf.Scalar or one of ${LOSS_NAMES.map((n) => `"${n}"`).join(", ")} (or compile the model with one), got ${describe(given)}`, { path: "target.loss" });
    const { x, y, model } = target;
    lossOf = () => fn(y, model.predict(x));
  }
  // The tree: weights nested by their names ("dense_Dense1/kernel" → { dense_Dense1: { kernel } }).
  const paths = vars.map((w) => (originals.size === vars.length ? w.original : w.name).split("/"));
  const nested = new Set(paths.map((p) => p.join("/"))).size === paths.length && paths.every((p, i) => paths.every((q, j) => i === j || !q.join("/").startsWith(`${p.join("/")}/`)));
  const keyPaths = nested ? paths : paths.map((p) => [p.join("/")]);
  const build = (leaf: (k: number) => unknown): Record<string, unknown> => {
    const root: Record<string, unknown> = {};
    keyPaths.forEach((kp, k) => {
      let node = root;
      for (const key of kp.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>;
      node[kp.at(-1)!] = leaf(k);
    });
    return root;
  };
  const leafOf = (tree: unknown, k: number): unknown => keyPaths[k]!.reduce((node, key) => (node as Record<string, unknown>)[key], tree);
  const original = vars.map((w) => tf.keep(tf.clone(w.v)));
  const assign = (p: unknown) =>
    vars.forEach((w, k) => {
      const t = leafOf(p, k) as TensorLike;
      if (!isTensor(t) || t.shape.join() !== w.v.shape.join()) throw new DslError("bad-point", `gradcheck: at.${keyPaths[k]!.join(".")} must have the shape [${w.v.shape.join(", ")}] of weight ${w.original}, got ${describe(t)}`, { path: `at.${keyPaths[k]!.join(".")}` });
      w.v.assign(t);
    });
  const at = opts.at === undefined ? build((k) => (original[k] as TensorLike & { arraySync(): unknown }).arraySync()) : hasTensor(opts.at) ? untensor(opts.at) : opts.at;
  try {
    const tfTarget: TfjsTarget<unknown> = {
      f: (p) => {
        assign(p);
        return lossOf() as never;
      },
      grad: (p) => {
        assign(p);
        const { value, grads } = tf.variableGrads(lossOf, vars.map((w) => w.v));
        value.dispose();
        return build((k) => grads[vars[k]!.v.name]);
      },
    };
    return gradcheck(tfTarget, { ...opts, at: at as GradcheckOptions["at"] });
  } finally {
    vars.forEach((w, k) => w.v.assign(original[k]!));
    original.forEach((t) => t.dispose());
  }
}
