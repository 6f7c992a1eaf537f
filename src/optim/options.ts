/**
 * Option checking for everything in src/optim that takes an options object (optimizer aliases,
 * schedules, `theory`, `measuredRate`; the run options of `optimize` use `suggest`): a table of
 * rules per function, so each states its options once (type, range, default) and every message
 * has the same shape, with the stable codes "bad-options", "unknown-option", "missing-option"
 * and "bad-option":
 * `adam: lr must be a number ≥ 0 or a schedule (the learning rate), got -0.1`,
 * `cosine: tMax must be a positive integer (the number of steps from lr down to etaMin), got 0`,
 * `adam: unknown option "weight_decay" (did you mean "weightDecay"?); options are lr, betas, …`.
 *
 * Plain numbers state their range in words ("a non-negative number", "a number > 0 and ≤ 1");
 * hyperparameters, which also take a schedule, in interval notation ("a number in [0, 1) or a
 * schedule").
 */
import { DslError, describe } from "../errors/index.js";
import type { Schedule } from "./base.js";
import { isScheduleFn } from "./schedules/schedule.js";

interface Range {
  min?: number;
  max?: number;
  gt?: number;
  lt?: number;
}

/** One option's rule. `required` options have no default; others default to `default` (or stay undefined). */
export type Rule =
  /** A finite number within a range. */
  | (Range & { type: "number"; required?: boolean; default?: number; what: string })
  /** number | Schedule within a range (or, for batched backends, an array of them: one per run). */
  | (Range & { type: "hyper"; default?: unknown; what: string })
  | { type: "integer"; min: number; max?: number; required?: boolean; default?: number; what: string }
  | { type: "boolean"; default: boolean; what: string }
  | { type: "enum"; values: readonly (string | null)[]; default: string | null; what: string }
  /** Integers ≥ min in strictly increasing order. */
  | { type: "integers"; min: number; increasing: true; required?: boolean; default?: number[]; what: string }
  /** `[β₁, β₂]`, each a hyper in [0, 1) (or, for batched backends, an array of them: one per run). */
  | { type: "betas"; default: [number, number]; what: string }
  | { type: "function"; required?: boolean; what: string }
  /** naturalGradient's `fisher`: "auto", "exact", "empirical" or a function. */
  | { type: "fisher"; default: string; what: string }
  /** Checked by the caller (e.g. a point whose shape depends on another argument). */
  | { type: "any"; what: string };

export type Rules = Record<string, Rule>;

/**
 * Checks `given` against `rules`; returns every option with its default filled in, in the rules'
 * order (absent options without a default stay as explicit `undefined` keys). Throws a
 * `DslError`: "bad-options" (not an object), "unknown-option" (with a suggestion),
 * "missing-option", "bad-option" (wrong type or range: what was expected and what came).
 */
export function readOptions(fn: string, given: unknown, rules: Rules): Record<string, unknown> {
  if (given === undefined) given = {};
  if (given === null || typeof given !== "object" || Array.isArray(given)) {
    throw new DslError("bad-options", `${fn}: expected an options object such as ${example(fn, rules)}, got ${describe(given)}`, { path: fn });
  }
  const record = given as Record<string, unknown>;
  const known = Object.keys(rules);
  for (const key of Object.keys(record)) {
    if (key in rules) continue;
    const hint = suggest(key, known);
    throw new DslError("unknown-option", `${fn}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${known.join(", ")}`, {
      path: `${fn}.${key}`,
      detail: { option: key, suggestion: hint },
    });
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const value = record[key];
    if (value !== undefined) out[key] = check(fn, key, value, rule);
    else if ("required" in rule && rule.required) throw new DslError("missing-option", `${fn}: option ${key} is required (${rule.what})`, { path: `${fn}.${key}` });
    else out[key] = "default" in rule && Array.isArray(rule.default) ? [...rule.default] : "default" in rule ? rule.default : undefined;
  }
  return out;
}

function check(fn: string, key: string, value: unknown, rule: Rule): unknown {
  const fail = (expected: string): never => {
    throw new DslError("bad-option", `${fn}: ${key} must be ${expected}, got ${describe(value)}`, { path: `${fn}.${key}`, detail: { value } });
  };
  switch (rule.type) {
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) return fail(`a finite number (${rule.what})`);
      if (!inRange(value, rule)) fail(`${rangeWords(rule)} (${rule.what})`);
      return value;
    case "hyper":
      return checkHyper(fn, key, value, rule);
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value) || value < rule.min || (rule.max !== undefined && value > rule.max)) fail(`${integerText(rule.min, rule.max)} (${rule.what})`);
      // 1e308 is an "integer" to Number.isInteger, but not one a loop counts to
      if (Math.abs(value as number) > Number.MAX_SAFE_INTEGER) fail(`${integerText(rule.min)} of at most 2⁵³ − 1 = ${Number.MAX_SAFE_INTEGER} in size (${rule.what})`);
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
    case "integers":
      return checkIntegers(fn, key, value, rule.min, rule.what, fail);
    case "betas": {
      if (!Array.isArray(value) || value.length !== 2) fail(`a pair [β₁, β₂] (${rule.what})`);
      const unit = { type: "hyper" as const, min: 0, lt: 1, what: "" };
      return (value as unknown[]).map((b, i) => checkHyper(fn, `${key}[${i}]`, b, unit));
    }
    case "function":
      if (typeof value !== "function") fail(`a function (${rule.what})`);
      return value;
    case "fisher":
      if (typeof value !== "function" && value !== "auto" && value !== "exact" && value !== "empirical") fail(`"auto", "exact", "empirical" or a function (x) => matrix (${rule.what})`);
      return value;
    case "any":
      return value;
  }
}

/** A number (in range) or a schedule whose value at step 0 is a finite number; an array: one per run. */
function checkHyper(fn: string, key: string, value: unknown, rule: Range & { what: string }): unknown {
  // Messages are built only on failure: aliases are made 10⁵ times in a sweep.
  const one = (v: unknown): unknown => {
    if (typeof v === "number" && Number.isFinite(v) && inRange(v, rule)) return v;
    const range = rangeMath(rule);
    const expected = `a number${range ? " " + range : ""} or a schedule${rule.what ? ` (${rule.what})` : ""}`;
    if (typeof v !== "function") throw new DslError("bad-option", `${fn}: ${key} must be ${expected}, got ${describe(v)}`, { path: `${fn}.${key}`, detail: { value: v } });
    const v0 = (v as (s: number) => unknown)(0);
    if (typeof v0 !== "number" || !Number.isFinite(v0)) {
      throw new DslError("bad-option", `${fn}: ${key} is a schedule, but its value at step 0 is ${describe(v0)}, not a finite number`, { path: `${fn}.${key}` });
    }
    if (!inRange(v0, rule)) throw badScheduleValue(fn, key, 0, v0, range);
    return isScheduleFn(v) ? v : checkedSchedule(fn, key, v as Schedule, rule, range);
  };
  // One value (or schedule) per run, for vectorized sweeps on a batched backend; also inside a
  // pair such as betas (a sweep over β₁ runs as one batch: betas = [[β₁ per run], 0.999]).
  if (Array.isArray(value) && value.length > 0) {
    return value.map((v, i) => {
      try {
        return one(v);
      } catch (e) {
        // name the run whose value is wrong
        if (e instanceof DslError && !Array.isArray(v)) throw new DslError("bad-option", `${e.message} (run ${i} of a per-run array)`, { path: `${fn}.${key}[${i}]`, detail: { value: v } });
        throw e;
      }
    });
  }
  return one(value);
}

/** Wrappers already made: per user function, per `fn.key` (the same function gives the same wrapper). */
const WRAPPED = new WeakMap<Schedule, Map<string, Schedule>>();
const WRAPPERS = new WeakSet<Schedule>();

/**
 * A user's own schedule `(step) => value`, checked at every step: a decay written by hand such as
 * `(k) => 0.1 * (1 - k / 100)` turns negative after step 100, and a negative lr silently climbs
 * uphill (a momentum ≥ 1 silently blows up). `schedules.*` are in range by construction and are
 * not wrapped (they keep their name, options and chart). The wrapper is cached per function, so
 * the same schedule in several optimizers stays one value (sweeps batch on identity).
 */
function checkedSchedule(fn: string, key: string, s: Schedule, rule: Range, range: string): Schedule {
  if (WRAPPERS.has(s)) return s;
  let byKey = WRAPPED.get(s);
  if (!byKey) WRAPPED.set(s, (byKey = new Map()));
  const id = `${fn}.${key}`;
  let w = byKey.get(id);
  if (!w) {
    w = (step: number): number => {
      const v = s(step);
      if (typeof v === "number" && Number.isFinite(v) && inRange(v, rule)) return v;
      throw badScheduleValue(fn, key, step, v, range);
    };
    WRAPPERS.add(w);
    byKey.set(id, w);
  }
  return w;
}

function badScheduleValue(fn: string, key: string, step: number, v: unknown, range: string): DslError {
  const want = typeof v === "number" && Number.isFinite(v) ? `, but ${key} must be ${range ? `a number ${range}` : "a finite number"}` : ", not a finite number";
  return new DslError("bad-option", `${fn}: ${key} is a schedule whose value at step ${step} is ${describe(v)}${want}`, { path: `${fn}.${key}`, detail: { step, value: v } });
}

function checkIntegers(fn: string, key: string, value: unknown, min: number, what: string, fail: (expected: string) => never): number[] {
  if (!Array.isArray(value)) fail(`an array of ${integerText(min)}s in increasing order (${what})`);
  const arr = value as unknown[];
  arr.forEach((m, i) => {
    if (typeof m !== "number" || !Number.isInteger(m) || m < min) {
      throw new DslError("bad-option", `${fn}: ${key}[${i}] must be ${integerText(min)}, got ${describe(m)}`, { path: `${fn}.${key}[${i}]` });
    }
    if (i > 0 && m <= (arr[i - 1] as number)) {
      throw new DslError("bad-option", `${fn}: ${key} must be strictly increasing, got ${describe(arr)} (${key}[${i}] = ${m} after ${arr[i - 1] as number})`, { path: `${fn}.${key}[${i}]` });
    }
  });
  return [...(arr as number[])];
}

function inRange(v: number, r: Range): boolean {
  return !((r.min !== undefined && v < r.min) || (r.max !== undefined && v > r.max) || (r.gt !== undefined && v <= r.gt) || (r.lt !== undefined && v >= r.lt));
}

/** "a positive number", "a non-negative number", "a number ≥ 0 and ≤ 1". */
function rangeWords(r: Range): string {
  const lo = r.gt !== undefined ? `> ${r.gt}` : r.min !== undefined ? `≥ ${r.min}` : "";
  const hi = r.lt !== undefined ? `< ${r.lt}` : r.max !== undefined ? `≤ ${r.max}` : "";
  if (r.gt === 0 && !hi) return "a positive number";
  if (r.min === 0 && !hi) return "a non-negative number";
  if (r.min === 0 && r.max !== undefined && r.max >= 1e6) return `a non-negative number ≤ ${r.max}`;
  return `a number ${[lo, hi].filter(Boolean).join(" and ")}`;
}

/** "≥ 0", "> 0", "in [0, 1)" (empty without bounds). */
function rangeMath(r: Range): string {
  const lo = r.gt !== undefined ? `> ${r.gt}` : r.min !== undefined ? `≥ ${r.min}` : "";
  const hi = r.lt !== undefined ? `< ${r.lt}` : r.max !== undefined ? `≤ ${r.max}` : "";
  if (!lo || !hi) return lo || hi;
  return `in ${r.gt !== undefined ? "(" : "["}${r.gt ?? r.min}, ${r.lt ?? r.max}${r.lt !== undefined ? ")" : "]"}`;
}

function integerText(min: number, max?: number): string {
  if (min === -Infinity) return "an integer";
  if (max !== undefined && min === 1) return `a positive integer ≤ ${max}`;
  if (max !== undefined && min === 0) return `a non-negative integer ≤ ${max}`;
  if (max !== undefined) return `an integer in [${min}, ${max}]`;
  if (min === 1) return "a positive integer";
  if (min === 0) return "a non-negative integer";
  return `an integer ≥ ${min}`;
}

/** `cosine({ lr: …, tMax: … })`: the required options, or the first one. */
function example(fn: string, rules: Rules): string {
  const keys = Object.entries(rules).filter(([, r]) => "required" in r && r.required).map(([k]) => k);
  if (keys.length === 0 && Object.keys(rules).length > 0) keys.push(Object.keys(rules)[0]!);
  return `${fn}({ ${keys.map((k) => `${k}: …`).join(", ")} })`;
}

/**
 * The closest known name to `name`, if close enough to be a likely typo: equal up to case, `_`,
 * `-` and spaces (PyTorch's `T_max` → `tMax`, `weight_decay` → `weightDecay`), a prefix of it
 * or the reverse (`tolerance` → `tol`, `step` → `steps`), or within a small edit distance.
 */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[_\-\s]/g, "");
  const n = norm(name);
  const exact = known.find((k) => norm(k) === n);
  if (exact) return exact;
  const prefix = known.find((k) => Math.min(k.length, name.length) >= 3 && (n.startsWith(norm(k)) || norm(k).startsWith(n)));
  if (prefix) return prefix;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(n, norm(k));
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(1, Math.round(name.length * 0.4)) ? best : undefined;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
