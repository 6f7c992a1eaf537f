/**
 * Data-backed objectives (data.ts, data-loop.ts): the compiled loops against plain loops written
 * here by hand, on a small least-squares and a logistic-regression problem.
 */
import { describe, expect, test } from "vitest";
import { buildObjective, SymbolicDataProblem } from "../../src/symbolic/index.js";

const xs = [0.5, -1.2, 2.0, 0.3, -0.7, 1.5];
const ys = [1.9, -1.1, 5.2, 1.4, 0.1, 3.8];

function lsq(reduce: "mean" | "sum" = "mean") {
  const { problem } = buildObjective("(w x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: ys }, reduce });
  return problem as SymbolicDataProblem;
}

/** By hand: mean/sum of (w x + b − y)² and its gradient over `rows`. */
function byHand(w: number, b: number, rows: number[], reduce: "mean" | "sum") {
  let f = 0, gw = 0, gb = 0;
  for (const i of rows) {
    const r = w * xs[i]! + b - ys[i]!;
    f += r * r;
    gw += 2 * r * xs[i]!;
    gb += 2 * r;
  }
  const s = reduce === "mean" ? 1 / rows.length : 1;
  return { f: f * s, g: [gw * s, gb * s] };
}

describe("data-backed objectives", () => {
  test("value and gradient over all rows and over a mini-batch, mean and sum", () => {
    for (const reduce of ["mean", "sum"] as const) {
      const p = lsq(reduce);
      expect(p.samples).toBe(6);
      expect(p.reduce).toBe(reduce);
      const x = Float64Array.of(1.7, 0.4);
      const g = new Float64Array(2);
      const all = byHand(1.7, 0.4, [0, 1, 2, 3, 4, 5], reduce);
      expect(p.valueAt(x)).toBeCloseTo(all.f, 13);
      expect(p.valueAndGradInto(x, g)).toBeCloseTo(all.f, 13);
      expect(g[0]).toBeCloseTo(all.g[0]!, 13);
      expect(g[1]).toBeCloseTo(all.g[1]!, 13);
      const rows = Int32Array.of(4, 1, 1);
      const some = byHand(1.7, 0.4, [4, 1, 1], reduce);
      expect(p.batchValueAt(x, rows)).toBeCloseTo(some.f, 13);
      expect(p.batchValueAndGradInto(x, g, rows)).toBeCloseTo(some.f, 13);
      expect(g[0]).toBeCloseTo(some.g[0]!, 13);
      expect(g[1]).toBeCloseTo(some.g[1]!, 13);
    }
  });

  test("per-sample gradients, row by row", () => {
    const p = lsq();
    const G = new Float64Array(4);
    p.sampleGradsInto(Float64Array.of(1.7, 0.4), Int32Array.of(2, 0), G);
    const r2 = 1.7 * 2 + 0.4 - 5.2;
    const r0 = 1.7 * 0.5 + 0.4 - 1.9;
    expect(Array.from(G)).toEqual([2 * r2 * 2, 2 * r2, 2 * r0 * 0.5, 2 * r0].map((v) => expect.closeTo(v, 13)));
  });

  test("Hessian, Hessian-vector product and complex step of a logistic regression", () => {
    const labels = [1, 0, 1, 1, 0, 0];
    const { problem } = buildObjective("softplus(-(2 t - 1) (w x + b)) + lambda w^2", {
      params: ["w", "b"],
      data: { x: xs, t: labels },
      constants: { lambda: 0.01 },
    });
    const p = problem as SymbolicDataProblem;
    const x = Float64Array.of(0.8, -0.3);
    const g = new Float64Array(2);
    p.valueAndGradInto(x, g);
    // Hessian by central differences of the compiled gradient.
    const H = new Float64Array(4);
    p.hessianInto(x, H);
    for (let j = 0; j < 2; j++) {
      const h = 1e-5;
      const [gp, gm] = [new Float64Array(2), new Float64Array(2)];
      const xp = Float64Array.from(x); xp[j]! += h;
      const xm = Float64Array.from(x); xm[j]! -= h;
      p.valueAndGradInto(xp, gp);
      p.valueAndGradInto(xm, gm);
      for (let i = 0; i < 2; i++) expect(H[i * 2 + j]).toBeCloseTo((gp[i]! - gm[i]!) / (2 * h), 8);
    }
    const hv = new Float64Array(2);
    p.hvpInto(x, Float64Array.of(1, -2), hv);
    expect(hv[0]).toBeCloseTo(H[0]! - 2 * H[1]!, 13);
    expect(hv[1]).toBeCloseTo(H[2]! - 2 * H[3]!, 13);
    for (let k = 0; k < 2; k++) {
      const im = new Float64Array(2);
      im[k] = 1e-20;
      expect(p.valueComplex(x, im)[1] / 1e-20).toBeCloseTo(g[k]!, 13);
    }
  });

  test("matrix columns give X[1..d] in strings and X[0..d-1] in TS functions", () => {
    const X = [[1, 2, 0.5], [0, -1, 2], [3, 1, 1]];
    const y = [1, 2, 3];
    const s = buildObjective("(sum(w[j] X[j], j, 1, 3) - y)^2", { params: ["w[1..3]"], data: { X, y }, reduce: "sum" }).problem;
    const t = buildObjective("(w, X, y) => (w[0] * X[0] + w[1] * X[1] + w[2] * X[2] - y) ** 2", { params: ["w[0..2]"], data: { X, y }, reduce: "sum" }).problem;
    const w = Float64Array.of(0.2, -0.4, 1.1);
    let ref = 0;
    for (let i = 0; i < 3; i++) ref += (w[0]! * X[i]![0]! + w[1]! * X[i]![1]! + w[2]! * X[i]![2]! - y[i]!) ** 2;
    expect(s.valueAt(w)).toBeCloseTo(ref, 13);
    expect(t.valueAt(w)).toBeCloseTo(ref, 13);
  });

  test("a TS summand with data parameters; params default to the non-data parameters", () => {
    const built = buildObjective("(w, b, x, y) => (w * x + b - y) ** 2", { data: { x: xs, y: ys } });
    expect(built.vars.map((v) => v.name)).toEqual(["w", "b"]);
    expect(built.problem.valueAt(Float64Array.of(1.7, 0.4))).toBeCloseTo(byHand(1.7, 0.4, [0, 1, 2, 3, 4, 5], "mean").f, 13);
  });
});
