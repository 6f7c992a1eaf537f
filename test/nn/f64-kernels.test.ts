/** The float64 engine's per-network WebAssembly kernels (src/nn/f64-kernels.ts) against plain loops and Math.tanh. */
import { afterEach, describe, expect, it } from "vitest";
import { NetLossProblem, NetSpec } from "../../src/nn/index.js";
import { F64NetKernels } from "../../src/nn/f64-kernels.js";
import { F64Arena, GEMM_ADD, GEMM_BIAS, GEMM_SET } from "../../src/nn/wasm-gemm.js";
import { rng } from "../../src/random/rng.js";

/** Layer shapes with every register-block tail (3 rows × 4 columns, then 1 vector, then 1 column). */
const LAYERS = [{ in: 2, out: 64 }, { in: 64, out: 64 }, { in: 64, out: 1 }, { in: 5, out: 7 }, { in: 3, out: 1 }, { in: 1, out: 3 }, { in: 13, out: 9 }];
/** Sample counts: row tails, and more than one k block (32) of the weight gradient. */
const SAMPLES = [1, 2, 3, 4, 7, 33, 100];

const arena = F64Arena.create(1 << 21);
const kernels = arena && F64NetKernels.create(arena, LAYERS);

/** The ulp of x (the gap above |x|). */
function ulp(x: number): number {
  const b = new Float64Array([Math.abs(x)]);
  const i = new BigInt64Array(b.buffer);
  i[0] = i[0]! + 1n;
  return b[0]! - Math.abs(x);
}

describe.runIf(kernels !== null)("F64NetKernels", () => {
  const ar = arena!, k = kernels!;
  const r = rng(21);
  const fill = (len: number): Float64Array => {
    const v = ar.alloc(len);
    v.set(r.normal([len]) as number[]);
    return v;
  };

  it("forward: Z = A·Wᵀ (+ b, + Z) in the order of a plain loop (bit-identical), every tail", () => {
    LAYERS.forEach((L, l) => {
      for (const S of SAMPLES) {
        const A = fill(S * L.in), WT = fill(L.in * L.out), b = fill(L.out), Z = fill(S * L.out);
        for (const mode of [GEMM_SET, GEMM_ADD, GEMM_BIAS]) {
          const before = Float64Array.from(Z);
          k.product(l, "forward", S, ar.addr(A), ar.addr(WT), ar.addr(Z), mode, ar.addr(b));
          for (let s = 0; s < S; s++) {
            for (let o = 0; o < L.out; o++) {
              let c = mode === GEMM_SET ? 0 : mode === GEMM_ADD ? before[s * L.out + o]! : b[o]!;
              for (let i = 0; i < L.in; i++) c += A[s * L.in + i]! * WT[i * L.out + o]!;
              expect(Z[s * L.out + o], `layer ${l} S=${S} mode ${mode} Z[${s},${o}]`).toBe(c);
            }
          }
        }
      }
    });
  });

  it("weightGrad: G = ΔᵀA over the samples, in k blocks, the same sums as a plain loop (bit-identical)", () => {
    LAYERS.forEach((L, l) => {
      for (const S of [0, ...SAMPLES]) {
        const D = fill(Math.max(1, S * L.out)), A = fill(Math.max(1, S * L.in)), G = fill(L.out * L.in);
        k.product(l, "weightGrad", S, ar.addr(D), ar.addr(A), ar.addr(G));
        for (let o = 0; o < L.out; o++) {
          for (let i = 0; i < L.in; i++) {
            let c = 0;
            for (let s = 0; s < S; s++) c += D[s * L.out + o]! * A[s * L.in + i]!;
            expect(G[o * L.in + i], `layer ${l} S=${S} G[${o},${i}]`).toBe(c);
          }
        }
      }
    });
  });

  it("inputGrad: GA = Δ·W, and with a factor E also Δ' = GA ⊙ E as it stores, or only Δ' (keepC false), bit-identical", () => {
    LAYERS.forEach((L, l) => {
      for (const S of SAMPLES) {
        const D = fill(S * L.out), W = fill(L.out * L.in), GA = fill(S * L.in), E = fill(S * L.in), out = fill(S * L.in), out2 = fill(S * L.in);
        const untouched = Float64Array.from(out);
        k.product(l, "inputGrad", S, ar.addr(D), ar.addr(W), ar.addr(GA));
        expect([...out]).toEqual([...untouched]);
        const first = Float64Array.from(GA);
        k.product(l, "inputGrad", S, ar.addr(D), ar.addr(W), ar.addr(GA), GEMM_SET, 0, ar.addr(E), ar.addr(out));
        // keepC false: C itself is not written
        const C = fill(S * L.in), before = Float64Array.from(C);
        k.product(l, "inputGrad", S, ar.addr(D), ar.addr(W), ar.addr(C), GEMM_SET, 0, ar.addr(E), ar.addr(out2), false);
        expect([...C]).toEqual([...before]);
        for (let s = 0; s < S; s++) {
          for (let i = 0; i < L.in; i++) {
            let c = 0;
            for (let o = 0; o < L.out; o++) c += D[s * L.out + o]! * W[o * L.in + i]!;
            const j = s * L.in + i;
            expect(first[j], `layer ${l} S=${S} GA[${s},${i}]`).toBe(c);
            expect(GA[j]).toBe(c);
            expect(out[j], `layer ${l} S=${S} Δ'[${s},${i}]`).toBe(c * E[j]!);
            expect(out2[j]).toBe(c * E[j]!);
          }
        }
      }
    });
  });

  it("columnSums: the bias gradient Σ_s Δ[s, n], summed in row order (bit-identical)", () => {
    for (const width of [1, 2, 3, 16, 17, 33, 64]) {
      for (const S of [0, 1, 5, 100]) {
        const D = fill(Math.max(1, S * width)), out = fill(width);
        k.columnSums(S, width, ar.addr(D), ar.addr(out));
        for (let n = 0; n < width; n++) {
          let c = 0;
          for (let s = 0; s < S; s++) c += D[s * width + n]!;
          expect(out[n], `width ${width} S=${S} column ${n}`).toBe(c);
        }
      }
    }
  });

  it("tanh is within 5 ulp of Math.tanh, odd, exactly ±1 from 20 on, with D = 1 − A² (NaN, ±0, ±∞, subnormals, the branch at 1.25)", () => {
    const len = 4003; // not a whole number of pairs: the last one runs in the padding
    const Z = ar.alloc(len), A = ar.alloc(len), D = ar.alloc(len);
    let worst = 0;
    for (const scale of [1e-300, 1e-8, 0.3, 1.25, 2, 6, 19, 40]) {
      Z.set(r.uniform([len], { low: -scale, high: scale }) as number[]);
      Z.set([0, -0, NaN, Infinity, -Infinity, 5e-324, -5e-324, 1.25, -1.25, 1.2499999999999998, 0.625, 20, -20, 19.999, 1e300]);
      k.tanh(ar.addr(Z), ar.addr(A), ar.addr(D), len);
      for (let i = 0; i < len; i++) {
        const z = Z[i]!, want = Math.tanh(z), a = A[i]!;
        expect(D[i], `tanh'(${z})`).toBe(1 - a * a);
        if (Number.isNaN(z)) {
          expect(a).toBeNaN();
          continue;
        }
        expect(Object.is(a, -0)).toBe(Object.is(z, -0));
        if (Math.abs(z) >= 20) {
          expect(a, `tanh(${z})`).toBe(Math.sign(z));
          continue;
        }
        const ulps = want === 0 ? Math.abs(a) : Math.abs(a - want) / ulp(want);
        worst = Math.max(worst, ulps);
        expect(ulps, `tanh(${z}) = ${a}, want ${want}`).toBeLessThanOrEqual(5);
      }
    }
    expect(worst).toBeGreaterThan(0); // an approximation, not a copy of Math.tanh
  });

  it("tanh of a value does not depend on the value beside it (a pair whose lanes take different branches)", () => {
    const xs = [0.3, -1.1, 1.26, -7, 1e-200, 0.624, 19.5, -0.9];
    const Z = ar.alloc(2), A = ar.alloc(2), D = ar.alloc(2);
    for (const x of xs) {
      const seen = new Set<number>();
      for (const other of xs) {
        Z.set([x, other]);
        k.tanh(ar.addr(Z), ar.addr(A), ar.addr(D), 2);
        seen.add(A[0]!);
      }
      expect([...seen], `tanh(${x}) beside each of ${xs}`).toHaveLength(1);
    }
  });
});

describe.runIf(kernels !== null)("the float64 engine on its kernels", () => {
  afterEach(() => {
    NetLossProblem.useWasm = true;
  });

  it("a 2→64→64→1 tanh network: value, gradient, a mini-batch and H·v agree with the JavaScript loops to 1e-13, after a gradient that skips ∂L/∂A", () => {
    const r = rng(5);
    const net = new NetSpec([2, 64, 64, 1], ["tanh", "tanh", "identity"]);
    const S = 130;
    const data = { samples: S, X: Float64Array.from(r.normal([S * 2]) as number[]), Y: { kind: "real" as const, values: Float64Array.from(r.normal([S]) as number[]) } };
    const x = Float64Array.from(r.normal([net.n]) as number[]).map((v) => 0.3 * v), v = Float64Array.from(r.normal([net.n]) as number[]);
    const rows = Int32Array.of(3, 0, 129, 64, 64, 7, 100);
    const evalAll = (useWasm: boolean) => {
      NetLossProblem.useWasm = useWasm;
      const p = new NetLossProblem(net, "mse", data);
      const g = new Float64Array(net.n), gb = new Float64Array(net.n), hv = new Float64Array(net.n);
      const f = p.valueAndGradInto(x, g); // the SIMD path leaves the hidden layers' ∂L/∂A unwritten here
      const fb = p.data.batchValueAndGradInto(x, gb, rows);
      p.hvpInto(x, v, hv); // and writes them for the R-pass
      return { f, g, fb, gb, hv };
    };
    const w = evalAll(true), j = evalAll(false);
    const close = (a: number, b: number, scale: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-13 * (1 + scale));
    close(w.f, j.f, Math.abs(j.f));
    close(w.fb, j.fb, Math.abs(j.fb));
    const norm = (a: Float64Array) => Math.sqrt(a.reduce((t, e) => t + e * e, 0));
    for (const key of ["g", "gb", "hv"] as const) {
      const scale = norm(j[key]);
      for (let i = 0; i < net.n; i++) close(w[key][i]!, j[key][i]!, scale);
    }
  });
});
