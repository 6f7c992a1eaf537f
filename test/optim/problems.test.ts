/**
 * The hand-written test problems (test/support/problems.ts) are right: gradients and Hessians
 * against central differences, minima where they are said to be. Other suites trust them.
 */
import { describe, expect, test } from "vitest";
import { FIXTURE_PROBLEMS, leastSquares, logisticRegression, type TestProblem } from "../support/problems.js";

function central(p: TestProblem, x: number[]): { g: number[]; H: number[][] } {
  const n = p.n;
  const h = 1e-5;
  const g: number[] = [];
  const H: number[][] = [];
  for (let i = 0; i < n; i++) {
    const xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[i] += h;
    xm[i] -= h;
    g.push((p.valueAt(xp) - p.valueAt(xm)) / (2 * h));
    const gp = new Float64Array(n), gm = new Float64Array(n);
    p.valueAndGradInto(xp, gp);
    p.valueAndGradInto(xm, gm);
    H.push(Array.from(gp, (v, j) => (v - gm[j]!) / (2 * h)));
  }
  return { g, H };
}

const all: [string, TestProblem][] = [...Object.entries(FIXTURE_PROBLEMS), ["least-squares", leastSquares(50)], ["logistic", logisticRegression(50)]];

describe("test problems", () => {
  for (const [name, p] of all) {
    test(`${name}: gradient and Hessian match central differences`, () => {
      for (const x of [p.start.map((v) => v + 0.3), p.start.map((v, i) => v * 0.7 - 0.1 * i)]) {
        const { g, H } = central(p, x);
        const ga = new Float64Array(p.n);
        p.valueAndGradInto(Float64Array.from(x), ga);
        const Ha = new Float64Array(p.n * p.n);
        p.hessianInto!(Float64Array.from(x), Ha);
        g.forEach((v, i) => expect(ga[i]).toBeCloseTo(v, 4));
        H.forEach((row, i) => row.forEach((v, j) => expect(Ha[i * p.n + j]! / Math.max(1, Math.abs(v))).toBeCloseTo(v / Math.max(1, Math.abs(v)), 5)));
      }
    });
  }
  test("the minima are where the comments say", () => {
    for (const [, p] of Object.entries(FIXTURE_PROBLEMS)) {
      const g = new Float64Array(p.n);
      p.valueAndGradInto(Float64Array.from(p.xStar!), g);
      for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-12);
    }
  });
  test("per-sample gradients average to the batch gradient", () => {
    const p = logisticRegression(40);
    const rows = Int32Array.from([3, 7, 11, 20]);
    const w = Float64Array.from([0.2, -0.3, 0.5]);
    const G = new Float64Array(rows.length * 3);
    p.data.sampleGradsInto(w, rows, G);
    const g = new Float64Array(3);
    p.data.batchValueAndGradInto(w, g, rows);
    for (let j = 0; j < 3; j++) expect((G[j]! + G[3 + j]! + G[6 + j]! + G[9 + j]!) / 4).toBeCloseTo(g[j]!, 14);
  });
});
