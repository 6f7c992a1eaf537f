/**
 * Optimizers: composable transforms (optax style, written once against `Ops<A>`), the
 * `torch.optim` aliases built from them, the float64 runner and its `Run` / `Comparison`
 * records, schedules and theory helpers.
 */
// -- transforms, aliases, runner (engineer B1) --
export { applyUpdates, hyperAt, isConstant, type Hyper, type HyperValue, type Need, type Optimizer, type Schedule, type StepContext, type Transform, type UpdateExtras } from "./base.js";
export { chain, identity, namedChain } from "./chain.js";
export { scale, scaleByLearningRate, type CountState } from "./transforms/scale.js";
export { traceMomentum, type TraceMomentumOptions, type TraceMomentumState } from "./transforms/momentum.js";
export { scaleByAdam, scaleByAdamax, scaleByNadam, scaleByRadam, type AdamOptions as ScaleByAdamOptions, type AdamState, type AdamaxState, type NadamState, type RadamState } from "./transforms/adam.js";
export { scaleByAdadelta, scaleByAdagrad, scaleByRms, type AdadeltaState, type AdagradState, type RmsState } from "./transforms/rms.js";
export { clipByGlobalNorm, clipByValue } from "./transforms/clip.js";
export { addDecayedWeights, addL1, centralize } from "./transforms/regularize.js";
export { scaleByLbfgs, type LbfgsOptions, type LbfgsState } from "./transforms/lbfgs.js";
export { scaleByBacktracking, scaleByFisher, scaleByNewton, type BacktrackingOptions, type FisherOptions, type FisherSource, type FisherState, type NewtonOptions, type NewtonState } from "./transforms/newton.js";
export { backtracking, cubicInterpolate, strongWolfe, type LineSearchResult } from "./line-search.js";
export {
  ALIASES, adadelta, adagrad, adam, adamax, adamw, gd, lbfgs, momentum, nadam, named, naturalGradient, nesterov, newton, radam, rmsprop, sgd,
  type AdadeltaOptions, type AdagradOptions, type AdamOptions, type AdamaxOptions, type GdOptions, type LbfgsAliasOptions, type MomentumOptions,
  type NadamOptions, type NaturalGradientOptions, type NewtonAliasOptions, type RmspropOptions, type SgdOptions,
} from "./aliases.js";
export { editDistance, readOptions, readOptions as readOptimizerOptions, suggest, type Rule, type Rules } from "./options.js";
export { Batcher, epochSeed, mulberry32, shuffleInPlace, splitRows } from "./data.js";
export { Runner, runAsync, runSync, type AbortedRunError } from "./run.js";
export { residentStepperOf, type ResidentProblem, type ResidentStepper } from "./resident-step.js";
export { fmtTol, runOutcome, type RunEnd } from "./run-diagnostics.js";
export { DEFAULT_STATUS_TOL, checkRunOptions, parseStart, startShape, type AsyncRunOptions, type RunOptions } from "./run-options.js";
export { isTreePoint, pointIn, treeModelProblem } from "./point-input.js";
export { Comparison, Run, keepFinalOnly, type BestPoint, type RunRecord, type RunStatus, type StopReason, type TrajectoryKept } from "./run-record.js";
// -- schedules and theory helpers (engineer B2) --
export {
  constant, cosine, cyclic, exponential, linear, multiStep, oneCycle, polynomial, sequential, step, warmRestarts,
  type ConstantOptions, type CosineOptions, type CyclicOptions, type CyclingScheduleFn, type ExponentialOptions, type LinearOptions, type MultiStepOptions,
  type OneCycleOptions, type PolynomialOptions, type ScheduleFn, type SequentialOptions, type SequentialParts, type StepOptions,
  type WarmRestartsOptions,
} from "./schedules/index.js";
export { MeasuredRate, Theory, measuredRate, stabilityThreshold, theory, type StabilityMethod, type StabilitySubject, type StabilityThreshold, type Classification, type ErrorKind, type HessianSource, type LinearRate, type MeasuredRateOptions, type TheoryOptions } from "./theory.js";
