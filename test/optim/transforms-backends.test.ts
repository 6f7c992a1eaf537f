/**
 * One definition, every engine: the aliases' transform chains run on each backend's `Ops`
 * (float64, tfjs cpu / wasm / webgpu where they start) for 30 steps on a batch of runs with
 * per-run learning rates ([B, 1] scalars on tfjs), and agree with the float64 engine row by row.
 * The loop follows the ownership protocol of src/optim/base.ts (tidy each step, keep the state's
 * new tensors, dispose the old ones) and must not leak tensors.
 */
import { expect, test } from "vitest";
import { float64Ops } from "../../src/backends/index.js";
import { ALIASES, type Optimizer } from "../../src/optim/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";

const STEPS = 30;
const X0 = [1.5, -0.5, 0.25, 2];
const C = [1, 4, 0.5, 2]; // f = ½ Σ cᵢ (xᵢ − dᵢ)², g = c ⊙ (x − d)
const D = [0.5, 1, -1, 0];

const CASES: [string, (lr: unknown) => Optimizer][] = [
  ["sgd+nesterov", (lr) => ALIASES.sgd({ lr: lr as never, momentum: 0.9, nesterov: true, weightDecay: 0.01 })],
  ["adam+amsgrad", (lr) => ALIASES.adam({ lr: lr as never, amsgrad: true })],
  ["adamw", (lr) => ALIASES.adamw({ lr: lr as never })],
  ["rmsprop centered", (lr) => ALIASES.rmsprop({ lr: lr as never, centered: true, momentum: 0.5 })],
  ["adagrad", (lr) => ALIASES.adagrad({ lr: lr as never, lrDecay: 0.01 })],
  ["adadelta", (lr) => ALIASES.adadelta({ lr: lr as never })],
  ["adamax", (lr) => ALIASES.adamax({ lr: lr as never })],
  ["nadam", (lr) => ALIASES.nadam({ lr: lr as never })],
  ["radam", (lr) => ALIASES.radam({ lr: lr as never, betas: [0.9, 0.99] })],
];
const LRS = [0.01, 0.05, 0.1];

/** Leaves (arrays/tensors) of a state tree. */
function leaves(s: unknown, out: unknown[] = []): unknown[] {
  if (s === null || typeof s !== "object") return out;
  if (ArrayBuffer.isView(s) || (s as { dataId?: unknown }).dataId !== undefined) {
    out.push(s);
    return out;
  }
  for (const v of Array.isArray(s) ? s : Object.values(s)) leaves(v, out);
  return out;
}

/** 30 steps of `opt` from X0 (one row per run) on backend b; returns the final rows. */
async function runOn(b: TestBackend<any>, opt: Optimizer, runs: number): Promise<number[][]> {
  const { ops } = b;
  const rows = (v: number[]) => Array.from({ length: runs }, () => v);
  let x = b.array(rows(X0));
  const c = b.array(rows(C));
  const d = b.array(rows(D));
  const s = opt.init(x, ops); // zeros: no intermediates to free
  for (let k = 0; k < STEPS; k++) {
    const before = leaves(s);
    const [xNew, ...kept] = b.tidy(() => {
      const g = ops.mul(c, ops.sub(x, d));
      const u = opt.update(g, s, x, ops);
      return [ops.add(x, u), ...leaves(s)] as never;
    }) as unknown[];
    const keep = new Set(kept);
    b.dispose(...before.filter((t) => !keep.has(t)), x);
    x = xNew;
  }
  const out = await b.rows(x);
  b.dispose(x, c, d, ...leaves(s));
  return out;
}

describeEachBackend("aliases on every engine", (b) => {
  for (const [name, make] of CASES) {
    test(`${name}: ${STEPS} steps with per-run learning rates match float64 row by row`, async () => {
      const f64 = { ...b, ops: float64Ops } as TestBackend<Float64Array>;
      const expected: number[][] = [];
      for (const lr of LRS) {
        const one = { ...f64, array: (r: readonly (readonly number[])[]) => Float64Array.from(r[0]!), rows: async (a: Float64Array) => [Array.from(a)], tidy: <T,>(f: () => T) => f(), dispose: () => {} };
        expected.push((await runOn(one as never, make(lr), 1))[0]!);
      }
      const live = b.live();
      const got = b.precision === 64
        ? [(await runOn(b, make(LRS[0]), 1))[0]!] // float64 runs one row at a time
        : await runOn(b, make(LRS), LRS.length);
      expect(b.live()).toBe(live);
      const tol = b.precision === 64 ? { rtol: 1e-14, atol: 1e-14 } : { rtol: 2e-3, atol: 2e-4 };
      expectClose(got, b.precision === 64 ? [expected[0]!] : expected, tol, name);
    });
  }
}, { needs: [] });
