import { expect, test } from "vitest";
import { gradcheckCurve } from "../../src/plots/gradcheck.js";

const hs = Array.from({ length: 13 }, (_, k) => 10 ** (-1 - k));
// A textbook V for central differences: truncation h², rounding 1e-16/h.
const v = (c: number) => hs.map((h) => c * h * h + 1e-16 / h);

test("log-log curves per coordinate and scheme, with rounding and truncation guides through the vertex", () => {
  const fig = gradcheckCurve({
    hs,
    curves: [
      { name: "x", method: "central", values: v(1) },
      { name: "x", method: "forward", values: hs.map((h) => h + 1e-16 / h) },
      { name: "y", method: "central", values: v(3) },
    ],
    chosenH: 1e-5,
  });
  expect(fig.layout.xaxis).toMatchObject({ type: "log", title: { text: "step h" } });
  expect(fig.layout.yaxis).toMatchObject({ type: "log" });
  const curves = fig.data.filter((t) => t.mode === "lines+markers");
  expect(curves.map((t) => t.name)).toEqual(["x (central)", "x (forward)", "y (central)"]);
  expect((curves[0]!.line as { color: string }).color).toBe((curves[1]!.line as { color: string }).color);
  expect((curves[1]!.line as { dash: string }).dash).toBe("dash");
  const names = fig.data.filter((t) => t.mode === "lines").map((t) => t.name);
  expect(names).toEqual(["rounding ∝ ε/h", "truncation ∝ h² (central)", "truncation ∝ h (forward)", "h used = 10⁻⁵"]);
  // The central median (x's curve): h² + 1e-16/h is 1.1e-10 at h = 1e-5 and 1.01e-10 at 1e-6.
  const trunc = fig.data.find((t) => t.name === "truncation ∝ h² (central)")!;
  expect((trunc.x as number[])[0]).toBe(1e-6);
  expect(fig.summary).toMatch(/vertex at h ≈ 10⁻⁶/);
});

test("a lucky dip is not a V: one exact hit at one h neither places the vertex nor stretches the axis to 1e24", () => {
  // The error is ≈ 1 at every h with a dip to 1e-6 at the smallest h: a wrong gradient with one
  // lucky cancellation. Read as a vertex, h² from it out to h = 0.1 would reach 1e-6·1e24.
  const err = hs.map((h, k) => (k === hs.length - 1 ? 1e-6 : 1 + h));
  const fig = gradcheckCurve({ hs, curves: [{ name: "w", values: err }], chosenH: 1e-5 });
  const hi = Math.max(...err);
  const guides = fig.data.filter((t) => t.mode === "lines");
  expect(guides.map((t) => t.name)).toEqual(["correct gradient's V: rounding ∝ ε/h", "correct gradient's V: truncation ∝ h²", "h used = 10⁻⁵"]);
  for (const g of guides.slice(0, 2)) {
    const [x0, x1] = g.x as number[], [y0, y1] = g.y as number[];
    expect(Math.abs(Math.log(y1! / y0!) / Math.log(x1! / x0!))).toBeCloseTo(g.name!.includes("ε/h") ? 1 : 2, 10);
    for (const y of g.y as number[]) expect(y).toBeLessThanOrEqual(10 * hi * (1 + 1e-12));
  }
  const range = (fig.layout.yaxis as { range: number[] }).range;
  expect(range[1]! - Math.log10(hi)).toBeLessThan(1.5);
  expect(fig.summary).toMatch(/no V/);
});

test("a passing check's vertex is the V's bottom, not a coordinate's lucky exact hit", async () => {
  const { gradcheck, objective } = await import("../../dsl/index.js");
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const vc = gradcheck(f, { at: [-1.2, 1] }).vcurve();
  // y enters quadratically: its central difference is exact (≈ 1e-14) at many steps
  const fig = gradcheckCurve({ hs: vc.h, curves: vc.series.map((c) => ({ name: c.name, method: c.method, values: c.error })) });
  // the central truncation guide starts at the vertex
  const trunc = fig.data.find((t) => t.name === "truncation ∝ h² (central)")!;
  const h = (trunc.x as number[])[0]!;
  expect(h).toBeGreaterThanOrEqual(1e-7);
  expect(h).toBeLessThanOrEqual(1e-4);
});

test("a failing check's flat error: the y range covers the guides over decades, and they show a correct gradient's V", async () => {
  // f = x², gradient written as 3x: the error is |2 − 3| = 1 at every step (0.4–0.9-like: flat).
  const { gradcheck } = await import("../../dsl/index.js");
  const report = gradcheck({ f: (p: number[]) => p[0]! ** 2, grad: (p: number[]) => [3 * p[0]!] }, { at: [1] });
  const vc = report.vcurve();
  const fig = gradcheckCurve({ hs: vc.h, scale: 3, curves: vc.series.map((c) => ({ name: c.name, method: c.method, values: c.error })) });
  const data = vc.series.flatMap((c) => c.error.filter((e) => e > 0 && Number.isFinite(e)));
  expect(Math.max(...data) / Math.min(...data)).toBeLessThan(10);
  const range = (fig.layout.yaxis as { type: string; range: number[] }).range;
  expect(fig.layout.yaxis).toMatchObject({ type: "log" });
  // at least 4 decades, and the data inside
  expect(range[1]! - range[0]!).toBeGreaterThanOrEqual(4);
  expect(range[0]).toBeLessThan(Math.log10(Math.min(...data)));
  expect(range[1]).toBeGreaterThan(Math.log10(Math.max(...data)));
  const guides = fig.data.filter((t) => t.mode === "lines" && String(t.name).startsWith("correct gradient's V"));
  expect(guides.map((t) => t.name).sort()).toEqual(["correct gradient's V: rounding ∝ ε/h", "correct gradient's V: truncation ∝ h (forward)", "correct gradient's V: truncation ∝ h² (central)"]);
  for (const g of guides) {
    const y = g.y as number[];
    // each guide spans decades (not a spike at the edge) and lies inside the axis range
    expect(Math.abs(Math.log10(y[1]! / y[0]!))).toBeGreaterThan(2);
    for (const v of y) {
      expect(Math.log10(v)).toBeGreaterThanOrEqual(range[0]!);
      expect(Math.log10(v)).toBeLessThanOrEqual(range[1]!);
    }
  }
  // the central V bottoms out near ε^(2/3)·scale, about ten decades under the flat error
  const central = guides.find((g) => String(g.name).endsWith("(central)"))!;
  expect((central.y as number[])[0]).toBeCloseTo(3 * 2 ** (-52 * 2 / 3), 20);
  expect(fig.summary).toMatch(/no V: the error stays between/);
});

test("checks its input", () => {
  expect(() => gradcheckCurve({ hs: [1], curves: [] })).toThrow(/at least two positive step sizes/);
  expect(() => gradcheckCurve({ hs: [1, 0.1], curves: [{ name: "x", values: [1] }] })).toThrow(/has 1 errors for 2 step sizes/);
});
