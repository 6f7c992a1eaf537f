/**
 * Option checking for optimizer aliases: one table of rules per alias, so each alias states its
 * options once (kind, range, default) and every message has the same shape:
 * `adam: lr must be a number ≥ 0 or a schedule, got -0.1`,
 * `adam: unknown option "weight_decay" (did you mean "weightDecay"?)`.
 */
import { DslError, describe } from "../errors/index.js";

/** One option's rule. */
export type Rule =
  /** number | Schedule (or, for batched backends, an array of them: one per run) within a range */
  | { kind: "hyper"; default?: unknown; min?: number; gt?: number; lt?: number; max?: number; what: string }
  /** a plain number (not schedulable) within a range */
  | { kind: "number"; default?: number; min?: number; gt?: number; lt?: number; max?: number; what: string }
  | { kind: "integer"; default?: number; min: number; what: string }
  | { kind: "boolean"; default: boolean; what: string }
  | { kind: "enum"; values: readonly (string | null)[]; default: string | null; what: string }
  /** `[β₁, β₂]`, each a hyper in [0, 1) */
  | { kind: "betas"; default: [number, number]; what: string }
  | { kind: "fisher"; default: string; what: string };

export type Rules = Record<string, Rule>;

/** Edit distance (Levenshtein), for "did you mean". */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

/** The closest known name: same letters ignoring case and `_`, else within a small edit distance. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.replace(/[_\-\s]/g, "").toLowerCase();
  const exact = known.find((k) => norm(k) === norm(name));
  if (exact) return exact;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dd = distance(norm(name), norm(k));
    if (dd < bestD) [best, bestD] = [k, dd];
  }
  return bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function rangeText(r: { min?: number; gt?: number; lt?: number; max?: number }): string {
  const lo = r.gt !== undefined ? `> ${r.gt}` : r.min !== undefined ? `≥ ${r.min}` : "";
  const hi = r.lt !== undefined ? `< ${r.lt}` : r.max !== undefined ? `≤ ${r.max}` : "";
  if (lo && hi) {
    const l = r.gt !== undefined ? "(" : "[";
    const h = r.lt !== undefined ? ")" : "]";
    return `in ${l}${r.gt ?? r.min}, ${r.lt ?? r.max}${h}`;
  }
  return lo || hi;
}

function inRange(v: number, r: { min?: number; gt?: number; lt?: number; max?: number }): boolean {
  return !((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max) ||
    (r.gt !== undefined && v <= r.gt) || (r.lt !== undefined && v >= r.lt));
}

/**
 * Checks `given` against `rules`; returns every option with its default filled in, in the rules'
 * order. Throws a `DslError`: "bad-options" (not an object), "unknown-option" (with a
 * suggestion), "bad-option" (wrong type or range, saying what was expected and what came).
 */
export function readOptions(fn: string, given: unknown, rules: Rules): Record<string, unknown> {
  if (given === undefined || given === null) given = {};
  if (typeof given !== "object" || Array.isArray(given)) {
    throw new DslError("bad-options", `${fn}: expected an options object such as { lr: 0.01 }, got ${describe(given)}`, { path: fn });
  }
  const record = given as Record<string, unknown>;
  const known = Object.keys(rules);
  for (const key of Object.keys(record)) {
    if (!(key in rules)) {
      const hint = suggest(key, known);
      throw new DslError(
        "unknown-option",
        `${fn}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${known.join(", ")}`,
        { path: `${fn}.${key}`, detail: { option: key, suggestion: hint } },
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const v = record[key];
    out[key] = v === undefined ? rule.default : check(fn, key, v, rule);
  }
  return out;
}

function check(fn: string, key: string, value: unknown, rule: Rule): unknown {
  const fail = (expected: string, path = `${fn}.${key}`): never => {
    throw new DslError("bad-option", `${fn}: ${key} must be ${expected}, got ${describe(value)}`, { path, detail: { value } });
  };
  switch (rule.kind) {
    case "hyper":
      return checkHyper(fn, key, value, rule, fail);
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value) || !inRange(value, rule)) {
        const range = rangeText(rule);
        fail(`a number${range ? " " + range : ""} (${rule.what})`);
      }
      return value;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value) || value < rule.min) fail(`an integer ≥ ${rule.min} (${rule.what})`);
      return value;
    case "boolean":
      if (typeof value !== "boolean") fail(`true or false (${rule.what})`);
      return value;
    case "enum":
      if (!rule.values.includes(value as string | null)) {
        const hint = typeof value === "string" ? suggest(value, rule.values.filter((v): v is string => v !== null)) : undefined;
        fail(`one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}`);
      }
      return value;
    case "betas": {
      if (!Array.isArray(value) || value.length !== 2) fail(`a pair [β₁, β₂] (${rule.what})`);
      const b = value as unknown[];
      const r = { kind: "hyper" as const, min: 0, lt: 1, what: "" };
      return [0, 1].map((i) =>
        checkHyper(fn, `${key}[${i}]`, b[i], r, (expected) => {
          throw new DslError("bad-option", `${fn}: ${key}[${i}] must be ${expected}, got ${describe(b[i])}`, { path: `${fn}.${key}[${i}]`, detail: { value: b[i] } });
        }),
      );
    }
    case "fisher":
      if (typeof value === "function") return value;
      if (value !== "auto" && value !== "exact" && value !== "empirical") fail(`"auto", "exact", "empirical" or a function (x) => matrix (${rule.what})`);
      return value;
  }
}

function checkHyper(
  fn: string, key: string, value: unknown, rule: { min?: number; gt?: number; lt?: number; max?: number; what: string },
  fail: (expected: string) => never,
): unknown {
  const range = rangeText(rule);
  const expected = `a number${range ? " " + range : ""} or a schedule${rule.what ? ` (${rule.what})` : ""}`;
  const one = (v: unknown): unknown => {
    if (typeof v === "number") {
      if (!Number.isFinite(v) || !inRange(v, rule)) fail(expected);
      return v;
    }
    if (typeof v === "function") {
      const v0 = (v as (s: number) => unknown)(0);
      if (typeof v0 !== "number" || !Number.isFinite(v0)) {
        throw new DslError("bad-option", `${fn}: ${key} is a schedule, but its value at step 0 is ${describe(v0)}, not a finite number`, { path: `${fn}.${key}` });
      }
      return v;
    }
    return fail(expected);
  };
  // One value (or schedule) per run, for vectorized sweeps on a batched backend.
  if (Array.isArray(value) && value.length > 0 && !key.includes("[")) return value.map(one);
  return one(value);
}
