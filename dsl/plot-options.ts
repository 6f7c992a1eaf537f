/**
 * Checks of the options and plain-data arguments of `plot.*` at the DSL's edge: unknown option
 * names (with the close one suggested), values of the wrong kind, and plain grids of the wrong
 * shape are `DslError`s saying what was expected, instead of being ignored (`{ yscale: "log" }`
 * drew a linear chart without a word) or failing inside the chart code with a TypeError.
 *
 * Only checks: the caller passes the user's own options on, so the chart builders keep their
 * defaults.
 */
import { DslError, describe } from "../src/errors/index.js";
import { suggest } from "../src/optim/index.js";

/** What one option may be. */
type Check =
  | "any"
  | "string"
  | "boolean"
  | "number"
  | "positive"
  | "points"
  | "vector"
  | { readonly enum: readonly string[] }
  | { readonly int: number };

export type OptionSpec = Readonly<Record<string, Check>>;

const TITLE = { title: "string" } as const;
export const LOSS_OPTIONS: OptionSpec = {
  ...TITLE, yScale: { enum: ["auto", "log", "linear"] }, fStar: "number", xStar: "vector", panels: "any", maxPoints: { int: 2 }, height: "positive",
  logX: "boolean", steps: "any",
};
export const LANDSCAPE_OPTIONS: OptionSpec = {
  ...TITLE, xRange: "any", yRange: "any", resolution: "any", levels: { enum: ["auto", "log", "linear"] }, nLevels: { int: 2 },
  kind: { enum: ["contour", "heatmap"] }, minima: "points", dims: "any", at: "any", names: "any", equalAspect: "boolean", maxMarkers: { int: 1 },
};
export const SURFACE_OPTIONS: OptionSpec = { ...LANDSCAPE_OPTIONS, zScale: { enum: ["auto", "log", "none"] } };
export const HESSIAN_OPTIONS: OptionSpec = {
  ...TITLE, at: "any", samples: "any", show: { enum: ["all", "sharpness"] }, tol: "positive", yScale: { enum: ["auto", "linear", "log", "symlog"] }, point: "vector", gradNorm: "number",
};
export const RATES_OPTIONS: OptionSpec = {
  ...TITLE, fStar: "number", xStar: "vector", methods: "any", guarantee: "boolean", maxPoints: { int: 2 }, height: "positive", measure: { enum: ["f", "x"] },
};
export const GRADCHECK_OPTIONS: OptionSpec = { ...TITLE, indices: "any", relative: "boolean" };
export const SCHEDULE_OPTIONS: OptionSpec = { ...TITLE, steps: "any", yScale: { enum: ["log", "linear"] } };
export const TITLE_OPTIONS: OptionSpec = { ...TITLE };
export const GRAD_NORMS_OPTIONS: OptionSpec = { ...TITLE, leaves: "any" };
export const BASINS_OPTIONS: OptionSpec = { ...TITLE, minima: "points" };

/** Checks `opts` of `who` against `spec` (undefined is fine: every option is optional). */
export function checkPlotOptions(who: string, opts: unknown, spec: OptionSpec): void {
  if (opts === undefined) return;
  if (opts === null || typeof opts !== "object" || Array.isArray(opts)) {
    throw new DslError("bad-options", `${who}: expected options such as { title: "…" }, got ${describe(opts)}`, { path: who });
  }
  const known = Object.keys(spec);
  for (const [key, value] of Object.entries(opts as Record<string, unknown>)) {
    const check = spec[key];
    if (check === undefined) {
      const hint = suggest(key, known);
      throw new DslError("unknown-option", `${who}: unknown option "${key}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${known.join(", ")}`, { path: `${who}.${key}` });
    }
    if (value === undefined) continue;
    const expected = problem(check, value);
    if (expected) throw new DslError("bad-option", `${who}: ${key} must be ${expected}, got ${describe(value)}`, { path: `${who}.${key}` });
  }
}

/** What was expected, when `value` does not pass `check`. */
function problem(check: Check, value: unknown): string | undefined {
  const isVector = (v: unknown) => (Array.isArray(v) || ArrayBuffer.isView(v)) && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === "number" && Number.isFinite(x));
  if (check === "any") return undefined;
  if (check === "string") return typeof value === "string" ? undefined : "a string";
  if (check === "boolean") return typeof value === "boolean" ? undefined : "true or false";
  if (check === "number") return typeof value === "number" && Number.isFinite(value) ? undefined : "a finite number";
  if (check === "positive") return typeof value === "number" && Number.isFinite(value) && value > 0 ? undefined : "a positive number";
  if (check === "vector") return isVector(value) ? undefined : "an array of finite numbers";
  if (check === "points") return Array.isArray(value) && value.every(isVector) ? undefined : "an array of points (arrays of finite numbers)";
  if ("enum" in check) return check.enum.includes(value as string) ? undefined : `one of ${check.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  return typeof value === "number" && Number.isInteger(value) && value >= check.int ? undefined : `an integer ≥ ${check.int}`;
}

/** `plot.loss`'s panels: names of the extra panels. */
export function checkPanels(panels: unknown): void {
  const names = ["distance", "gradNorm", "lr"];
  if (panels === undefined) return;
  if (!Array.isArray(panels) || panels.some((p) => !names.includes(p as string))) {
    const bad = Array.isArray(panels) ? panels.find((p) => !names.includes(p as string)) : panels;
    const hint = typeof bad === "string" ? suggest(bad, names) : undefined;
    throw new DslError("bad-option", `plot.loss: panels must be an array of ${names.map((n) => `"${n}"`).join(", ")}, got ${describe(panels)}${hint ? ` (did you mean "${hint}"?)` : ""}`, { path: "plot.loss.panels" });
  }
}

const isNumbers = (v: unknown): boolean => (Array.isArray(v) || ArrayBuffer.isView(v)) && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === "number");
const isRows = (v: unknown): boolean => Array.isArray(v) && v.every(isNumbers);

/** `plot.sweep`'s plain grid `{ x: { name, values }, y: { name, values }, z: number[][], zName }`. */
export function checkSweepGrid(g: unknown): void {
  const axis = (a: unknown) => !!a && typeof a === "object" && typeof (a as { name?: unknown }).name === "string" && isNumbers((a as { values?: unknown }).values);
  const o = g as Record<string, unknown> | null;
  const bad = (what: string) => {
    throw new DslError("bad-argument", `plot.sweep: expected a sweep(...) result or a grid { x: { name, values }, y: { name, values }, z: number[][], zName }, but ${what}`, { path: "plot.sweep" });
  };
  if (!o || typeof o !== "object") return bad(`got ${describe(g)}`);
  if (!axis(o.x)) bad(`x is ${describe(o.x)} (expected { name: "lr", values: [...] })`);
  if (!axis(o.y)) bad(`y is ${describe(o.y)} (expected { name: "momentum", values: [...] })`);
  for (const k of ["x", "y"]) if ((o[k] as { values: ArrayLike<number> }).values.length === 0) bad(`${k}.values is empty (expected at least one value)`);
  if (!isRows(o.z)) bad(`z is ${describe(o.z)} (expected rows of numbers, z[j][i] for (x[i], y[j]))`);
  if (typeof o.zName !== "string") bad(`zName is ${describe(o.zName)} (expected what z is, e.g. "final loss")`);
}

/** `plot.basins`'s plain grid `{ x: number[], y: number[], labels: number[][], minima: number[][] }`. */
export function checkBasinsGrid(g: unknown): void {
  const o = g as Record<string, unknown> | null;
  const bad = (what: string) => {
    throw new DslError("bad-argument", `plot.basins: expected a sweep(...) over a grid of starts or { x: number[], y: number[], labels: number[][], minima: number[][] }, but ${what}`, { path: "plot.basins" });
  };
  if (!o || typeof o !== "object") return bad(`got ${describe(g)}`);
  for (const k of ["x", "y"]) if (!isNumbers(o[k])) bad(`${k} is ${describe(o[k])} (expected the start coordinates along ${k})`);
  if (!isRows(o.labels)) bad(`labels is ${describe(o.labels)} (expected rows of minimum indices, labels[j][i] for (x[i], y[j]), −1 for none)`);
  if (!isRows(o.minima)) bad(`minima is ${describe(o.minima)} (expected the minima as points)`);
  for (const k of ["x", "y"]) if ((o[k] as ArrayLike<number>).length === 0) bad(`${k} is empty (expected at least one start coordinate)`);
  const minima = o.minima as number[][];
  const m = minima.findIndex((p) => p.length !== 2);
  if (m >= 0) bad(`minima[${m}] is ${describe(minima[m])} (expected a point [x, y])`);
  const k = minima.length;
  (o.labels as ArrayLike<number>[]).forEach((row, j) => Array.from(row).forEach((l, i) => {
    if (!(Number.isInteger(l) && l >= -1 && l < k)) bad(`labels[${j}][${i}] is ${describe(l)} (expected the index of a minimum, 0..${k - 1}, or −1 for none)`);
  }));
}
