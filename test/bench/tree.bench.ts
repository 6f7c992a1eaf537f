/**
 * Costs of parameter trees and seeded randomness, each measured side by side in this run (best of
 * 5):
 * - a `{ f, grad }` model whose start is a tree (`{ W: 10×10, b: 10 }`, f and grad get a fresh
 *   tree per call) against the same model on flat arrays, 5000 Adam steps on the float64 engine;
 *   goal ≤ 3× (user code is called with trees by design; the engine itself stays flat);
 * - the same tree model written with `tree.vdot` / `tree.scale`;
 * - `rng(seed).normal(10⁶)` (xoshiro128**, polar Box–Muller with a deterministic log) against a
 *   polar Box–Muller on `Math.random` and `Math.log`; goal ≤ 3×.
 */
import { adam, optimize, rng, tree } from "../../dsl/index.js";
import type { BenchRow } from "./run.js";

const N = 10;
const STEPS = 5000;
type P = { W: number[][]; b: number[] };
const start: P = {
  W: Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => Math.sin(i + j))),
  b: Array.from({ length: N }, (_, i) => Math.cos(i)),
};
const flatStart = Array.from(tree.flatten(start).values);

const flatModel = {
  f: (x: number[]) => x.reduce((s, v) => s + v * v, 0),
  grad: (x: number[]) => x.map((v) => 2 * v),
};
const treeModel = {
  f: (p: P) => p.W.reduce((s, r) => r.reduce((t, v) => t + v * v, s), 0) + p.b.reduce((s, v) => s + v * v, 0),
  grad: (p: P) => ({ W: p.W.map((r) => r.map((v) => 2 * v)), b: p.b.map((v) => 2 * v) }),
};
const helperModel = { f: (p: P) => tree.vdot(p, p), grad: (p: P) => tree.scale(p, 2) };

function best(fn: () => void): number {
  fn();
  let b = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

function mathRandomNormals(n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; ) {
    let u: number, v: number, s: number;
    do {
      u = 2 * Math.random() - 1;
      v = 2 * Math.random() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const m = Math.sqrt((-2 * Math.log(s)) / s);
    out[i++] = u * m;
    if (i < n) out[i++] = v * m;
  }
  return out;
}

export default async function (): Promise<BenchRow[]> {
  const flat = best(() => optimize(flatModel, adam({ lr: 0.01 }), { from: flatStart, steps: STEPS }));
  const treed = best(() => optimize(treeModel, adam({ lr: 0.01 }), { from: start, steps: STEPS }));
  const helpers = best(() => optimize(helperModel, adam({ lr: 0.01 }), { from: start, steps: STEPS }));
  const ours = best(() => rng(1).normal(1_000_000));
  const ref = best(() => mathRandomNormals(1_000_000));
  return [
    { name: `{ f, grad } on a tree { W: ${N}×${N}, b: ${N} }: ${STEPS} Adam steps`, ours: treed, unit: "ms", reference: flat, referenceName: "same model on flat arrays", goal: "≤ 3× flat", met: treed <= 3 * flat },
    { name: `{ f, grad } written with tree.vdot / tree.scale: ${STEPS} Adam steps`, ours: helpers, unit: "ms", reference: flat, referenceName: "same model on flat arrays" },
    { name: "rng(1).normal(1e6) (deterministic on every engine)", ours, unit: "ms", reference: ref, referenceName: "polar Box–Muller on Math.random/Math.log", goal: "≤ 3×", met: ours <= 3 * ref },
  ];
}
