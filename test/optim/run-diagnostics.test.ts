/**
 * The divergence diagnosis of a run (src/optim/run-diagnostics.ts) on problems too large for a
 * dense Hessian: it must never throw, and it finds L at the start by Lanczos.
 */
import { describe, expect, test } from "vitest";
import { gd, nn, optimize, sgd } from "../../dsl/index.js";
import type { Problem } from "../../src/problem/index.js";

/** f(x) = ½ Σ dᵢ xᵢ² with only Hessian-vector products (no hessianInto), n = 600. */
function bigQuadratic(n: number): Problem {
  const d = Float64Array.from({ length: n }, (_, i) => 1 + (99 * i) / (n - 1));
  return {
    n,
    names: Array.from({ length: n }, (_, i) => `x${i}`),
    valueAt: (x) => x.reduce((s, v, i) => s + 0.5 * d[i]! * v * v, 0),
    valueAndGradInto(x, g) {
      let s = 0;
      for (let i = 0; i < n; i++) {
        g[i] = d[i]! * x[i]!;
        s += 0.5 * d[i]! * x[i]! * x[i]!;
      }
      return s;
    },
    hvpInto(_x, v, out) {
      for (let i = 0; i < n; i++) out[i] = d[i]! * v[i]!;
    },
  } as Problem;
}

describe("divergence diagnosis of large problems", () => {
  test("a network with more parameters than a dense Hessian allows diverges with a message, not a throw", () => {
    const x = Array.from({ length: 32 }, (_, i) => Array.from({ length: 16 }, (_, j) => Math.sin(i + 3 * j)));
    const y = x.map((v) => [v[0]! - v[1]!]);
    const big = nn.mlp([16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 1], { activation: "identity", seed: 0 });
    const L = nn.loss(big, { x, y }, "mse");
    expect(L.n).toBeGreaterThan(2000);
    const run = optimize(L, sgd({ lr: 1e3 }), { steps: 50 });
    expect(run.status).toBe("diverged");
    expect(run.message).toMatch(/^diverged at step \d+: loss .*lr 1000 exceeds 2\/L = .* at the start \(L = .*, the largest Hessian eigenvalue there\)/);
  });

  test("above the dense limit, L at the start comes from Lanczos on Hessian-vector products", () => {
    const f = bigQuadratic(600);
    const run = optimize(f, gd({ lr: 0.05 }), { from: new Array(600).fill(1), steps: 200 });
    expect(run.status).toBe("diverged");
    // L = 100 exactly (the largest dᵢ): 2/L = 0.02
    expect(run.message).toMatch(/lr 0\.05 exceeds 2\/L = 0\.02 at the start \(L = 100,/);
  });
});
