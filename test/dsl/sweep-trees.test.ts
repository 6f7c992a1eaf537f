/** `sweep` with `starts` given as trees (a tree objective's points, a network's params): the same runs as from the flat points. */
import { describe, expect, test } from "vitest";
import { gd, nn, objective, sweep } from "../../dsl/index.js";

describe("sweep starts as trees", () => {
  const f = objective("(W[0,0] + 2 W[0,1] - 1)^2 + (W[1,0] - W[1,1])^2 + b[0]^2 + 0.1 (W[0,0]^2 + W[0,1]^2 + W[1,0]^2 + W[1,1]^2)");
  const opts = { optimizer: (h: Record<string, unknown>) => gd({ lr: h.lr as number }), grid: { lr: [0.01, 0.1] }, steps: 20 };

  test("a list of tree starts runs as the same flat starts, in order (flat entries may be mixed in)", async () => {
    const trees = await sweep(f, { ...opts, starts: [{ W: [[1, 2], [3, 4]], b: [0.5] }, [0, 1, -1, 2, 3], { W: [[-1, 0], [0, 1]], b: [2] }] });
    const flat = await sweep(f, { ...opts, starts: [[1, 2, 3, 4, 0.5], [0, 1, -1, 2, 3], [-1, 0, 0, 1, 2]] });
    expect(trees.results.map((r) => r.finalLoss)).toEqual(flat.results.map((r) => r.finalLoss));
    expect(trees.results.map((r) => r.from)).toEqual(flat.results.map((r) => r.from));
  });

  test("a network's params trees are starts of nn.loss", async () => {
    const m = nn.mlp([2, 3, 1], { seed: 0 });
    const other = nn.mlp([2, 3, 1], { seed: 1 });
    const L = nn.loss(m, { x: [[0, 1], [1, 0], [1, 1]], y: [[1], [0], [0.5]] }, "mse");
    const s = await sweep(L, { ...opts, starts: [m.params, other.params] });
    const flat = await sweep(L, { ...opts, starts: [Array.from(m.initial), Array.from(other.initial)] });
    expect(s.results.map((r) => r.finalLoss)).toEqual(flat.results.map((r) => r.finalLoss));
  });

  test("a tree of the wrong shape is named by its index in starts", async () => {
    await expect(sweep(f, { ...opts, starts: [{ W: [[1, 2], [3, 4]], b: [0.5] }, { W: [[1, 2, 3], [3, 4, 5]], b: [0] }] })).rejects.toThrow(/starts\[1\]/);
  });
});
