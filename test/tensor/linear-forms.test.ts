/**
 * Matrix products found in scalar expressions (linear forms Σ pⱼdⱼ, gradient groups r·dⱼ):
 * detected where they are, and, evaluated as products, equal to the float64 engine on a linear
 * model, logistic regression and a one-hot matrix factorization.
 */
import { expect, test } from "vitest";
import { buildObjective, type SymbolicDataProblem } from "../../src/symbolic/index.js";
import { TensorObjective } from "../../src/tensor/index.js";
import { findMatrixProducts } from "../../src/tensor/linear-forms.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";

function mf(users: number, items: number, rank: number, rows: number) {
  let s = 7;
  const r = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const U = Array.from({ length: users }, () => Array.from({ length: rank }, () => r() - 0.5));
  const V = Array.from({ length: items }, () => Array.from({ length: rank }, () => r() - 0.5));
  const pairs = Array.from({ length: rows }, () => [Math.floor(r() * users), Math.floor(r() * items)] as const);
  const u = pairs.map(([i]) => Array.from({ length: users }, (_, k) => (k === i ? 1 : 0)));
  const v = pairs.map(([, j]) => Array.from({ length: items }, (_, k) => (k === j ? 1 : 0)));
  const rating = pairs.map(([i, j]) => U[i]!.reduce((acc, x, c) => acc + x * V[j]![c]!, 0) + 0.01 * (r() - 0.5));
  const params = [...U.flatMap((_, i) => Array.from({ length: rank }, (_, c) => `U${i}_${c}`)), ...V.flatMap((_, j) => Array.from({ length: rank }, (_, c) => `V${j}_${c}`))];
  const pred = Array.from({ length: rank }, (_, c) => `(${U.map((_, i) => `u[${i + 1}]*U${i}_${c}`).join(" + ")})*(${V.map((_, j) => `v[${j + 1}]*V${j}_${c}`).join(" + ")})`).join(" + ");
  return buildObjective(`(${pred} - r)^2`, { params, data: { u, v, r: rating } }).problem as SymbolicDataProblem;
}

test("linear forms and gradient groups are found in a one-hot matrix factorization", () => {
  const p = mf(6, 5, 2, 20);
  const roots = p.summand.bind([p.summand.expr, ...p.summand.gradient]);
  const params = new Set(p.summand.vars);
  const data = new Set(p.columns.keys());
  const { forms, groups, skip } = findMatrixProducts(roots, (s) => params.has(s), (s) => data.has(s), roots.map((_, i) => i).slice(1));
  expect(forms.length).toBe(4); // Σᵢ uᵢUᵢc and Σⱼ vⱼVⱼc for each of the 2 factors
  expect(groups.length).toBe(4); // ∂/∂Uᵢc share r per c, ∂/∂Vⱼc too
  expect(groups.map((g) => g.entries.length).sort()).toEqual([5, 5, 6, 6]);
  expect(skip.size).toBeGreaterThan(20);
});

describeEachBackend(
  "matrix products on tensors",
  (b: TestBackend<any>) => {
    const tf = b.engine!.tf;
    const check = async (p: SymbolicDataProblem, points: number[][], tol: { rtol: number; atol: number }) => {
      const before = tf.memory().numTensors;
      const obj = new TensorObjective(b.engine!, p);
      const rows = Int32Array.from({ length: Math.min(17, p.samples) }, (_, i) => (i * 7) % p.samples);
      const batch = obj.batch(rows);
      for (const B of [1, points.length]) {
        const pts = points.slice(0, B);
        const x = pts[0]!.map((_, j) => tf.tensor2d(pts.map((q) => q[j]!), [B, 1]));
        for (const data of [undefined, batch]) {
          const out = tf.tidy(() => {
            const r = obj.valueAndGrad(x, data);
            return [r.value, ...r.grad];
          });
          const vals = await Promise.all(out.map((t) => b.engine!.read(t)));
          pts.forEach((pt, i) => {
            const g = new Float64Array(p.n);
            const f = data ? p.batchValueAndGradInto(Float64Array.from(pt), g, rows) : p.valueAndGradInto(Float64Array.from(pt), g);
            expectClose(vals.map((v) => v[i]!), [f, ...g], tol, `B=${B} ${data ? "batch" : "all rows"} point ${i}`);
          });
          tf.dispose(out);
        }
        tf.dispose(x);
      }
      batch.dispose();
      obj.dispose();
      expect(tf.memory().numTensors).toBe(before);
    };

    test("logistic regression with 6 features (a linear form and a gradient group)", async () => {
      const a = Array.from({ length: 300 }, (_, i) => Array.from({ length: 6 }, (_, j) => Math.sin(i * (j + 1) * 0.7)));
      const y = a.map((row) => (row[0]! - row[3]! > 0 ? 1 : 0));
      const z = Array.from({ length: 6 }, (_, j) => `${j % 2 ? 2 : 1}*w${j}*a[${j + 1}]`).join(" + ") + " + c";
      const p = buildObjective(`softplus(${z}) - y*(${z})`, { params: [...Array.from({ length: 6 }, (_, j) => `w${j}`), "c"], data: { a, y } }).problem as SymbolicDataProblem;
      await check(p, [[0.1, -0.2, 0.3, 0, 0.5, -1, 0.2], [1, 1, 1, 1, 1, 1, 1], [-0.5, 0.2, 0, 0.3, 0.1, 0, -0.4]], { rtol: 1e-4, atol: 1e-5 });
    });

    test("matrix factorization with one-hot rows", async () => {
      const p = mf(6, 5, 2, 120);
      const pt = (k: number) => Array.from({ length: p.n }, (_, i) => 0.3 * Math.cos(i + k));
      await check(p, [pt(0), pt(1)], { rtol: 1e-4, atol: 1e-5 });
    });
  },
  { needs: ["batch"] },
);
