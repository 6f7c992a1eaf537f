/**
 * The name rules of the DSL's edges (issue 16): every name a user gives — a variable, a
 * parameter, a constant, a data column — is an identifier, or one of the documented index forms
 * of a variable (`x[1]`, `W[1,2]`, the range `x[1..50]`). Anything else is a `DslError` (code
 * "bad-name") whose message names the field and the value, before the name reaches the parser
 * (where `"y;globalThis.x=1"` used to become an unknown-symbol error, and a constant named
 * `"b c"` was ignored without a word).
 *
 * The option rules (types, ranges, integers, upper bounds, unknown keys with suggestions) live in
 * src/optim/options.ts (`readOptions`); the list of all rules is docs/readme/errors.md.
 */
import { describe, DslError } from "../src/errors/index.js";
import { readOptions, suggest, type Rules } from "../src/optim/options.js";

/** A plain identifier: a letter or `_`, then letters, digits or `_` (mathjs's and TypeScript's, without `$`). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** An indexed variable: `x[1]`, `W[1,2]` (integer indices, mathjs counts from 1). */
const INDEXED = /^[A-Za-z_][A-Za-z0-9_]*\[\s*-?\d+(\s*,\s*-?\d+)*\s*\]$/;
/** A range of indexed variables: `x[1..50]`. */
const RANGE = /^[A-Za-z_][A-Za-z0-9_]*\[\s*-?\d+\s*\.\.\s*-?\d+\s*\]$/;

/** The longest name accepted (a name is read by a person; 10⁵ characters is a paste gone wrong). */
export const MAX_NAME_LENGTH = 256;

/**
 * Checks a list of variable (or parameter) names: each an identifier, an indexed name or a range.
 * @param who the function, e.g. "objective"; @param field "vars" or "params".
 * @throws DslError "bad-name" at `who.field[i]`.
 */
export function checkVariableNames(who: string, field: string, names: readonly unknown[]): void {
  names.forEach((name, i) => {
    if (typeof name === "string" && name.length <= MAX_NAME_LENGTH) {
      const t = name.trim();
      if (IDENTIFIER.test(t) || INDEXED.test(t) || RANGE.test(t)) return;
    }
    throw new DslError(
      "bad-name",
      `${who}: ${field}[${i}] must be an identifier such as "x", an indexed name such as "x[1]" or "W[1,2]", or a range such as "x[1..50]", got ${describe(name)}`,
      { path: `${who}.${field}[${i}]`, detail: { value: name } },
    );
  });
}

/**
 * Checks the keys of a record of named values (constants, data columns): each an identifier.
 * @throws DslError "bad-name" at `who.field`, naming the key.
 */
export function checkRecordNames(who: string, field: string, record: object, example: string): void {
  for (const key of Object.keys(record)) {
    if (key.length <= MAX_NAME_LENGTH && IDENTIFIER.test(key)) continue;
    throw new DslError(
      "bad-name",
      `${who}: the key ${describe(key)} of ${field} is not an identifier (a letter or _, then letters, digits or _), as in ${field}: ${example}`,
      { path: `${who}.${field}`, detail: { value: key } },
    );
  }
}

/**
 * Refuses keys of an options object that `who` does not take, with a suggestion (`at_` → `at`).
 * For functions whose options are read field by field (curvature.*), where a typo was ignored.
 * @throws DslError "bad-options" (not an object) or "unknown-option" at `who.key`.
 */
export function checkKeys(who: string, options: unknown, keys: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new DslError("bad-options", `${who}: expected an options object such as { ${keys[0]}: … }, got ${describe(options)}`, { path: who });
  }
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue;
    const hint = suggest(key, keys);
    throw new DslError("unknown-option", `${who}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${keys.join(", ")}`, { path: `${who}.${key}`, detail: { option: key, suggestion: hint } });
  }
}

const SEED: Rules[string] = { type: "integer", min: -Infinity, what: "the seed of the random probes" };
/** The options of `curvature.*`: types and ranges (the point `at` is read by the objective). */
const CURVATURE_RULES: Record<string, Rules> = {
  "curvature.eigenvalues": {
    at: { type: "any", what: "the point" },
    k: { type: "integer", min: 1, max: 1e4, what: "how many eigenvalues" },
    which: { type: "enum", values: ["largest", "smallest", "both"], default: "largest", what: "which end of the spectrum" },
    tol: { type: "number", gt: 0, what: "Lanczos's residual tolerance" },
    maxIter: { type: "integer", min: 1, max: 1e6, what: "Lanczos iterations" },
    seed: SEED,
    method: { type: "enum", values: ["auto", "dense", "lanczos"], default: "auto", what: "dense or Lanczos" },
    vectors: { type: "boolean", default: false, what: "also return eigenvectors" },
  },
  "curvature.trace": { at: { type: "any", what: "the point" }, probes: { type: "integer", min: 1, max: 1e6, what: "Rademacher probes" }, seed: SEED },
  "curvature.density": {
    at: { type: "any", what: "the point" },
    probes: { type: "integer", min: 1, max: 1e5, what: "random probes" },
    steps: { type: "integer", min: 1, max: 1e5, what: "Lanczos steps per probe" },
    seed: SEED,
    sigma: { type: "number", gt: 0, what: "the Gaussian broadening" },
    bins: { type: "integer", min: 2, max: 1e6, what: "points of the density curve" },
  },
  "curvature.slice": {
    at: { type: "any", what: "the point" },
    direction: { type: "any", what: '"top", "random" or a direction (checked by slice)' },
    range: { type: "any", what: "the interval of t (checked by slice)" },
    points: { type: "integer", min: 2, max: 1e5, what: "points along the slice" },
    seed: SEED,
  },
  "curvature.noise": { at: { type: "any", what: "the point" }, maxRows: { type: "integer", min: 1, what: "rows used" }, seed: SEED },
};

/**
 * Checks the options of a `curvature.*` call: unknown keys (with a suggestion), types, integers,
 * ranges and sizes, where they used to be read field by field (a typo was ignored, `k: 10n` a TypeError).
 * @throws DslError "bad-options", "unknown-option" or "bad-option" at `who.key`.
 */
export function checkCurvatureOptions(who: keyof typeof CURVATURE_RULES | string, options: unknown): void {
  const rules = CURVATURE_RULES[who];
  if (!rules) return;
  // every one of them needs the point (an absent options object was a TypeError)
  if (options === undefined) throw new DslError("missing-option", `${who}: give the point: ${who}(f, { at: [...] })`, { path: `${who}.at` });
  readOptions(who, options, rules);
}
