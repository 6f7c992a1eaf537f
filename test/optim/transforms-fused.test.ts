/**
 * The float64 kernels of the built-in transforms (src/optim/transforms/fused.ts): bit-identical
 * to the generic `update` on `Ops` (updates, state and whole runs), present where promised, and
 * out of the way where they must be (transforms of the user's own, overridden `update`/`init`,
 * per-run hyperparameters).
 */
import { describe, expect, test } from "vitest";
import { float64Ops as ops } from "../../src/backends/float64.js";
import {
  adam, adamw, addDecayedWeights, chain, gd, identity, momentum, namedChain, nesterov, rmsprop, scale, scaleByAdam, scaleByLearningRate,
  scaleByRms, sgd, traceMomentum, type Transform,
} from "../../src/optim/index.js";
import { runSync } from "../../src/optim/run.js";
import { f64Of } from "../../src/optim/transforms/fused.js";
import type { Problem } from "../../src/problem/index.js";

const f64 = (...v: number[]) => new Float64Array(v);

/** A deterministic gradient sequence with signs, zeros and a wide range of magnitudes. */
function grads(steps: number, n: number): Float64Array[] {
  let s = 12345;
  const r = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: steps }, (_, k) => Float64Array.from({ length: n }, (_, i) => (k === 3 && i === 0 ? 0 : r() * 10 ** Math.round(r() * 4))));
}

/** The generic path of `t`: the same init/update without the kernels. */
const generic = (t: Transform): Transform => ({ init: t.init, update: t.update });

/** Runs the kernel and the generic update side by side; returns both update sequences and final states. */
function both(t: Transform, steps = 40, n = 3) {
  const kernel = f64Of(t);
  expect(kernel, "the transform has a float64 kernel").toBeDefined();
  const x = f64(0.5, -1.5, 2).subarray(0, n);
  const sk = t.init(x, ops), sg = t.init(x, ops);
  const uk: number[][] = [], ug: number[][] = [];
  for (const g of grads(steps, n)) {
    uk.push(Array.from(kernel!(Float64Array.from(g), sk, x)));
    ug.push(Array.from(t.update(Float64Array.from(g), sg, x, ops)));
  }
  return { uk, ug, sk, sg };
}

/** A state without its scratch buffers (`tmp`: what the generic update left there is no state). */
const withoutScratch = (s: unknown): unknown =>
  Array.isArray(s) ? s.map(withoutScratch)
  : s !== null && typeof s === "object" && !ArrayBuffer.isView(s) ? Object.fromEntries(Object.entries(s).filter(([k]) => k !== "tmp").map(([k, v]) => [k, withoutScratch(v)]))
  : s;

const sched = (k: number) => 0.05 / (1 + k);
const sched01 = (k: number) => 0.7 + 0.2 * Math.cos(k);

const cases: [string, () => Transform][] = [
  ["scaleByAdam", () => scaleByAdam()],
  ["scaleByAdam amsgrad, scheduled β₁, β₂, ε", () => scaleByAdam({ amsgrad: true, b1: sched01, b2: (k) => 0.99 + 0.001 * (k % 3), eps: (k) => 1e-8 * (k + 1) })],
  ["adam (fused with the lr step)", () => adam({ lr: 0.01 })],
  ["adam amsgrad, weightDecay, scheduled lr", () => adam({ lr: sched, amsgrad: true, weightDecay: 0.1 })],
  ["adamw", () => adamw({ lr: 0.01, weightDecay: 0.05 })],
  ["adamw, scheduled weight decay", () => adamw({ lr: sched, weightDecay: (k) => 0.01 * (k % 2) })],
  ["gd", () => gd({ lr: 0.1 })],
  ["sgd momentum, dampening, weightDecay", () => sgd({ lr: 0.1, momentum: 0.9, dampening: 0.3, weightDecay: 1e-3 })],
  ["momentum, scheduled μ and lr", () => momentum({ lr: sched, momentum: sched01 })],
  ["nesterov", () => nesterov({ lr: 0.05, momentum: 0.8 })],
  ["rmsprop", () => rmsprop({ lr: 0.01 })],
  ["rmsprop centered with momentum", () => rmsprop({ lr: 0.01, centered: true, momentum: 0.9, weightDecay: 0.01 })],
  ["scaleByRms centered", () => scaleByRms({ centered: true, alpha: sched01 })],
  ["traceMomentum nesterov", () => traceMomentum({ momentum: 0.9, nesterov: true })],
  ["scale then scaleByLearningRate, scheduled", () => chain(scale(sched01), scaleByLearningRate(sched))],
  ["a long chain", () => chain(addDecayedWeights(0.1), scaleByAdam(), addDecayedWeights(0.01), scale(0.5), scaleByLearningRate(0.1))],
  ["namedChain", () => namedChain({ adam: scaleByAdam({ b1: 0.8 }), lr: scaleByLearningRate(0.3) })],
  ["identity", () => identity()],
];

describe("float64 kernels", () => {
  test.each(cases)("%s: updates and state bit-identical to the generic update", (_name, make) => {
    const { uk, ug, sk, sg } = both(make());
    // toEqual on numbers uses Object.is: -0 vs 0 and every last bit count
    expect(uk).toEqual(ug);
    expect(withoutScratch(sk)).toEqual(withoutScratch(sg));
  });

  test.each(cases.filter(([n]) => !n.startsWith("scaleBy") && !n.startsWith("traceMomentum") && n !== "identity"))(
    "%s: a whole run through the runner is bit-identical to the generic path",
    (_name, make) => {
      const rosen: Problem = {
        n: 2,
        names: ["x", "y"],
        valueAt: (p) => (1 - p[0]!) ** 2 + 100 * (p[1]! - p[0]! * p[0]!) ** 2,
        valueAndGradInto(p, out) {
          const a = p[0]!, b = p[1]!, r = b - a * a;
          out[0] = -2 * (1 - a) - 400 * a * r;
          out[1] = 200 * r;
          return (1 - a) ** 2 + 100 * r * r;
        },
      };
      const opts = { from: [-1.2, 1], steps: 300, clipNorm: 50 };
      const t = make();
      const fast = runSync(rosen, t, opts);
      const slow = runSync(rosen, { ...generic(t), learningRate: t.learningRate }, opts);
      expect(Array.from(fast.trajectory)).toEqual(Array.from(slow.trajectory));
      expect(fast.losses).toEqual(slow.losses);
      expect(fast.lrs).toEqual(slow.lrs);
      expect(fast.status).toBe(slow.status);
    },
  );

  test("a chain with a transform of the user's own has no kernel and runs through update", () => {
    let calls = 0;
    const halve: Transform = { init: () => ({}), update: (u, _s, _p, o) => (calls++, o.scale(u, 0.5, u)) };
    const t = chain(scaleByAdam(), halve, scaleByLearningRate(0.1));
    expect(f64Of(t)).toBeUndefined();
    const p: Problem = { n: 1, names: ["x"], valueAt: (x) => x[0]! ** 2, valueAndGradInto: (x, g) => ((g[0] = 2 * x[0]!), x[0]! ** 2) };
    const r = runSync(p, t, { from: [1], steps: 5 });
    expect(calls).toBe(5);
    expect(r.steps).toBe(5);
  });

  test("an optimizer spread with its own update (or init) drops the kernel", () => {
    let calls = 0;
    const base = adam({ lr: 0.1 });
    const mine = { ...base, update: (...a: Parameters<typeof base.update>) => (calls++, base.update(...a)) } as Transform;
    expect(f64Of(base)).toBeDefined();
    expect(f64Of(mine)).toBeUndefined();
    expect(f64Of({ ...base, init: (p: unknown, o: typeof ops) => base.init(p, o) } as Transform)).toBeUndefined();
    const p: Problem = { n: 1, names: ["x"], valueAt: (x) => x[0]! ** 2, valueAndGradInto: (x, g) => ((g[0] = 2 * x[0]!), x[0]! ** 2) };
    runSync(p, mine, { from: [1], steps: 7 });
    expect(calls).toBe(7);
  });

  test("per-run hyperparameters have no kernel (the generic path reports them on float64)", () => {
    expect(f64Of(scaleByLearningRate([0.1, 0.2]))).toBeUndefined();
    expect(f64Of(scaleByAdam({ b1: [0.9] }))).toBeUndefined();
    expect(f64Of(adam({ lr: 0.1 }))).toBeDefined();
  });

  test("a kernel updates in place and returns the incoming array (no allocation per step)", () => {
    const t = adam({ lr: 0.1 });
    const x = f64(1, 2);
    const s = t.init(x, ops);
    const u = f64(0.3, -0.4);
    expect(f64Of(t)!(u, s, x)).toBe(u);
    expect((s as { mu: Float64Array }[])[0]!.mu).toBeInstanceOf(Float64Array);
  });
});
