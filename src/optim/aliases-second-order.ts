/**
 * The second-order and quasi-Newton aliases: `lbfgs` (PyTorch's `torch.optim.LBFGS`), `newton`
 * (damped, saddle-free) and `naturalGradient` (Fisher preconditioning). They evaluate the
 * objective inside their step, so they run on the float64 engine only.
 */
import { DslError } from "../errors/index.js";
import type { HyperValue, Optimizer, Schedule } from "./base.js";
import { chain } from "./chain.js";
import { LR, named } from "./named.js";
import { readOptions } from "./options.js";
import { scaleByLbfgs, type LbfgsOptions } from "./transforms/lbfgs.js";
import { scaleByBacktracking, scaleByFisher, scaleByNewton, type FisherSource } from "./transforms/newton.js";
import { scaleByLearningRate } from "./transforms/scale.js";

/** Options of `lbfgs` (`torch.optim.LBFGS`): those of `scaleByLbfgs`, with the same defaults. */
export interface LbfgsAliasOptions extends LbfgsOptions {}

/**
 * L-BFGS as `torch.optim.LBFGS` (one `optimize` step = one `LBFGS.step(closure)`, up to maxIter
 * iterations). Defaults: lr 1, maxIter 20, maxEval ⌊maxIter·5/4⌋, toleranceGrad 1e-7,
 * toleranceChange 1e-9, historySize 100, lineSearch null ("strong-wolfe" for PyTorch's
 * `line_search_fn="strong_wolfe"`). float64 engine only.
 *
 * @example
 * lbfgs({ lineSearch: "strong-wolfe", maxIter: 1 }); // one iteration per optimize step
 */
export function lbfgs(options: LbfgsAliasOptions = {}): Optimizer {
  const o = readOptions("lbfgs", options, {
    lr: { type: "hyper", default: 1, gt: 0, what: "step length multiplier" },
    // upper bounds (not in torch): a step of 10³⁰⁸ iterations never returns on a problem where
    // the tolerances are never met, and historySize pairs of n-vectors must fit in memory
    maxIter: { type: "integer", default: 20, min: 1, max: 1e6, what: "iterations per step" },
    maxEval: { type: "integer", min: 1, max: 1.25e6, what: "function evaluations per step (default maxIter·5/4)" },
    toleranceGrad: { type: "number", default: 1e-7, min: 0, what: "stop when max |g| ≤ this" },
    toleranceChange: { type: "number", default: 1e-9, min: 0, what: "stop when steps or loss changes are below this" },
    historySize: { type: "integer", default: 100, min: 1, max: 1e6, what: "number of (s, y) pairs kept" },
    lineSearch: { type: "enum", values: ["strong-wolfe", null], default: null, what: "" },
  });
  if (o.maxEval === undefined) o.maxEval = Math.floor(((o.maxIter as number) * 5) / 4);
  return named("lbfgs", o, scaleByLbfgs(o as never));
}

/** Options of `newton`. */
export interface NewtonAliasOptions {
  /** Step length (or first step of the line search), default 1; a number or a schedule. */
  lr?: HyperValue;
  /** δ ≥ 0 added to the modified eigenvalues (Levenberg–Marquardt), default 0. */
  damping?: number;
  /** Floor for |λ|, default 1e-8. */
  minCurvature?: number;
  /** "backtracking" (Armijo, default) or null (fixed step lr). */
  lineSearch?: "backtracking" | null;
  /**
   * true (default): |λᵢ| (saddle-free). false: plain Newton, −H⁻¹∇f, which is drawn to saddles
   * and maxima; pair it with `lineSearch: null` (the line search takes no step along a direction
   * that is not downhill).
   */
  saddleFree?: boolean;
}

/**
 * Damped Newton with the saddle-free fix: d = −V diag(1/(max(|λᵢ|, λ_min) + δ)) Vᵀ ∇f, then an
 * Armijo backtracking line search from t = lr (Boyd & Vandenberghe §9.5), so on an indefinite
 * Hessian it neither heads for the saddle/maximum (|λ| flips those directions downhill) nor
 * walks uphill (the line search). `lineSearch: null` takes x ← x + lr·d. Needs the objective's
 * Hessian; float64 only. Defaults: lr 1, damping 0, minCurvature 1e-8, lineSearch "backtracking".
 *
 * @example
 * optimize(rosenbrock, newton(), { from: [-1.2, 1], steps: 25 });
 */
export function newton(options: NewtonAliasOptions = {}): Optimizer {
  const o = readOptions("newton", options, {
    lr: LR(1),
    damping: { type: "number", default: 0, min: 0, what: "added to every eigenvalue" },
    minCurvature: { type: "number", default: 1e-8, gt: 0, what: "floor for |λ|" },
    lineSearch: { type: "enum", values: ["backtracking", null], default: "backtracking", what: "" },
    saddleFree: { type: "boolean", default: true, what: "replace λ by |λ| (false: plain Newton, drawn to saddles)" },
  });
  const dir = scaleByNewton({ damping: o.damping as number, minCurvature: o.minCurvature as number, saddleFree: o.saddleFree as boolean });
  if (o.lineSearch === "backtracking" && typeof o.lr !== "number" && typeof o.lr !== "function") {
    throw new DslError("bad-option", "newton: with lineSearch \"backtracking\", lr is the first trial step and must be a number or a schedule (per-run values need lineSearch: null)", { path: "newton.lr" });
  }
  // With the line search, a scheduled lr is the first trial step of each step's search.
  const step = o.lineSearch === "backtracking" ? scaleByBacktracking({ lr: o.lr as number | Schedule }) : scaleByLearningRate(o.lr as HyperValue);
  return named("newton", o, chain(dir, step));
}

/** Options of `naturalGradient`. */
export interface NaturalGradientOptions {
  /** η ≥ 0, default 1 (Fisher scoring). */
  lr?: HyperValue;
  /** δ > 0 added to F's eigenvalues, default 1e-4. */
  damping?: number;
  /** "auto" (default), "exact", "empirical", or a metric (x) => number[][]. */
  fisher?: FisherSource;
}

/**
 * Natural gradient (Amari 1998): x ← x − η (F + δI)⁻¹ ∇f, with F the exact Fisher of a
 * canonical-link GLM (= the Hessian of the mean NLL), the empirical Fisher from per-sample
 * gradients, or your metric (see `scaleByFisher`). float64 only.
 *
 * @example
 * naturalGradient({ fisher: "empirical", damping: 1e-3 });
 */
export function naturalGradient(options: NaturalGradientOptions = {}): Optimizer {
  const o = readOptions("naturalGradient", options, {
    lr: LR(1),
    damping: { type: "number", default: 1e-4, min: 0, what: "added to the Fisher's eigenvalues (0: the pseudo-inverse, directions of zero Fisher information get no step)" },
    fisher: { type: "fisher", default: "auto", what: "where the Fisher comes from" },
  });
  const metric = o.fisher as FisherSource;
  // a metric function shows as what it is, not as "schedule" (how a plain function option displays)
  const shown = typeof metric === "function" ? Object.assign((x: number[]) => metric(x), { toString: () => "(x) => matrix" }) : metric;
  return named("naturalGradient", { ...o, fisher: shown }, chain(
    scaleByFisher({ damping: o.damping as number, fisher: metric }),
    scaleByLearningRate(o.lr as HyperValue),
  ));
}
