import { expect, test } from "vitest";
import { format } from "../../src/display/index.js";
import { curvature, gd, objective, optimize } from "../../dsl/index.js";

const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");

test("curvature.eigenvalues: the dense spectrum of the Rosenbrock Hessian at (1, 1)", async () => {
  const r = curvature.eigenvalues(rosen, { at: [1, 1], which: "both" });
  const rad = Math.hypot(301, 400);
  expect(r.method).toBe("dense");
  expect(r.values[0]).toBeCloseTo(501 + rad, 9);
  expect(r.values[1]).toBeCloseTo(501 - rad, 9);
  expect(r.condition).toBeCloseTo((501 + rad) / (501 - rad), 6);
  const b = await format(r);
  expect(b["text/plain"]).toMatch(/Hessian eigenvalues at \[1, 1\] \(dense\): 1001\.6, 0\.39936/);
  expect(b["application/vnd.plotly.v1+json"]).toBeDefined();
});

test("curvature.eigenvalues at n = 100 uses Lanczos on exact Hessian-vector products", () => {
  const n = 100;
  const terms = Array.from({ length: n - 1 }, (_, i) => `100*(x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`).join(" + ");
  const f = objective(terms, { vars: Array.from({ length: n }, (_, i) => `x${i}`) });
  const at = Array.from({ length: n }, (_, i) => 1 + 0.1 * Math.cos(i));
  const r = curvature.eigenvalues(f, { at, k: 2, maxIter: 100 });
  expect(r.method).toBe("lanczos");
  const dense = curvature.eigenvalues(f, { at, k: 2, method: "dense" });
  // Lanczos stops at its residual tolerance; extended Rosenbrock's top eigenvalues cluster
  expect(Math.abs(r.values[0]! - dense.values[0]!) / dense.values[0]!).toBeLessThan(1e-6);
});

test("curvature.trace, density, sharpness and noise", async () => {
  const q = objective("(x^2 + 4*y^2 + 9*z^2)/2 + x*y");
  const t = curvature.trace(q, { at: [0, 0, 0], probes: 64 });
  expect(Math.abs(t.trace - 14)).toBeLessThan(4 * t.stdError); // tr = 1 + 4 + 9
  const diag = objective("(x^2 + 4*y^2 + 9*z^2)/2");
  expect(curvature.trace(diag, { at: [1, 2, 3], probes: 3 }).trace).toBeCloseTo(14, 12); // Rademacher: exact on a diagonal
  const d = curvature.density(q, { at: [0, 0, 0], probes: 4, steps: 3 });
  expect(d.sd.moment(1)).toBeCloseTo(14 / 3, 6);
  expect((await format(d))["application/vnd.plotly.v1+json"]).toBeDefined();
  const run = optimize(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 50 });
  const s = curvature.sharpness(rosen, run, { every: 10 });
  expect(s.steps).toEqual([0, 10, 20, 30, 40, 50]);
  expect(s.sharpness[0]).toBeCloseTo(curvature.eigenvalues(rosen, { at: [-1.2, 1] }).values[0]!, 8);
  expect((await format(s))["text/plain"]).toMatch(/sharpness λ_max along gd/);
  const a = Array.from({ length: 200 }, (_, i) => [Math.sin(i), Math.cos(2 * i)]);
  const y = a.map(([u, v]) => u! + v! + 0.1 * Math.sin(7 * u!));
  const L = objective("(w1*a[1] + w2*a[2] - y)^2/2", { params: ["w1", "w2"], data: { a, y } });
  const nz = curvature.noise(L, { at: [0.5, 0.2] });
  expect(nz.exact).toBe(true);
  expect(nz.noiseScale).toBeCloseTo(nz.traceCov / nz.gradNormSq, 10);
  expect((await format(nz))["text/plain"]).toMatch(/noise scale B_simple = /);
});

test("bad input is named", () => {
  expect(() => curvature.eigenvalues(rosen, {} as never)).toThrow(/the point "at" is required \(variables: x, y\)/);
  expect(() => curvature.trace(rosen, { at: [1] })).toThrow(/"at" has 1 value, the objective has 2 variables/);
  expect(() => curvature.noise(rosen, { at: [1, 1] })).toThrow(/not data-backed/);
  expect(() => curvature.sharpness({} as never, [[1, 1]])).toThrow(/expected an objective/);
});

test("curvature.eigenvalues: a Lanczos run stopped by its cap says so loudly in text and HTML", async () => {
  const n = 100;
  const terms = Array.from({ length: n - 1 }, (_, i) => `100*(x${i + 1} - x${i}^2)^2 + (1 - x${i})^2`).join(" + ");
  const f = objective(terms, { vars: Array.from({ length: n }, (_, i) => `x${i}`) });
  const at = Array.from({ length: n }, (_, i) => 1 + 0.1 * Math.cos(i));
  const capped = curvature.eigenvalues(f, { at, k: 3, which: "smallest", method: "lanczos", maxIter: 8 });
  expect(capped.converged).toBe(false);
  const b = await format(capped);
  expect(b["text/plain"]).toMatch(/NOT converged\): .*\n⚠ lanczos stopped at its cap of 8 iterations before the residual tolerance: the largest residual is .*raise maxIter/);
  expect(b["text/html"]).toMatch(/⚠ warning.*lanczos stopped at its cap of 8 iterations/);
  const full = curvature.eigenvalues(f, { at, k: 3, which: "smallest", method: "lanczos" });
  expect(full.converged).toBe(true);
  expect(full.warning).toBeUndefined();
  expect((await format(full))["text/plain"]).not.toMatch(/⚠/);
});

test("curvature.sharpness draws the run's own stability limit: 2(1+β)/η = 3800 for heavy ball β = 0.9 at η = 1e-3", async () => {
  const { momentum } = await import("../../dsl/index.js");
  const run = optimize(rosen, momentum({ lr: 1e-3, momentum: 0.9 }), { from: [-1.2, 1], steps: 20 });
  const fig = curvature.sharpness(rosen, run, { every: 10 }).figure();
  const limit = fig.data.find((t) => (t.line as { dash?: string } | undefined)?.dash === "dash")!;
  expect(limit.name).toMatch(/^2\(1\+β\)\/η, β = 0\.9/);
  for (const v of limit.y as number[]) expect(v).toBeCloseTo(3800, 6);
  expect((await format(curvature.sharpness(rosen, run, { every: 10 })))["text/plain"]).toMatch(/; stability limit 2\(1\+β\)\/η = 3800$/);
  const plain = curvature.sharpness(rosen, optimize(rosen, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 20 }), { every: 10 }).figure();
  for (const v of plain.data.find((t) => (t.line as { dash?: string } | undefined)?.dash === "dash")!.y as number[]) expect(v).toBeCloseTo(2000, 6);
});
