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
  expect(names).toEqual(["rounding ∝ ε/h", "truncation ∝ h² (central)", "truncation ∝ h (forward)", "h used = 1e-5"]);
  // The central median (x's curve): h² + 1e-16/h is 1.1e-10 at h = 1e-5 and 1.01e-10 at 1e-6.
  const trunc = fig.data.find((t) => t.name === "truncation ∝ h² (central)")!;
  expect((trunc.x as number[])[0]).toBe(1e-6);
  expect(fig.summary).toMatch(/vertex at h ≈ 1e-6/);
});

test("a failing check's guides stay within the errors' range (no axis stretched to 1e24)", async () => {
  // A wrong gradient: the error is the bug's size (≈ 1) at every h, with a dip to 1e-6 at the
  // smallest h, so the vertex is there and h² from it out to h = 0.1 would reach 1e-6·1e18.
  const err = hs.map((h, k) => (k === hs.length - 1 ? 1e-6 : 1 + h));
  const fig = gradcheckCurve({ hs, curves: [{ name: "w", values: err }], chosenH: 1e-5 });
  const curveY = err;
  const lo = Math.min(...curveY), hi = Math.max(...curveY);
  const guides = fig.data.filter((t) => t.mode === "lines");
  expect(guides.map((t) => t.name)).toEqual(["truncation ∝ h²", "h used = 1e-5"]);
  for (const g of guides) for (const y of g.y as number[]) {
    expect(y).toBeGreaterThanOrEqual(lo * (1 - 1e-12));
    expect(y).toBeLessThanOrEqual(hi * (1 + 1e-12));
  }
  // the truncation line is cut where it reaches the largest error, and keeps its slope 2
  const t = guides[0]!;
  const [x0, x1] = t.x as number[], [y0, y1] = t.y as number[];
  expect(x0).toBe(1e-13);
  expect(Math.log(y1! / y0!) / Math.log(x1! / x0!)).toBeCloseTo(2, 10);
  expect(y1).toBeCloseTo(hi, 10);
  // the same through a real gradient check with a wrong gradient, as its display draws it
  const { gradcheck } = await import("../../dsl/index.js");
  const report = gradcheck({ f: (p: number[]) => p[0]! ** 2, grad: (p: number[]) => [3 * p[0]!] }, { at: [1] });
  const vc = report.vcurve();
  const real = gradcheckCurve({ hs: vc.h, curves: vc.series.map((c) => ({ name: c.name, method: c.method, values: c.error })) });
  const data = vc.series.flatMap((c) => c.error.filter((e) => e > 0 && Number.isFinite(e)));
  for (const g of real.data.filter((tr) => tr.mode === "lines")) for (const y of g.y as number[]) expect(y).toBeLessThanOrEqual(Math.max(...data) * (1 + 1e-12));
});

test("checks its input", () => {
  expect(() => gradcheckCurve({ hs: [1], curves: [] })).toThrow(/at least two positive step sizes/);
  expect(() => gradcheckCurve({ hs: [1, 0.1], curves: [{ name: "x", values: [1] }] })).toThrow(/has 1 errors for 2 step sizes/);
});
