/**
 * User code `{ f, grad, hess? }` (a custom model's value and hand-written derivatives, on plain
 * arrays) as a `Problem`, for gradcheck, optimize and theory: it copies the point into a reused
 * number[] for each call (so f must not keep it) and validates every output, naming the
 * coordinate at fault.
 *
 * With a `layout` (the start point was a parameter tree such as `{ W: [[..]], b: [..] }`), f and
 * grad are called with a fresh tree of that structure each call (allocation per call is accepted
 * for user code; the engine itself stays on the flat vector), and grad may return the same tree
 * or a flat array; names are the tree's paths (`W[0,1]`).
 */
import { DslError, describe } from "../errors/index.js";
import type { Problem } from "../problem/index.js";
import type { Layout, Tree } from "../tree/index.js";

/**
 * A custom model: f and its gradient (and optionally its Hessian) on plain arrays, or on trees
 * shaped like the point (`P`, e.g. `{ W: number[][]; b: number[] }`).
 */
export interface UserModel<P = number[]> {
  /** The objective at p (a number[], or a tree shaped like the start point). */
  f: (p: P) => number;
  /** Its gradient at p: one number per parameter (or, for a tree point, the same tree). */
  grad: (p: P) => ArrayLike<number> | Tree;
  /** Its Hessian at p (n×n, flat parameter order). */
  hess?: (p: P) => ArrayLike<ArrayLike<number>>;
  /** Its Hessian-vector product ∇²f(p)·v (v shaped like p; returns the same tree, or a flat array). */
  hvp?: (p: P, v: P) => ArrayLike<number> | Tree;
  /** Parameter names. */
  names?: string[];
}

/** True for an object with functions `f` and `grad`. */
export function isUserModel(t: unknown): t is UserModel<any> {
  const u = t as UserModel;
  return typeof u === "object" && u !== null && typeof u.f === "function" && typeof u.grad === "function";
}

const isArrayLike = (v: unknown): v is ArrayLike<unknown> => Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));

/** How a `UserModelProblem` reports. */
export interface UserModelOptions {
  /** Who is asking, for messages: "gradcheck", "optimize". */
  who: string;
  /** Parameter names (default the model's, else x[0], x[1], …). */
  names?: readonly string[];
  /** The option that gave the point, for messages ("at", "from"). */
  point: string;
  /** Reject non-finite gradient and Hessian entries (default true; optimizers report divergence themselves). */
  finite?: boolean;
  /** The point is a tree of this layout: f, grad and hess get trees (names default to its paths). */
  layout?: Layout;
}

/** User code as a `Problem` (see the module comment). */
export class UserModelProblem implements Problem {
  readonly names: readonly string[];
  readonly hessianInto?: (x: Float64Array, H: Float64Array) => void;
  readonly hvpInto?: (x: Float64Array, v: Float64Array, out: Float64Array) => void;
  private readonly p: number[];
  private readonly who: string;
  private readonly finite: boolean;
  /** The tree layout of the point, when the start was a tree. */
  readonly layout?: Layout;

  constructor(
    private readonly m: UserModel<any>,
    readonly n: number,
    private readonly o: UserModelOptions,
  ) {
    if (o.layout) this.layout = o.layout;
    this.names = o.names ?? m.names ?? (o.layout ? o.layout.paths : Array.from({ length: n }, (_, i) => `x[${i}]`));
    this.who = o.who;
    this.finite = o.finite ?? true;
    this.p = new Array<number>(n).fill(0);
    if (m.hess) this.hessianInto = (x, H) => this.hessInto(x, H);
    if (typeof m.hvp === "function") this.hvpInto = (x, v, out) => this.hvpOf(x, v, out);
  }

  private toArray(x: Float64Array): number[] | Tree {
    if (this.layout) return this.layout.unflatten(x);
    const p = this.p;
    for (let i = 0; i < p.length; i++) p[i] = x[i]!;
    return p;
  }

  private fail(message: string, path: string, x?: Float64Array): never {
    throw new DslError("bad-output", `${this.who}: ${message}`, { path, ...(x ? { detail: { point: Array.from(x) } } : {}) });
  }

  /**
   * The point being checked (set by `preflight`): an exception inside f, grad or hvp is rethrown
   * as a DslError "user-code" naming the coordinate that was moved off this point, and by how much.
   */
  base?: Float64Array;

  /** Calls user code, wrapping its exceptions with where it was evaluated (see `base`). */
  private call<T>(what: string, fn: () => T, x: Float64Array): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof DslError || !this.base) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      const moved: number[] = [];
      for (let i = 0; i < x.length; i++) if (x[i] !== this.base[i]) moved.push(i);
      const where =
        moved.length === 0
          ? `at the point ${this.o.point}`
          : moved.length === 1
            ? `with ${this.names[moved[0]!]} moved by ${sci3(x[moved[0]!]! - this.base[moved[0]!]!)} from ${this.o.point} (a finite-difference step)`
            : `at a point moved along ${moved.length} coordinates from ${this.o.point} (a random direction)`;
      throw new DslError("user-code", `${this.who}: ${what} threw ${where}: ${msg}`, {
        path: what.startsWith("grad") ? "grad" : what.startsWith("hvp") ? "hvp" : "f",
        cause: e,
        detail: { point: Array.from(x), ...(moved.length === 1 ? { coordinate: this.names[moved[0]!], step: x[moved[0]!]! - this.base[moved[0]!]! } : {}) },
      });
    }
  }

  valueAt(x: Float64Array): number {
    const v = this.call("f(p)", () => this.m.f(this.toArray(x)), x);
    if (typeof v !== "number") this.fail(`f(p) must return a number, got ${describe(v)}`, "f");
    return v;
  }

  /** Calls grad then f once at the point, so a wrong-length gradient is named before anything else. */
  preflight(x: Float64Array): void {
    this.base = Float64Array.from(x);
    this.valueAndGradInto(x, new Float64Array(this.n));
  }

  /** The last gradient came back as a Float32Array (float32 user code). */
  gradIsFloat32 = false;

  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    const out = this.call("grad(p)", () => this.m.grad(this.toArray(x)), x);
    this.gradIsFloat32 = out instanceof Float32Array;
    const n = this.n;
    if (this.layout && !(isArrayLike(out) && out.length === n && (n === 0 || typeof out[0] === "number"))) return this.treeGrad(out as Tree, x, g);
    if (!isArrayLike(out)) this.fail(`grad(p) must return an array of ${n} numbers, got ${describe(out)}`, "grad");
    if (out.length !== n) this.fail(`grad(p) returned ${out.length} value${out.length === 1 ? "" : "s"}, expected ${n} (one per parameter; ${this.o.point} has ${n})`, "grad");
    for (let i = 0; i < n; i++) {
      const gi = out[i];
      if (typeof gi !== "number") this.fail(`grad(p)[${i}] (${this.names[i]}) must be a number, got ${describe(gi)}`, `grad[${i}]`);
      if (this.finite && !Number.isFinite(gi)) this.fail(`grad(p)[${i}] (${this.names[i]}) is ${gi}`, `grad[${i}]`, x);
      g[i] = gi;
    }
    return this.valueAt(x);
  }

  /** A gradient returned as a tree: it must have the point's structure (errors name the path). */
  private treeGrad(out: Tree, x: Float64Array, g: Float64Array): number {
    try {
      this.layout!.flattenInto(out, g, `${this.who}: grad(p)`);
    } catch (e) {
      if (e instanceof DslError) throw new DslError("bad-output", `${e.message} (grad(p) must return the same tree as p, or a flat array of ${this.n} numbers)`, { path: `grad${e.path ? (e.path.startsWith("[") ? "" : ".") + e.path : ""}` });
      throw e;
    }
    for (let i = 0; i < this.n; i++) {
      if (this.finite && !Number.isFinite(g[i]!)) this.fail(`grad(p) at ${this.names[i]} is ${g[i]}`, `grad.${this.names[i]}`, x);
    }
    return this.valueAt(x);
  }

  private hvpOf(x: Float64Array, v: Float64Array, out: Float64Array): void {
    const p = this.layout ? this.layout.unflatten(x) : Array.from(x);
    const dir = this.layout ? this.layout.unflatten(v) : Array.from(v);
    const r = this.call("hvp(p, v)", () => this.m.hvp!(p, dir), x);
    const n = this.n;
    if (isArrayLike(r) && r.length === n && (n === 0 || typeof r[0] === "number")) {
      for (let i = 0; i < n; i++) {
        const vi = r[i];
        if (typeof vi !== "number" || (this.finite && !Number.isFinite(vi))) this.fail(`hvp(p, v)[${i}] (${this.names[i]}) must be a finite number, got ${describe(vi)}`, `hvp[${i}]`);
        out[i] = vi as number;
      }
      return;
    }
    if (!this.layout) this.fail(`hvp(p, v) must return an array of ${n} numbers, got ${describe(r)}`, "hvp");
    try {
      this.layout!.flattenInto(r as Tree, out, `${this.who}: hvp(p, v)`);
    } catch (e) {
      if (e instanceof DslError) throw new DslError("bad-output", `${e.message} (hvp(p, v) must return the same tree as p, or a flat array of ${n} numbers)`, { path: "hvp" });
      throw e;
    }
  }

  private hessInto(x: Float64Array, H: Float64Array): void {
    const out = this.m.hess!(this.toArray(x));
    const n = this.n;
    if (!isArrayLike(out) || out.length !== n) this.fail(`hess(p) must return ${n} rows of ${n} numbers, got ${describe(out)}`, "hess");
    for (let i = 0; i < n; i++) {
      const row = out[i];
      if (!isArrayLike(row) || row.length !== n) this.fail(`hess(p)[${i}] must be a row of ${n} numbers, got ${describe(row)}`, `hess[${i}]`);
      for (let j = 0; j < n; j++) {
        const v = row[j];
        if (typeof v !== "number" || (this.finite && !Number.isFinite(v))) this.fail(`hess(p)[${i}][${j}] must be a finite number, got ${describe(v)}`, `hess[${i}][${j}]`);
        H[i * n + j] = v as number;
      }
    }
  }
}

/** 1.21e-5 style (3 significant digits). */
function sci3(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2).replace("e+", "e") : String(Number(v.toPrecision(3)));
}
