/**
 * Every function of the IR, compiled to tfjs ops (plan.ts) and to the fused kernels (trace.ts →
 * WebAssembly SIMD and WGSL), against its float64 meaning (src/symbolic's FUNCTIONS) at points of
 * its domain, on every backend.
 */
import { expect, test } from "vitest";
import type { Tensor } from "../../src/backends/index.js";
import { FN_NAMES, FUNCTIONS, call, num, sym, type Expr, type FnName } from "../../src/symbolic/index.js";
import { TENSOR_FUNCTIONS, TensorPlan } from "../../src/tensor/index.js";
import { Trace, WasmDevice, WasmKernel, WgslKernel, interpret, traceExprs } from "../../src/tensor/fused/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";

/** Points (u, v, w) per function, inside its domain; arguments are (u), (u, v) or (k, u, v, w). */
const U = [-2.5, -1.3, -0.7, -0.2, 0, 0.3, 0.9, 1.7, 3.2];
const POSITIVE = [0.05, 0.3, 0.9, 1.7, 3.2, 7.5, 20];
const UNIT = [-0.95, -0.5, -0.1, 0, 0.2, 0.6, 0.9];
const DOMAIN: Partial<Record<FnName, number[]>> = {
  log: POSITIVE, log2: POSITIVE, log10: POSITIVE, log1p: [-0.9, -0.3, 1e-4, 0.5, 3, 50], acosh: [1, 1.2, 2, 5, 30],
  asin: UNIT, acos: UNIT, atanh: UNIT, tan: [-1.2, -0.5, 0, 0.4, 1.1], sec: [-1.2, -0.5, 0, 0.4, 1.1], cot: [-1.2, -0.5, 0.4, 1.1],
  csc: [-1.2, -0.5, 0.4, 1.1], exp: [-20, -2, 0, 1.5, 10], expm1: [-3, -1e-3, 1e-4, 0.5, 2], softplus: [-30, -2, 0, 1.5, 30],
  sigmoid: [-30, -2, 0, 1.5, 30], sinh: [-5, -1, 0, 0.5, 4], cosh: [-5, -1, 0, 0.5, 4], floor: [-2.5, -1.3, 0.2, 1.7], ceil: [-2.5, -1.3, 0.2, 1.7],
  round: [-2.4, -1.3, 0.2, 1.7, 2.6], csch: [-3, -1.2, -0.3, 0.4, 2, 25], coth: [-3, -1.2, -0.3, 0.4, 2, 25],
};

/** One expression per function, in symbols u, v, w (argmaxIs/argminIs/softmax/cosdir take k = 2 first). */
function exprOf(fn: FnName): Expr {
  const [u, v, w] = [sym("u"), sym("v"), sym("w")];
  const a = FUNCTIONS[fn].arity;
  if (fn === "pi") return call("pi", []);
  if (fn === "argmaxIs" || fn === "argminIs" || fn === "softmax" || fn === "cosdir") return call(fn, [num(2), u, v, w]);
  if (a === 1) return call(fn, [u]);
  if (a === 2) return call(fn, [u, v]);
  return call(fn, [u, v, w]);
}

const points = (fn: FnName): number[][] => {
  const d = DOMAIN[fn] ?? U;
  return d.map((x, i) => [x, d[(i + 2) % d.length]! * 0.7 + 0.1, d[(i + 4) % d.length]! - 0.2]);
};

const float64 = (e: Expr, p: number[]): number => {
  if (e.kind !== "call") throw new Error("expected a call");
  const args = e.args.map((x) => (x.kind === "num" ? x.value : p[["u", "v", "w"].indexOf((x as { name: string }).name)]!));
  return FUNCTIONS[e.fn].eval(...args);
};

// float32 evaluation of functions with large derivatives (tan near π/2, exp(10)) is relative
const TOL = { rtol: 2e-5, atol: 2e-6 };
// WGSL's builtins (asin, acos, … near ±1) and erf's polynomial are looser float32 approximations
const GPU_TOL = { rtol: 1e-3, atol: 1e-5 };

test("the tensor function table covers every function of the IR", () => {
  expect(Object.keys(TENSOR_FUNCTIONS).sort()).toEqual([...FN_NAMES].sort());
});

test("the fused-kernel interpreter (float64, float32-rounded) matches the IR's functions", () => {
  for (const fn of FN_NAMES) {
    const e = exprOf(fn);
    const pts = points(fn);
    const t = new Trace();
    const [out] = traceExprs(t, [e], (name) => t.input(["u", "v", "w"].indexOf(name)));
    const { order } = t.reachable([out!]);
    const got = interpret(t.nodes, order, [out!], pts.length, (row, b) => pts[b]![row]!, [], []);
    const want = pts.map((p) => Math.fround(float64(e, p)));
    expectClose(Array.from(got), want, fn === "erf" ? { rtol: 2e-7, atol: 2e-7 } : TOL, fn);
  }
});

describeEachBackend(
  "IR functions on tensors",
  (b: TestBackend<any>) => {
    const tf = b.engine!.tf;
    test("tfjs ops (TensorPlan) match float64 for every function", async () => {
      const before = tf.memory().numTensors;
      for (const fn of FN_NAMES) {
        const e = exprOf(fn);
        const pts = points(fn);
        const cols = [0, 1, 2].map((j) => tf.tensor2d(pts.map((p) => p[j]!), [pts.length, 1]));
        const plan = new TensorPlan([e]);
        const out = tf.tidy(() => {
          const [r] = plan.run(tf, (s) => cols[["u", "v", "w"].indexOf(s.name)]!);
          return typeof r === "number" ? tf.fill([pts.length, 1], r) : tf.add(r!, tf.zeros([pts.length, 1]));
        });
        const got = Array.from(await b.engine!.read(out));
        expectClose(got, pts.map((p) => float64(e, p)), fn === "erf" || b.name === "webgpu" ? GPU_TOL : TOL, fn);
        tf.dispose([...cols, out]);
      }
      expect(tf.memory().numTensors).toBe(before);
    });

    if (b.name === "wasm" || b.name === "webgpu") {
      test(`fused ${b.name === "wasm" ? "WebAssembly SIMD" : "WGSL"} kernels match float64 for every function`, async () => {
        for (const fn of FN_NAMES) {
          const e = exprOf(fn);
          const pts = points(fn);
          const B = pts.length;
          const t = new Trace();
          const [out] = traceExprs(t, [e], (name) => t.input(["u", "v", "w"].indexOf(name)));
          // three input rows, three output rows (the result in row 0)
          const outputs = [out!, t.input(1), t.input(2)];
          const { order, key } = t.reachable(outputs);
          const packed = new Float32Array(3 * B);
          pts.forEach((p, i) => [0, 1, 2].forEach((j) => (packed[j * B + i] = p[j]!)));
          let got: number[];
          if (b.name === "wasm") {
            const dev = new WasmDevice(B, 3, 0);
            dev.write(packed, 3);
            dev.run(new WasmKernel(dev, t.nodes, order, outputs), [t.uniforms]);
            got = Array.from(dev.read().subarray(0, B));
          } else {
            const S = tf.tensor1d(packed);
            const O = tf.zeros([3 * B]);
            new WgslKernel(key, t.nodes, order, outputs, B, 0).run(tf, S, undefined, [t.uniforms], O);
            got = Array.from((await b.engine!.read(O)).subarray(0, B));
            tf.dispose([S, O]);
          }
          const tol = fn === "erf" || b.name === "webgpu" ? GPU_TOL : TOL;
          expectClose(got, pts.map((p) => float64(e, p)), tol, fn);
        }
      });
    }
  },
  { needs: ["batch"] },
);
