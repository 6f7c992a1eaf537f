/** `plot.contour` / `plot.heatmap` / `plot.surface` with `at` given as a tree: the same plane as through the flat point. */
import { describe, expect, test } from "vitest";
import { objective, plot } from "../../dsl/index.js";
import { expectDslError } from "../support/dsl-error.js";

describe("a landscape's at as a tree", () => {
  const f = objective("(W[0,0] + 2 W[0,1] - 1)^2 + (W[1,0] - W[1,1])^2 + b[0]^2");
  const tree = { W: [[1, 2], [3, 4]], b: [0.5] };
  const spec = (fig: unknown) => JSON.stringify((fig as { spec?: unknown }).spec ?? fig);

  test("draws the plane through the tree's flat point", () => {
    for (const draw of [plot.contour, plot.heatmap, plot.surface]) {
      expect(spec(draw(f, { at: tree, dims: [0, 3] }))).toBe(spec(draw(f, { at: [1, 2, 3, 4, 0.5], dims: [0, 3] })));
    }
    // another point gives another plane
    expect(spec(plot.contour(f, { at: { W: [[1, 2], [3, 4]], b: [2] }, dims: [0, 3] }))).not.toBe(spec(plot.contour(f, { at: tree, dims: [0, 3] })));
  });

  test("a tree of the wrong shape and a bad flat point are named", () => {
    expectDslError(() => plot.contour(f, { at: { W: [[1, 2, 3]], b: [0] }, dims: [0, 3] }), "bad-point", /W/);
    expectDslError(() => plot.contour(f, { at: [1, NaN, 3, 4, 0.5], dims: [0, 3] }), "bad-option", /plot\.contour: at must be an array of finite numbers or a point tree of the objective, got/);
    expectDslError(() => plot.contour(f, { at: "origin" as never, dims: [0, 3] }), "bad-option", /at must be an array of finite numbers/);
  });
});
