/**
 * The names an explorable's `optimizer: (h) => ...` function may use: optlab's optimizer and
 * transform constructors, the `schedules` namespace, and a few harmless globals. The page
 * evaluates the function's source against exactly these (src/explore/engine.ts), and the
 * kernel checks the source against the same list before shipping it (src/explore/ship.ts).
 */

/** Optimizer aliases and transforms (the value exports of dsl/optimizers.ts that build optimizers). */
export const OPTIMIZER_NAMES = [
  "adadelta", "adagrad", "adam", "adamax", "adamw", "gd", "lbfgs", "momentum", "nadam", "naturalGradient", "nesterov", "newton",
  "radam", "rmsprop", "sgd", "chain", "namedChain", "identity", "scale", "scaleByLearningRate", "traceMomentum", "scaleByAdam",
  "scaleByAdamax", "scaleByNadam", "scaleByRadam", "scaleByRms", "scaleByAdagrad", "scaleByAdadelta", "clipByGlobalNorm",
  "clipByValue", "addDecayedWeights", "addL1", "centralize", "scaleByLbfgs", "scaleByNewton", "scaleByBacktracking", "named",
] as const;

/** The schedule constructors (`schedules.*`). */
export const SCHEDULE_NAMES = [
  "constant", "cosine", "cyclic", "exponential", "linear", "multiStep", "oneCycle", "polynomial", "sequential", "step", "warmRestarts",
] as const;

/** Globals the function may read (pure arithmetic helpers and literals). */
export const SAFE_GLOBALS = ["Math", "Number", "Infinity", "NaN", "undefined", "isFinite", "isNaN", "Array", "Object", "Boolean", "String"] as const;

/** Every name an optimizer function may reference besides its own parameters and locals. */
export const ALLOWED_NAMES: ReadonlySet<string> = new Set<string>([...OPTIMIZER_NAMES, "schedules", ...SAFE_GLOBALS]);
