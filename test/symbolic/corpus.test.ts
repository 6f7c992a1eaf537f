/**
 * The SymPy corpus (test/fixtures/gen/sympy_corpus.py): f, ∇f and ∇²f of our compiled closures
 * against SymPy's exact derivatives evaluated at 40 digits, to 1e-10 relative.
 *
 * "Relative" is normwise for vectors and matrices: an entry's error is compared with 1e-10 times
 * the largest magnitude in that gradient (or Hessian), so an entry that is 0 up to cancellation
 * does not demand an impossible relative accuracy; f is compared with 1e-10·|f|.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { buildObjective } from "../../src/symbolic/index.js";

interface Point { x: number[]; f: number; grad: number[]; hess: number[][] }
interface Case { expr: string; vars: string[]; points: Point[] }
const corpus = JSON.parse(readFileSync(new URL("../fixtures/sympy-corpus.json", import.meta.url), "utf8")) as { source: string; cases: Case[] };

const RTOL = 1e-10;

function worst(ours: ArrayLike<number>, ref: readonly number[]): number {
  const scale = Math.max(...ref.map(Math.abs), Number.MIN_VALUE);
  let w = 0;
  for (let i = 0; i < ref.length; i++) w = Math.max(w, Math.abs(ours[i]! - ref[i]!) / scale);
  return w;
}

describe("SymPy corpus", () => {
  test("has at least 50 expressions over 1-4 variables, from the generator", () => {
    expect(corpus.source).toMatch(/sympy_corpus\.py \(SymPy 1\.11/);
    expect(corpus.cases.length).toBeGreaterThanOrEqual(50);
    for (const c of corpus.cases) expect(c.vars.length).toBeGreaterThanOrEqual(1), expect(c.vars.length).toBeLessThanOrEqual(4);
  });

  test.each(corpus.cases.map((c) => [c.expr, c] as const))("%s: f, gradient and Hessian match SymPy to 1e-10", (_name, c) => {
    const { problem } = buildObjective(c.expr, { vars: c.vars });
    const n = c.vars.length;
    for (const p of c.points) {
      const x = Float64Array.from(p.x);
      const g = new Float64Array(n);
      const H = new Float64Array(n * n);
      const f0 = problem.valueAt(x);
      const f1 = problem.valueAndGradInto(x, g);
      problem.hessianInto(x, H);
      const where = `${c.expr} at [${p.x.join(", ")}]`;
      expect(Math.abs(f0 - p.f), `f of ${where}`).toBeLessThanOrEqual(RTOL * Math.abs(p.f));
      expect(Math.abs(f1 - p.f), `f (with ∇f) of ${where}`).toBeLessThanOrEqual(RTOL * Math.abs(p.f));
      expect(worst(g, p.grad), `∇f of ${where}: ${Array.from(g)} vs ${p.grad}`).toBeLessThanOrEqual(RTOL);
      expect(worst(H, p.hess.flat()), `∇²f of ${where}: ${Array.from(H)} vs ${p.hess.flat()}`).toBeLessThanOrEqual(RTOL);
    }
  });
});
