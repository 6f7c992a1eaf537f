/**
 * Points given by users to point-wise tools (`theory`, `curvature.*`): any form the problem
 * reads — its own `point()` (symbolic objectives: records by name, `{ x: [..] }`, nested arrays
 * for W[i,j]; network losses: their params tree), a parameter tree for a problem with a tree
 * layout (`{ f, grad }` with a tree point), a flat array, or a record by name — as a Float64Array,
 * with errors naming the path.
 */
import { describe, DslError } from "../errors/index.js";
import { UserModelProblem, isUserModel } from "../numeric/index.js";
import type { Problem } from "../problem/index.js";
import { layoutOf, type Layout, type Tree } from "../tree/index.js";

/** A tree point (not a flat array of numbers, not a record of numbers by name). */
export function isTreePoint(x: unknown): boolean {
  if (Array.isArray(x)) return x.some((v) => typeof v !== "number");
  if (ArrayBuffer.isView(x)) return false;
  return x !== null && typeof x === "object" && Object.values(x).some((v) => typeof v !== "number");
}

/** Re-raises a tree error under `${who}.${option}` (its path appended). */
function under(e: unknown, who: string, option: string, code: string): unknown {
  if (!(e instanceof DslError)) return e;
  const path = `${who}.${option}${e.path && !e.path.startsWith("[") ? "." : ""}${e.path}`;
  return new DslError(code, e.message, { path, ...(e.detail ? { detail: e.detail } : {}) });
}

/**
 * The point `at` of `problem` as a Float64Array (see the module comment).
 * @param option the option's name in messages ("at").
 */
export function pointIn(problem: Problem, at: unknown, who: string, option = "at"): Float64Array {
  const n = problem.n;
  const names = problem.names;
  if (at === undefined) throw new DslError("missing-option", `${who}: the point "${option}" is required (variables: ${names.join(", ")})`, { path: `${who}.${option}` });
  let x: Float64Array;
  const own = (problem as { point?: unknown }).point;
  const layout = (problem as { layout?: Layout }).layout;
  const flatArray = ArrayBuffer.isView(at) || (Array.isArray(at) && at.every((v) => typeof v === "number"));
  if (typeof own === "function" && !flatArray) {
    x = Float64Array.from((own as (p: unknown, what: string) => ArrayLike<number>).call(problem, at, `${who}'s point "${option}"`));
  } else if (layout && typeof layout.flattenInto === "function" && !flatArray) {
    x = new Float64Array(n);
    try {
      layout.flattenInto(at as Tree, x, `${who}: "${option}"`);
    } catch (e) {
      throw under(e, who, option, "bad-point");
    }
  } else if (Array.isArray(at) || ArrayBuffer.isView(at)) {
    const a = at as ArrayLike<unknown>;
    if (a.length !== n) throw new DslError("bad-point", `${who}: "${option}" has ${a.length} value${a.length === 1 ? "" : "s"}, the objective has ${n} variable${n === 1 ? "" : "s"} (${names.join(", ")})`, { path: `${who}.${option}` });
    x = Float64Array.from(a as ArrayLike<number>);
  } else if (at !== null && typeof at === "object") {
    const r = at as Record<string, unknown>;
    const unknown = Object.keys(r).find((k) => !names.includes(k));
    if (unknown !== undefined) throw new DslError("bad-point", `${who}: "${option}" has a value for '${unknown}', which is not a variable (variables: ${names.join(", ")})`, { path: `${who}.${option}.${unknown}` });
    x = Float64Array.from(names, (nm) => {
      const v = r[nm];
      if (typeof v !== "number") throw new DslError("bad-point", `${who}: "${option}" has no value for '${nm}' (variables: ${names.join(", ")})`, { path: `${who}.${option}.${nm}` });
      return v;
    });
  } else throw new DslError("bad-point", `${who}: "${option}" must be a number[], a record by variable name or a parameter tree, got ${describe(at)}`, { path: `${who}.${option}` });
  const bad = x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new DslError("bad-point", `${who}: "${option}" has a non-finite value ${x[bad]} at ${names[bad] ?? bad}`, { path: `${who}.${option}` });
  return x;
}

/**
 * `{ f, grad }` user code with a tree point as a problem over that tree (f and grad get trees,
 * names are the paths); null when `at` is not a tree or the model names its parameters.
 */
export function treeModelProblem(target: unknown, at: unknown, who: string, option = "at"): UserModelProblem | null {
  if (!isUserModel(target) || (target as { names?: unknown }).names !== undefined || !isTreePoint(at)) return null;
  let layout: Layout;
  try {
    layout = layoutOf(at as Tree, `${who}: "${option}"`);
  } catch (e) {
    throw under(e, who, option, "bad-point");
  }
  return new UserModelProblem(target, layout.size, { who, layout, point: option });
}
