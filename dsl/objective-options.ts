/**
 * The options of `objective(src, opts)` and their checks (types and values; what depends on the
 * expression and the data is checked in src/symbolic/build.ts).
 */
import { describe, DslError } from "../src/errors/index.js";
import { suggest } from "../src/optim/index.js";
import { FAMILY_NAMES, type DataColumn, type Family } from "../src/symbolic/index.js";
import { checkRecordNames, checkVariableNames } from "./validate.js";

/** Options of `objective`. */
export interface ObjectiveOptions {
  /**
   * The variables, in order (the layout of `x` in `value(x)` and of optimizer states). Ranges
   * expand: `["x[1..50]"]`. Default: order of first appearance (indexed names of one base grouped
   * and sorted by index); for a TS function, its parameters in order. When given, any other
   * symbol that is neither a constant nor a data column is an error.
   */
  vars?: readonly string[];
  /** Named constants: `{ a: 1, b: 100 }`. Displays keep the names; compiled code uses the values. */
  constants?: Readonly<Record<string, number>>;
  /** Data-backed objectives: the parameters to optimize (same rules as `vars`, which it replaces). */
  params?: readonly string[];
  /**
   * Data-backed objectives: per-sample columns by name. `number[]` gives one symbol; a matrix
   * `number[][]` (rows × d) gives `X[1]`…`X[d]` in strings (mathjs counts from 1) and
   * `X[0]`…`X[d-1]` in TS functions.
   */
  data?: Readonly<Record<string, DataColumn>>;
  /** How the summand is reduced over samples: "mean" (default) or "sum". */
  reduce?: "mean" | "sum";
  /**
   * Data-backed objectives: the model family whose negative log-likelihood the summand is, with
   * its canonical link — "bernoulli" (ℓ = softplus(η) − y·η: logistic regression), "poisson"
   * (ℓ = exp(η) − y·η) or "gaussian" (ℓ = (y − η)²/(2σ²), σ fixed; plain squared error is
   * σ² = 1/2), up to terms free of the params, for any model η of the params. It gives the
   * objective its exact Fisher information (`fisher(x)`), which `naturalGradient()` then uses.
   * Checked: symbolically when the objective is made, numerically on the first Fisher evaluation.
   */
  family?: Family;
  /** The response column of `family` (default "y"). */
  response?: string;
  /** The function's name in displays (default "f", or "L" for data-backed objectives). */
  name?: string;
}

const OPTION_KEYS = ["vars", "constants", "params", "data", "reduce", "family", "response", "name"];

/** Checks the options' types and values (see `ObjectiveOptions`). */
export function checkOptions(opts: ObjectiveOptions): void {
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) throw new DslError("bad-option", `objective: options must be an object such as { vars: ["x", "y"] }, got ${describe(opts)}`, { path: "objective" });
  for (const key of Object.keys(opts)) {
    if (OPTION_KEYS.includes(key)) continue;
    const hint = suggest(key, OPTION_KEYS);
    throw new DslError("bad-option", `objective: unknown option '${key}'${hint ? ` (did you mean '${hint}'?)` : ""} (options: ${OPTION_KEYS.join(", ")})`, { path: `objective.${key}` });
  }
  for (const key of ["vars", "params"] as const) {
    const v = opts[key];
    if (v !== undefined && (!Array.isArray(v) || v.some((s) => typeof s !== "string" || s.trim() === ""))) {
      throw new DslError("bad-option", `objective: ${key} must be an array of names such as ["x", "y"], got ${describe(v)}`, { path: `objective.${key}` });
    }
    if (v !== undefined) checkVariableNames("objective", key, v);
  }
  if (opts.constants !== undefined) {
    if (opts.constants === null || typeof opts.constants !== "object" || Array.isArray(opts.constants)) {
      throw new DslError("bad-option", `objective: constants must be a record such as { a: 1 }, got ${describe(opts.constants)}`, { path: "objective.constants" });
    }
    checkRecordNames("objective", "constants", opts.constants, '{ a: 1, b2: 100 }');
    for (const [k, v] of Object.entries(opts.constants)) {
      if (typeof v !== "number" || !Number.isFinite(v)) throw new DslError("bad-option", `objective: constant '${k}' must be a finite number, got ${describe(v)}`, { path: `objective.constants.${k}` });
    }
  }
  if (opts.data !== undefined && (opts.data === null || typeof opts.data !== "object" || Array.isArray(opts.data) || Object.keys(opts.data).length === 0)) {
    throw new DslError("bad-option", `objective: data must be a record of columns such as { x: [...], y: [...] }, got ${describe(opts.data)}`, { path: "objective.data" });
  }
  if (opts.data !== undefined) checkRecordNames("objective", "data", opts.data, '{ x: [...], y: [...] }');
  if (opts.reduce !== undefined && opts.reduce !== "mean" && opts.reduce !== "sum") {
    throw new DslError("bad-option", `objective: reduce must be "mean" or "sum", got ${describe(opts.reduce)}`, { path: "objective.reduce" });
  }
  if (opts.family !== undefined && !FAMILY_NAMES.includes(opts.family)) {
    const alias: Record<string, string> = { binomial: "bernoulli", logistic: "bernoulli", logit: "bernoulli", normal: "gaussian" };
    const hint = typeof opts.family === "string" ? alias[opts.family.toLowerCase()] ?? suggest(opts.family, FAMILY_NAMES) : undefined;
    const other = typeof opts.family === "string" && /^(categorical|multinomial|softmax)$/i.test(opts.family) ? "; several responses (softmax) are not supported yet: leave family out for the empirical Fisher" : "";
    throw new DslError("bad-option", `objective: family must be one of ${FAMILY_NAMES.map((f) => `"${f}"`).join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}, got ${describe(opts.family)}${other}`, { path: "objective.family" });
  }
  if (opts.response !== undefined && (typeof opts.response !== "string" || opts.response.trim() === "")) {
    throw new DslError("bad-option", `objective: response must be the name of a data column such as "y", got ${describe(opts.response)}`, { path: "objective.response" });
  }
  if (opts.params !== undefined && opts.data === undefined) throw new DslError("bad-option", "objective: params is for data-backed objectives (with data); use vars to fix the variable order", { path: "objective.params" });
  if (opts.name !== undefined && (typeof opts.name !== "string" || !/^[A-Za-z][\w]*$/.test(opts.name))) {
    throw new DslError("bad-option", `objective: name must be a short identifier such as "f", got ${describe(opts.name)}`, { path: "objective.name" });
  }
}
