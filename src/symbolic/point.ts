/**
 * Points from user input: an array in variable order, or a record by variable name, to a
 * Float64Array, with errors in the user's terms (codes `bad-length`, `missing-value`,
 * `bad-point`). A record may give an indexed vector by its base name: `{ x: [1, 2, 3] }` fills
 * `x[1]`, `x[2]`, `x[3]` (the variables of base x, in their order).
 */
import { describe, DslError } from "../errors/index.js";
import { layoutOf } from "../tree/index.js";
import { listNames } from "./build.js";
import { parseIndexed } from "./variables.js";

/** What a point may be. */
export type PointInput = ArrayLike<number> | Readonly<Record<string, number | ArrayLike<number>>>;

/**
 * Converts `x` to a Float64Array in the order of `vars`.
 * @param label who is asking, for messages (`objective "x^2 + y"`).
 * @param what the point's role in messages ("the point", "the direction v").
 */
export function toPoint(x: unknown, vars: readonly string[], label: string, what = "the point"): Float64Array {
  const n = vars.length;
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) {
    const a = x as ArrayLike<unknown>;
    if (a.length !== n) {
      throw new DslError("bad-length", `${label}: ${what} must have ${n} value${n === 1 ? "" : "s"} (${listNames(vars)}), got ${a.length}`, { path: "x", detail: { expected: n, got: a.length } });
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = finite(a[i], `entry ${i} ('${vars[i]}')`, what, label);
    return out;
  }
  if (x === null || typeof x !== "object") throw new DslError("bad-point", `${label}: ${what} must be an array of numbers or a record by variable name, got ${describe(x)}`, { path: "x" });
  return fromRecord(x as Readonly<Record<string, unknown>>, vars, label, what);
}

function finite(v: unknown, where: string, what: string, label: string): number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new DslError("bad-point", `${label}: in ${what}, the value of ${where} must be a finite number, got ${describe(v)}`, { path: where.replace(/'/g, "") });
  }
  return v;
}

/** A record that sets one variable twice, by its name and through its base (`{ x: [..], "x[2]": 5 }`). */
function twice(name: string, label: string, what: string): DslError {
  const base = name.includes("[") ? name.slice(0, name.indexOf("[")) : name;
  return new DslError("bad-point", `${label}: ${what} gives '${name}' twice (by its name and in the vector '${base}'); give each variable once`, { path: name });
}

function fromRecord(rec: Readonly<Record<string, unknown>>, vars: readonly string[], label: string, what: string): Float64Array {
  const out = new Float64Array(vars.length);
  const filled = new Uint8Array(vars.length);
  const slot = new Map(vars.map((v, i) => [v, i]));
  for (const [key, val] of Object.entries(rec)) {
    const k = slot.get(key);
    if (k !== undefined) {
      if (filled[k] === 1) throw twice(key, label, what);
      out[k] = finite(val, `'${key}'`, what, label);
      filled[k] = 1;
      continue;
    }
    const members = vars.map((v, i) => [v, i] as const).filter(([v]) => v.startsWith(`${key}[`));
    if (members.length === 0) {
      throw new DslError("bad-point", `${label}: ${what} has a value for '${key}', which is not a variable (variables: ${listNames(vars)})`, { path: key });
    }
    const names = listNames(members.map((m) => m[0]));
    if (Array.isArray(val) && val.some((e) => Array.isArray(e))) {
      fillGrid(key, val, members, out, filled, label, what);
      continue;
    }
    if (!Array.isArray(val) && !(ArrayBuffer.isView(val) && !(val instanceof DataView))) {
      throw new DslError("bad-point", `${label}: the value of '${key}' in ${what} must be an array of ${members.length} numbers (${names}), got ${describe(val)}`, { path: key });
    }
    const arr = val as ArrayLike<unknown>;
    if (arr.length !== members.length) {
      throw new DslError("bad-length", `${label}: the value of '${key}' in ${what} must have ${members.length} numbers (${names}), got ${arr.length}`, { path: key });
    }
    members.forEach(([v, i], j) => {
      if (filled[i] === 1) throw twice(v, label, what);
      out[i] = finite(arr[j], `'${v}'`, what, label);
      filled[i] = 1;
    });
  }
  const missing = vars.filter((_v, i) => filled[i] === 0);
  if (missing.length > 0) {
    throw new DslError("missing-value", `${label}: ${what} has no value for '${missing[0]}'${missing.length > 1 ? ` (nor ${missing.length - 1} more)` : ""} (variables: ${listNames(vars)})`, {
      path: missing[0],
      detail: { missing },
    });
  }
  return out;
}

/**
 * `{ W: [[..], [..]] }` for variables W[i,j]: the members must fill a dense grid of indices and
 * the value must have the grid's shape; entry [a][b] goes to W[lo₀ + a, lo₁ + b].
 */
function fillGrid(key: string, val: unknown[], members: (readonly [string, number])[], out: Float64Array, filled: Uint8Array, label: string, what: string): void {
  const idx = members.map(([v]) => parseIndexed(v)[1] ?? []);
  const rank = idx[0]!.length;
  const where = `the value of '${key}' in ${what}`;
  if (idx.some((ix) => ix.length !== rank)) throw new DslError("bad-point", `${label}: ${where} is a nested array, but the variables ${listNames(members.map((m) => m[0]))} do not all have the same number of indices; give them by name`, { path: key });
  const lo = Array.from({ length: rank }, (_, d) => Math.min(...idx.map((ix) => ix[d]!)));
  const dims = Array.from({ length: rank }, (_, d) => Math.max(...idx.map((ix) => ix[d]!)) - lo[d]! + 1);
  const size = dims.reduce((p, q) => p * q, 1);
  if (size !== members.length) {
    throw new DslError("bad-point", `${label}: ${where} is a nested array, but the variables of '${key}' do not fill a [${dims.join(", ")}] grid (${members.length} of ${size} entries are variables); give them by name`, { path: key });
  }
  const layout = layoutOf({ [key]: val } as never, label);
  const leaf = layout.leaves[0];
  const shape = layout.leaves.length === 1 && leaf!.path === key ? leaf!.shape : null;
  if (shape === null || shape.length !== rank || shape.some((d, i) => d !== dims[i])) {
    throw new DslError("bad-point", `${label}: ${where} must be a [${dims.join(", ")}] array of numbers (${key}[${lo.join(",")}] … ${key}[${lo.map((l, d) => l + dims[d]! - 1).join(",")}]), got ${shape ? `shape [${shape.join(", ")}]` : describe(val)}`, { path: key, detail: { expected: dims, got: shape } });
  }
  const flat = new Float64Array(size);
  layout.flattenInto({ [key]: val } as never, flat, label);
  members.forEach(([v, i], k) => {
    if (filled[i] === 1) throw twice(v, label, what);
    let pos = 0;
    for (let d = 0; d < rank; d++) pos = pos * dims[d]! + (idx[k]![d]! - lo[d]!);
    out[i] = finite(flat[pos], `'${v}'`, what, label);
    filled[i] = 1;
  });
}
