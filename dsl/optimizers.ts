/**
 * Optimizers by name with `torch.optim` semantics and defaults (camelCased options), and the
 * transforms they are built from, for building your own (optax style).
 *
 * @example
 * const mine = chain(clipByGlobalNorm(1), scaleByAdam({ b1: 0.9, b2: 0.99 }), addDecayedWeights(1e-4), scaleByLearningRate(3e-3));
 * optimize(f, mine, { from: [0, 0], steps: 500 });
 */
export {
  adadelta, adagrad, adam, adamax, adamw, gd, lbfgs, momentum, nadam, naturalGradient, nesterov, newton, radam, rmsprop, sgd,
  chain, namedChain, identity, applyUpdates, hyperAt,
  scale, scaleByLearningRate, traceMomentum, scaleByAdam, scaleByAdamax, scaleByNadam, scaleByRadam, scaleByRms, scaleByAdagrad,
  scaleByAdadelta, clipByGlobalNorm, clipByValue, addDecayedWeights, addL1, centralize, scaleByLbfgs, scaleByNewton, scaleByFisher,
  scaleByBacktracking, named,
} from "../src/optim/index.js";
export type {
  Transform, Optimizer, Hyper, HyperValue, Schedule, UpdateExtras, StepContext,
  AdadeltaOptions, AdagradOptions, AdamOptions, AdamaxOptions, GdOptions, LbfgsAliasOptions, MomentumOptions, NadamOptions,
  NaturalGradientOptions, NewtonAliasOptions, RmspropOptions, SgdOptions, FisherSource,
} from "../src/optim/index.js";
export { float64Ops } from "../src/backends/index.js";
export type { Ops, Scalar } from "../src/backends/index.js";
