import { describe, expect, test } from "vitest";
import { classifyCurvature, hessianAlong, hessianSpectrum } from "../../src/plots/hessian.js";

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
  test("bars in ascending order coloured by sign, the classification in the title", () => {
    const fig = hessianSpectrum([2, -1], { point: [0, 0] });
    const bar = fig.data[0]!;
    expect(bar.type).toBe("bar");
    expect(bar.x).toEqual(["λ₁", "λ₂"]);
    expect(bar.y).toEqual([-1, 2]);
    const colors = (bar.marker as { color: string[] }).color;
    expect(colors[0]).not.toBe(colors[1]);
    expect(title(fig.layout)).toBe("Hessian eigenvalues at (0, 0): saddle point (1 negative eigenvalue)");
    expect(fig.layout.yaxis).toMatchObject({ type: "linear" });
  });

  test("a minimum reports κ and uses a log axis when κ > 100", () => {
    const fig = hessianSpectrum([1002, 0.4]);
    expect(title(fig.layout)).toMatch(/minimum \(κ = 2505\)/);
    expect(fig.layout.yaxis).toMatchObject({ type: "log" });
  });

  test("away from a critical point it says so rather than calling it a minimum", () => {
    expect(title(hessianSpectrum([1, 2], { gradNorm: 3 }).layout)).toMatch(/not a critical point \(‖∇f‖ = 3\), locally convex/);
  });

  test("the caller's classification wins (e.g. theory's, with its own tolerance)", () => {
    expect(title(hessianSpectrum([1e-9, 1], { classification: "degenerate" }).layout)).toMatch(/degenerate/);
  });

  test("many eigenvalues become markers against their index", () => {
    const fig = hessianSpectrum(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(fig.data[0]!.type).toBe("scatter");
    expect(fig.data[0]!.y).toHaveLength(100);
  });
});

describe("hessianAlong", () => {
  const track = { name: "gd (lr=0.5)", steps: [0, 1, 2, 3], eigenvalues: [[3, -1], [0.5, 3], [2.5, 1], [1, 2]], lr: 0.5 };

  test("one run: every eigenvalue, the sharpness, 2/η and the curvature strip", () => {
    const fig = hessianAlong([track]);
    expect(fig.data.map((t) => t.name)).toEqual(["λ₁", "λ_max (sharpness)", "2/η (gd (lr=0.5))", "gd (lr=0.5): curvature", "curvature: convex", "curvature: indefinite"]);
    expect(fig.data[0]!.y).toEqual([-1, 0.5, 1, 1]);
    expect(fig.data[1]!.y).toEqual([3, 3, 2.5, 2]);
    expect(fig.data[2]!.y).toEqual([4, 4, 4, 4]);
    expect(fig.data[3]!.text).toEqual(["indefinite", "convex", "convex", "convex"]);
    expect(fig.data[3]!.yaxis).toBe("y2");
    expect(fig.layout.xaxis2).toMatchObject({ title: { text: "step t (iterations)" } });
  });

  test("several runs: only their sharpness", () => {
    const fig = hessianAlong([track, { ...track, name: "adam", lr: undefined }]);
    expect(fig.data.filter((t) => t.yaxis !== "y2").map((t) => t.name)).toEqual(["gd (lr=0.5): λ_max", "2/η (gd (lr=0.5))", "adam: λ_max"]);
    expect(fig.data.filter((t) => t.yaxis === "y2").map((t) => t.name)).toEqual(["gd (lr=0.5): curvature", "adam: curvature", "curvature: convex", "curvature: indefinite"]);
  });

  test("mismatched lengths are an error", () => {
    expect(() => hessianAlong([{ name: "a", steps: [0, 1], eigenvalues: [[1]] }])).toThrow(/2 steps but 1 eigenvalue samples/);
  });
});

test("non-finite eigenvalues are an error that names them, not a 'degenerate' verdict", () => {
  expect(() => hessianSpectrum([NaN, 1])).toThrow(/^plot\.hessian: eigenvalue 0 is NaN \(expected finite numbers/);
  expect(() => hessianSpectrum([1, Infinity])).toThrow(/eigenvalue 1 is Infinity/);
});
