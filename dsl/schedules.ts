/**
 * `schedules.*`: learning-rate (and momentum) schedules equal to PyTorch's
 * `torch.optim.lr_scheduler` at every step. Each constructor checks its options and returns a
 * `ScheduleFn`: call it with the number of optimizer steps already taken to get the lr, pass it
 * as any optimizer's `lr` (or momentum / β₁), display it to see its chart.
 *
 * @example
 * const s = schedules.cosine({ lr: 0.1, tMax: 100 });
 * s(50); // 0.05 (up to rounding)
 * const run = optimize(objective("x^2 + 3*y^2"), sgd({ lr: s, momentum: 0.9 }), { from: [1, 1], steps: 100 });
 * run.lrs[50]; // 0.05 (up to rounding)
 */
export {
  constant,
  cosine,
  cyclic,
  exponential,
  linear,
  multiStep,
  oneCycle,
  polynomial,
  sequential,
  step,
  warmRestarts,
} from "../src/optim/index.js";
export type {
  ConstantOptions,
  CosineOptions,
  CyclicOptions,
  CyclingScheduleFn,
  ExponentialOptions,
  LinearOptions,
  MultiStepOptions,
  OneCycleOptions,
  PolynomialOptions,
  ScheduleFn,
  SequentialOptions,
  SequentialParts,
  StepOptions,
  WarmRestartsOptions,
} from "../src/optim/index.js";
export type { Schedule } from "../src/optim/index.js";
