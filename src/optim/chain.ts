/**
 * Composition of transforms: `chain` (states in a tuple) and `namedChain` (states in a record,
 * for people who inspect them). Updates flow through the children in order.
 */
import { DslError, describe } from "../errors/index.js";
import type { Need, Transform } from "./base.js";
import { chainF64, F64, fuse } from "./transforms/fused.js";

/** Each argument must be a transform `{ init, update }`; an uncalled constructor (`scaleByAdam`) says so. */
function checkTransforms(who: string, ts: readonly unknown[], names?: readonly string[]): void {
  ts.forEach((t, i) => {
    const o = t as Partial<Transform> | null;
    if (o !== null && typeof o === "object" && typeof o.init === "function" && typeof o.update === "function") return;
    const where = names ? `'${names[i]}'` : `argument ${i + 1}`;
    const hint = typeof t === "function" ? ` (a function: call it, e.g. ${t.name || "scaleByAdam"}(), to get the transform)` : "";
    throw new DslError("bad-transform", `${who}: ${where} must be a transform { init, update } such as scaleByAdam() or adam({ lr: 0.01 }), got ${describe(t)}${hint}`, { path: `${who}[${names ? names[i] : i}]` });
  });
}

function mergeNeeds(ts: readonly Transform[]): readonly Need[] | undefined {
  const s = new Set<Need>();
  for (const t of ts) for (const n of t.needs ?? []) s.add(n);
  return s.size ? [...s] : undefined;
}

/**
 * Applies transforms one after another: the updates of one are the input of the next.
 * The state is the tuple of the children's states. The chain's `learningRate` is the first
 * child's that has one.
 *
 * @example
 * const adamW = chain(scaleByAdam({ b1: 0.9, b2: 0.999, eps: 1e-8 }), addDecayedWeights(0.01), scaleByLearningRate(1e-3));
 */
export function chain(...transforms: Transform[]): Transform<unknown[]> {
  checkTransforms("chain", transforms);
  const ts = transforms.slice();
  const k = ts.length;
  const learningRate = ts.find((t) => t.learningRate !== undefined)?.learningRate;
  const needs = mergeNeeds(ts);
  // float64 kernel when every child has one (see transforms/fused.ts); the generic update otherwise
  const f64 = chainF64(ts, ts.map((_, i) => i));
  return fuse({
    init: (params, ops) => ts.map((t) => t.init(params, ops)),
    update(updates, state, params, ops, extra) {
      let u = updates;
      for (let i = 0; i < k; i++) u = ts[i]!.update(u, state[i], params, ops, extra);
      return u;
    },
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(needs ? { needs } : {}),
  }, { [F64]: f64 });
}

/**
 * `chain` with named children: the state is a record `{ name: childState }`, in insertion order.
 *
 * @example
 * const t = namedChain({ clip: clipByGlobalNorm(1), adam: scaleByAdam(), lr: scaleByLearningRate(1e-3) });
 * const s = t.init(x, float64Ops); // s.adam.mu is Adam's first moment
 */
export function namedChain(transforms: Record<string, Transform>): Transform<Record<string, unknown>> {
  if (transforms === null || typeof transforms !== "object" || Array.isArray(transforms)) {
    throw new DslError("bad-transform", `namedChain: expected transforms by name, e.g. namedChain({ clip: clipByGlobalNorm(1), adam: scaleByAdam() }), got ${describe(transforms)}`, { path: "namedChain" });
  }
  const names = Object.keys(transforms);
  const ts = names.map((n) => transforms[n]!);
  checkTransforms("namedChain", ts, names);
  const k = ts.length;
  const learningRate = ts.find((t) => t.learningRate !== undefined)?.learningRate;
  const needs = mergeNeeds(ts);
  const f64 = chainF64(ts, names);
  return fuse({
    init(params, ops) {
      const s: Record<string, unknown> = {};
      for (let i = 0; i < k; i++) s[names[i]!] = ts[i]!.init(params, ops);
      return s;
    },
    update(updates, state, params, ops, extra) {
      let u = updates;
      for (let i = 0; i < k; i++) u = ts[i]!.update(u, state[names[i]!], params, ops, extra);
      return u;
    },
    ...(learningRate !== undefined ? { learningRate } : {}),
    ...(needs ? { needs } : {}),
  }, { [F64]: f64 });
}

/** The transform that passes updates through unchanged. */
export function identity(): Transform<Record<string, never>> {
  return fuse({ init: () => ({}), update: (u) => u }, { [F64]: (u: Float64Array) => u });
}
