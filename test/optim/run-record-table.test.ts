import { describe, expect, test } from "vitest";
import { compare, gd, lbfgs, newton, objective, optimize } from "../../dsl/index.js";

const quad = objective("x^2 + 10*y^2");

describe("tables: steps, digits, learning rates", () => {
  test("the steps column shows where converged runs met their test, not only the budget they ran", () => {
    const c = compare(quad, { newton: newton(), lbfgs: lbfgs(), gd: gd({ lr: 1 / 50.5 }) }, { from: [1, 1], steps: 500 });
    const text = c.tableBundle()["text/plain"] as string;
    for (const name of ["newton", "lbfgs"]) {
      const r = c.get(name)!;
      expect(r.status).toBe("converged");
      expect(r.steps).toBe(500);
      expect(r.convergedAt).toBeLessThanOrEqual(20);
      expect(text).toMatch(new RegExp(`^${name}.*\\b${r.convergedAt} of 500\\b`, "m"));
    }
    // gd: the first step from which |∇f| stays ≤ 1e-6
    const g = c.get("gd")!;
    const k = g.convergedAt!;
    expect(g.gradNorms[k]).toBeLessThanOrEqual(1e-6);
    expect(g.gradNorms[k - 1]).toBeGreaterThan(1e-6);
    expect(text).toMatch(/k of N”: the run met its convergence test at step k/);
    expect(c.tableBundle()["text/html"]).toMatch(/<td>\d+ of 500<\/td>/);
  });

  test("a run stopped by tol reports its own steps; a run that did not converge has no convergedAt", () => {
    const r = optimize(quad, gd({ lr: 0.05 }), { from: [1, 1], steps: 500, tol: 1e-4 });
    expect(r.convergedAt).toBe(r.steps);
    expect(r.stepsText()).toBe(String(r.steps));
    const slow = optimize(quad, gd({ lr: 1e-4 }), { from: [1, 1], steps: 5 });
    expect(slow.status).toBe("max-steps");
    expect(slow.convergedAt).toBeUndefined();
  });

  test("learning rates in the one number format, not 0.019801980198019802", () => {
    const c = compare(quad, { a: gd({ lr: 1 / 50.5 }), b: gd({ lr: 0.01 }) }, { from: [1, 1], steps: 5 });
    const text = c.tableBundle()["text/plain"] as string;
    expect(text).toMatch(/gd\(lr=0\.019802\)/);
    expect(text).not.toMatch(/\d{8,}/);
    expect(optimize(quad, gd({ lr: 1 / 50.5 }), { from: [1, 1], steps: 2 }).tableBundle()["text/plain"]).toMatch(/^Run gd\(lr=0\.019802\)/);
  });

  test("final losses that differ print differently (three converged runs must not all read 2.5593)", () => {
    const f = objective("(x - 1)^2 + 2.5593");
    // the losses differ in the 6th significant digit
    const c = compare(f, { a: gd({ lr: 0.2 }), b: gd({ lr: 0.21 }), c: gd({ lr: 0.19 }) }, { from: [1.01], steps: 2 });
    const losses = c.names.map((n) => c.get(n)!.loss);
    expect(new Set(losses.map((v) => v.toPrecision(5))).size).toBe(1);
    const text = c.tableBundle()["text/plain"] as string;
    const lines = text.split("\n");
    const col = lines[1]!.indexOf("final loss");
    const shown = c.names.map((n) => lines.find((l) => l.startsWith(n))!.slice(col).split(/\s+/)[0]);
    expect(new Set(shown).size).toBe(3);
    shown.forEach((s, i) => expect(Number(s)).toBe(Number(losses[i]!.toPrecision(s!.replace(/[^0-9]/g, "").replace(/^0+/, "").length))));
  });
});
