/**
 * Argument checks of the exported building blocks (`scaleByAdam({ b1 })`, `scaleByLearningRate(lr)`,
 * …): users compose them by hand, so they check their input with the same rules, codes and
 * messages as the aliases (src/optim/options.ts), instead of failing later inside a step with a
 * TypeError (`h.every is not a function`) or silently running uphill (`scaleByLearningRate(-1)`).
 */
import { DslError } from "../../errors/index.js";
import type { HyperValue } from "../base.js";
import { readOptions, type Rule, type Rules } from "../options.js";

type HyperRule = Omit<Extract<Rule, { type: "hyper" }>, "type">;

/** A required positional hyperparameter: a number in range, a schedule, or per-run values. */
export function hyperArg(fn: string, name: string, value: unknown, rule: HyperRule, example: string): HyperValue {
  if (value === undefined) throw new DslError("missing-option", `${fn}: ${name} is required (${rule.what}), e.g. ${example}`, { path: `${fn}.${name}` });
  return readOptions(fn, { [name]: value }, { [name]: { type: "hyper", ...rule } })[name] as HyperValue;
}

/**
 * An options object of a building block, checked against `rules` (defaults filled in), typed as
 * `T`: the caller states the checked shape once instead of casting each field.
 */
export function blockOptions<T extends object = Record<string, unknown>>(fn: string, given: unknown, rules: Rules): T {
  return readOptions(fn, given, rules) as T;
}

/** A hyperparameter in [0, 1) (β₁, β₂, α, momentum) with default `d`. */
export const unit = (d: number | undefined, what: string): Rule => ({ type: "hyper", ...(d === undefined ? {} : { default: d }), min: 0, lt: 1, what });
/** A positive hyperparameter (eps) with default `d`. */
export const positive = (d: number, what: string): Rule => ({ type: "hyper", default: d, gt: 0, what });
/** A non-negative hyperparameter with default `d`. */
export const nonNegative = (d: number, what: string): Rule => ({ type: "hyper", default: d, min: 0, what });
/** A boolean with default `d`. */
export const flag = (d: boolean, what: string): Rule => ({ type: "boolean", default: d, what });
