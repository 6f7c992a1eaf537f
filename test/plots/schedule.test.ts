import { expect, test } from "vitest";
import { scheduleChart } from "../../src/plots/schedule.js";

test("lr against step per schedule; momentum on a second panel", () => {
  const lrs = Array.from({ length: 100 }, (_, t) => 0.05 * (1 + Math.cos((Math.PI * t) / 100)));
  const fig = scheduleChart([{ name: "cosine", lrs }, { name: "oneCycle", lrs, momentum: lrs.map((v) => 0.95 - v) }]);
  expect(fig.data.map((t) => t.name)).toEqual(["cosine", "oneCycle", "oneCycle: momentum"]);
  expect(fig.data[0]!.y).toHaveLength(100);
  expect(fig.data[0]).toMatchObject({ x0: 0, dx: 1 });
  expect(fig.data[2]!.yaxis).toBe("y2");
  expect(fig.layout.yaxis).toMatchObject({ title: { text: "learning rate η" }, type: "linear" });
  expect(fig.layout.yaxis2).toMatchObject({ title: { text: "momentum / β₁" } });
  expect(fig.summary).toMatch(/cosine: 0.1 → /);
});

test("log scale on request; empty input is an error", () => {
  expect(scheduleChart([{ name: "exp", lrs: [1, 0.1, 0.01] }], { yScale: "log" }).layout.yaxis).toMatchObject({ type: "log" });
  expect(() => scheduleChart([])).toThrow(/at least one schedule/);
});

test("a cosine past its period is summarised with the range it covers, not only its two ends", async () => {
  const { rangeSummary } = await import("../../src/plots/schedule.js");
  const lrs = Array.from({ length: 201 }, (_, t) => 0.05 * (1 + Math.cos((Math.PI * t) / 100)));
  lrs[200] = 0.0999;
  expect(rangeSummary(lrs)).toBe("0.1 → 0.0999 over 201 steps, between 0 (step 100) and 0.1");
  expect(rangeSummary([0.1, 0.05, 0.01])).toBe("0.1 → 0.01 over 3 steps");
  const fig = scheduleChart([{ name: "cosine", lrs }]);
  expect(fig.summary).toMatch(/between 0 \(step 100\) and 0\.1/);
});
