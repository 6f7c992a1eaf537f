/**
 * User code with a vector output — `{ f, jacobian }`, `{ f, vjp }`, `{ f, jvp }` — as a
 * `VectorFunction` and an `AnalyticDerivative` for `checkJacobian`.
 *
 * `f(p)` gets the point in the caller's structure (a fresh tree, or a fresh number[] for a flat
 * point) and returns a number, a vector or a tree; outputs are named by path (`y[2]` for a bare
 * vector, `h[0,1]` for a record's matrix). `jacobian(p)` is `[outputs][flat inputs]`;
 * `vjp(p, v)` gets v shaped like f's output and returns a tree like p (or a flat array);
 * `jvp(p, t)` gets t shaped like p and returns f's output structure (or a flat array).
 * Every returned value is validated, naming what was expected and where.
 */
import { DslError, describe } from "../errors/index.js";
import { layoutOf, type Layout, type Tree } from "../tree/index.js";
import type { AnalyticDerivative, VectorFunction } from "./check-jacobian.js";

/** A vector function with its derivative as a Jacobian, vector-Jacobian or Jacobian-vector products. */
export interface UserJacobianModel<P = any, Y = any> {
  f: (p: P) => Y;
  /** The Jacobian: one row per output (flat output order), one entry per flat input. */
  jacobian?: (p: P) => ArrayLike<ArrayLike<number>>;
  /** vᵀJ (reverse mode, a layer's backward): v shaped like f's output; returns a tree like p. */
  vjp?: (p: P, v: Y) => Tree | ArrayLike<number>;
  /** J t (forward mode): t shaped like p; returns f's output structure. */
  jvp?: (p: P, t: P) => Tree | ArrayLike<number>;
  /**
   * The second derivative, for `order: 2`: the derivative of vjp(p, v) along u, i.e.
   * Σ_i v_i ∇²f_i(p) u (v shaped like f's output, u like p); returns a tree like p (or a flat array).
   */
  vhp?: (p: P, v: Y, u: P) => Tree | ArrayLike<number>;
}

/** True for `{ f, jacobian | vjp | jvp }` without a `grad` (user code with a vector output). */
export function isJacobianModel(t: unknown): t is UserJacobianModel {
  const u = t as UserJacobianModel & { grad?: unknown };
  return typeof u === "object" && u !== null && typeof u.f === "function" && u.grad === undefined && (typeof u.jacobian === "function" || typeof u.vjp === "function" || typeof u.jvp === "function");
}

const isArrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/** The output's name for a path of its layout: `y[2]` for a bare vector, the path otherwise. */
function outName(path: string): string {
  return path === "" ? "y" : path.startsWith("[") ? `y${path}` : path;
}

/**
 * Adapts user code (see the module comment).
 *
 * @param inLayout the layout of the point when it is a tree (f gets trees); otherwise f gets number[].
 * @param inNames names of the flat inputs.
 * @param x0 the point (flat), where f is called once to learn the output's structure.
 */
export function userJacobian(
  model: UserJacobianModel,
  x0: Float64Array,
  inNames: readonly string[],
  inLayout: Layout | undefined,
  who: string,
): { F: VectorFunction; D: AnalyticDerivative; outLayout: Layout | null; vhpInto?: (x: Float64Array, v: Float64Array, u: Float64Array, out: Float64Array) => void } {
  const n = x0.length;
  const point = (x: Float64Array): unknown => (inLayout ? inLayout.unflatten(x) : Array.from(x));
  const fail = (code: string, message: string, path: string): never => {
    throw new DslError(code, `${who}: ${message}`, { path });
  };
  /** User code's exceptions, rethrown naming the input moved off the point (a finite-difference step). */
  const guard = <T>(what: string, path: string, x: Float64Array, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof DslError) throw e;
      const moved: number[] = [];
      for (let i = 0; i < n; i++) if (x[i] !== x0[i]) moved.push(i);
      const where =
        moved.length === 0
          ? "at the point"
          : moved.length === 1
            ? `with ${inNames[moved[0]!]} moved by ${(x[moved[0]!]! - x0[moved[0]!]!).toExponential(2)} from the point (a finite-difference step)`
            : `at a point moved along ${moved.length} coordinates (a random direction)`;
      throw new DslError("user-code", `${who}: ${what} threw ${where}: ${e instanceof Error ? e.message : String(e)}`, { path, cause: e, detail: { point: Array.from(x) } });
    }
  };
  const first = guard("f(p)", "f", x0, () => model.f(point(x0) as never)) as unknown;
  let outLayout: Layout | null = null;
  let m = 1;
  if (typeof first !== "number") {
    try {
      outLayout = layoutOf(first as Tree, `${who}: f(p)`);
    } catch (e) {
      if (e instanceof DslError) fail("bad-output", `f(p) must return a number, a vector or a tree of numbers, got ${describe(first)} (${e.message})`, "f");
      throw e;
    }
    m = outLayout!.size;
    if (m === 0) fail("bad-output", "f(p) returned no numbers", "f");
  }
  const outNames = outLayout ? outLayout.paths.map(outName) : ["f"];
  const outOf = (y: unknown, out: Float64Array, what: string, path: string): void => {
    if (outLayout === null) {
      if (typeof y !== "number") fail("bad-output", `${what} must return a number (as f(p) did at the point), got ${describe(y)}`, path);
      out[0] = y as number;
      return;
    }
    if (isArrayLike(y) && y.length === m && (m === 0 || typeof y[0] === "number")) {
      for (let i = 0; i < m; i++) out[i] = y[i] as number;
      return;
    }
    try {
      outLayout.flattenInto(y as Tree, out, `${who}: ${what}`);
    } catch (e) {
      if (e instanceof DslError) fail("bad-output", `${e.message} (${what} must have the structure f(p) had at the point: ${m} numbers)`, path);
      throw e;
    }
  };
  const F: VectorFunction = {
    n,
    m,
    inNames,
    outNames,
    valueInto: (x, out) => outOf(guard("f(p)", "f", x, () => model.f(point(x) as never)), out, "f(p)", "f"),
  };
  const inOf = (y: unknown, out: Float64Array, what: string, path: string): void => {
    if (isArrayLike(y) && y.length === n && (n === 0 || typeof y[0] === "number")) {
      for (let j = 0; j < n; j++) {
        const v = y[j];
        if (typeof v !== "number") fail("bad-output", `${what}[${j}] (${inNames[j]}) must be a number, got ${describe(v)}`, `${path}[${j}]`);
        out[j] = v as number;
      }
      return;
    }
    if (!inLayout) fail("bad-output", `${what} must return ${n} numbers (one per parameter), got ${describe(y)}`, path);
    try {
      inLayout!.flattenInto(y as Tree, out, `${who}: ${what}`);
    } catch (e) {
      if (e instanceof DslError) fail("bad-output", `${e.message} (${what} must return the same tree as p, or a flat array of ${n} numbers)`, path);
      throw e;
    }
  };
  const outTree = (v: Float64Array): unknown => (outLayout ? outLayout.unflatten(v) : v[0]);
  let D: AnalyticDerivative;
  if (typeof model.jacobian === "function") {
    const jac = model.jacobian;
    D = {
      kind: "jacobian",
      jacobianInto: (x, J) => {
        const rows = guard("jacobian(p)", "jacobian", x, () => jac(point(x) as never));
        if (!isArrayLike(rows) || rows.length !== m) fail("bad-output", `jacobian(p) must return ${m} rows (one per output of f) of ${n} numbers (one per flat input), got ${describe(rows)}`, "jacobian");
        for (let i = 0; i < m; i++) {
          const row = rows[i];
          if (!isArrayLike(row) || row.length !== n) fail("bad-output", `jacobian(p)[${i}] (output ${outNames[i]}) must be a row of ${n} numbers (one per flat input), got ${describe(row)}`, `jacobian[${i}]`);
          for (let j = 0; j < n; j++) {
            const v = row![j];
            if (typeof v !== "number") fail("bad-output", `jacobian(p)[${i}][${j}] (${outNames[i]}, ${inNames[j]}) must be a number, got ${describe(v)}`, `jacobian[${i}][${j}]`);
            J[i * n + j] = v as number;
          }
        }
      },
    };
  } else if (typeof model.vjp === "function") {
    const vjp = model.vjp;
    D = { kind: "vjp", vjpInto: (x, v, out) => inOf(guard("vjp(p, v)", "vjp", x, () => vjp(point(x) as never, outTree(v) as never)), out, "vjp(p, v)", "vjp") };
  } else {
    const jvp = model.jvp!;
    D = { kind: "jvp", jvpInto: (x, t, out) => outOf(guard("jvp(p, t)", "jvp", x, () => jvp(point(x) as never, point(t) as never)), out, "jvp(p, t)", "jvp") };
  }
  if (typeof model.vhp === "function") {
    const vhp = model.vhp;
    const vhpInto = (x: Float64Array, v: Float64Array, u: Float64Array, out: Float64Array) => inOf(guard("vhp(p, v, u)", "vhp", x, () => vhp(point(x) as never, outTree(v) as never, point(u) as never)), out, "vhp(p, v, u)", "vhp");
    return { F, D, outLayout, vhpInto };
  }
  return { F, D, outLayout };
}
