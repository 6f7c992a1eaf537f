/**
 * What `theory` reads: a Hessian matrix (checked square, finite, symmetric), or a problem and a
 * point, and the Hessian there — exact, from Hessian-vector products, or by central differences
 * of the gradient, and which one it was.
 */
import { DslError, describe } from "../errors/index.js";
import { fdHessianInto, isUserModel, symmetrizeInto, UserModelProblem } from "../numeric/index.js";
import type { Problem } from "../problem/index.js";
import { isTreePoint, pointIn, treeModelProblem } from "./point-input.js";
import type { HessianSource, TheoryOptions } from "./theory.js";

export function isMatrix(t: unknown): t is number[][] {
  return Array.isArray(t) && t.length > 0 && t.every((r) => Array.isArray(r));
}

export function checkSymmetric(H: number[][]): number[][] {
  const n = H.length;
  let scale = 0;
  H.forEach((row, i) => {
    if (row.length !== n) throw new DslError("bad-matrix", `theory: expected a square ${n}×${n} Hessian, row ${i} has ${row.length} entries`, { path: `theory.hessian[${i}]` });
    row.forEach((v, j) => {
      if (typeof v !== "number" || !Number.isFinite(v))
        throw new DslError("bad-matrix", `theory: Hessian entry [${i}][${j}] must be a finite number, got ${describe(v)}`, { path: `theory.hessian[${i}][${j}]` });
      scale = Math.max(scale, Math.abs(v));
    });
  });
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      if (Math.abs(H[i]![j]! - H[j]![i]!) > 1e-10 * scale)
        throw new DslError("bad-matrix", `theory: a Hessian is symmetric, but H[${i}][${j}] = ${H[i]![j]} and H[${j}][${i}] = ${H[j]![i]}`, { path: `theory.hessian[${i}][${j}]` });
  return H.map((r) => [...r]);
}

export function asProblem(t: unknown, at: TheoryOptions["at"]): Problem {
  const o = t as Partial<Problem>;
  if (o && typeof o === "object" && typeof o.valueAndGradInto === "function" && typeof o.n === "number") return o as Problem;
  // { f, grad } with a tree point ({ W: [[..]], b: [..] }): f and grad get trees
  const tree = treeModelProblem(t, at, "theory");
  if (tree) return tree;
  if (isUserModel(t)) {
    const n = at && typeof (at as ArrayLike<number>).length === "number" ? (at as ArrayLike<number>).length : NaN;
    if (!Number.isInteger(n)) throw new DslError("missing-option", "theory: with { f, grad } give the point as an array: theory(model, { at: [x0, x1, ...] })", { path: "theory.at" });
    return new UserModelProblem(t, n, { who: "theory", point: "at" });
  }
  throw new DslError("bad-target", `theory: expected an objective, a { f, grad } object or a Hessian matrix (number[][]), got ${describe(t)}`, { path: "theory" });
}

export function readPoint(at: TheoryOptions["at"], p: Problem, target: unknown): Float64Array {
  if (at === undefined) throw new DslError("missing-option", `theory: give the point: theory(objective, { at: [${p.names.join(", ")}] })`, { path: "theory.at" });
  // A symbolic objective converts points itself (records with vector variables, its own messages).
  const own = (target as { point?: (x: unknown, what?: string) => Float64Array }).point;
  if (typeof own === "function") {
    try {
      return Float64Array.from(own.call(target, at, "theory's point"));
    } catch (e) {
      // the objective's own message, at the option's path (it said "x")
      if (e instanceof DslError && !e.path.startsWith("theory")) throw new DslError(e.code, e.message, { path: "theory.at", ...(e.detail ? { detail: e.detail } : {}) });
      throw e;
    }
  }
  if ((p as { layout?: unknown }).layout && isTreePoint(at)) return pointIn(p, at, "theory");
  let x: number[];
  if (typeof (at as ArrayLike<number>).length === "number") x = Array.from(at as ArrayLike<number>);
  else if (typeof at === "object" && at !== null) {
    const rec = at as Record<string, number>;
    const missing = p.names.filter((nm) => !(nm in rec));
    if (missing.length) throw new DslError("bad-point", `theory: the point has no value for ${missing.map((m) => `'${m}'`).join(", ")} (variables: ${p.names.join(", ")})`, { path: "theory.at" });
    x = p.names.map((nm) => rec[nm]!);
  } else throw new DslError("bad-point", `theory: at must be an array or a record by variable name, got ${describe(at)}`, { path: "theory.at" });
  if (x.length !== p.n) throw new DslError("bad-point", `theory: the point has ${x.length} coordinates, the objective has ${p.n} (${p.names.join(", ")})`, { path: "theory.at" });
  x.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new DslError("bad-point", `theory: at[${i}] (${p.names[i]}) must be a finite number, got ${describe(v)}`, { path: `theory.at[${i}]` });
  });
  return Float64Array.from(x);
}

/** The Hessian at x: exact if the problem has one, else from Hessian-vector products, else by central differences of the gradient (both symmetrized). */
export function hessianAt(p: Problem, x: Float64Array): { H: Float64Array; source: HessianSource } {
  const n = p.n;
  const H = new Float64Array(n * n);
  if (p.hessianInto) {
    p.hessianInto(x, H);
    return { H, source: "exact" };
  }
  if (p.hvpInto) {
    const col = new Float64Array(n);
    const e = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      p.hvpInto(x, e, col);
      for (let i = 0; i < n; i++) H[i * n + j] = col[i]!;
    }
    symmetrizeInto(H, H, n);
    return { H, source: "Hessian-vector products" };
  }
  fdHessianInto(p, x, H);
  return { H, source: "finite differences of the gradient" };
}
