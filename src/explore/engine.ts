/**
 * The in-page engine: optlab's own optimizer constructors, schedules and float64 runner (the
 * code `optimize` runs in the kernel), plus the objective's compiled code rebuilt from its wire
 * form. `Experiment.run(h, from)` is `optimize(target, optimizer(h), { from, steps })`, step for
 * step the same float64 operations, so the page shows the kernel's numbers.
 *
 * Browser-safe: no Node APIs (scripts/bundle-explore.mjs bundles this with esbuild).
 */
import {
  adadelta, adagrad, adam, adamax, adamw, gd, lbfgs, momentum, nadam, naturalGradient, nesterov, newton, radam, rmsprop, sgd,
  chain, namedChain, identity, scale, scaleByLearningRate, traceMomentum, scaleByAdam, scaleByAdamax, scaleByNadam, scaleByRadam,
  scaleByRms, scaleByAdagrad, scaleByAdadelta, clipByGlobalNorm, clipByValue, addDecayedWeights, addL1, centralize, scaleByLbfgs,
  scaleByNewton, scaleByBacktracking, named,
} from "../optim/index.js";
import { constant, cosine, cyclic, exponential, linear, multiStep, oneCycle, polynomial, sequential, step, warmRestarts } from "../optim/schedules/index.js";
import { runSync } from "../optim/run.js";
import type { Transform } from "../optim/base.js";
import type { Problem } from "../problem/index.js";
import { RUNTIME } from "../symbolic/runtime.js";
import { COMPLEX_RUNTIME } from "../symbolic/complex-runtime.js";
import { OPTIMIZER_NAMES } from "./names.js";
import { rebuild, type WireOptimizer, type WireProblem, type WireSpec } from "./wire.js";

/** The constructors an optimizer function sees, by name (the same objects `import "optlab"` gives). */
export const CONSTRUCTORS: Readonly<Record<(typeof OPTIMIZER_NAMES)[number], unknown>> = {
  adadelta, adagrad, adam, adamax, adamw, gd, lbfgs, momentum, nadam, naturalGradient, nesterov, newton, radam, rmsprop, sgd,
  chain, namedChain, identity, scale, scaleByLearningRate, traceMomentum, scaleByAdam, scaleByAdamax, scaleByNadam, scaleByRadam,
  scaleByRms, scaleByAdagrad, scaleByAdadelta, clipByGlobalNorm, clipByValue, addDecayedWeights, addL1, centralize, scaleByLbfgs,
  scaleByNewton, scaleByBacktracking, named,
};

/** `schedules.*`. */
export const SCHEDULES = { constant, cosine, cyclic, exponential, linear, multiStep, oneCycle, polynomial, sequential, step, warmRestarts };

/** One optimizer's run, as the charts need it. */
export interface ExploreResult {
  name: string;
  n: number;
  /** x₀ … x_steps, flat ((steps + 1) · n). */
  xs: Float64Array;
  losses: Float64Array;
  lrs: Float64Array;
  status: string;
  message: string;
}

/** The objective rebuilt from its wire form: the `Problem` the runner drives. */
export function problemOf(w: WireProblem): Problem {
  const runtimes = { R: RUNTIME, C: COMPLEX_RUNTIME };
  const value = rebuild(w.value, runtimes) as (...a: unknown[]) => number;
  const valueGrad = rebuild(w.valueGrad, runtimes) as (...a: unknown[]) => number;
  const hessian = w.hessian ? (rebuild(w.hessian, runtimes) as (...a: unknown[]) => void) : undefined;
  const p: Problem = w.rows
    ? { n: w.n, names: w.names, valueAt: (x) => value(x, null), valueAndGradInto: (x, g) => valueGrad(x, g, null) }
    : { n: w.n, names: w.names, valueAt: (x) => value(x), valueAndGradInto: (x, g) => valueGrad(x, g) };
  if (hessian) (p as { hessianInto?: Problem["hessianInto"] }).hessianInto = w.rows ? (x, H) => hessian(x, H, null) : (x, H) => hessian(x, H);
  return p;
}

/**
 * The optimizer function of `o`, evaluated against the constructors. `exports.adam` (a kernel
 * cell's compiled form) and `optlab_1.adam` (tsc's CommonJS) read the same constructors.
 */
export function optimizerFactory(o: WireOptimizer): (h: Record<string, number>) => Transform {
  const ns = { ...CONSTRUCTORS, schedules: SCHEDULES };
  const names = [...OPTIMIZER_NAMES, "schedules", ...o.namespaces];
  const values = [...OPTIMIZER_NAMES.map((k) => CONSTRUCTORS[k]), SCHEDULES, ...o.namespaces.map(() => ns)];
  const fn = new Function(...names, `"use strict";\nreturn (${o.source}\n);`)(...values);
  if (typeof fn !== "function") throw new Error(`optlab explore: the optimizer source of ${o.name} is not a function`);
  return fn as (h: Record<string, number>) => Transform;
}

/** An explorable's experiment, ready to re-run for new slider values and start points. */
export class Experiment {
  readonly problem: Problem;
  private readonly factories: { name: string; make: (h: Record<string, number>) => Transform }[];

  constructor(readonly spec: WireSpec) {
    this.problem = problemOf(spec.problem);
    this.factories = spec.optimizers.map((o) => ({ name: o.name, make: optimizerFactory(o) }));
  }

  /** The slider values at their initial positions. */
  initialH(): Record<string, number> {
    const h: Record<string, number> = {};
    for (const p of this.spec.params) h[p.name] = p.value;
    return h;
  }

  /** Runs every optimizer for hyperparameters `h` from `from`: `optimize(target, optimizer(h), { from, steps })`. */
  run(h: Record<string, number>, from: readonly number[] = this.spec.from): ExploreResult[] {
    return this.factories.map(({ name, make }) => {
      const run = runSync(this.problem, make({ ...h }), { ...this.spec.options, from: Array.from(from), steps: this.spec.steps }, "explore");
      const len = run.steps + 1;
      const rec = run as unknown as { trajectory: Float64Array };
      return {
        name,
        n: this.problem.n,
        xs: rec.trajectory.slice(),
        losses: Float64Array.from(run.losses),
        lrs: Float64Array.from(run.lrs.slice(0, len - 1)),
        status: run.status,
        message: run.message,
      };
    });
  }
}
