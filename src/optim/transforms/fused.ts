/**
 * The float64 fast path of the built-in transforms.
 *
 * Each built-in elementwise transform (Adam, momentum, weight decay, the learning-rate step, ...)
 * carries, besides its generic `update` on `Ops`, a float64 kernel under the `F64` symbol: the
 * same arithmetic in the same order, written as one loop over the `Float64Array`s with the
 * hyperparameters read once per step (constants once per transform). `chain` / `namedChain`
 * carry one when every child has one, and fuse a transform followed by `scaleByLearningRate`
 * into one loop (the product `(−η)·u` is taken in the same loop, as the last operation, exactly
 * as the separate step does). The float64 runner calls the kernel when the optimizer has one and
 * `update` otherwise, so a chain with a transform of the user's own runs through the generic path
 * unchanged, and results are bit-identical either way (test/optim/transforms-fused.test.ts).
 *
 * A kernel works on the state that `init(params, float64Ops)` made (the same record `update`
 * uses), writes the new state into it, and returns the updates (the incoming array, overwritten).
 */
import type { HyperValue, Schedule, Transform, UpdateExtras } from "../base.js";

/** The key of a transform's float64 kernel. */
export const F64: unique symbol = Symbol("optlab.f64");
/**
 * The key of a transform's float64 kernel that also multiplies its result by the factor of the
 * scaling transform after it (`scaleByLearningRate`) as its last operation: `factor · update(u)`.
 */
export const F64_SCALED: unique symbol = Symbol("optlab.f64Scaled");
/** The key of a pure scaling transform's factor (`u ← sign · h(step) · u`), see `FactorSpec`. */
export const F64_FACTOR: unique symbol = Symbol("optlab.f64Factor");

/**
 * The `init` and `update` the kernels were written for: an object spread from a built-in
 * transform with its own `update` or `init` (`{ ...adam(), update: mine }`) keeps the symbols but
 * not these, and runs through its own `update`.
 */
const OWNER: unique symbol = Symbol("optlab.f64Owner");

/** A float64 kernel: as `update`, on Float64Arrays, with the hyperparameters resolved to numbers. */
export type F64Update<S = any> = (u: Float64Array, s: S, p: Float64Array, extra?: UpdateExtras) => Float64Array;
/**
 * A pure scaling transform's factor: `sign · h` (h a number or a schedule of the step count in its
 * `CountState`). A scaled kernel evaluates it inline (a double passed between calls that are not
 * inlined would be boxed: one allocation per step).
 */
export interface FactorSpec {
  readonly h: number | Schedule;
  /** −1 for `scaleByLearningRate` (the sign flip), 1 for `scale`. */
  readonly sign: 1 | -1;
}
/**
 * A float64 kernel whose result is multiplied by the factor `f` of a scaling transform with state
 * `fs` as its last operation (advancing `fs.count`), or by nothing when `f` is null.
 */
export type F64Scaled<S = any> = (u: Float64Array, s: S, p: Float64Array, f: FactorSpec | null, fs: { count: number } | null) => Float64Array;

/** A transform with (optionally) its float64 kernels. */
export type Fusable<S = any> = Transform<S> & {
  readonly [F64]?: F64Update<S>;
  readonly [F64_SCALED]?: F64Scaled<S>;
  readonly [F64_FACTOR]?: FactorSpec;
};

/**
 * A hyperparameter as a float64 kernel reads it: a number, or a schedule of the step. Undefined
 * for per-run values (those belong to batched backends; the generic path reports them).
 */
export function f64Hyper(h: HyperValue): number | Schedule | undefined {
  return typeof h === "number" || typeof h === "function" ? h : undefined;
}

/** True when every hyperparameter can be read by a float64 kernel. */
export function f64Ready(...hs: HyperValue[]): boolean {
  return hs.every((h) => f64Hyper(h) !== undefined);
}

/** Kernels a transform may carry. */
export type Kernels = Partial<Record<typeof F64 | typeof F64_SCALED | typeof F64_FACTOR, unknown>>;

/**
 * Attaches float64 kernels (none: `t` unchanged) to a transform, with the `init`/`update` they
 * stand for.
 */
export function fuse<S, T extends Transform<S>>(t: T, kernels: Kernels): T {
  if (kernels[F64] === undefined) return t;
  return Object.assign(t, kernels, { [OWNER]: { init: t.init, update: t.update } });
}

/** True when the transform's kernels were made for its current `init` and `update`. */
function owned(t: Transform): boolean {
  const o = (t as { [OWNER]?: { init: unknown; update: unknown } })[OWNER];
  return o !== undefined && o.init === t.init && o.update === t.update;
}

/** The float64 kernel of a transform, when it has one (made for its own `init` and `update`). */
export function f64Of<S>(t: Transform<S>): F64Update<S> | undefined {
  return owned(t) ? (t as Fusable<S>)[F64] : undefined;
}

/**
 * The float64 kernel of a sequence of transforms (`chain`'s children, with their states at
 * `keys[i]` of the chain's state), or undefined when a child has none. A child with a scaled
 * kernel followed by a pure scaling child (`scaleByLearningRate`) runs as one loop.
 */
export function chainF64(ts: readonly Transform[], keys: readonly (string | number)[]): F64Update | undefined {
  const steps: F64Update[] = [];
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i] as Fusable;
    if (!owned(t)) return undefined;
    const key = keys[i]!;
    const next = ts[i + 1] as Fusable | undefined;
    const scaled = t[F64_SCALED];
    const factor = next && owned(next) ? next[F64_FACTOR] : undefined;
    if (scaled && factor) {
      const nextKey = keys[i + 1]!;
      steps.push((u, s, p) => scaled(u, s[key], p, factor, s[nextKey]));
      i++;
      continue;
    }
    const f = t[F64];
    if (!f) return undefined;
    steps.push((u, s, p, extra) => f(u, s[key], p, extra));
  }
  if (steps.length === 1) return steps[0]!;
  if (steps.length === 2) {
    const [a, b] = steps as [F64Update, F64Update];
    return (u, s, p, extra) => b(a(u, s, p, extra), s, p, extra);
  }
  return (u, s, p, extra) => {
    for (let i = 0; i < steps.length; i++) u = steps[i]!(u, s, p, extra);
    return u;
  };
}
