/**
 * What every optimizer alias shares: `named` (a transform with a name, its options and a
 * display) and the option rules PyTorch's optimizers have in common.
 */
import { DISPLAY, type MimeBundle } from "../display/index.js";
import type { HyperValue, Optimizer, Transform } from "./base.js";
import type { Rules } from "./options.js";
import { addDecayedWeights } from "./transforms/regularize.js";

/** The `lr` rule with PyTorch's default `d`. */
export const LR = (d: number): Rules[string] => ({ type: "hyper", default: d, min: 0, what: "the learning rate" });
/** The L2 `weightDecay` rule (default 0). */
export const WD: Rules[string] = { type: "hyper", default: 0, min: 0, what: "L2 penalty added to the gradient" };
/**
 * The `eps` rule with default `d`: ≥ 0 as torch (`0.0 <= eps`); with eps = 0 a gradient coordinate
 * that is exactly 0 gives 0/0, and the run stops "diverged" with a message naming eps.
 */
export const EPS = (d: number): Rules[string] => ({ type: "hyper", default: d, min: 0, what: "added to the denominator" });
/** The `betas` rule (default [0.9, 0.999]). */
export const BETAS: Rules[string] = { type: "betas", default: [0.9, 0.999], what: "coefficients of the running averages of g and g²" };

/** An option value in `describe()`: numbers as is, schedules as "schedule". */
export function fmt(v: unknown): string {
  if (typeof v === "function") return (v as { toString(): string }).toString === Function.prototype.toString ? "schedule" : String(v);
  if (Array.isArray(v)) return `[${v.map(fmt).join(", ")}]`;
  if (typeof v === "string") return JSON.stringify(v);
  return String(v);
}

/** Wraps a transform as a named `Optimizer` with its options and a display. */
export function named<S>(name: string, options: Record<string, unknown>, t: Transform<S>): Optimizer<S> {
  const opts = Object.freeze({ ...options });
  const describe = () => `${name}(${Object.entries(opts).map(([k, v]) => `${k}=${fmt(v)}`).join(", ")})`;
  return {
    ...t,
    name,
    options: opts,
    describe,
    toString: describe,
    [DISPLAY]: (): MimeBundle => ({ "text/plain": describe() }),
  } as Optimizer<S>;
}

/** Nonzero or scheduled: a weight decay / momentum that must be in the chain. */
export const active = (h: unknown): boolean => h !== 0 && h !== undefined;

/** L2 weight decay as the first transform of a chain, when it is active. */
export const l2 = (wd: unknown): Transform[] => (active(wd) ? [addDecayedWeights(wd as HyperValue)] : []);
