/**
 * No tensor outlives the work that made it: `tf.memory().numTensors` is the same before and
 * after 1000 runs in sweeps (tfjs ops and fused kernels), single tfjs runs of `optimize`,
 * data-backed runs with mini-batches and validation, and curvature.
 */
import { expect, test } from "vitest";
import { adam, objective, rmsprop, sweep } from "../../dsl/index.js";
import { ALIASES } from "../../src/optim/index.js";
import { tensorHvp, tensorLanczos } from "../../src/numeric/curvature/index.js";
import { buildObjective, type SymbolicDataProblem } from "../../src/symbolic/index.js";
import { optimizeOnTensors } from "../../src/tensor/index.js";
import { describeEachBackend, type TestBackend } from "../support/describe-each-backend.js";

describeEachBackend(
  "no leaks",
  (b: TestBackend<any>) => {
    test("1000 runs of sweeps, 10 optimize runs, mini-batches with validation, curvature", async () => {
      const tf = b.engine!.tf;
      await sweep(objective("x^2 + y^2"), { optimizer: adam(), from: [1, 1], steps: 1, backend: b.name }); // warm-up (kernels, caches)
      const before = tf.memory().numTensors;
      const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
      const lrs = Array.from({ length: 1000 }, (_, i) => 1e-4 * 1.01 ** i);
      for (const engine of ["ops", "auto"] as const) {
        const s = await sweep(f, { optimizer: (h) => adam({ lr: h.lr }), grid: { lr: lrs }, from: [-1.2, 1], steps: 20, backend: b.name, engine });
        expect(s.size).toBe(1000);
      }
      const p = (f as unknown as { core: { problem: never } }).core.problem;
      for (let i = 0; i < 10; i++) await optimizeOnTensors(b.engine!, p, rmsprop({ lr: 0.01 }), Float64Array.from([-1.2, 1]), { steps: 10 });
      const a = Array.from({ length: 300 }, (_, i) => [Math.sin(i), Math.cos(3 * i)]);
      const y = a.map(([u, v]) => u! - 2 * v!);
      const d = buildObjective("(w1*a[1] + w2*a[2] - y)^2", { params: ["w1", "w2"], data: { a, y } }).problem as SymbolicDataProblem;
      await optimizeOnTensors(b.engine!, d, ALIASES.sgd({ lr: 0.05 }), new Float64Array(2), { epochs: 3, batchSize: 32, validation: 0.2, patience: 1 });
      const H = tensorHvp(b.engine!, (x) => tf.sum(tf.pow(x, 4)), [1, 2, 3]);
      await tensorLanczos(H, { k: 1 });
      H.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }, 120_000);
  },
  { needs: ["batch"] },
);
