/**
 * `columnOps` (a batch as one [B, 1] tensor per parameter) against the float64 `Ops`, row by row,
 * with number scalars and per-run scalars; and the traced `Ops` (fused kernels) through the
 * interpreter, on the same cases.
 */
import { expect, test } from "vitest";
import { float64Ops, type Ops, type Scalar } from "../../src/backends/index.js";
import { columnOps, type Columns } from "../../src/tensor/index.js";
import { Ref, Trace, interpret, traceOps } from "../../src/tensor/fused/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";

const B = 4;
const n = 3;
const A = [[1.5, -0.5, 0.25], [-2, 0, 3], [0.1, 0.2, -0.3], [4, -4, 1]];
const C = [[0.5, 1, 2], [3, 0.25, 1.5], [1, 1, 1], [0.2, 0.4, 0.8]];
const S = [0.3, -1.2, 2, 0.5];
const T = [1.1, 0.6, 2.5, 0.9];

type Case = [string, <X>(o: Ops<X>, x: X, z: X, s: Scalar<X>, t: Scalar<X>) => X | Scalar<X>];
const CASES: Case[] = [
  ["add", (o, x, z) => o.add(x, z)],
  ["div", (o, x, z) => o.div(x, z)],
  ["scale", (o, x, _z, s) => o.scale(x, s)],
  ["axpy", (o, x, z, s) => o.axpy(s, x, z)],
  ["lerp", (o, x, z, s) => o.lerp(x, z, s)],
  ["addcmul", (o, x, z, s) => o.addcmul(x, z, z, s)],
  ["addcdiv", (o, x, z, s) => o.addcdiv(x, x, z, s)],
  ["sqrt∘abs", (o, x) => o.sqrt(o.abs(x))],
  ["sign", (o, x) => o.sign(x)],
  ["maximum", (o, x, z) => o.maximum(x, z)],
  ["clip", (o, x, _z, s, t) => o.clip(x, o.ssub(0, t), t)],
  ["select", (o, x, z, s) => o.select(o.sgt(s, 0), x, z)],
  ["fullLike", (o, x, _z, s) => o.fullLike(x, s)],
  ["sum", (o, x) => o.sum(x)],
  ["mean", (o, x) => o.mean(x)],
  ["dot", (o, x, z) => o.dot(x, z)],
  ["norm", (o, x) => o.norm(x)],
  ["spow∘sdiv", (o, _x, _z, s, t) => o.spow(o.sdiv(t, 2), 1.5)],
  ["smin/smax", (o, _x, _z, s, t) => o.smax(o.smin(s, t), 0.4)],
];

/** float64Ops on run i (a per-run scalar is that run's value). */
function reference(f: Case[1], i: number, perRun: boolean): number[] {
  const r = f<Float64Array>(float64Ops, Float64Array.from(A[i]!), Float64Array.from(C[i]!), perRun ? S[i]! : 0.3, perRun ? T[i]! : 1.1);
  return typeof r === "number" ? [r] : Array.from(r as Float64Array);
}

describeEachBackend(
  "columnOps against float64 Ops",
  (b: TestBackend<any>) => {
    const tf = b.engine!.tf;
    const ops = columnOps(tf, "cols");
    for (const perRun of [false, true]) {
      test(`every primitive with ${perRun ? "per-run" : "number"} scalars`, async () => {
        const before = tf.memory().numTensors;
        const x: Columns = [0, 1, 2].map((j) => tf.tensor2d(A.map((r) => r[j]!), [B, 1]));
        const z: Columns = [0, 1, 2].map((j) => tf.tensor2d(C.map((r) => r[j]!), [B, 1]));
        const s = perRun ? ops.perRun(S) : 0.3;
        const t = perRun ? ops.perRun(T) : 1.1;
        for (const [name, f] of CASES) {
          const out = tf.tidy(() => {
            const r = f<Columns>(ops, x, z, s, t);
            return typeof r === "number" ? [tf.fill([B, 1], r)] : (r as Columns);
          });
          const cols = await Promise.all(out.map((c) => b.engine!.read(c)));
          for (let i = 0; i < B; i++) expectClose(cols.map((c) => c[i]!), reference(f, i, perRun), { rtol: 1e-5, atol: 1e-6 }, `${name} run ${i}`);
          tf.dispose(out);
        }
        tf.dispose([...x, ...z, ...(perRun ? [...(s as Columns), ...(t as Columns)] : [])]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  },
  { needs: ["batch"] },
);

test("traced Ops (fused kernels' graph) evaluate like float64 Ops", () => {
  for (const perRun of [false, true]) {
    for (const [name, f] of CASES) {
      const tr = new Trace();
      const o = traceOps(tr);
      const x = [0, 1, 2].map((j) => new Ref(tr.input(j)));
      const z = [0, 1, 2].map((j) => new Ref(tr.input(3 + j)));
      const s = perRun ? o.perRun(S) : 0.3;
      const t = perRun ? o.perRun(T) : 1.1;
      const r = f(o, x, z, s, t);
      const outs = typeof r === "number" ? [tr.constant(r)] : (r as Ref[]).map((c) => c.id);
      const { order } = tr.reachable(outs);
      const got = interpret(tr.nodes, order, outs, B, (row, i) => (row < 3 ? A[i]![row]! : C[i]![row - 3]!), tr.perRun, tr.uniforms);
      for (let i = 0; i < B; i++) expectClose(outs.map((_, k) => got[k * B + i]!), reference(f, i, perRun), { rtol: 1e-6, atol: 1e-7 }, `${name} run ${i}`);
    }
  }
});
