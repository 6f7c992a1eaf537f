/** The WebAssembly SIMD kernels of src/nn/wasm-gemm.ts (float64 and float32) against plain loops and Math.tanh, and a network's loss on both paths of the float64 engine. */
import { afterEach, describe, expect, it } from "vitest";
import { NetLossProblem } from "../../src/nn/index.js";
import { F32Arena, F64Arena, GEMM_ADD, GEMM_BIAS, GEMM_SET } from "../../src/nn/wasm-gemm.js";
import { rng } from "../../src/random/rng.js";
import { NET_CASES, netCase } from "./net-cases.js";

const arena = F64Arena.create(1 << 18);
const arena32 = F32Arena.create(1 << 18);

/**
 * C = (0 | C | bias) + Σ_k A[m·am + k·ak]·B[k·bk + n] on an arena against a float64 loop, for every
 * row and column tail, A as rows (am = K + 1, ak = 1) or as columns (am = 1, ak = M + 2): both
 * layouts the layers use. `tol(K, scale)` bounds the error of an entry whose sum of |terms| is `scale`.
 */
function checkGemm<T extends Float64Array | Float32Array>(ar: F64Arena | F32Arena, tol: (K: number, scale: number) => number): void {
  const r = rng(3);
  const es = ar instanceof F64Arena ? 8 : 4;
  const alloc = (n: number) => ar.alloc(n) as T;
  const addr = (v: T) => (ar as { addr(a: T): number }).addr(v);
  const shapes: [number, number, number][] = [[1, 1, 1], [5, 7, 3], [4, 4, 4], [9, 3, 10], [13, 6, 1], [2, 1, 5], [7, 2, 11], [8, 9, 0], [3, 5, 17], [13, 17, 1], [6, 70, 130]];
  for (const [M, N, K] of shapes) {
    for (const mode of [GEMM_SET, GEMM_ADD, GEMM_BIAS]) {
      for (const transposedA of [false, true]) {
        const [am, ak] = transposedA ? [1, M + 2] : [K + 1, 1];
        const bk = N + 2, ldc = N + 3;
        const A = alloc(Math.max(1, (M - 1) * am + (K - 1) * ak + 1)), B = alloc(Math.max(1, K * bk)), C = alloc(M * ldc), bias = alloc(N);
        for (const v of [A, B, C, bias]) v.set(r.normal([v.length]) as number[]);
        const want = Float64Array.from(C), scale = new Float64Array(C.length);
        for (let m = 0; m < M; m++) {
          for (let n = 0; n < N; n++) {
            let s = mode === GEMM_ADD ? C[m * ldc + n]! : mode === GEMM_BIAS ? bias[n]! : 0;
            let abs = Math.abs(s);
            for (let k = 0; k < K; k++) {
              s += A[m * am + k * ak]! * B[k * bk + n]!;
              abs += Math.abs(A[m * am + k * ak]! * B[k * bk + n]!);
            }
            want[m * ldc + n] = s;
            scale[m * ldc + n] = abs;
          }
        }
        ar.gemm(M, N, K, addr(A), am * es, ak * es, addr(B), bk * es, addr(C), ldc * es, mode, addr(bias));
        for (let i = 0; i < C.length; i++) expect(Math.abs(C[i]! - want[i]!), `M=${M} N=${N} K=${K} mode=${mode} entry ${i}`).toBeLessThanOrEqual(tol(K, Math.max(scale[i]!, Math.abs(want[i]!))));
      }
    }
  }
}

describe.runIf(arena !== null)("F64Arena.gemm", () => {
  const ar = arena!;
  it("computes C = (0 | C | bias) + Σ_k A[m·am + k·ak]·B[k·bk + n] for every row and column tail", () => {
    checkGemm(ar, (K, scale) => 1e-13 * (1 + scale));
  });

  it("refuses an array that is not on its memory", () => {
    expect(() => ar.addr(new Float64Array(4))).toThrow(/not on this arena's memory/);
  });
});

describe.runIf(arena32 !== null)("F32Arena", () => {
  const ar = arena32!;
  it("gemm computes the same products in float32 (within (K + 2)·2⁻²³ of the sum of |terms|)", () => {
    checkGemm(ar, (K, scale) => (K + 2) * 2 ** -23 * (1 + scale));
  });

  it("mul multiplies elementwise, whole vectors at a time (the padding of alloc)", () => {
    const a = ar.alloc(7), b = ar.alloc(7), o = ar.alloc(7);
    a.set([1, 2, 3, 4, 5, 6, 7]);
    b.set([2, 2, 2, 0.5, -1, 0, 3]);
    ar.mul(a, b, o, 7);
    expect([...o]).toEqual([2, 4, 6, 2, -5, 0, 21]);
    expect(() => ar.addr(new Float32Array(4))).toThrow(/not on this arena's memory/);
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

  it("gives every value the same bits whether its pair takes one branch or mixes both (|z| < 0.625 and not)", () => {
    const r = rng(8);
    const small = r.uniform([200], { low: -0.62, high: 0.62 }) as number[], big = r.uniform([200], { low: 0.63, high: 30 }) as number[];
    const Z = ar.alloc(400), A = ar.alloc(400), D = ar.alloc(400);
    // pure pairs: small then big values; mixed pairs: (small, big) interleaved
    Z.set([...small, ...big]);
    ar.tanh(Z, A, D, 400);
    const pure = Array.from(A), pureD = Array.from(D);
    Z.set(small.flatMap((v, i) => [v, big[i]!]));
    ar.tanh(Z, A, D, 400);
    for (let i = 0; i < 200; i++) {
      expect(A[2 * i]).toBe(pure[i]);
      expect(A[2 * i + 1]).toBe(pure[200 + i]);
      expect(D[2 * i + 1]).toBe(pureD[200 + i]);
    }
  });
});

describe("a network's loss on WebAssembly SIMD and on the JavaScript loops", () => {
  afterEach(() => {
    NetLossProblem.useWasm = true;
  });

  for (const [act, kind, sizes] of NET_CASES) {
    it(`${act} layers, ${kind}: value, gradient and Hessian-vector product agree to 1e-13`, () => {
      const { net, data, x, v } = netCase(act, kind, sizes, 23, 11);
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
});
