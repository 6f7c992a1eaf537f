/**
 * Curvature on every tfjs backend (float32) against known spectra: the same problems as the
 * float64 tests, with Hessian-vector products by reverse-over-reverse autodiff.
 */
import { expect, test } from "vitest";
import type { Tensor, TF } from "../../../src/backends/index.js";
import { tensorHutchinson, tensorHvp, tensorLanczos, tensorQuadrature } from "../../../src/numeric/curvature/index.js";
import { describeEachBackend, type TestBackend } from "../../support/describe-each-backend.js";
import { knownSpectrum, uniform } from "./problems.js";

/** f(x) = ½ Σ dᵢ (H₂H₁x)ᵢ² with Householder reflections: Hessian H₁H₂ D H₂H₁, eigenvalues d. */
function rotatedQuadratic(tf: TF, d: Float64Array, seed = 1): { f: (x: Tensor) => Tensor; dispose(): void } {
  const n = d.length;
  const r = uniform(seed);
  const us = [0, 1].map(() => {
    const u = Float64Array.from({ length: n }, () => r() - 0.5);
    let s = 0;
    for (const v of u) s += v * v;
    return tf.tensor1d(Float32Array.from(u, (v) => v / Math.sqrt(s)));
  });
  const dt = tf.tensor1d(Float32Array.from(d));
  const reflect = (u: Tensor, x: Tensor) => tf.sub(x, tf.mul(u, tf.mul(2, tf.sum(tf.mul(u, x)))));
  return {
    f: (x) => tf.mul(0.5, tf.sum(tf.mul(dt, tf.square(reflect(us[1]!, reflect(us[0]!, x)))))),
    dispose: () => tf.dispose([...us, dt]),
  };
}

describeEachBackend(
  "curvature on tensors",
  (b: TestBackend<any>) => {
    const tf = b.engine!.tf;
    const n = 10_000;

    test(`Lanczos top-5 eigenvalues at n = ${n} match to 1e-3 in float32, no tensors leak`, async () => {
      const before = tf.memory().numTensors;
      const q = rotatedQuadratic(tf, knownSpectrum(n));
      const H = tensorHvp(b.engine!, q.f, new Float64Array(n));
      const res = await tensorLanczos(H, { k: 5 });
      H.dispose();
      q.dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(res.converged).toBe(true);
      [60, 55, 50, 45, 40].forEach((want, i) => expect(Math.abs(res.values[i]! - want) / want).toBeLessThan(1e-3));
    });

    test("Hutchinson's trace within 5% with 100 probes; quadrature moments match", async () => {
      const m = 1000;
      const s = knownSpectrum(m);
      const before = tf.memory().numTensors;
      const q = rotatedQuadratic(tf, s, 3);
      const H = tensorHvp(b.engine!, q.f, new Float64Array(m));
      const est = await tensorHutchinson(H, { probes: 100 });
      const trace = s.reduce((a, v) => a + v, 0);
      expect(Math.abs(est.trace - trace) / trace).toBeLessThan(0.05);
      const { nodes, weights } = await tensorQuadrature(H, { probes: 4, steps: 30 });
      const m1 = nodes.reduce((acc, t, p) => acc + t.reduce((a, th, j) => a + weights[p]![j]! * th, 0), 0) / nodes.length;
      expect(Math.abs(m1 - trace / m) / (trace / m)).toBeLessThan(0.1);
      H.dispose();
      q.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    test("the Hessian-vector product of Σ xᵢ⁴ at (1, 2) is 12·x² ⊙ v", async () => {
      const H = tensorHvp(b.engine!, (x) => tf.sum(tf.pow(x, 4)), [1, 2]);
      const v = tf.tensor1d([1, -1]);
      const out = H.apply(v);
      expect(Array.from(await out.data())).toEqual([12, -48]);
      tf.dispose([v, out]);
      H.dispose();
    });
  },
  { needs: ["autodiff"] },
);

test("the float64 engine is covered by the float64 curvature tests", () => {
  expect(knownSpectrum(20)[19]).toBe(60);
});
