import { expect, test } from "vitest";
import { Figure } from "../../src/plots/index.js";
import { runReadmeBlocks } from "./readme-blocks.js";

test("every example of docs/readme/plots.md runs, and each pictured one returns a chart", async () => {
  const figs = await runReadmeBlocks();
  expect(figs.map((f) => f.image)).toEqual([
    "plots-comparison.png", "plots-loss.png", "plots-contour.png", "plots-surface.png", "plots-hessian.png", "plots-sharpness.png",
    "plots-rates.png", "plots-gradcheck.png", "plots-schedule.png", "plots-sweep.png",
  ]);
  for (const { fig } of figs) {
    expect(fig).toBeInstanceOf(Figure);
    expect(fig.data.length).toBeGreaterThan(0);
  }
});
