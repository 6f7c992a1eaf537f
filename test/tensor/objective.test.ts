/**
 * Symbolic objectives compiled to tfjs (TensorObjective) against the float64 engine's compiled
 * closures: f, ∇f and ∇²f·v at B points at once, plain and data-backed (mean and sum, all rows
 * and mini-batches), with no tensors left behind.
 */
import { expect, test } from "vitest";
import type { Tensor } from "../../src/backends/index.js";
import { buildObjective, type SymbolicDataProblem, type SymbolicProblem } from "../../src/symbolic/index.js";
import { TensorObjective, fromColumns, toColumns } from "../../src/tensor/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";
import { uniform } from "../support/random.js";

const POINTS = [[-1.2, 1], [0.5, -0.3], [2, 3.5], [1, 1]];


describeEachBackend(
  "TensorObjective",
  (b: TestBackend<any>) => {
    const tf = b.engine!.tf;
    const cols = (pts: number[][]) => pts[0]!.map((_, j) => tf.tensor2d(pts.map((p) => p[j]!), [pts.length, 1]));
    const read = async (ts: Tensor[]) => Promise.all(ts.map(async (t) => Array.from(await b.engine!.read(t))));

    test("value, gradient and Hessian-vector products of a nonlinear objective at 4 points match float64", async () => {
      const before = tf.memory().numTensors;
      const p = buildObjective("(1 - x)^2 + 100*(y - x^2)^2 + sin(x*y) + exp(-y^2)/2").problem as SymbolicProblem;
      const obj = new TensorObjective(b.engine!, p);
      const x = cols(POINTS);
      const v = cols(POINTS.map(([a, c]) => [c! - 0.5, a! + 0.25]));
      const out = tf.tidy(() => {
        const r = obj.valueAndGrad(x);
        return [r.value, ...r.grad, ...obj.hvp(x, v), obj.value(x)];
      });
      const [f, gx, gy, hx, hy, f2] = await read(out);
      POINTS.forEach((pt, i) => {
        const X = Float64Array.from(pt);
        const g = new Float64Array(2);
        const fv = p.valueAndGradInto(X, g);
        const hv = new Float64Array(2);
        p.hvpInto(X, Float64Array.from([pt[1]! - 0.5, pt[0]! + 0.25]), hv);
        const tol = { rtol: 2e-5, atol: 1e-4 };
        expectClose(f![i]!, fv, tol, "f");
        expectClose(f2![i]!, fv, tol, "value()");
        expectClose([gx![i]!, gy![i]!], Array.from(g), tol, "grad");
        expectClose([hx![i]!, hy![i]!], Array.from(hv), tol, "hvp");
      });
      tf.dispose([...x, ...v, ...out]);
      obj.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    for (const reduce of ["mean", "sum"] as const) {
      test(`a data-backed objective (${reduce} over 500 rows) matches float64 on all rows and on a mini-batch`, async () => {
        const before = tf.memory().numTensors;
        const r = uniform(3);
        const N = 500;
        const a = Array.from({ length: N }, () => [r() * 2 - 1, r() * 2 - 1]);
        const y = a.map(([u, w]) => (0.7 * u! - 1.3 * w! + 0.2 > 0 ? 1 : 0));
        // logistic regression: softplus(z) − y·z, z = w₁a₁ + w₂a₂ + c
        const p = buildObjective("softplus(w1*a[1] + w2*a[2] + c) - y*(w1*a[1] + w2*a[2] + c)", { params: ["w1", "w2", "c"], data: { a, y }, reduce }).problem as SymbolicDataProblem;
        const obj = new TensorObjective(b.engine!, p);
        const W = [[0.1, -0.2, 0], [1, -2, 0.5], [-0.5, 0.5, 1]];
        const x = cols(W);
        const rows = Int32Array.from([3, 17, 256, 499, 0, 42]);
        const batch = obj.batch(rows);
        const out = tf.tidy(() => {
          const full = obj.valueAndGrad(x);
          const mb = obj.valueAndGrad(x, batch);
          return [full.value, ...full.grad, mb.value, ...mb.grad];
        });
        const res = await read(out);
        W.forEach((w, i) => {
          const X = Float64Array.from(w);
          const g = new Float64Array(3);
          const fAll = p.valueAndGradInto(X, g);
          const gb = new Float64Array(3);
          const fB = p.data.batchValueAndGradInto(X, gb, rows);
          const tol = { rtol: 1e-4, atol: 1e-4 };
          expectClose([res[0]![i]!, res[1]![i]!, res[2]![i]!, res[3]![i]!], [fAll, ...g], tol, "all rows");
          expectClose([res[4]![i]!, res[5]![i]!, res[6]![i]!, res[7]![i]!], [fB, ...gb], tol, "mini-batch");
        });
        batch.dispose();
        tf.dispose([...x, ...out]);
        obj.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }

    test("columns and matrices convert both ways", async () => {
      const X = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const c = toColumns(b.engine!, X);
      expect(c.map((t) => t.shape)).toEqual([[2, 1], [2, 1], [2, 1]]);
      const back = fromColumns(b.engine!, c);
      expect(Array.from(await b.engine!.read(back))).toEqual([1, 2, 3, 4, 5, 6]);
      tf.dispose([X, ...c, back]);
    });
  },
  { needs: ["batch"] },
);
