/**
 * gradcheck on vector functions and second derivatives: `{ f, jacobian }`, `{ f, vjp }`,
 * `{ f, jvp }`, `{ f, grad, hvp }`, `order: 2`, with correct and buggy derivatives.
 */
import { describe, expect, test } from "vitest";
import { DslError, gradcheck, nn } from "../../dsl/index.js";
import type { JacobianRow } from "../../dsl/gradcheck.js";

type Layer = { W: number[][]; b: number[] };
const X = [0.3, -1.2, 0.7];
/** A tanh layer y = tanh(W x + b), W 2×3: its output is a vector of 2. */
const forward = (p: Layer) => p.W.map((row, i) => Math.tanh(row.reduce((s, w, j) => s + w * X[j]!, 0) + p.b[i]!));
const at: Layer = { W: [[0.1, -0.4, 0.2], [0.5, 0.3, -0.2]], b: [0.05, -0.1] };
/** Backward of the layer: vᵀJ as a tree like p. */
function vjp(p: Layer, v: number[], bug?: "transpose-x" | "no-dtanh"): Layer {
  const y = forward(p);
  const delta = y.map((yi, i) => v[i]! * (bug === "no-dtanh" ? 1 : 1 - yi * yi));
  const xs = bug === "transpose-x" ? [X[2]!, X[1]!, X[0]!] : X;
  return { W: delta.map((d) => xs.map((xj) => d * xj)), b: delta };
}
function jvp(p: Layer, t: Layer): number[] {
  const y = forward(p);
  return y.map((yi, i) => (1 - yi * yi) * (t.W[i]!.reduce((s, w, j) => s + w * X[j]!, 0) + t.b[i]!));
}
function jacobian(p: Layer): number[][] {
  const y = forward(p);
  // Flat inputs: W[0,0..2], W[1,0..2], b[0], b[1].
  return y.map((yi, i) => {
    const d = 1 - yi * yi;
    const row = new Array<number>(8).fill(0);
    for (let j = 0; j < 3; j++) row[i * 3 + j] = d * X[j]!;
    row[6 + i] = d;
    return row;
  });
}

describe("Jacobian checks of a layer", () => {
  test("a correct { f, jacobian } passes; rows are named (output, input path); 2n evaluations", () => {
    const r = gradcheck({ f: forward, jacobian }, { at });
    expect(r.verdict).toBe("pass");
    expect(r.rows.length).toBe(16);
    expect(r.rows.map((x) => x.name).slice(0, 2)).toEqual(["(y[0], W[0,0])", "(y[0], W[0,1])"]);
    expect(r.evaluations).toBe(1 + 2 * 8);
    expect(r.jacobian).toMatchObject({ kind: "jacobian", coverage: "full", products: 1, outputs: ["y[0]", "y[1]"] });
    expect(r.params!.map((l) => [l.path, l.ok])).toEqual([["W", true], ["b", true]]);
  });

  test("a wrong Jacobian entry fails, naming (output, input)", () => {
    const bad = (p: Layer) => {
      const J = jacobian(p);
      J[1]![7] *= 2;
      return J;
    };
    const r = gradcheck({ f: forward, jacobian: bad }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.failures.map((k) => r.rows[k]!.name)).toEqual(["(y[1], b[1])"]);
    expect(r.params!.map((l) => [l.path, l.ok, l.failing])).toEqual([["W", true, 0], ["b", false, 1]]);
    expect(r.message).toContain("(y[1], b[1])");
    expect(r.message).toContain("factor 2");
    // The V curve of the failing output along the failing input; the display shows it.
    const v = r.vcurve();
    expect(v.series.map((x) => x.name)).toContain("b[1]");
    expect(r.toString()).toMatch(/^gradcheck \(jacobian\) FAIL: relative error .* at \(y\[1\], b\[1\]\)/);
    expect(r.toString().split("\n")[1]).toMatch(/^  central, .*, 16 Jacobian entries/);
  });

  test("a correct vjp (the layer's backward) passes with m unit products; buggy backwards fail on the right leaf", () => {
    const ok = gradcheck({ f: forward, vjp: (p: Layer, v: number[]) => vjp(p, v) }, { at });
    expect(ok.verdict).toBe("pass");
    expect(ok.jacobian).toMatchObject({ kind: "vjp", coverage: "full", products: 2 });
    const t = gradcheck({ f: forward, vjp: (p: Layer, v: number[]) => vjp(p, v, "transpose-x") }, { at });
    expect(t.verdict).toBe("fail");
    expect(t.params!.find((l) => l.path === "W")!.ok).toBe(false);
    expect(t.params!.find((l) => l.path === "b")!.ok).toBe(true);
    const d = gradcheck({ f: forward, vjp: (p: Layer, v: number[]) => vjp(p, v, "no-dtanh") }, { at });
    expect(d.verdict).toBe("fail");
  });

  test("a correct jvp passes; a jvp missing the bias term fails", () => {
    expect(gradcheck({ f: forward, jvp }, { at }).verdict).toBe("pass");
    const bad = (p: Layer, t: Layer) => jvp(p, { W: t.W, b: [0, 0] });
    const r = gradcheck({ f: forward, jvp: bad }, { at });
    expect(r.verdict).toBe("fail");
    expect(r.failures.map((k) => r.rows[k]!.name)).toEqual(["(y[0], b[0])", "(y[1], b[1])"]);
  });

  test("past 64 products, vjp and jvp use random directions (fast: k sets how many)", () => {
    const n = 100;
    const f = (p: number[]) => p.map((v, i) => Math.sin(v) * (i + 1));
    const dv = (p: number[], v: number[]) => p.map((x, i) => Math.cos(x) * (i + 1) * v[i]!);
    const pt = Array.from({ length: n }, (_, i) => Math.cos(i));
    const r = gradcheck({ f, vjp: dv }, { at: pt });
    expect(r.verdict).toBe("pass");
    expect(r.jacobian).toMatchObject({ kind: "vjp", coverage: "directions", products: 4 });
    expect(r.rows[0]!.name).toBe("(v0, x[0])");
    const j = gradcheck({ f, jvp: dv }, { at: pt, fast: 3 });
    expect(j.jacobian).toMatchObject({ kind: "jvp", coverage: "directions", products: 3 });
    expect(j.evaluations).toBe(1 + 2 * 3);
    expect(j.verdict).toBe("pass");
    const wrong = gradcheck({ f, jvp: (p: number[], t: number[]) => dv(p, t).map((v, i) => (i === 37 ? -v : v)) }, { at: pt });
    expect(wrong.verdict).toBe("fail");
    expect(wrong.failures.map((k) => (wrong.rows[k] as JacobianRow).output)).toContain("y[37]");
  });

  test("a tree output is named by its paths; a kink at ReLU(0) with a one-sided derivative is a kink, not a failure", () => {
    const f = (p: number[]) => ({ h: [Math.max(0, p[0]!), p[0]! * p[1]!] });
    const jac = (p: number[]) => [[p[0]! > 0 ? 1 : 0, 0], [p[1]!, p[0]!]];
    const r = gradcheck({ f, jacobian: jac }, { at: [-8e-17, 2] });
    expect(r.verdict).toBe("kink");
    expect(r.kinks.map((k) => r.rows[k]!.name)).toEqual(["(h[0], x[0])"]);
    // 1.5 is neither side (0 or 1) nor between them.
    const wrong = gradcheck({ f, jacobian: (p: number[]) => [[1.5, 0], [p[1]!, p[0]!]] }, { at: [-8e-17, 2] });
    expect(wrong.verdict).toBe("fail");
  });

  test("bad outputs are errors naming what was expected", () => {
    const e = (fn: () => unknown) => {
      try {
        fn();
      } catch (x) {
        expect(x).toBeInstanceOf(DslError);
        return x as DslError;
      }
      throw new Error("expected a DslError");
    };
    expect(e(() => gradcheck({ f: forward, jacobian: () => [[1, 2]] }, { at })).message).toContain("must return 2 rows");
    expect(e(() => gradcheck({ f: forward, vjp: () => ({ W: [[1]], b: [0, 0] }) }, { at })).path).toBe("vjp");
    expect(e(() => gradcheck({ f: forward, jvp }, { at, method: "richardson" })).code).toBe("unsupported");
    const thrower = (p: Layer) => {
      if (p.b[1]! > -0.1) throw new RangeError("bias out of range");
      return forward(p);
    };
    const err = e(() => gradcheck({ f: thrower, jvp }, { at }));
    expect(err.code).toBe("user-code");
    expect(err.message).toMatch(/^gradcheck: f\(p\) threw with b\[1\] moved by 6\.06e-6 from the point \(a finite-difference step\): bias out of range$/);
  });
});

describe("second derivatives: { f, grad, hvp } and order: 2", () => {
  const f = (p: number[]) => p[0]! ** 2 * p[1]! + Math.exp(p[1]!);
  const grad = (p: number[]) => [2 * p[0]! * p[1]!, p[0]! ** 2 + Math.exp(p[1]!)];
  const hvp = (p: number[], v: number[]) => [2 * p[1]! * v[0]! + 2 * p[0]! * v[1]!, 2 * p[0]! * v[0]! + Math.exp(p[1]!) * v[1]!];

  test("an hvp on user code is checked, not ignored", () => {
    const r = gradcheck({ f, grad, hvp }, { at: [0.5, 0.3] });
    expect(r.verdict).toBe("pass");
    expect(r.hessian?.ok).toBe(true);
    const bad = gradcheck({ f, grad, hvp: (p: number[], v: number[]) => hvp(p, v).map((x, i) => (i === 1 ? x + v[1]! : x)) }, { at: [0.5, 0.3] });
    expect(bad.verdict).toBe("fail");
    expect(bad.hessian!.failures.map((k) => bad.hessian!.rows[k]!.name)).toEqual(["H[x[1],x[1]]"]);
  });

  test("order: 2 checks an nn.loss's exact Hessian; order: 2 without a second derivative is an error", () => {
    const model = nn.mlp([2, 3, 1], { seed: 0 });
    const x = [[0.1, 0.5], [-0.3, 0.2], [0.7, -0.4]];
    const L = nn.loss(model, { x, y: [[0.2], [-0.1], [0.4]] }, "mse");
    const r = gradcheck(L, { at: model.params, order: 2 });
    expect(r.verdict).toBe("pass");
    expect(r.hessian!.rows.length).toBe((13 * 14) / 2);
    let err: unknown;
    try {
      gradcheck({ f, grad }, { at: [1, 2], order: 2 });
    } catch (e) {
      err = e;
    }
    expect((err as DslError).code).toBe("unsupported");
    expect((err as DslError).path).toBe("order");
  });
});

describe("order: 2 for a vector f: the derivative of its vjp (vhp), as torch's gradgradcheck", () => {
  /** d/du of vjp(p, v): −2 v_i y_i (1 − y_i²) (u_W x + u_b)_i, through W and b (bug: the 2 forgotten). */
  function vhp(p: Layer, v: number[], u: Layer, bug?: "half"): Layer {
    const y = forward(p);
    const dd = y.map((yi, i) => (bug === "half" ? -1 : -2) * v[i]! * yi * (1 - yi * yi) * (u.W[i]!.reduce((s, w, j) => s + w * X[j]!, 0) + u.b[i]!));
    return { W: dd.map((d) => X.map((xj) => d * xj)), b: dd };
  }

  test("a correct vhp passes with vjp, jacobian and jvp; every entry of ∇²(wᵀf) is compared for n ≤ 64", () => {
    for (const d of [{ vjp }, { jacobian }, { jvp }]) {
      const r = gradcheck({ f: forward, ...d, vhp }, { at, order: 2 });
      expect(r.verdict, r.message).toBe("pass");
      expect(r.order2!.ok).toBe(true);
      expect(r.order2!.coverage).toBe("full");
      expect(r.order2!.rows.length).toBe(64);
      expect(r.order2!.rows[9]!.name).toBe("(∂/∂W[0,1], W[0,1])");
      expect(r.order2!.weights.every((w) => w === 1 || w === -1)).toBe(true);
    }
  });

  test("a vhp missing its factor 2 fails at order 2 while the first derivative passes", () => {
    const r = gradcheck({ f: forward, vjp, vhp: (p: Layer, v: number[], u: Layer) => vhp(p, v, u, "half") }, { at, order: 2 });
    expect(r.jacobian!.kind).toBe("vjp");
    expect(r.rows.every((row) => row.ok)).toBe(true);
    expect(r.verdict).toBe("fail");
    expect(r.ok).toBe(false);
    expect(r.order2!.failures.length).toBeGreaterThan(0);
    expect(r.message).toMatch(/order 2: gradcheck \(vhp\)/);
    expect(r.message).toMatch(/half the numeric|1\/2 of the numeric/);
  });

  test("order: 2 without vhp says what is needed; without order: 2 a vhp is not called", () => {
    let err: unknown;
    try {
      gradcheck({ f: forward, vjp }, { at, order: 2 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DslError);
    expect((err as DslError).code).toBe("unsupported");
    expect((err as DslError).path).toBe("order");
    expect((err as DslError).message).toMatch(/add vhp: \(p, v, u\) => tree/);
    let calls = 0;
    const r = gradcheck({ f: forward, vjp, vhp: (p: Layer, v: number[], u: Layer) => (calls++, vhp(p, v, u)) }, { at });
    expect(r.order2).toBeUndefined();
    expect(calls).toBe(0);
  });
});
