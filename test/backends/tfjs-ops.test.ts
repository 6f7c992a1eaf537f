/**
 * The tfjs `Ops` against the float64 `Ops` on random data: every primitive on a [B, n] batch,
 * with plain-number scalars and with per-run [B, 1] scalars broadcast over the rows, compared
 * row by row with float64Ops on that row (and that row's scalar).
 */
import { expect, test } from "vitest";
import { float64Ops, type Ops, type Scalar } from "../../src/backends/index.js";
import { describeEachBackend, expectClose, type TestBackend } from "../support/describe-each-backend.js";
import { uniform as rng } from "../support/random.js";

const B = 5;
const n = 7;

const r = rng(42);
const mat = (lo: number, hi: number) => Array.from({ length: B }, () => Array.from({ length: n }, () => Math.fround(lo + (hi - lo) * r())));
const A = mat(-2, 2);
const Bm = mat(-2, 2);
const C = mat(0.5, 3); // positive: divisors and sqrt arguments
const S = Array.from({ length: B }, () => Math.fround(-1 + 2 * r()));
const T = Array.from({ length: B }, () => Math.fround(0.5 + r()));

type F = Float64Array;
/** An elementwise case: how to call it with arrays x, y, z and scalars s, t (number or per run). */
type Case = [string, <X>(o: Ops<X>, x: X, y: X, z: X, s: Scalar<X>, t: Scalar<X>) => X];
const elementwise: Case[] = [
  ["zerosLike", (o, x) => o.zerosLike(x)],
  ["fullLike", (o, x, _y, _z, s) => o.fullLike(x, s)],
  ["copy", (o, x) => o.copy(x)],
  ["add", (o, x, y) => o.add(x, y)],
  ["sub", (o, x, y) => o.sub(x, y)],
  ["mul", (o, x, y) => o.mul(x, y)],
  ["div", (o, x, _y, z) => o.div(x, z)],
  ["scale", (o, x, _y, _z, s) => o.scale(x, s)],
  ["addScalar", (o, x, _y, _z, s) => o.addScalar(x, s)],
  ["axpy", (o, x, y, _z, s) => o.axpy(s, x, y)],
  ["lerp", (o, x, y, _z, s) => o.lerp(x, y, s)],
  ["addcmul", (o, x, y, z, s) => o.addcmul(x, y, z, s)],
  ["addcdiv", (o, x, y, z, s) => o.addcdiv(x, y, z, s)],
  ["sqrt", (o, _x, _y, z) => o.sqrt(z)],
  ["square", (o, x) => o.square(x)],
  ["abs", (o, x) => o.abs(x)],
  ["sign", (o, x) => o.sign(x)],
  ["maximum", (o, x, y) => o.maximum(x, y)],
  ["clip", (o, x, _y, _z, s, t) => o.clip(x, s, t)],
  ["select", (o, x, y, _z, s, t) => o.select(o.sgt(s, o.ssub(t, 1)), x, y)],
];
type Reduction = [string, <X>(o: Ops<X>, x: X, y: X) => Scalar<X>];
const reductions: Reduction[] = [
  ["sum", (o, x) => o.sum(x)],
  ["mean", (o, x) => o.mean(x)],
  ["dot", (o, x, y) => o.dot(x, y)],
  ["norm", (o, x) => o.norm(x)],
];
type ScalarCase = [string, <X>(o: Ops<X>, s: Scalar<X>, t: Scalar<X>) => Scalar<X>];
const scalarOps: ScalarCase[] = [
  ["sadd", (o, s, t) => o.sadd(s, t)],
  ["ssub", (o, s, t) => o.ssub(s, t)],
  ["smul", (o, s, t) => o.smul(s, t)],
  ["sdiv", (o, s, t) => o.sdiv(s, t)],
  ["spow", (o, _s, t) => o.spow(t, 2.5)],
  ["ssqrt", (o, _s, t) => o.ssqrt(t)],
  ["smin", (o, s, t) => o.smin(s, t)],
  ["smax", (o, s, t) => o.smax(s, t)],
  ["sgt", (o, s, t) => o.sgt(s, o.ssub(t, 1))],
];

/** float64Ops applied to row i with row i's scalars. */
function reference(f: Case[1], i: number, perRun: boolean): number[] {
  const s = perRun ? S[i]! : 0.375;
  const t = perRun ? T[i]! : 1.25;
  const row = (m: number[][]) => Float64Array.from(m[i]!);
  return Array.from(f<F>(float64Ops, row(A), row(Bm), row(C), s, t));
}

describeEachBackend(
  "tfjs Ops against float64 Ops",
  (b: TestBackend<any>) => {
    const tol = { rtol: 1e-5, atol: 1e-6 };
    for (const perRun of [false, true]) {
      const kind = perRun ? "per-run [B,1] scalars" : "number scalars";
      test(`elementwise ops with ${kind} match float64 row by row`, async () => {
        const before = b.live();
        const x = b.array(A);
        const y = b.array(Bm);
        const z = b.array(C);
        const s = perRun ? b.ops.perRun(S) : 0.375;
        const t = perRun ? b.ops.perRun(T) : 1.25;
        for (const [name, f] of elementwise) {
          const out = b.tidy(() => f(b.ops, x, y, z, s, t));
          const rows = await b.rows(out);
          expect(rows.length, name).toBe(B);
          for (let i = 0; i < B; i++) expectClose(rows[i]!, reference(f, i, perRun), tol, `${name} row ${i}`);
          b.dispose(out);
        }
        b.dispose(x, y, z, s, t);
        expect(b.live()).toBe(before);
      });
    }

    test("reductions are per run, over the last axis, as [B, 1]", async () => {
      const x = b.array(A);
      const y = b.array(Bm);
      for (const [name, f] of reductions) {
        const out = b.tidy(() => f(b.ops, x, y) as never);
        expect((out as { shape: number[] }).shape, name).toEqual([B, 1]);
        const got = await b.scalars(out);
        const want = A.map((_, i) => f<F>(float64Ops, Float64Array.from(A[i]!), Float64Array.from(Bm[i]!)) as number);
        expectClose(got, want, tol, name);
        b.dispose(out);
      }
      b.dispose(x, y);
    });

    test("scalar arithmetic stays in JS numbers on numbers and goes per run on [B, 1]", async () => {
      for (const [name, f] of scalarOps) {
        const num = f(b.ops, 0.375, 1.25);
        expect(typeof num, name).toBe("number");
        expect(num, name).toBe(f<F>(float64Ops, 0.375, 1.25));
        const s = b.ops.perRun(S);
        const t = b.ops.perRun(T);
        const out = b.tidy(() => f(b.ops, s, t) as never);
        const want = S.map((_, i) => f<F>(float64Ops, S[i]!, T[i]!) as number);
        expectClose(await b.scalars(out), want, tol, name);
        // a number mixed with a per-run scalar broadcasts the number
        const mixed = b.tidy(() => f(b.ops, 0.375, t) as never);
        expectClose(await b.scalars(mixed), T.map((ti) => f<F>(float64Ops, 0.375, ti) as number), tol, `${name} mixed`);
        b.dispose(s, t, out, mixed);
      }
    });

    test("select picks whole runs and ignores NaN and Inf in the branch not taken", async () => {
      const good = b.array([[1, 2], [3, 4], [5, 6]]);
      const bad = b.array([[NaN, Infinity], [-Infinity, NaN], [7, 8]]);
      const mask = b.ops.perRun([1, 1, 0]);
      const out = b.tidy(() => b.ops.select(mask, good, bad));
      expect(await b.rows(out)).toEqual([[1, 2], [3, 4], [7, 8]]);
      b.dispose(good, bad, mask, out);
    });

    test("sign keeps 0 as 0 (torch.sign)", async () => {
      const x = b.array([[-3, 0, 2.5]]);
      const out = b.tidy(() => b.ops.sign(x));
      expect(await b.rows(out)).toEqual([[-1, 0, 1]]);
      b.dispose(x, out);
    });

    test("an Adam-like step inside tidy leaks no tensors", async () => {
      const x = b.array(A);
      const g = b.array(Bm);
      const before = b.live();
      const lr = b.ops.perRun(T);
      const out = b.tidy(() => {
        const m = b.ops.lerp(b.ops.zerosLike(g), g, 0.1);
        const v = b.ops.addcmul(b.ops.scale(b.ops.zerosLike(g), 0.999), g, g, 0.001);
        const bc = b.ops.ssub(1, b.ops.spow(0.9, 1));
        return b.ops.addcdiv(x, m, b.ops.addScalar(b.ops.sqrt(v), 1e-8), b.ops.smul(b.ops.sdiv(lr, bc), -1));
      });
      expect(b.live()).toBe(before + 2); // lr and the result
      b.dispose(lr, out, x, g);
    });
  },
  { needs: ["batch"] },
);

test("the float64 oracle agrees with itself on one hand-worked case", () => {
  // lerp(0, 4, 0.25) = 1; addcdiv(1, 2, 4, 3) = 1 + 3·2/4 = 2.5
  expect(Array.from(float64Ops.lerp(new Float64Array([0]), new Float64Array([4]), 0.25))).toEqual([1]);
  expect(Array.from(float64Ops.addcdiv(new Float64Array([1]), new Float64Array([2]), new Float64Array([4]), 3))).toEqual([2.5]);
});
