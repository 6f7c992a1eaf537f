/**
 * `sweep` end to end on every backend: the stability map of gradient descent with momentum on a
 * quadratic (theory: stable iff 0 < lr < 2(1 + β)/L), basins of attraction of a double well,
 * the same results on every engine, the display, and errors in the user's terms.
 */
import { expect, test } from "vitest";
import { format } from "../../src/display/index.js";
import { adam, momentum, objective, sgd, sweep } from "../../dsl/index.js";
import { describeEachBackend, type TestBackend } from "../support/describe-each-backend.js";

const quad = objective("(x^2 + 10*y^2)/2"); // L = 10
const LR = [0.05, 0.15, 0.25, 0.35, 0.5];
const BETA = [0, 0.5, 0.9];
const unstable = (lr: number, b: number) => lr > (2 * (1 + b)) / 10;

describeEachBackend("sweep", (b: TestBackend<any>) => {
  test("lr × momentum stability map: exactly the runs theory says diverge", async () => {
    const s = await sweep(quad, { optimizer: (h) => momentum({ lr: h.lr, momentum: h.beta }), grid: { lr: LR, beta: BETA }, from: [1, 1], steps: 300, backend: b.name });
    expect(s.info.backend).toBe(b.name);
    expect(s.results.map((r) => [r.h.lr, r.h.beta])).toEqual(LR.flatMap((lr) => BETA.map((beta) => [lr, beta])));
    for (const r of s.results) {
      expect(r.diverged, `lr ${r.h.lr}, β ${r.h.beta}`).toBe(unstable(r.h.lr as number, r.h.beta as number));
      if (!r.diverged) {
        expect(r.stepsToTol).not.toBeNull();
        expect(r.finalLoss).toBeLessThan(1e-8);
      }
    }
    // heavy ball converges faster than plain gd at lr 0.05
    const at = (lr: number, beta: number) => s.results.find((r) => r.h.lr === lr && r.h.beta === beta)!;
    expect(at(0.05, 0.5).stepsToTol!).toBeLessThan(at(0.05, 0).stepsToTol!);
    const fig = s.heatmap("stepsToTol");
    expect(fig.data[0]!.type).toBe("heatmap");
    expect(fig.data[1]!.name).toBe("diverged");
  });

  test("basins of attraction of a double well: each start reaches the minimum on its side", async () => {
    const well = objective("(x^2 - 1)^2 + y^2");
    const xs = [-1.5, -1, -0.5, 0.5, 1, 1.5];
    const ys = [-1, 0, 1];
    const s = await sweep(well, { optimizer: sgd({ lr: 0.05 }), starts: { x: xs, y: ys }, steps: 400, backend: b.name });
    expect(s.size).toBe(18);
    for (const r of s.results) {
      expect(r.diverged).toBe(false);
      expect(r.x[0]).toBeCloseTo(Math.sign(r.from[0]!), 3);
    }
    const fig = s.basins();
    const z = fig.data[0]!.z as number[][];
    expect(z.length).toBe(3);
    expect(z.every((row) => row.slice(0, 3).every((l) => l === row[0]) && row.slice(3).every((l) => l === row[5]) && row[0] !== row[5])).toBe(true);
    // the minima are named to the basins' tolerance (float32 ends at ±1e-19, not 0)
    const marks = fig.data.find((t) => t.name === "minima")!;
    expect(new Set(marks.text as string[])).toEqual(new Set(["(-1, 0)", "(1, 0)"]));
  });
});

test("the same sweep gives the same results on float64 and on tfjs (float32)", async () => {
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const spec = { optimizer: (h: Record<string, number>) => adam({ lr: h.lr, betas: [0.9, 0.999] }), grid: { lr: [1e-3, 1e-2, 3e-2] }, starts: [[-1.2, 1], [0, 0]], steps: 200 };
  const a = await sweep(f, { ...spec, backend: "float64" });
  const c = await sweep(f, { ...spec, backend: "cpu" });
  expect(c.info.engine).toBe("tfjs ops");
  a.results.forEach((r, i) => {
    expect(c.results[i]!.h).toEqual(r.h);
    expect(c.results[i]!.from).toEqual(r.from);
    expect(c.results[i]!.finalLoss).toBeCloseTo(r.finalLoss, 3);
  });
});

test("a sweep over β₁ (one batch with per-run betas, see batch-optimizers.test.ts) matches float64 run by run on tfjs", async () => {
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const spec = { optimizer: (h: Record<string, number>) => adam({ lr: 0.01, betas: [h.b1, 0.999] }), grid: { b1: [0, 0.5, 0.9, 0.99] }, from: [-1.2, 1], steps: 150 };
  const a = await sweep(f, { ...spec, backend: "float64" });
  const c = await sweep(f, { ...spec, backend: "cpu" });
  a.results.forEach((r, i) => {
    expect(c.results[i]!.h).toEqual(r.h);
    expect(c.results[i]!.finalLoss).toBeCloseTo(r.finalLoss, 3);
  });
  // the β₁ values make a difference (the runs are not all the same)
  expect(new Set(a.results.map((r) => r.finalLoss.toPrecision(4))).size).toBe(4);
});

test("a sweep displays its summary and its chart", async () => {
  const s = await sweep(quad, { optimizer: (h) => sgd({ lr: h.lr }), grid: { lr: [0.1, 0.3] }, from: [1, 1], steps: 50, backend: "float64" });
  const bundle = await format(s);
  expect(bundle["text/plain"]).toMatch(/^Sweep of sgd: 2 configurations × 1 start = 2 runs × 50 steps on float64/);
  expect(bundle["text/plain"]).toMatch(/1 diverged/);
  // the tolerance as the float64 runner writes it (1e-4, not 0.0001)
  expect(bundle["text/plain"]).toMatch(/reached \|∇f\| ≤ 1e-4, 1 diverged/);
  expect(bundle["application/vnd.plotly.v1+json"]).toBeDefined();
  expect(s.best!.h.lr).toBe(0.1);
  const table = await format(await sweep(quad, { optimizer: adam(), starts: [[1, 1], [2, 2]], steps: 5, backend: "float64" }));
  expect(table["text/html"]).toMatch(/<table>/);
});

test("bad options say what was expected", async () => {
  await expect(sweep(quad, { optimizer: (h: Record<string, number>) => sgd({ lr: h.lr }), grid: { lr: [0.1] }, from: [1, 1], step: 10 } as never)).rejects.toMatchObject({
    code: "unknown-option",
    message: expect.stringMatching(/unknown option "step" \(did you mean "steps"\?\)/),
  });
  await expect(sweep(quad, { grid: { lr: [0.1] }, from: [1, 1] } as never)).rejects.toThrow(/optimizer is required/);
  await expect(sweep(quad, { optimizer: adam(), from: [1, 1], backend: "gpu" })).rejects.toMatchObject({ code: "bad-backend" });
  await expect(sweep(quad, { optimizer: adam(), from: [1, 1, 1] })).rejects.toThrow(/from has 3 values, the objective has 2 variables \(x, y\)/);
  await expect(sweep(quad, { optimizer: adam(), from: [1, 1], steps: -1 })).rejects.toThrow(/steps must be an integer ≥ 0, got -1/);
  await expect(sweep({ f: () => 0 }, { optimizer: adam(), from: [1, 1] })).rejects.toThrow(/expected an objective/);
});

test("sweep.heatmap: an unknown z is an error, not a silent steps-to-tol map; one key and one run read right", async () => {
  const s = await sweep(quad, { optimizer: (h) => sgd({ lr: h.lr }), grid: { lr: [0.1, 0.5] }, from: [1, 1], steps: 20, backend: "float64" });
  expect(() => s.heatmap("nope" as never)).toThrow(/^sweep\.heatmap: z must be "finalLoss" or "stepsToTol", got "nope"$/);
  expect(s.heatmap().summary).toMatch(/^sweep heatmap of final loss over 2 lr values, /);
  const one = await sweep(quad, { optimizer: sgd({ lr: 0.1 }), from: [1, 1], steps: 5, backend: "float64" });
  expect(one.summary()).toMatch(/= 1 run × 5 steps/);
});
