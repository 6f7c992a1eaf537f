/**
 * The float32 optimizer kernels (src/nn/f32-step-kernels.ts) against the same updates written in
 * JS with `Math.fround` after every operation (float32 arithmetic): the same bits, and the flags
 * (some update nonzero, some parameter changed) as the float64 runner tracks them.
 */
import { describe, expect, it } from "vitest";
import { stepKernels } from "../../src/nn/f32-step-kernels.js";
import { rng } from "../../src/random/rng.js";

const f = Math.fround;
const N = 1000; // whole vectors

function setup() {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const k = stepKernels(memory)!;
  const view = (i: number) => new Float32Array(memory.buffer, i * N * 4, N);
  const [W, G, M, V, X] = [0, 1, 2, 3, 4].map(view) as [Float32Array, Float32Array, Float32Array, Float32Array, Float32Array];
  const r = rng(5);
  W.set(r.normal(N) as number[]);
  G.set((r.normal(N) as number[]).map((v) => 0.01 * v));
  return { k, W, G, M, V, X, r };
}

describe.runIf(typeof WebAssembly === "object" && stepKernels(new WebAssembly.Memory({ initial: 1 })) !== null)("float32 optimizer kernels", () => {
  it.each([false, true])("adam (amsgrad %s) gives the bits of the float32 update written in JS", (amsgrad) => {
    const { k, W, G, M, V, X, r } = setup();
    const w = Float32Array.from(W), m = new Float32Array(N), v = new Float32Array(N), x = new Float32Array(N);
    for (let t = 1; t <= 4; t++) {
      G.set((r.normal(N) as number[]).map((q) => 0.01 * q));
      const b1 = 0.9, b2 = 0.999, lr = 1e-2, eps = 1e-8, wd = 0.1, sd = -lr * 0.03, clip = 0.7, cv = 0.008;
      const s = -lr / (1 - b1 ** t), c2 = 1 / Math.sqrt(1 - b2 ** t);
      const fn = amsgrad ? k.adamAms : k.adam;
      const flags = fn(W.byteOffset, G.byteOffset, M.byteOffset, V.byteOffset, X.byteOffset, N / 4, b1, 1 - b1, b2, 1 - b2, c2, eps, s, sd, wd, clip, cv);
      expect(flags).toBe(3);
      const [B1, W1, B2, W2, C2, E, S, SD, WD, C, CV] = [b1, 1 - b1, b2, 1 - b2, c2, eps, s, sd, wd, clip, cv].map(f) as number[];
      let clamped = 0;
      for (let j = 0; j < N; j++) {
        let gc = f(G[j]! * C!);
        if (Math.abs(gc) > CV!) (gc = Math.sign(gc) * CV!), clamped++;
        const g = f(gc + f(WD! * w[j]!));
        m[j] = f(f(B1! * m[j]!) + f(W1! * g));
        v[j] = f(f(B2! * v[j]!) + f(W2! * f(g * g)));
        const vh = amsgrad ? (x[j] = Math.max(x[j]!, v[j]!)) : v[j]!;
        w[j] = f(w[j]! + f(f(S! * f(m[j]! / f(f(C2! * f(Math.sqrt(vh))) + E!))) + f(SD! * w[j]!)));
      }
      expect(clamped).toBeGreaterThan(N / 10); // clipValue's bound is reached
      expect(Array.from(W)).toEqual(Array.from(w));
      expect(Array.from(M)).toEqual(Array.from(m));
      expect(Array.from(V)).toEqual(Array.from(v));
      if (amsgrad) expect(Array.from(X)).toEqual(Array.from(x));
    }
  });

  it.each([[false, false, Infinity], [true, false, 0.01], [true, true, Infinity]])("sgd (momentum %s, nesterov %s, clipValue %s) gives the bits of the float32 update written in JS", (withBuf, nest, cv) => {
    const { k, W, G, X: B, r } = setup();
    const w = Float32Array.from(W), b = new Float32Array(N);
    const mu = 0.9, damp = 0.8, wd = 0.01, s = -0.1, clip = 1;
    for (let t = 0; t < 3; t++) {
      G.set((r.normal(N) as number[]).map((q) => 0.01 * q));
      const first = t === 0;
      const flags = k.sgd(W.byteOffset, G.byteOffset, B.byteOffset, N / 4, first ? 1 : 0, nest ? 1 : 0, withBuf ? 1 : 0, clip, wd, mu, first ? 0 : damp, s, cv);
      expect(flags).toBe(3);
      for (let j = 0; j < N; j++) {
        const gc = f(G[j]! * f(clip));
        const g = f(Math.min(Math.max(gc, -f(cv)), f(cv)) + f(f(wd) * w[j]!));
        let d = g;
        if (withBuf) {
          if (!first) d = f(f(f(mu) * b[j]!) + f(f(damp) * g));
          b[j] = d;
          if (nest) d = f(g + f(f(mu) * d));
        }
        w[j] = f(w[j]! + f(f(s) * d));
      }
      expect(Array.from(W)).toEqual(Array.from(w));
      if (withBuf) expect(Array.from(B)).toEqual(Array.from(b));
    }
  });

  it("reports no move when every update is zero, and a move without a change when the update rounds away", () => {
    const { k, W, G, M, V, X } = setup();
    G.fill(0);
    // g = 0, eps > 0: u = 0 exactly
    expect(k.adam(W.byteOffset, G.byteOffset, M.byteOffset, V.byteOffset, X.byteOffset, N / 4, 0.9, 0.1, 0.999, 0.001, 1, 1e-8, -1e-3, 0, 0, 1, Infinity)).toBe(0);
    // sgd with a tiny step: u ≠ 0 but w + u rounds back to w
    W.fill(1);
    G.fill(1e-12);
    expect(k.sgd(W.byteOffset, G.byteOffset, X.byteOffset, N / 4, 1, 0, 0, 1, 0, 0, 0, -1, Infinity)).toBe(1);
  });

  it("sums squares in float64 as the runner sums the float64 copy", () => {
    const { k, G } = setup();
    let s = 0;
    for (let j = 0; j < N; j++) s += G[j]! * G[j]!;
    expect(Math.abs(k.sumsq(G.byteOffset, N / 4) - s) / s).toBeLessThan(1e-14);
    // from an unaligned start, part of the vector
    let t = 0;
    for (let j = 3; j < 3 + 400; j++) t += G[j]! * G[j]!;
    expect(Math.abs(k.sumsq(G.byteOffset + 12, 100) - t) / t).toBeLessThan(1e-14);
  });
});
