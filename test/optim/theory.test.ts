import { describe, expect, test } from "vitest";
import { formatSync } from "../../src/display/index.js";
import { DslError } from "../../src/errors/index.js";
import type { Problem } from "../../src/problem/index.js";
import { sgd } from "../../src/optim/aliases.js";
import { runSync } from "../../src/optim/run.js";
import { measuredRate, theory } from "../../src/optim/theory.js";
import { expectDslError } from "../support/dsl-error.js";

/** f(x) = ½ (x − c)ᵀ A (x − c) + fStar with A = Q diag(λ) Qᵀ, Q a Householder reflection: a quadratic with known L, μ, x*, f*. */
function quadratic(lambdas: number[], c: number[], fStar: number): Problem & { A: number[][] } {
  const n = lambdas.length;
  const u = Array.from({ length: n }, (_, i) => Math.sin(i + 1) + 0.5);
  const uu = u.reduce((s, v) => s + v * v, 0);
  const Q = u.map((ui, i) => u.map((uj, j) => (i === j ? 1 : 0) - (2 * ui * uj) / uu));
  const A = Q.map((_, i) => Q.map((_, j) => lambdas.reduce((s, l, k) => s + Q[i]![k]! * l * Q[j]![k]!, 0)));
  const r = new Float64Array(n);
  return {
    A,
    n,
    names: Array.from({ length: n }, (_, i) => `x${i}`),
    valueAt(x) {
      return this.valueAndGradInto(x, new Float64Array(n));
    },
    valueAndGradInto(x, g) {
      for (let i = 0; i < n; i++) r[i] = x[i]! - c[i]!;
      let f = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += A[i]![j]! * r[j]!;
        g[i] = s;
        f += 0.5 * r[i]! * s;
      }
      return f + fStar;
    },
    hessianInto(_x, H) {
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) H[i * n + j] = A[i]![j]!;
    },
  };
}

/** Plain gradient descent with a constant step, written out by hand (no optimizer library). */
function gd(p: Problem, x0: number[], lr: number, steps: number): { losses: number[]; xs: number[][] } {
  const x = Float64Array.from(x0);
  const g = new Float64Array(p.n);
  const losses: number[] = [];
  const xs: number[][] = [];
  for (let k = 0; k <= steps; k++) {
    losses.push(p.valueAndGradInto(x, g));
    xs.push(Array.from(x));
    for (let i = 0; i < p.n; i++) x[i] = x[i]! - lr * g[i]!;
  }
  return { losses, xs };
}

/** PyTorch's SGD with momentum (dampening 0): buf ← β·buf + g; x ← x − lr·(nesterov ? g + β·buf : buf). */
function sgdMomentum(p: Problem, x0: number[], lr: number, beta: number, nesterov: boolean, steps: number): number[][] {
  const x = Float64Array.from(x0);
  const g = new Float64Array(p.n);
  const buf = new Float64Array(p.n);
  const xs: number[][] = [Array.from(x)];
  for (let k = 0; k < steps; k++) {
    p.valueAndGradInto(x, g);
    for (let i = 0; i < p.n; i++) {
      buf[i] = k === 0 ? g[i]! : beta * buf[i]! + g[i]!;
      x[i] = x[i]! - lr * (nesterov ? g[i]! + beta * buf[i]! : buf[i]!);
    }
    xs.push(Array.from(x));
  }
  return xs;
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

describe("theory on a quadratic with κ = 100 and measured GD rates", () => {
  const c = [1, -2, 0.5, 3, -1, 2];
  const p = quadratic([1, 2, 5, 20, 60, 100], c, 3);
  const x0 = [4, 1, -3, 0, 2, -2];
  const t = theory(p, { at: c });

  test("eigenvalues, L, μ, κ and the classification at x*", () => {
    [1, 2, 5, 20, 60, 100].forEach((l, i) => expect(t.eigenvalues[i]).toBeCloseTo(l, 11));
    expect(t.L).toBeCloseTo(100, 11);
    expect(t.mu).toBeCloseTo(1, 12);
    expect(t.kappa).toBeCloseTo(100, 10);
    expect(t.classification).toBe("minimum");
    expect(t.point?.stationary).toBe(true);
    expect(t.point?.value).toBe(3);
    expect(t.hessianSource).toBe("exact");
    expect(t.stepSizes.invL).toBeCloseTo(0.01, 14);
    expect(t.stepSizes.optimal).toBeCloseTo(2 / 101, 14);
  });

  test("GD with lr = 1/L: measured rate within 1% of 1 − μ/L (iterates) and (1 − μ/L)² (f − f*)", () => {
    const run = gd(p, x0, t.stepSizes.invL, 2000);
    const mx = measuredRate(run.xs, { xStar: c });
    const mf = measuredRate(run.losses, { fStar: 3 });
    expect(t.rates.gd.rate).toBeCloseTo(0.99, 12);
    expect(rel(mx.rate, t.rates.gd.rate)).toBeLessThan(0.01);
    expect(rel(mf.rate, t.rates.gd.valueRate)).toBeLessThan(0.01);
    // On an exact quadratic the fit is far better than 1%: the slow mode dominates the window.
    expect(rel(mx.rate, 0.99)).toBeLessThan(1e-6);
    expect(rel(mf.rate, 0.99 ** 2)).toBeLessThan(1e-6);
    // f − f* reaches rounding level (f* = 3) before step 2000; the window stops before it.
    expect(mf.usableUntil).toBeLessThan(2000);
    expect(mf.usableUntil).toBeGreaterThan(1000);
    expect(mf.of).toBe("f − f*");
  });

  test("GD with lr = 2/(L+μ): measured rate within 1% of (κ−1)/(κ+1)", () => {
    const run = gd(p, x0, t.stepSizes.optimal, 1500);
    expect(t.rates.gdOptimal.rate).toBeCloseTo(99 / 101, 12);
    expect(rel(measuredRate(run.xs, { xStar: c }).rate, t.rates.gdOptimal.rate)).toBeLessThan(0.01);
    expect(rel(measuredRate(run.losses, { fStar: 3 }).rate, t.rates.gdOptimal.valueRate)).toBeLessThan(0.01);
    // Without f*, successive decreases f_k − f_{k+1} give the same rate.
    const diff = measuredRate(run.losses);
    expect(diff.of).toBe("f_k − f_{k+1}");
    expect(rel(diff.rate, t.rates.gdOptimal.valueRate)).toBeLessThan(0.01);
  });

  test("heavy ball and Nesterov with theory's parameters: measured rates within 2% of (√κ−1)/(√κ+1) and 1 − 1/√κ", () => {
    // Both have a double root at an extreme eigenvalue, so e_k ~ k·ρ^k and a finite window overestimates ρ slightly.
    const hb = sgdMomentum(p, x0, t.heavyBall.lr, t.heavyBall.momentum, false, 400);
    expect(rel(measuredRate(hb, { xStar: c }).rate, t.rates.heavyBall.rate)).toBeLessThan(0.02);
    const nes = sgdMomentum(p, x0, t.nesterov.lr, t.nesterov.momentum, true, 600);
    expect(rel(measuredRate(nes, { xStar: c }).rate, t.rates.nesterov.rate)).toBeLessThan(0.02);
  });

  test("sgd(t.nesterov) is Nesterov's method, not heavy ball (the option set is complete)", () => {
    const run = runSync(p, sgd(t.nesterov), { from: x0, steps: 600 });
    const nes = sgdMomentum(p, x0, t.nesterov.lr, t.nesterov.momentum, true, 600);
    const hb = sgdMomentum(p, x0, t.nesterov.lr, t.nesterov.momentum, false, 600);
    const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));
    expect(run.xs.length).toBe(601);
    expect(dist(run.xs[100]!, nes[100]!)).toBeLessThan(1e-12);
    expect(dist(run.xs[100]!, hb[100]!)).toBeGreaterThan(1e-6 * Math.hypot(...hb[100]!.map((v, i) => v - c[i]!)));
    expect(rel(measuredRate(run.xs, { xStar: c }).rate, t.rates.nesterov.rate)).toBeLessThan(0.02);
  });
});

describe("parameters and rates on known matrices", () => {
  test("diag(1, 100): Polyak's α = 4/(√L+√μ)² = 4/121, β = ((√κ−1)/(√κ+1))² = 81/121", () => {
    const t = theory([[1, 0], [0, 100]]);
    expect(t.heavyBall.lr).toBeCloseTo(4 / 121, 15);
    expect(t.heavyBall.momentum).toBeCloseTo(81 / 121, 15);
    expect(t.rates.heavyBall.rate).toBeCloseTo(9 / 11, 15);
    expect(t.rates.heavyBall.valueRate).toBeCloseTo(81 / 121, 15);
    expect(t.nesterov).toEqual({ lr: 0.01, momentum: t.rates.heavyBall.rate, nesterov: true });
    expect(t.rates.nesterov.rate).toBeCloseTo(0.9, 15);
    expect(t.rates.gd.rate).toBeCloseTo(0.99, 15);
    expect(t.rates.gd.guarantee).toMatchObject({ factor: expect.closeTo(0.99, 15), of: "f − f*" });
    expect(t.rates.gdOptimal.rate).toBeCloseTo(99 / 101, 15);
    expect(t.rates.gd.stepsPerDigit).toBeCloseTo(-1 / Math.log10(0.99 ** 2), 10);
    expect(t.hessianSource).toBe("given");
    expect(t.point).toBeUndefined();
  });

  test("Rosenbrock's Hessian at (1, 1): a minimum with κ ≈ 2508", () => {
    const t = theory([[802, -400], [-400, 200]]);
    const disc = Math.sqrt(501 * 501 - 400);
    expect(t.L).toBeCloseTo(501 + disc, 10);
    expect(t.mu / (501 - disc)).toBeCloseTo(1, 12);
    expect(t.kappa).toBeCloseTo((501 + disc) / (501 - disc), 6);
    expect(t.classification).toBe("minimum");
  });

  test.each([
    ["positive definite", "minimum", [[2, 1], [1, 2]]],
    ["negative definite", "maximum", [[-1, 0], [0, -3]]],
    ["indefinite", "saddle", [[1, 0], [0, -1]]],
    ["indefinite with a zero eigenvalue", "saddle", [[1, 0, 0], [0, -1, 0], [0, 0, 0]]],
    ["semidefinite", "degenerate", [[0, 0], [0, 1]]],
    ["zero", "degenerate", [[0, 0], [0, 0]]],
    ["near-zero eigenvalue below tol", "degenerate", [[1, 0], [0, 1e-14]]],
  ] as const)("classification: %s → %s", (_name, expected, H) => {
    expect(theory(H.map((r) => [...r])).classification).toBe(expected);
  });

  test("without strong convexity, step sizes and rates are NaN and the text says why", () => {
    const t = theory([[1, 0], [0, -1]]);
    expect(t.kappa).toBe(Infinity);
    expect(t.stepSizes.invL).toBe(1);
    expect(t.stepSizes.optimal).toBeNaN();
    expect(t.heavyBall.lr).toBeNaN();
    expect(t.rates.gd.rate).toBeNaN();
    expect(String(t)).toMatch(/μ ≤ 0: not strongly convex here/);
  });
});

describe("a degenerate Hessian: μ is 0 within the relative zero, κ = ∞, no finite rates", () => {
  // Q diag(0, 1, 3) Qᵀ with a rotation Q: the computed λ_min is rounding noise (≈ 1e-16), not 0.
  const c = Math.cos(0.7);
  const s = Math.sin(0.7);
  const Q = [[c, -s, 0], [s * 0.6, c * 0.6, -0.8], [s * 0.8, c * 0.8, 0.6]];
  const D = [0, 1, 3];
  const H = Q.map((qi) => Q.map((qj) => qi.reduce((acc, _v, k) => acc + qi[k]! * D[k]! * qj[k]!, 0)));
  const t = theory(H);

  test("the eigenvalue noise is below the relative zero, and μ reads 0", () => {
    expect(Math.abs(t.eigenvalues[0]!)).toBeLessThan(1e-14);
    expect(t.zeroTol).toBeCloseTo(3e-10, 20);
    expect(t.mu).toBe(0);
    expect(t.kappa).toBe(Infinity);
    expect(t.classification).toBe("degenerate");
  });

  test("no finite step size from μ, no finite rate, and the text says why", () => {
    expect(t.stepSizes.optimal).toBeNaN();
    expect(t.heavyBall.lr).toBeNaN();
    for (const r of Object.values(t.rates)) expect(r.rate, r.method).toBeNaN();
    expect(String(t)).toMatch(/μ = 0: λ_min = .* is within the relative zero tol·max\|λ\| = 3e-10, so it counts as 0/);
    expect(String(t)).toMatch(/μ ≤ 0: not strongly convex here/);
  });

  test("a small but real λ_min above the relative zero is kept (tol says where the line is)", () => {
    const tiny = theory([[1e-8, 0], [0, 1]]);
    expect(tiny.mu).toBe(1e-8);
    expect(tiny.kappa).toBeCloseTo(1e8, 0);
    const coarse = theory([[1e-8, 0], [0, 1]], { tol: 1e-6 });
    expect(coarse.mu).toBe(0);
    expect(coarse.kappa).toBe(Infinity);
  });
});

describe("theory from a problem without a Hessian", () => {
  const rosen = {
    f: (p: number[]) => (1 - p[0]!) ** 2 + 100 * (p[1]! - p[0]! ** 2) ** 2,
    grad: (p: number[]) => [-2 * (1 - p[0]!) - 400 * p[0]! * (p[1]! - p[0]! ** 2), 200 * (p[1]! - p[0]! ** 2)],
  };

  test("{ f, grad }: Hessian by central differences of the gradient, said so", () => {
    const t = theory(rosen, { at: [1, 1] });
    expect(t.hessianSource).toBe("finite differences of the gradient");
    expect(rel(t.hessian[0]![0]!, 802)).toBeLessThan(1e-7);
    expect(rel(t.hessian[0]![1]!, -400)).toBeLessThan(1e-7);
    expect(t.classification).toBe("minimum");
    expect(String(t)).toMatch(/Hessian from finite differences of the gradient/);
  });

  test("a point given by name, and a point that is not stationary", () => {
    const p: Problem = {
      n: 2,
      names: ["x", "y"],
      valueAt: (x) => x[0]! ** 2 - x[1]! ** 2,
      valueAndGradInto(x, g) {
        g[0] = 2 * x[0]!;
        g[1] = -2 * x[1]!;
        return x[0]! ** 2 - x[1]! ** 2;
      },
      hvpInto(_x, v, out) {
        out[0] = 2 * v[0]!;
        out[1] = -2 * v[1]!;
      },
    };
    const t = theory(p, { at: { y: 0, x: 0 } });
    expect(t.classification).toBe("saddle");
    expect(t.hessianSource).toBe("Hessian-vector products");
    expect(t.point?.stationary).toBe(true);
    const away = theory(p, { at: [1, 0] });
    expect(away.point).toMatchObject({ stationary: false, gradNorm: 2 });
    expect(String(away)).toMatch(/not a stationary point/);
  });
});

describe("measuredRate", () => {
  test("an exactly geometric sequence gives its ratio with R² = 1", () => {
    const losses = Array.from({ length: 40 }, (_, k) => 2 + 5 * 0.7 ** k);
    const m = measuredRate(losses, { fStar: 2 });
    expect(m.rate).toBeCloseTo(0.7, 10);
    expect(m.r2).toBeCloseTo(1, 10);
    expect(m.window[1]).toBe(m.usableUntil);
  });

  test("the default window skips a transient; an explicit window can include it", () => {
    // Two modes: 0.3^k dies fast, 0.9^k remains.
    const e = Array.from({ length: 200 }, (_, k) => 100 * 0.3 ** k + 0.9 ** k);
    expect(measuredRate(e, { fStar: 0 }).rate).toBeCloseTo(0.9, 10);
    expect(measuredRate(e, { fStar: 0, window: [0, 10] }).rate).toBeLessThan(0.8);
    expect(measuredRate(e, { fStar: 0, window: 20 }).window).toEqual([180, 199]);
  });

  test("a run object: losses with fStar, iterates with xStar", () => {
    const xs = Array.from({ length: 30 }, (_, k) => [0.5 ** k, -(0.5 ** k)]);
    const run = { losses: xs.map(([a]) => a! * a!), xs };
    expect(measuredRate(run, { fStar: 0 }).rate).toBeCloseTo(0.25, 12);
    expect(measuredRate(run, { xStar: [0, 0] }).rate).toBeCloseTo(0.5, 12);
  });

  test("display says what was fitted and over which steps", () => {
    const m = measuredRate([1, 0.5, 0.25, 0.125, 0.0625], { fStar: 0 });
    expect(formatSync(m)["text/plain"]).toBe("measured rate of f − f*: 0.5 per step, 3.32193 steps per digit; geometric fit over steps 2..4 (R² = 1.000000)");
  });

  test("bad input", () => {
    expect(() => measuredRate([1, 1e-30], { fStar: 0, floor: 1e-20 })).toThrow(expect.objectContaining({ code: "too-few-points" }));
    expect(() => measuredRate([1, 0.5, 0.25, 0.1], { fStar: 0, window: [3, 1] })).toThrow(expect.objectContaining({ code: "bad-option" }));
    expect(() => measuredRate("abc")).toThrow(expect.objectContaining({ code: "bad-run" }));
    expect(() => measuredRate([1, 0.5], { fstar: 0 } as never)).toThrow(/unknown option "fstar" \(did you mean "fStar"\?\)/);
    expect(() => measuredRate({ losses: [1, 0.5, 0.2] }, { xStar: [0] })).toThrow(/xStar needs iterates/);
  });

  test("too few usable steps: the message says why the usable part ends", () => {
    const msg = (run: number[], o: Record<string, number> = {}): string => {
      try {
        measuredRate(run, o);
      } catch (e) {
        expect((e as { code?: string }).code).toBe("too-few-points");
        return (e as Error).message;
      }
      throw new Error("expected too-few-points");
    };
    expect(msg([])).toBe("measuredRate: only 0 steps of f_k − f_{k+1} above rounding noise in the window (no usable step: 0 values of f_k − f_{k+1} in all, at least 3 are needed); run longer, or widen the window");
    expect(msg([1, NaN, 0.2, 0.1])).toMatch(/\(no usable step: f_k − f_\{k\+1\} is NaN at step 0\)/);
    expect(msg([1, 0.5, 0.25], { fStar: 2 })).toMatch(/f is below fStar at step 0 \(f − f\* = -1\.00\); fStar must be the minimum value/);
    expect(msg([1, 0.5, 0.6, 0.3, 0.2])).toMatch(/^measuredRate: only 1 step of .*\(usable steps 0\.\.0: f did not decrease at step 1 /);
    expect(msg([1, 1e-30], { fStar: 0, floor: 1e-20 })).toMatch(/f − f\* = 1\.00e-30 reaches the rounding level 1\.00e-20 at step 1/);
  });
});

describe("display and input errors", () => {
  test("text/plain and an HTML table", () => {
    const b = formatSync(theory([[1, 0], [0, 100]]));
    expect(b["text/plain"]).toMatch(/^theory of the given Hessian: minimum \(Hessian positive definite\)\neigenvalues: 1, 100\nL = 100, μ = 1, κ = 100\nstep sizes: 1\/L = 0\.01, 2\/\(L\+μ\) = 0\.019802/);
    expect(b["text/plain"]).toMatch(/heavy ball \(Polyak\): lr 0\.0330579, momentum 0\.669421; rate ‖x−x\*‖ 0\.818182/);
    expect(b["text/html"]).toMatch(/<table>.*<th>method<\/th>.*heavy ball \(Polyak\).*<\/table>/s);
  });

  test.each([
    ["no point", () => theory({ f: () => 0, grad: () => [0] }), "missing-option", /give the point as an array/],
    ["wrong length", () => theory({ n: 2, names: ["x", "y"], valueAt: () => 0, valueAndGradInto: () => 0 } as Problem, { at: [1] }), "bad-point", /the point has 1 coordinates, the objective has 2 \(x, y\)/],
    ["missing name", () => theory({ n: 2, names: ["x", "y"], valueAt: () => 0, valueAndGradInto: () => 0 } as Problem, { at: { x: 1 } }), "bad-point", /no value for 'y' \(variables: x, y\)/],
    ["asymmetric matrix", () => theory([[1, 2], [3, 4]]), "bad-matrix", /H\[0\]\[1\] = 2 and H\[1\]\[0\] = 3/],
    ["non-square matrix", () => theory([[1, 2], [3]]), "bad-matrix", /square 2×2/],
    ["not a target", () => theory(42), "bad-target", /expected an objective, a \{ f, grad \} object or a Hessian matrix/],
    ["unknown option", () => theory([[1]], { tolerance: 1e-3 } as never), "unknown-option", /did you mean "tol"/],
    ["bad tol", () => theory([[1]], { tol: 2 }), "bad-option", /tol must be a number > 0 and < 1/],
    ["a point with a matrix", () => theory([[1]], { at: [0] }), "bad-option", /`at` is not used with a Hessian matrix/],
  ] as const)("%s", (_n, fn, code, msg) => {
    expectDslError(fn, code, msg);
  });
});

describe("through the DSL: objective, optimize and gd", () => {
  test("κ = 100: optimize(f, gd({ lr: 1/L })) and gd({ lr: 2/(L+μ) }) have measured rates within 1% of theory", async () => {
    const { objective, optimize, gd: gdAlias, theory: th, measuredRate: mr } = await import("../../dsl/index.js");
    const f = objective("0.5*(x - 1)^2 + 50*(y + 2)^2 + 10*(z - 0.5)^2 + 3");
    const xStar = [1, -2, 0.5];
    const t = th(f, { at: xStar });
    expect(t.hessianSource).toBe("exact");
    expect(t.kappa).toBeCloseTo(100, 12);
    for (const [lr, rate] of [
      [t.stepSizes.invL, t.rates.gd],
      [t.stepSizes.optimal, t.rates.gdOptimal],
    ] as const) {
      const run = optimize(f, gdAlias({ lr }), { from: [4, 1, -3], steps: 1500 });
      expect(rel(mr(run, { xStar }).rate, rate.rate)).toBeLessThan(0.01);
      expect(rel(mr(run, { fStar: 3 }).rate, rate.valueRate)).toBeLessThan(0.01);
    }
  });

  test("a schedule as sgd's lr: the run's recorded lrs are the schedule's values", async () => {
    const { objective, optimize, sgd, schedules } = await import("../../dsl/index.js");
    const f = objective("x^2 + 3*y^2");
    const s = schedules.sequential([schedules.linear({ lr: 0.1, startFactor: 0.1, totalIters: 10 }), schedules.cosine({ lr: 0.1, tMax: 40 })], { milestones: [10] });
    const run = optimize(f, sgd({ lr: s, momentum: 0.9 }), { from: [1, 1], steps: 50 });
    expect(run.lrs).toEqual(s.values(50));
  });
});

test("a symbolic objective reads the point itself (by name, and with its own error for a missing variable)", async () => {
  const { objective, theory: th } = await import("../../dsl/index.js");
  const f = objective("x^2 - y^2");
  expect(th(f, { at: { x: 0, y: 0 } }).classification).toBe("saddle");
  expect(() => th(f, { at: { x: 0 } })).toThrow(DslError);
});
