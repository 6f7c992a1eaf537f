/** The WebAssembly SIMD kernels of src/nn/wasm-gemm.ts (float64 and float32) against plain loops and Math.tanh, and a network's loss on both paths of the float64 engine. */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { activate, NetLossProblem } from "../../src/nn/index.js";
import { F32Arena, F64Arena, GEMM_ADD, GEMM_BIAS, GEMM_SET, relaxedSimdAvailable, TANH32_COEFFS, EXP32_COEFFS } from "../../src/nn/wasm-gemm.js";
import { rng } from "../../src/random/rng.js";
import { NET_CASES, netCase } from "./net-cases.js";

const arena = F64Arena.create(1 << 18);
/** The float32 arena as the engine makes it (relaxed-SIMD FMA where available), and one forced onto f32x4 mul then add. */
const arena32 = F32Arena.create(1 << 18);
const arena32Plain = (() => {
  F32Arena.useFma = false;
  try {
    return F32Arena.create(1 << 18);
  } finally {
    F32Arena.useFma = true;
  }
})();

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

describe("relaxed SIMD (f32x4.relaxed_madd) for the float32 kernels", () => {
  it("is found on Node ≥ 20 (in-process V8 flag on Node 20), and new arenas use it unless F32Arena.useFma is false", () => {
    const major = Number(process.versions.node.split(".")[0]);
    if (major >= 20) expect(relaxedSimdAvailable()).toBe(true);
    expect(arena32!.fma).toBe(relaxedSimdAvailable());
    expect(arena32Plain!.fma).toBe(false);
  });

  it("fuses the multiply-add on the FMA arena where the CPU has FMA, rounds the product first on the other", () => {
    // c + a·b with a = b = 1 + 2⁻¹², c = −(1 + 2⁻¹¹): a·b = 1 + 2⁻¹¹ + 2⁻²⁴ rounds (a tie, to even)
    // to 1 + 2⁻¹¹ in float32, so mul then add gives 0 and a fused multiply-add 2⁻²⁴
    const a = 1 + 2 ** -12, c = -(1 + 2 ** -11);
    const cpuHasFma = process.platform === "linux" && process.arch === "x64" && /^flags\s*:.*\bfma\b/m.test(readFileSync("/proc/cpuinfo", "utf8"));
    for (const ar of [arena32!, arena32Plain!]) {
      const A = ar.alloc(4), B = ar.alloc(8), C = ar.alloc(32);
      A.fill(a);
      B.fill(a);
      C.fill(c);
      ar.gemm(4, 8, 1, ar.addr(A), 4, 4, ar.addr(B), 32, ar.addr(C), 32, GEMM_ADD, 0);
      if (!ar.fma) expect([...C]).toEqual(new Array(32).fill(0));
      else if (cpuHasFma) expect([...C]).toEqual(new Array(32).fill(2 ** -24));
      else for (const v of C) expect([0, 2 ** -24]).toContain(v);
    }
  });
});

for (const [label, maybe] of [["F32Arena (relaxed-SIMD FMA where available)", arena32], ["F32Arena (f32x4 mul then add)", arena32Plain]] as const) {
  describe.runIf(maybe !== null)(label, () => {
    const ar = maybe!;
    it("gemm computes the same products in float32 (within (K + 2)·2⁻²³ of the sum of |terms|)", () => {
      checkGemm(ar, (K, scale) => (K + 2) * 2 ** -23 * (1 + scale));
    });

    it("gemmSkippingZeros computes C = A·B skipping A's zeros (pairs of rows, every row and column tail, A as rows or columns)", () => {
      const r = rng(4);
      const shapes: [number, number, number][] = [[1, 1, 1], [2, 16, 3], [5, 7, 3], [4, 21, 9], [9, 37, 10], [13, 1, 4], [6, 17, 1], [8, 5, 0], [3, 33, 17], [10, 70, 130]];
      for (const [M, N, K] of shapes) {
        for (const zeros of [0, 0.5, 0.9, 1]) {
          for (const transposedA of [false, true]) {
            const [am, ak] = transposedA ? [1, M + 2] : [K + 1, 1];
            const bk = N + 2, ldc = N + 3;
            const A = ar.alloc(Math.max(1, (M - 1) * am + (K - 1) * ak + 1)), B = ar.alloc(Math.max(1, K * bk)), C = ar.alloc(M * ldc);
            const scratch = ar.alloc(F32Arena.skipScratch(M, K));
            A.set((r.normal([A.length]) as number[]).map((v) => (r.uniform() < zeros ? (r.uniform() < 0.5 ? 0 : -0) : v)));
            B.set(r.normal([B.length]) as number[]);
            C.set(r.normal([C.length]) as number[]);
            const want = Float64Array.from(C), scale = new Float64Array(C.length);
            for (let m = 0; m < M; m++) {
              for (let n = 0; n < N; n++) {
                let t = 0, abs = 0;
                for (let k = 0; k < K; k++) {
                  t += A[m * am + k * ak]! * B[k * bk + n]!;
                  abs += Math.abs(A[m * am + k * ak]! * B[k * bk + n]!);
                }
                want[m * ldc + n] = t;
                scale[m * ldc + n] = abs;
              }
            }
            const skipped = ar.gemmSkippingZeros(M, N, K, ar.addr(A), am * 4, ak * 4, ar.addr(B), bk * 4, ar.addr(C), ldc * 4, scratch, 1);
            expect(skipped).toBe(true);
            for (let i = 0; i < C.length; i++) expect(Math.abs(C[i]! - want[i]!), `M=${M} N=${N} K=${K} zeros=${zeros} entry ${i}`).toBeLessThanOrEqual((K + 2) * 2 ** -23 * (1 + scale[i]!));
            // the default threshold: dense A runs the dense product, with the same result
            if (zeros === 0 && M > 1 && K > 0) {
              const C2 = ar.alloc(M * ldc);
              C2.set(C);
              expect(ar.gemmSkippingZeros(M, N, K, ar.addr(A), am * 4, ak * 4, ar.addr(B), bk * 4, ar.addr(C2), ldc * 4, scratch)).toBe(false);
              for (let i = 0; i < C.length; i++) expect(Math.abs(C2[i]! - want[i]!)).toBeLessThanOrEqual((K + 2) * 2 ** -23 * (1 + scale[i]!));
            }
          }
        }
      }
    });

    it("gemmSkippingZeros keeps a NaN of A (it is not a zero) and asks for enough scratch", () => {
      const A = ar.alloc(4 * 3), B = ar.alloc(3 * 8), C = ar.alloc(4 * 8), scratch = ar.alloc(F32Arena.skipScratch(4, 3));
      A.set([0, 0, 0, 0, NaN, 0, 1, 0, 0, 0, 0, 0]);
      B.fill(1);
      ar.gemmSkippingZeros(4, 8, 3, ar.addr(A), 12, 4, ar.addr(B), 32, ar.addr(C), 32, scratch, 1);
      expect([...C.subarray(0, 8)]).toEqual(new Array(8).fill(0));
      expect(C.subarray(8, 16).every(Number.isNaN)).toBe(true);
      expect([...C.subarray(16, 24)]).toEqual(new Array(8).fill(1));
      expect([...C.subarray(24, 32)]).toEqual(new Array(8).fill(0));
      expect(() => ar.gemmSkippingZeros(4, 8, 3, ar.addr(A), 12, 4, ar.addr(B), 32, ar.addr(C), 32, ar.alloc(4))).toThrow(/scratch holds 4 values, 20 needed for 4 × 3/);
    });

    it("tanh is within 3.5 float32 ulp of Math.tanh, 1 exactly past the clamp, with D = (1 − A)(1 + A) (NaN, ±0, ±∞, subnormals)", () => {
      const r = rng(12);
      const f = Math.fround;
      const len = 4003; // not a whole number of vectors: the last one runs in the padding
      const Z = ar.alloc(len), A = ar.alloc(len), D = ar.alloc(len);
      let worst = 0;
      for (const scale of [1e-30, 1e-4, 4e-4, 1e-2, 0.5, 2, 6, 9, 40]) {
        Z.set(r.uniform([len], { low: -scale, high: scale }) as number[]);
        Z.set([0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, TANH32_COEFFS.clamp, -20, 3.999e-4, 4e-4]);
        ar.tanh(Z, A, D, len);
        for (let i = 0; i < len; i++) {
          const z = Z[i]!, want = Math.tanh(z), a = A[i]!;
          expect(D[i], `tanh'(${z})`).toBe(f(f(1 - a) * f(1 + a)));
          if (Number.isNaN(z)) {
            expect(a).toBeNaN();
            continue;
          }
          if (Math.abs(z) >= TANH32_COEFFS.clamp) {
            expect(a, `tanh(${z})`).toBe(Math.sign(z));
            continue;
          }
          expect(Object.is(a, -0)).toBe(Object.is(z, -0));
          const ulps = Math.abs(a - want) / Math.max(Math.abs(want) * 2 ** -23, 2 ** -149);
          worst = Math.max(worst, ulps);
          expect(ulps, `tanh(${z}) = ${a}, want ${want}`).toBeLessThanOrEqual(3.5);
        }
      }
      expect(worst).toBeGreaterThan(0); // an approximation, not a copy of Math.tanh
    });

    it("sigmoid is within 2 float32 ulp of σ on both sides (within 1.3e-38 past |z| = 87.3), with D = A(1 − A) (NaN, ±0, ±∞)", () => {
      const r = rng(13);
      const f = Math.fround;
      const sigma = (x: number) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
      const len = 4003;
      const Z = ar.alloc(len), A = ar.alloc(len), D = ar.alloc(len);
      let worst = 0;
      for (const scale of [1e-30, 1e-3, 0.5, 4, 17, 60, 87, 200]) {
        Z.set(r.uniform([len], { low: -scale, high: scale }) as number[]);
        Z.set([0, -0, NaN, Infinity, -Infinity, 1e-45, -1e-45, 87.3, -87.3, -88, 88.5]);
        ar.sigmoid(Z, A, D, len);
        for (let i = 0; i < len; i++) {
          const z = Z[i]!, want = sigma(z), a = A[i]!;
          expect(D[i], `σ'(${z})`).toBe(f(a * f(1 - a)));
          if (Number.isNaN(z)) {
            expect(a).toBeNaN();
            continue;
          }
          if (Math.abs(z) > EXP32_COEFFS.cap) {
            expect(Math.abs(a - want), `σ(${z})`).toBeLessThanOrEqual(1.3e-38);
            continue;
          }
          const ulps = Math.abs(a - want) / Math.max(want * 2 ** -23, 2 ** -149);
          worst = Math.max(worst, ulps);
          expect(ulps, `σ(${z}) = ${a}, want ${want}`).toBeLessThanOrEqual(2);
        }
      }
      expect(worst).toBeGreaterThan(0);
    });

    it("mul multiplies elementwise, whole vectors at a time (the padding of alloc)", () => {
      const a = ar.alloc(7), b = ar.alloc(7), o = ar.alloc(7);
      a.set([1, 2, 3, 4, 5, 6, 7]);
      b.set([2, 2, 2, 0.5, -1, 0, 3]);
      ar.mul(a, b, o, 7);
      expect([...o]).toEqual([2, 4, 6, 2, -5, 0, 21]);
      expect(() => ar.addr(new Float32Array(4))).toThrow(/not on this arena's memory/);
    });

    it("relu gives activate(\"relu\")'s values and derivatives bit for bit (NaN, ±0, ±∞, subnormals), whole vectors at a time", () => {
      const r = rng(9);
      const len = 1003; // not a whole number of vectors: the last one runs in the padding
      const Z = ar.alloc(len), H = ar.alloc(len), D = ar.alloc(len);
      Z.set(r.normal([len]) as number[]);
      Z.set([NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 3.4e38, -3.4e38]);
      const H2 = new Float32Array(len), D2 = new Float32Array(len);
      activate("relu", Z, H2, D2, len);
      ar.relu(Z, H, D, len);
      for (let i = 0; i < len; i++) {
        expect(Object.is(H[i], H2[i]), `relu(${Z[i]}) = ${H[i]}, want ${H2[i]}`).toBe(true);
        expect(D[i], `relu'(${Z[i]})`).toBe(D2[i]);
      }
    });
  });
}

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
