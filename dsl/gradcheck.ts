/**
 * `gradcheck(target, { at, ... })`: is this gradient right? Compares an objective's analytic
 * gradient — or a custom model's hand-written one — with finite differences in float64, and
 * reports per coordinate, with a verdict: "pass", "fail" (naming the coordinates at fault) or
 * "kink" (f has no derivative at the point; not a bug).
 *
 * This module checks the user's input and adapts the target; the numerics live in
 * src/numeric (checkGradient, checkHessian) and the report in src/numeric/gradcheck-report.ts.
 */
import { DslError, describe } from "../src/errors/index.js";
import { GradcheckReport, STEP, UserModelProblem, checkGradient, checkHessian, isUserModel, type FdMethod, type UserModel } from "../src/numeric/index.js";
import { suggest } from "../src/optim/index.js";
import type { Problem } from "../src/problem/index.js";

export { GradcheckReport } from "../src/numeric/index.js";
export type { GradRow, HessianCheckResult, HessianRow, UserModel, VCurve, VCurveOptions, VSeries, Verdict } from "../src/numeric/index.js";

/** What `gradcheck` accepts: an objective (anything implementing `Problem`) or user code. */
export type GradcheckTarget = Problem | UserModel;

/** Options of `gradcheck`. */
export interface GradcheckOptions {
  /**
   * The point: numbers in parameter order, or a record by variable name (for an objective with
   * indexed variables also `{ x: [..] }` for x[1], x[2], …). Required.
   */
  at: ArrayLike<number> | Readonly<Record<string, number | ArrayLike<number>>>;
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
}

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

const OPTIONS = ["at", "method", "rtol", "atol", "h", "fast", "seed", "hessian", "refine", "names"] as const;
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
};

/**
 * Checks a gradient against finite differences and returns a report (`ok`, `verdict`, `rows`,
 * `maxRelError`, `message`, …) that displays as a table. Never throws for a wrong gradient;
 * throws a `DslError` for bad input (no `at`, wrong length, unknown option, f not finite at the
 * point, a malformed value from user code).
 *
 * Test per coordinate (a analytic, d numeric): ok ⇔ |a − d| ≤ max(rtol·max(|a|, |d|), atol).
 *
 * @param target an objective, or `{ f, grad }` user code (p: number[] → number / number[]).
 * @param opts `at` (required), `method`, `rtol`, `atol`, `h`, `fast`, `seed`, `hessian`, `refine`, `names`.
 * @example
 * const r = gradcheck({ f: ([x, y]) => x * x * y, grad: ([x, y]) => [2 * x * y, x * x] }, { at: [1, 2] });
 * r.verdict; // "pass"
 */
export function gradcheck(target: GradcheckTarget, opts: GradcheckOptions): GradcheckReport {
  const t0 = performance.now();
  checkOptionNames(opts);
  const problem = toProblem(target, opts);
  const names = resolveNames(problem, opts.names);
  const at = resolvePoint(opts.at, problem, names);
  const method = oneOf("method", opts.method ?? "central", METHODS);
  if (method === "complex" && !problem.valueComplex)
    throw new DslError("unsupported", `gradcheck: method "complex" needs an objective with a complex evaluation path (symbolic objectives have one); for ${isUserModel(target) ? "user code { f, grad }" : "this target"} use "central" or "richardson"`, { path: "method" });
  const rtol = positive("rtol", opts.rtol ?? DEFAULT_RTOL[method]);
  const atol = atolOption("atol", opts.atol);
  const h = positive("h", opts.h ?? STEP[method]);
  const directions = fastOption(opts.fast);
  const seed = opts.seed === undefined ? 1 : integer("seed", opts.seed);
  const refine = bool("refine", opts.refine ?? true);
  if (problem instanceof UserModelProblem) problem.preflight(at);
  const result = checkGradient(problem, at, { method, rtol, atol, h, directions, seed, refine, names });
  const hess = hessianOption(opts.hessian);
  // Along a kink of f the gradient jumps and its finite differences mean nothing: not judged.
  const skip = result.directions === 0 ? result.kinks.map((k) => result.rows[k]!.index) : [];
  const hessian = hess ? checkHessian(problem, at, { ...hess, refine, names, skip }) : undefined;
  return new GradcheckReport(result, problem, at, names, hessian, performance.now() - t0);
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

function toProblem(target: GradcheckTarget, opts: GradcheckOptions): Problem {
  if (isProblem(target)) return target;
  if (isUserModel(target)) {
    const n = pointLength(opts.at, target.names ?? opts.names);
    return new UserModelProblem(target, n, { who: "gradcheck", names: target.names ?? opts.names, point: "at" });
  }
  throw new DslError("bad-target", `gradcheck: expected an objective or user code { f: (p) => number, grad: (p) => number[] }, got ${describe(target)}`, { path: "target" });
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
  if (isArrayLike(at)) {
    if (at.length !== p.n) throw new DslError("bad-point", `gradcheck: at has ${at.length} value${at.length === 1 ? "" : "s"}, but the objective has ${p.n} variable${p.n === 1 ? "" : "s"} (${names.join(", ")})`, { path: "at" });
    const x = new Float64Array(p.n);
    for (let i = 0; i < p.n; i++) x[i] = finite(`at[${i}]`, at[i]);
    return x;
  }
  if (typeof at !== "object" || at === null) throw new DslError("bad-point", `gradcheck: at must be an array of numbers or a record by name, got ${describe(at)}`, { path: "at" });
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

function hessianOption(v: unknown): { rtol: number; atol: number | "auto"; h: number } | null {
  if (v === undefined || v === false) return null;
  const o = v === true ? {} : v;
  if (typeof o !== "object" || o === null || Array.isArray(o)) throw new DslError("bad-option", `gradcheck: hessian must be true, false or { rtol, atol, h }, got ${describe(v)}`, { path: "hessian" });
  const rec = o as Record<string, unknown>;
  for (const key of Object.keys(rec))
    if (!["rtol", "atol", "h"].includes(key)) throw new DslError("bad-option", `gradcheck: unknown option 'hessian.${key}'; hessian options are rtol, atol, h`, { path: `hessian.${key}` });
  return {
    rtol: positive("hessian.rtol", rec.rtol ?? DEFAULT_HESSIAN_RTOL),
    atol: atolOption("hessian.atol", rec.atol),
    h: positive("hessian.h", rec.h ?? STEP.central),
  };
}
