import { describe, expect, test } from "vitest";
import { classifyCurvature, hessianAlong, hessianSpectrum, symlog } from "../../src/plots/hessian.js";

const title = (l: Record<string, unknown>) => (l.title as { text: string }).text;

describe("classifyCurvature", () => {
  test.each([
    [[1, 2], "minimum"],
    [[-1, -2], "maximum"],
    [[-1, 2], "saddle"],
    [[0, 2], "degenerate"],
    [[-1e-12, 3], "degenerate"],
  ] as const)("%j → %s", (eig, kind) => expect(classifyCurvature(eig)).toBe(kind));
});

describe("hessianSpectrum", () => {
  const points = (fig: { data: Record<string, unknown>[] }) => fig.data.find((t) => t.name === "eigenvalues")!;
  const stems = (fig: { data: Record<string, unknown>[] }) => fig.data.find((t) => t.name === "stems");

  test("markers on stems (no bars), ascending, coloured by sign, the classification in the title", () => {
    const fig = hessianSpectrum([2, -1], { point: [0, 0] });
    expect(fig.data.some((t) => t.type === "bar")).toBe(false);
    const dots = points(fig);
    expect(dots.type).toBe("scatter");
    expect(dots.mode).toBe("markers+text");
    expect(dots.x).toEqual([1, 2]);
    expect(dots.y).toEqual([-1, 2]);
    expect(dots.customdata).toEqual([-1, 2]);
    const colors = (dots.marker as { color: string[] }).color;
    expect(colors[0]).not.toBe(colors[1]);
    // stems from 0 to each value
    expect(stems(fig)!.y).toEqual([0, -1, null, 0, 2, null]);
    expect((fig.layout.xaxis as { ticktext: string[] }).ticktext).toEqual(["λ₁", "λ₂"]);
    expect(title(fig.layout)).toBe("Hessian eigenvalues at (0, 0): saddle point (1 negative eigenvalue)");
    expect(fig.layout.yaxis).toMatchObject({ type: "linear" });
  });

  test("a positive spectrum over decades: log axis, markers only (a stem's length means nothing on a log axis)", () => {
    const fig = hessianSpectrum([1002, 0.4]);
    expect(title(fig.layout)).toMatch(/minimum \(κ = 2505\)/);
    expect(fig.layout.yaxis).toMatchObject({ type: "log" });
    expect(stems(fig)).toBeUndefined();
    const range = (fig.layout.yaxis as { range: number[] }).range;
    expect(range[0]).toBeLessThan(Math.log10(0.4));
    expect(range[1]).toBeGreaterThan(Math.log10(1002));
  });

  test("signs mixed over decades: symmetric log, so λ = 1 and a negative λ stay visible beside λ = 1000", () => {
    const eig = [-5, 1, 1000];
    const fig = hessianSpectrum(eig);
    const y = points(fig).y as number[];
    expect(y).toEqual(eig.map((l) => symlog(l, 1)));
    expect(y[0]).toBeLessThan(0);
    // λ = 1 is at least a tenth of the way to λ = 1000 (on a linear axis: a thousandth)
    expect(y[1]! / y[2]!).toBeGreaterThan(0.1);
    expect(points(fig).customdata).toEqual(eig);
    const ya = fig.layout.yaxis as { type: string; tickvals: number[]; ticktext: string[]; title: { text: string } };
    expect(ya.type).toBe("linear");
    expect(ya.title.text).toMatch(/symmetric log/);
    // ticks at the true values: 0, ±1, ±10, 100, 1000
    expect(ya.ticktext).toEqual(["0", "1", "−1", "10", "−10", "100", "−100", "10³", "−10³"]);
    expect(ya.tickvals[ya.ticktext.indexOf("10³")]).toBeCloseTo(symlog(1000, 1), 12);
    expect(ya.tickvals[ya.ticktext.indexOf("−10")]).toBeCloseTo(symlog(-10, 1), 12);
  });

  test("yScale may ask for symlog; log on a spectrum with negative values falls back to symlog", () => {
    expect((hessianSpectrum([1, 2], { yScale: "symlog" }).layout.yaxis as { title: { text: string } }).title.text).toMatch(/symmetric log/);
    expect((hessianSpectrum([-1, 2], { yScale: "log" }).layout.yaxis as { title: { text: string } }).title.text).toMatch(/symmetric log/);
  });

  test("away from a critical point it says so rather than calling it a minimum", () => {
    expect(title(hessianSpectrum([1, 2], { gradNorm: 3 }).layout)).toMatch(/not a critical point \(‖∇f‖ = 3\), locally convex/);
  });

  test("the caller's classification wins (e.g. theory's, with its own tolerance)", () => {
    expect(title(hessianSpectrum([1e-9, 1], { classification: "degenerate" }).layout)).toMatch(/degenerate/);
  });

  test("many eigenvalues become markers against their index", () => {
    const fig = hessianSpectrum(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(points(fig).type).toBe("scatter");
    expect(points(fig).mode).toBe("markers");
    expect(points(fig).y).toHaveLength(100);
  });
});

describe("hessianAlong", () => {
  const track = { name: "gd (lr=0.5)", steps: [0, 1, 2, 3], eigenvalues: [[3, -1], [0.5, 3], [2.5, 1], [1, 2]], lr: 0.5 };

  test("one run: every eigenvalue, the sharpness, 2/η and the curvature strip", () => {
    const fig = hessianAlong([track]);
    expect(fig.data.map((t) => t.name)).toEqual(["λ₁", "λ<sub>max</sub> (sharpness)", "2/η (gd (lr=0.5))", "gd (lr=0.5): curvature", "curvature: convex", "curvature: indefinite"]);
    expect(fig.data[0]!.y).toEqual([-1, 0.5, 1, 1]);
    expect(fig.data[1]!.y).toEqual([3, 3, 2.5, 2]);
    expect(fig.data[2]!.y).toEqual([4, 4, 4, 4]);
    expect(fig.data[3]!.text).toEqual(["indefinite", "convex", "convex", "convex"]);
    expect(fig.data[3]!.yaxis).toBe("y2");
    expect(fig.layout.xaxis2).toMatchObject({ title: { text: "step t (iterations)" } });
  });

  test("several runs: only their sharpness", () => {
    const fig = hessianAlong([track, { ...track, name: "adam", lr: undefined }]);
    expect(fig.data.filter((t) => t.yaxis !== "y2").map((t) => t.name)).toEqual(["gd (lr=0.5): λ<sub>max</sub>", "2/η (gd (lr=0.5))", "adam: λ<sub>max</sub>"]);
    expect(fig.data.filter((t) => t.yaxis === "y2").map((t) => t.name)).toEqual(["gd (lr=0.5): curvature", "adam: curvature", "curvature: convex", "curvature: indefinite"]);
  });

  test("the threshold follows the run's optimizer: heavy ball β = 0.9 at η = 1e-3 draws 2(1+β)/η = 3800, not 2000", () => {
    const base = { steps: [0, 1], eigenvalues: [[1, 3000], [1, 3100]], lr: 1e-3 };
    const fig = hessianAlong([
      { ...base, name: "hb", optimizer: { name: "momentum", hyperparameters: { lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 } } },
      { ...base, name: "nag", optimizer: { optimizer: "nesterov(lr=0.001, momentum=0.9)", hyperparameters: { lr: 1e-3, momentum: 0.9, nesterov: true } } },
      { ...base, name: "plain", optimizer: { hyperparameters: { lr: 1e-3 } } },
    ]);
    const line = (run: string) => fig.data.find((t) => typeof t.name === "string" && t.name.endsWith(`(${run})`) && t.line && (t.line as { dash?: string }).dash === "dash")!;
    expect(line("hb").name).toBe("2(1+β)/η, β = 0.9 (hb)");
    (line("hb").y as number[]).forEach((v) => expect(v).toBeCloseTo(3800, 9));
    expect(line("nag").name).toBe("2(1+β)/((1+2β)η), β = 0.9 (nag)");
    (line("nag").y as number[]).forEach((v) => expect(v).toBeCloseTo(3.8 / 2.8 / 1e-3, 9));
    expect(line("plain").name).toBe("2/η (plain)");
    (line("plain").y as number[]).forEach((v) => expect(v).toBeCloseTo(2000, 9));
  });

  test("Adam's limit bounds the preconditioned sharpness: named in a note, not drawn against λ_max(∇²f)", () => {
    const fig = hessianAlong([{ name: "adam", steps: [0, 1], eigenvalues: [[1, 2], [1, 2]], lr: 0.01, optimizer: { name: "adam", hyperparameters: { lr: 0.01, betas: [0.9, 0.999] } } }]);
    expect(fig.data.some((t) => (t.line as { dash?: string } | undefined)?.dash === "dash")).toBe(false);
    const notes = (fig.layout.annotations as { text: string }[]).map((a) => a.text).join("\n");
    expect(notes).toMatch(/bounds the preconditioned λ<sub>max<\/sub>\(P⁻¹∇²f\), not drawn/);
    expect(notes).toMatch(/= 3800/);
    const lbfgs = hessianAlong([{ name: "lbfgs", steps: [0, 1], eigenvalues: [[1, 2], [1, 2]], lr: 1, optimizer: { name: "lbfgs", hyperparameters: { lr: 1, historySize: 10 } } }]);
    expect((lbfgs.layout.annotations as { text: string }[])[0]!.text).toMatch(/no closed-form stability limit/);
  });

  test("mismatched lengths are an error", () => {
    expect(() => hessianAlong([{ name: "a", steps: [0, 1], eigenvalues: [[1]] }])).toThrow(/2 steps but 1 eigenvalue samples/);
  });
});

test("non-finite eigenvalues are an error that names them, not a 'degenerate' verdict", () => {
  expect(() => hessianSpectrum([NaN, 1])).toThrow(/^plot\.hessian: eigenvalue 0 is NaN \(expected finite numbers/);
  expect(() => hessianSpectrum([1, Infinity])).toThrow(/eigenvalue 1 is Infinity/);
});
