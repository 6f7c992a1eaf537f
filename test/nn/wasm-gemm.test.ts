/** The WebAssembly SIMD kernels of the float64 engine (src/nn/wasm-gemm.ts) against plain loops and Math.tanh, and a network's loss on both paths. */
import { afterEach, describe, expect, it } from "vitest";
import { ACTIVATIONS, NetLossProblem, NetSpec, type LossKind, type Targets } from "../../src/nn/index.js";
import { F64Arena, GEMM_ADD, GEMM_BIAS, GEMM_SET } from "../../src/nn/wasm-gemm.js";
import { rng } from "../../src/random/rng.js";

const arena = F64Arena.create(1 << 18);

describe.runIf(arena !== null)("F64Arena.gemm", () => {
  const ar = arena!;
  it("computes C = (0 | C | bias) + Σ_k A[m·am + k·ak]·B[k·bk + n] for every row and column tail", () => {
    const r = rng(3);
    const shapes: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [4, 4, 4], [9, 3, 10], [13, 6, 1], [2, 1, 5], [7, 2, 11], [8, 9, 0], [3, 5, 17]];
    for (const [M, N, K] of shapes) {
      for (const mode of [GEMM_SET, GEMM_ADD, GEMM_BIAS]) {
        for (const transposedA of [false, true]) {
          // A as rows (am = K + 1, ak = 1) or as columns (am = 1, ak = M + 2): both layouts the layers use
          const [am, ak] = transposedA ? [1, M + 2] : [K + 1, 1];
          const bk = N + 2, ldc = N + 3;
          const A = ar.alloc(Math.max(1, (M - 1) * am + (K - 1) * ak + 1)), B = ar.alloc(Math.max(1, K * bk)), C = ar.alloc(M * ldc), bias = ar.alloc(N);
          for (const v of [A, B, C, bias]) v.set(r.normal([v.length]) as number[]);
          const want = C.slice();
          for (let m = 0; m < M; m++) {
            for (let n = 0; n < N; n++) {
              let s = mode === GEMM_ADD ? C[m * ldc + n]! : mode === GEMM_BIAS ? bias[n]! : 0;
              for (let k = 0; k < K; k++) s += A[m * am + k * ak]! * B[k * bk + n]!;
              want[m * ldc + n] = s;
            }
          }
          ar.gemm(M, N, K, ar.addr(A), am * 8, ak * 8, ar.addr(B), bk * 8, ar.addr(C), ldc * 8, mode, ar.addr(bias));
          for (let i = 0; i < C.length; i++) expect(Math.abs(C[i]! - want[i]!), `M=${M} N=${N} K=${K} mode=${mode} entry ${i}`).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(want[i]!)));
        }
      }
    }
  });

  it("refuses an array that is not on its memory", () => {
    expect(() => ar.addr(new Float64Array(4))).toThrow(/not on this arena's memory/);
  });
});

describe.runIf(arena !== null)("F64Arena.tanh", () => {
  const ar = arena!;
  it("agrees with Math.tanh to a few ulp over the whole range, with its derivative 1 − tanh²", () => {
    const r = rng(5);
    const len = 4001; // odd: the last lane computes into the view's padding
    const Z = ar.alloc(len), A = ar.alloc(len), D = ar.alloc(len);
    for (const scale of [1e-300, 1e-9, 1e-3, 0.3, 0.62, 0.7, 2, 8, 19, 25, 800, 1e300]) {
      r.uniformInto(Z, -scale, scale);
      Z.set([0, -0, 0.625, -0.625, Infinity, -Infinity, 20, -19.06, 5e-324]);
      ar.tanh(Z, A, D, len);
      for (let i = 0; i < len; i++) {
        const want = Math.tanh(Z[i]!);
        expect(Math.abs(A[i]! - want), `tanh(${Z[i]})`).toBeLessThanOrEqual(6e-16 * Math.abs(want));
        expect(Object.is(A[i], -0)).toBe(Object.is(want, -0));
        expect(D[i]).toBe(1 - A[i]! * A[i]!);
      }
    }
    Z[0] = NaN;
    ar.tanh(Z, A, D, 1);
    expect(A[0]).toBeNaN();
  });
});

describe("a network's loss on WebAssembly SIMD and on the JavaScript loops", () => {
  afterEach(() => {
    NetLossProblem.useWasm = true;
  });

  const cases: [LossKind, number[]][] = [["mse", [3, 9, 6, 2]], ["cross-entropy", [5, 7, 4]], ["bce", [2, 5, 3]]];
  for (const act of ACTIVATIONS) {
    for (const [kind, sizes] of cases) {
      it(`${act} layers, ${kind}: value, gradient and Hessian-vector product agree to 1e-13`, () => {
        const r = rng(11);
        const S = 23;
        const net = new NetSpec(sizes, [...sizes.slice(2).map(() => act), "identity"]);
        const K = net.outputs;
        const Y: Targets = kind === "cross-entropy"
          ? { kind: "class", classes: Int32Array.from({ length: S }, (_, s) => s % K) }
          : { kind: "real", values: r.uniformInto(new Float64Array(S * K)) as Float64Array };
        const data = { samples: S, X: Float64Array.from(r.normal([S * net.inputs]) as number[]), Y };
        const x = Float64Array.from(r.normal([net.n]) as number[]);
        const v = Float64Array.from(r.normal([net.n]) as number[]);
        const rows = Int32Array.of(4, 0, 17, 9, 9, 22, 1);
        const evalAll = (useWasm: boolean) => {
          NetLossProblem.useWasm = useWasm;
          const p = new NetLossProblem(net, kind, data);
          const g = new Float64Array(net.n), gb = new Float64Array(net.n), hv = new Float64Array(net.n);
          const f = p.valueAndGradInto(x, g);
          const fb = p.data.batchValueAndGradInto(x, gb, rows);
          p.hvpInto(x, v, hv);
          return { f, g, fb, gb, hv };
        };
        const w = evalAll(true), j = evalAll(false);
        const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 * (1 + Math.abs(b)));
        close(w.f, j.f);
        close(w.fb, j.fb);
        for (let i = 0; i < net.n; i++) {
          close(w.g[i]!, j.g[i]!);
          close(w.gb[i]!, j.gb[i]!);
          close(w.hv[i]!, j.hv[i]!);
        }
      });
    }
  }
});
