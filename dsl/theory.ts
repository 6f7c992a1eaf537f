/**
 * Theory helpers for textbook reproductions: `theory(objective, { at })` (Hessian eigenvalues, L,
 * μ, κ, classification, the step sizes and momentum parameters theory prescribes, predicted
 * linear rates) and `measuredRate(run, { fStar | xStar, window })` (the rate a run achieved).
 *
 * @example
 * const f = objective("x^2 + 50*y^2");
 * const t = theory(f, { at: [0, 0] });
 * t.kappa; // 50
 * const run = optimize(f, gd({ lr: t.stepSizes.invL }), { from: [1, 1], steps: 500 });
 * measuredRate(run, { fStar: 0 }).rate; // 0.9604 (up to 1e-6, the square of 1 − μ/L = 0.98)
 */
export { MeasuredRate, Theory, measuredRate, stabilityThreshold, theory, type StabilityThreshold } from "../src/optim/index.js";
export type { Classification, ErrorKind, HessianSource, LinearRate, MeasuredRateOptions, TheoryOptions } from "../src/optim/index.js";
