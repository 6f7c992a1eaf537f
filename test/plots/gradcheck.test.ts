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

test("checks its input", () => {
  expect(() => gradcheckCurve({ hs: [1], curves: [] })).toThrow(/at least two positive step sizes/);
  expect(() => gradcheckCurve({ hs: [1, 0.1], curves: [{ name: "x", values: [1] }] })).toThrow(/has 1 errors for 2 step sizes/);
});
