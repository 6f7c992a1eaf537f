/**
 * User code `{ f, grad, hess? }` (a custom model's value and hand-written derivatives, on plain
 * arrays) as a `Problem`, for gradcheck, optimize and theory: it copies the point into a reused
 * number[] for each call (so f must not keep it) and validates every output, naming the
 * coordinate at fault.
 */
import { DslError, describe } from "../errors/index.js";
import type { Problem } from "../problem/index.js";

/** A custom model: f and its gradient (and optionally its Hessian) on plain arrays. */
export interface UserModel {
  /** The objective at p. */
  f: (p: number[]) => number;
  /** Its gradient at p: one number per parameter. */
  grad: (p: number[]) => ArrayLike<number>;
  /** Its Hessian at p (n×n). */
  hess?: (p: number[]) => ArrayLike<ArrayLike<number>>;
  /** Parameter names. */
  names?: string[];
}

/** True for an object with functions `f` and `grad`. */
export function isUserModel(t: unknown): t is UserModel {
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
}

/** User code as a `Problem` (see the module comment). */
export class UserModelProblem implements Problem {
  readonly names: readonly string[];
  readonly hessianInto?: (x: Float64Array, H: Float64Array) => void;
  private readonly p: number[];
  private readonly who: string;
  private readonly finite: boolean;

  constructor(
    private readonly m: UserModel,
    readonly n: number,
    private readonly o: UserModelOptions,
  ) {
    this.names = o.names ?? m.names ?? Array.from({ length: n }, (_, i) => `x[${i}]`);
    this.who = o.who;
    this.finite = o.finite ?? true;
    this.p = new Array<number>(n).fill(0);
    if (m.hess) this.hessianInto = (x, H) => this.hessInto(x, H);
  }

  private toArray(x: Float64Array): number[] {
    const p = this.p;
    for (let i = 0; i < p.length; i++) p[i] = x[i]!;
    return p;
  }

  private fail(message: string, path: string, x?: Float64Array): never {
    throw new DslError("bad-output", `${this.who}: ${message}`, { path, ...(x ? { detail: { point: Array.from(x) } } : {}) });
  }

  valueAt(x: Float64Array): number {
    const v = this.m.f(this.toArray(x));
    if (typeof v !== "number") this.fail(`f(p) must return a number, got ${describe(v)}`, "f");
    return v;
  }

  /** Calls grad then f once at the point, so a wrong-length gradient is named before anything else. */
  preflight(x: Float64Array): void {
    this.valueAndGradInto(x, new Float64Array(this.n));
  }

  valueAndGradInto(x: Float64Array, g: Float64Array): number {
    const out = this.m.grad(this.toArray(x));
    const n = this.n;
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
