import { expect, test } from "vitest";
import { legendName, runsOf } from "../../src/plots/runs.js";

const run = (name: string, hyper: Record<string, unknown>) => ({ name, losses: [2, 1], xs: [[0], [1]], gradNorms: [1, 0.5], lrs: [0.1], status: "max-steps", hyperparameters: hyper });

test("legend names carry the learning rate and the hyperparameters that leave their defaults", () => {
  expect(legendName("adam", { lr: 0.01, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false })).toBe("adam (lr=0.01)");
  expect(legendName("sgd", { lr: 1e-3, momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 1e-4 })).toBe("sgd (lr=0.001, momentum=0.9, nesterov, wd=1e-4)");
  expect(legendName("adam", { lr: 0.1, betas: [0.5, 0.9], amsgrad: true })).toBe("adam (lr=0.1, betas=(0.5, 0.9), amsgrad)");
  expect(legendName("lbfgs", { lr: 1, lineSearch: "strong-wolfe" })).toBe("lbfgs (lr=1, strong-wolfe)");
  const cosine = Object.assign((k: number) => k, {});
  Object.defineProperty(cosine, "name", { value: "cosine" });
  expect(legendName("gd", { lr: cosine })).toBe("gd (lr=cosine)");
  expect(legendName("my adam lr=0.1", { lr: 0.1 })).toBe("my adam lr=0.1");
  expect(legendName("plain")).toBe("plain");
});

test("runsOf reads a run, an array, a comparison and a record, keeping order and names", () => {
  const a = run("adam", { lr: 0.01 }), b = run("sgd", { lr: 0.1 });
  expect(runsOf(a, "t").map((r) => r.name)).toEqual(["adam (lr=0.01)"]);
  expect(runsOf([a, b], "t").map((r) => r.name)).toEqual(["adam (lr=0.01)", "sgd (lr=0.1)"]);
  expect(runsOf({ names: ["fast", "slow"], runs: { slow: a, fast: b } }, "t").map((r) => r.name)).toEqual(["fast (lr=0.1)", "slow (lr=0.01)"]);
  expect(runsOf({ one: a, two: b }, "t").map((r) => r.name)).toEqual(["one (lr=0.01)", "two (lr=0.1)"]);
  const s = runsOf(a, "t")[0]!;
  expect(s).toMatchObject({ losses: [2, 1], gradNorms: [1, 0.5], lrs: [0.1], status: "max-steps" });
  expect(() => runsOf(42, "plot.loss")).toThrow(expect.objectContaining({ code: "bad-argument", message: expect.stringMatching(/^plot\.loss: expected a run .* got 42$/) }));
});
