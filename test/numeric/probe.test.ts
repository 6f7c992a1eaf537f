import { describe, expect, test } from "vitest";
import type { CheckSettings } from "../../src/numeric/check-gradient.js";
import { LineEstimate } from "../../src/numeric/line-derivative.js";
import { coordinateProbes, directionProbes, firstLook } from "../../src/numeric/probe.js";
import { Romberg } from "../../src/numeric/romberg.js";
import { STEP } from "../../src/numeric/step-size.js";
import type { Problem } from "../../src/problem/index.js";
import { mixed, problemOf } from "./corpus.js";

const settings = (o: Partial<CheckSettings> = {}): CheckSettings => ({ method: "central", rtol: 1e-6, atol: "auto", h: STEP.central, directions: 0, seed: 1, refine: true, names: ["x", "y", "z"], ...o });
const x = Float64Array.of(0.3, -1.1, 2.5);
const g = Float64Array.from(mixed.grad(Array.from(x)));

describe("probes", () => {
  test("one coordinate probe per variable, step scale max(|x_i|, 1)", () => {
    const probes = coordinateProbes(problemOf(mixed), Float64Array.from(x), g, settings());
    expect(probes.map((q) => [q.name, q.scale, q.analytic])).toEqual([
      ["x", 1, g[0]],
      ["y", 1.1, g[1]],
      ["z", 2.5, g[2]],
    ]);
  });

  test("direction probes: analytic gᵀd with d = ±max(|x_i|, 1), and the scale ‖g∘d‖₂", () => {
    const [q] = directionProbes(problemOf(mixed), x, g, settings({ directions: 1, seed: 3 }));
    const line = q!.line as unknown as { d: Float64Array };
    const d = Array.from(line.d);
    d.forEach((di, i) => expect(Math.abs(di)).toBe(Math.max(1, Math.abs(x[i]!))));
    expect(q!.analytic).toBeCloseTo(d.reduce((s, di, i) => s + di * g[i]!, 0), 12);
    expect(q!.gscale).toBeCloseTo(Math.hypot(...d.map((di, i) => di * g[i]!)), 12);
    expect(q!.name).toBe("dir[0]");
  });

  test("firstLook shrinks a central step 16× at a time until f is finite, and says so", () => {
    const log: Problem = { n: 1, names: ["x"], valueAt: (v) => Math.log(v[0]!), valueAndGradInto: () => 0 };
    const [q] = coordinateProbes(log, Float64Array.of(1e-7), Float64Array.of(1e7), settings({ names: ["x"] }));
    const est = new LineEstimate();
    const first = firstLook(q!.line, Math.log(1e-7), q!, settings(), est, [new LineEstimate(), new LineEstimate(), new LineEstimate()], new Romberg());
    expect(first.reduced).toBe(true);
    expect(first.t).toBeCloseTo(STEP.central / 16 ** 2, 20); // 6e-6 → 3.8e-7 → 2.4e-8 < 1e-7
    expect(first.evals).toBe(6);
    expect(Math.abs(est.value - 1e7) / 1e7).toBeLessThan(0.1);
  });

  test("firstLook for complex step also screens for kinks with real central differences", () => {
    const p = problemOf(mixed);
    const [q] = coordinateProbes(p, Float64Array.from(x), g, settings());
    const est = new LineEstimate();
    const first = firstLook(q!.line, p.valueAt(x), q!, settings({ method: "complex", h: 1e-20 }), est, [new LineEstimate(), new LineEstimate(), new LineEstimate()], new Romberg());
    expect(first.screen).not.toBeNull();
    expect(first.evals).toBe(3);
    expect(est.value).toBeCloseTo(g[0]!, 14);
  });
});
