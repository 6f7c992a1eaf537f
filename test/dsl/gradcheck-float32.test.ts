/**
 * float32 models: precision detected (Float32Array gradients, f on float32's grid), steps and
 * tolerances from float32's rounding or the measured noise floor; noise is never a kink.
 */
import { describe, expect, test } from "vitest";
import { DslError, gradcheck } from "../../dsl/index.js";

const fr = Math.fround;
const X = [[0.3, -1.2], [1.1, 0.4], [0.2, 0.9], [-0.6, 0.1], [0.5, 0.5], [-1.0, 0.3]];
const Y = [0.2, -0.4, 0.7, 0.1, -0.3, 0.5];
type P = { W: number[][]; b: number[]; v: number[]; c: number };
/** A float32 2→3→1 tanh network with an MSE loss: every operation rounded to float32. */
function forward(p: P) {
  return X.map((x) => {
    const h = p.W.map((row, i) => fr(Math.tanh(fr(fr(fr(row[0]! * x[0]!) + fr(row[1]! * x[1]!)) + p.b[i]!))));
    const out = fr(h.reduce((s, hi, i) => fr(s + fr(p.v[i]! * hi)), 0) + p.c);
    return { h, out };
  });
}
function f(p: P): number {
  return fr(forward(p).reduce((s, { out }, k) => fr(s + fr((out - Y[k]!) ** 2)), 0) / X.length);
}
/** Its gradient in float32, flat in tree order (W 3×2, b 3, v 3, c); `bug` scales dW[·,0]. */
function grad(p: P, bug = 1): Float32Array {
  const g = new Float32Array(13);
  forward(p).forEach(({ h, out }, k) => {
    const d = fr((2 * (out - Y[k]!)) / X.length);
    h.forEach((hi, i) => {
      const dz = fr(fr(d * p.v[i]!) * fr(1 - fr(hi * hi)));
      g[i * 2] += fr(dz * X[k]![0]!) * bug;
      g[i * 2 + 1] += fr(dz * X[k]![1]!);
      g[6 + i] += dz;
      g[9 + i] += fr(d * hi);
    });
    g[12] += d;
  });
  return g;
}
const at: P = { W: [[0.1, -0.4], [0.5, 0.3], [-0.2, 0.8]].map((r) => r.map(fr)), b: [0.05, -0.1, 0.2].map(fr), v: [0.7, -0.5, 0.3].map(fr), c: fr(0.1) };

describe("float32 user code", () => {
  test("a correct float32 network passes at the defaults: float32 detected from the Float32Array gradient", () => {
    const r = gradcheck({ f, grad: (p: P) => grad(p) }, { at });
    expect(r.verdict).toBe("pass");
    expect(r.rtol).toBe(1e-3);
    expect(r.kinks).toEqual([]);
  });

  test("detected from f's values alone when the gradient is a plain array", () => {
    const r = gradcheck({ f, grad: (p: P) => Array.from(grad(p)) }, { at });
    expect(r.rtol).toBe(1e-3);
    expect(r.verdict).toBe("pass");
  });

  test("as float64 (precision: 64 forced) the float32 rounding is mistaken for errors", () => {
    const r = gradcheck({ f, grad: (p: P) => grad(p) }, { at, precision: 64 });
    expect(r.verdict).not.toBe("pass");
  });

  test("float32 noise is never reported as a kink, even with torch's tight float64 step", () => {
    const r = gradcheck({ f, grad: (p: P) => grad(p) }, { at, precision: 32, h: 1e-6, rtol: 1e-3 });
    expect(r.kinks).toEqual([]);
  });

  test("a 2% bug in one column of W fails, named by path", () => {
    const r = gradcheck({ f, grad: (p: P) => grad(p, 1.02) }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.failures.map((k) => r.rows[k]!.name)).toEqual(["W[0,0]", "W[1,0]", "W[2,0]"]);
    expect(r.params!.map((l) => l.ok)).toEqual([false, true, true, true]);
  });

  test("precision must be 32 or 64", () => {
    expect(() => gradcheck({ f, grad: (p: P) => grad(p) }, { at, precision: 16 as never })).toThrow(DslError);
  });
});

describe("the Hessian check of float32 user code", () => {
  // f = Σ sin(x_i)·x_{i+1} in float32, its gradient as a Float32Array, its hvp in float32.
  const f3 = (p: number[]) => fr(fr(fr(Math.sin(p[0]!)) * p[1]!) + fr(fr(Math.sin(p[1]!)) * p[2]!));
  const g3 = (p: number[]) => Float32Array.of(fr(Math.cos(p[0]!) * p[1]!), fr(fr(Math.sin(p[0]!)) + fr(Math.cos(p[1]!) * p[2]!)), fr(Math.sin(p[1]!)));
  const hvp3 = (bug: number) => (p: number[], v: number[]) =>
    Float32Array.of(
      fr(-Math.sin(p[0]!) * p[1]! * v[0]! + Math.cos(p[0]!) * v[1]!),
      fr(Math.cos(p[0]!) * v[0]! - bug * Math.sin(p[1]!) * p[2]! * v[1]! + Math.cos(p[1]!) * v[2]!),
      fr(Math.cos(p[1]!) * v[1]!),
    );
  const at3 = [0.7, -1.3, 0.4].map(fr);

  test("uses float32's step and rtol (1e-3): a correct hvp passes, a wrong entry fails", () => {
    const r = gradcheck({ f: f3, grad: g3, hvp: hvp3(1) }, { at: at3 });
    expect(r.rtol).toBe(1e-3);
    expect(r.hessian!.rtol).toBe(1e-3);
    expect(r.hessian!.ok, r.hessian!.message).toBe(true);
    const bad = gradcheck({ f: f3, grad: g3, hvp: hvp3(1.1) }, { at: at3 });
    expect(bad.hessian!.ok).toBe(false);
    expect(bad.hessian!.failures.map((k) => bad.hessian!.rows[k]!.name)).toEqual(["H[x[1],x[1]]"]);
  });

  test("judged with float64's Hessian tolerance the same correct float32 hvp fails (what precision 32 fixes)", () => {
    const r = gradcheck({ f: f3, grad: g3, hvp: hvp3(1) }, { at: at3, precision: 64 });
    expect(r.hessian!.rtol).toBe(1e-6);
    expect(r.hessian!.ok).toBe(false);
  });
});
