/**
 * Learning-rate schedules equal to PyTorch's `torch.optim.lr_scheduler` at every step: a schedule
 * is a `Schedule` (`(step) => lr`, step = optimizer steps already taken) with a name, its options
 * and a rich display. Any numeric hyperparameter of an optimizer accepts one.
 */
export { constant, exponential, linear, multiStep, polynomial, step } from "./decay.js";
export type { ConstantOptions, ExponentialOptions, LinearOptions, MultiStepOptions, PolynomialOptions, StepOptions } from "./decay.js";
export { cosine, warmRestarts } from "./cosine.js";
export type { CosineOptions, WarmRestartsOptions } from "./cosine.js";
export { cyclic, oneCycle } from "./cyclic.js";
export type { CyclicOptions, OneCycleOptions } from "./cyclic.js";
export { sequential } from "./sequential.js";
export type { SequentialOptions, SequentialParts } from "./sequential.js";
export type { CyclingScheduleFn, ScheduleFn } from "./schedule.js";
