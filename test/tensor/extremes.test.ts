/**
 * The stable derivative forms reach the tfjs compiler: f and ∇f of saturating and scale-sensitive
 * functions in float32 at arguments where the textbook forms give 0 or NaN (1 − tanh² at 20,
 * σ(1 − σ) at 40, x²+y² past 1.8e19), against the float64 closures (themselves checked against
 * mpmath in test/symbolic/extremes.test.ts).
 */
import { expect, test } from "vitest";
import type { Tensor } from "../../src/backends/index.js";
import { buildObjective, type SymbolicProblem } from "../../src/symbolic/index.js";
import { TensorObjective } from "../../src/tensor/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";

const CASES: [string, number[][]][] = [
  ["tanh(x) + 0*y", [[20, 0], [-30, 0], [0.5, 0]]],
  ["sigmoid(x) + 0*y", [[40, 0], [-40, 0], [60, 0]]],
  ["softplus(x) + sech(y)", [[30, 40], [-30, -40], [1, 2]]],
  ["hypot(x, y)", [[3e25, 4e25], [3e-10, 4e-10], [3, 4]]],
  ["logsumexp(x, y)", [[40, 0], [0, 40], [40, -40]]],
  ["cosh(x)/sinh(x) + 0*y", [[20, 0], [40, 0]]],
];

describeEachBackend(
  "TensorObjective at extreme arguments",
  (b: TestBackend<any>) => {
    const tf = b.engine!.tf;
    test.each(CASES)("%s: f and ∇f in float32 match float64 to 1e-5 relative, entry by entry", async (src, pts) => {
      const p = buildObjective(src, { vars: ["x", "y"] }).problem as SymbolicProblem;
      const obj = new TensorObjective(b.engine!, p);
      const x = [0, 1].map((j) => tf.tensor2d(pts.map((q) => q[j]!), [pts.length, 1]));
      const out = tf.tidy(() => {
        const r = obj.valueAndGrad(x);
        return [r.value, ...r.grad] as Tensor[];
      });
      const [f, gx, gy] = await Promise.all(out.map(async (t) => Array.from(await b.engine!.read(t))));
      pts.forEach((pt, i) => {
        const g = new Float64Array(2);
        const fv = p.valueAndGradInto(Float64Array.from(pt), g);
        for (const [ours, ref, what] of [[f![i]!, fv, "f"], [gx![i]!, g[0]!, "∂x"], [gy![i]!, g[1]!, "∂y"]] as const) {
          expect(Number.isFinite(ours), `${what} at [${pt}]: ${ours}`).toBe(true);
          expectClose(ours, ref, { rtol: 1e-5, atol: 0 }, `${src} ${what} at [${pt}]`);
        }
      });
      tf.dispose([...x, ...out]);
      obj.dispose();
    });
  },
  { needs: ["batch"] },
);
