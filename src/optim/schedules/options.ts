/**
 * Option checking for the schedule constructors: a small table of rules per constructor, so each
 * constructor states its options once (type, range, default) and every message has the same shape:
 * `cosine: tMax must be a positive integer, got 0`.
 */
import { DslError, describe } from "../../errors/index.js";

/** One option's rule. `default: undefined` with `required` unset means "optional, no default". */
export type OptionRule =
  | { type: "number"; min?: number; max?: number; gt?: number; lt?: number; required?: boolean; default?: number; what: string }
  | { type: "integer"; min: number; max?: number; required?: boolean; default?: number; what: string }
  | { type: "boolean"; default: boolean; what: string }
  | { type: "enum"; values: readonly string[]; default: string; what: string }
  | { type: "integers"; min: number; increasing: true; required?: boolean; default?: number[]; what: string }
  | { type: "function"; required?: boolean; what: string }
  /** Checked by the caller (e.g. a point whose shape depends on another argument). */
  | { type: "any"; what: string };

export type OptionRules = Record<string, OptionRule>;

/**
 * Checks `given` against `rules` and returns the options with defaults filled in, in the rules'
 * order (the order the display uses). Throws a `DslError` for an unknown name (with a "did you
 * mean" suggestion), a missing required option, or a value of the wrong type or range.
 */
export function readOptions(fn: string, given: unknown, rules: OptionRules): Record<string, unknown> {
  if (given === undefined) given = {};
  if (given === null || typeof given !== "object" || Array.isArray(given))
    throw new DslError("bad-options", `${fn}: expected an options object such as ${example(fn, rules)}, got ${describe(given)}`, { path: fn });
  const record = given as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(key in rules)) {
      const hint = suggest(key, Object.keys(rules));
      throw new DslError(
        "unknown-option",
        `${fn}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${Object.keys(rules).join(", ")}`,
        { path: `${fn}.${key}`, detail: { option: key, suggestion: hint } },
      );
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, rule] of Object.entries(rules)) {
    const value = record[key];
    if (value === undefined) {
      if ("required" in rule && rule.required)
        throw new DslError("missing-option", `${fn}: option ${key} is required (${rule.what})`, { path: `${fn}.${key}` });
      // Absent optional options stay as explicit `undefined` keys so the order is the rules' order.
      out[key] = "default" in rule && rule.default !== undefined ? (Array.isArray(rule.default) ? [...rule.default] : rule.default) : undefined;
      continue;
    }
    out[key] = checkValue(fn, key, value, rule);
  }
  return out;
}

function checkValue(fn: string, key: string, value: unknown, rule: OptionRule): unknown {
  const fail = (expected: string): never => {
    throw new DslError("bad-option", `${fn}: ${key} must be ${expected}, got ${describe(value)}`, { path: `${fn}.${key}`, detail: { value } });
  };
  switch (rule.type) {
    case "number": {
      if (typeof value !== "number" || !Number.isFinite(value)) fail(`a finite number (${rule.what})`);
      const v = value as number;
      if ((rule.min !== undefined && v < rule.min) || (rule.max !== undefined && v > rule.max) ||
          (rule.gt !== undefined && v <= rule.gt) || (rule.lt !== undefined && v >= rule.lt))
        fail(`${rangeText(rule)} (${rule.what})`);
      return v;
    }
    case "integer": {
      if (typeof value !== "number" || !Number.isInteger(value) || value < rule.min || (rule.max !== undefined && value > rule.max))
        fail(`${integerText(rule.min, rule.max)} (${rule.what})`);
      return value;
    }
    case "boolean":
      if (typeof value !== "boolean") fail(`true or false (${rule.what})`);
      return value;
    case "enum":
      if (typeof value !== "string" || !rule.values.includes(value)) {
        const hint = typeof value === "string" ? suggest(value, rule.values) : undefined;
        fail(`one of ${rule.values.map((v) => JSON.stringify(v)).join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}`);
      }
      return value;
    case "integers": {
      if (!Array.isArray(value)) fail(`an array of ${integerText(rule.min)}s in increasing order (${rule.what})`);
      const arr = value as unknown[];
      arr.forEach((m, i) => {
        if (typeof m !== "number" || !Number.isInteger(m) || m < rule.min)
          throw new DslError("bad-option", `${fn}: ${key}[${i}] must be ${integerText(rule.min)}, got ${describe(m)}`, { path: `${fn}.${key}[${i}]` });
        if (i > 0 && m <= (arr[i - 1] as number))
          throw new DslError("bad-option", `${fn}: ${key} must be strictly increasing, got ${describe(arr)} (${key}[${i}] = ${m} after ${arr[i - 1] as number})`, { path: `${fn}.${key}[${i}]` });
      });
      return [...(arr as number[])];
    }
    case "function":
      if (typeof value !== "function") fail(`a function (${rule.what})`);
      return value;
    case "any":
      return value;
  }
}

function integerText(min: number, max?: number): string {
  if (max !== undefined) return `an integer in [${min}, ${max}]`;
  if (min === 1) return "a positive integer";
  if (min === 0) return "a non-negative integer";
  return `an integer ≥ ${min}`;
}

function rangeText(rule: { min?: number; max?: number; gt?: number; lt?: number }): string {
  const lo = rule.gt !== undefined ? `> ${rule.gt}` : rule.min !== undefined ? `≥ ${rule.min}` : "";
  const hi = rule.lt !== undefined ? `< ${rule.lt}` : rule.max !== undefined ? `≤ ${rule.max}` : "";
  if (rule.gt === 0 && !hi) return "a positive number";
  if (rule.min === 0 && !hi) return "a non-negative number";
  return `a number ${[lo, hi].filter(Boolean).join(" and ")}`;
}

function example(fn: string, rules: OptionRules): string {
  const req = Object.entries(rules).filter(([, r]) => "required" in r && r.required).map(([k]) => `${k}: …`);
  return `${fn}({ ${req.join(", ")} })`;
}

/**
 * The closest known name to `name`, if close enough to be a likely typo: equal up to case and
 * underscores (PyTorch's `T_max` → `tMax`), or within a small edit distance.
 */
export function suggest(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/_/g, "");
  const exact = known.find((k) => norm(k) === norm(name));
  if (exact) return exact;
  // A known name that the given one starts with, or the reverse (tolerance → tol, eta → etaMin).
  const prefix = known.find((k) => Math.min(k.length, name.length) >= 3 && (norm(name).startsWith(norm(k)) || norm(k).startsWith(norm(name))));
  if (prefix) return prefix;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = editDistance(norm(name), norm(k));
    if (d < bestD) [best, bestD] = [k, d];
  }
  return bestD <= Math.max(1, Math.round(name.length * 0.4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
