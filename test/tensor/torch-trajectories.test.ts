/**
 * The float64 reference trajectories from torch.optim (test/fixtures/torch-optim.json, made by
 * test/fixtures/gen/torch_optim.py) followed on every tfjs backend in float32 through
 * `optimizeOnTensors` (what `optimize(..., { backend })` runs): every alias and option set on the
 * well-conditioned quadratic (κ = 100), 150 steps, to 1e-4 relative (max |Δx| / max(‖x‖∞, 1)).
 * On wasm and webgpu the runs go through the fused kernels, on cpu through tfjs ops.
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { ALIASES, type Optimizer } from "../../src/optim/index.js";
import { optimizeOnTensors } from "../../src/tensor/index.js";
import { describeEachBackend, type TestBackend } from "../support/describe-each-backend.js";
import { SYMBOLIC } from "./problems.js";

interface Case {
  id: string;
  problem: string;
  alias: keyof typeof ALIASES;
  options: Record<string, unknown>;
  variant: string;
  horizon: number;
  finite: boolean;
  xs: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-optim.json", import.meta.url), "utf8")) as { source: string; steps: number; cases: Case[] };
const CASES = fixture.cases.filter((c) => c.problem === "quadratic" && c.variant === "plain" && c.alias !== "lbfgs");

function worst(ours: number[][], ref: number[][]): { rel: number; at: number } {
  let rel = 0;
  let at = -1;
  ref.forEach((b, k) => {
    const a = ours[k]!;
    let d = 0;
    let s = 1;
    for (let i = 0; i < b.length; i++) {
      d = Math.max(d, Math.abs(a[i]! - b[i]!));
      s = Math.max(s, Math.abs(b[i]!));
    }
    if (d / s > rel) [rel, at] = [d / s, k];
  });
  return { rel, at };
}

test("the fixture has the quadratic cases this suite follows", () => {
  expect(fixture.source).toMatch(/torch/);
  expect(CASES.length).toBeGreaterThanOrEqual(24);
  expect(new Set(CASES.map((c) => c.alias)).size).toBe(12);
});

describeEachBackend(
  "torch.optim trajectories in float32 (quadratic, 150 steps)",
  (b: TestBackend<any>) => {
    test("every alias follows torch to 1e-4 relative", async () => {
      const before = b.live();
      const problem = SYMBOLIC.quadratic!();
      const bad: string[] = [];
      for (const c of CASES) {
        const opt = (ALIASES[c.alias] as (o: unknown) => Optimizer)(c.options);
        const run = await optimizeOnTensors(b.engine!, problem, opt, Float64Array.from(c.xs[0]!), { steps: fixture.steps, divergenceFactor: Infinity });
        expect(run.xs.length, c.id).toBe(fixture.steps + 1);
        const w = worst(run.xs, c.xs.slice(0, fixture.steps + 1));
        if (!(w.rel <= 1e-4)) bad.push(`${c.id}: ${w.rel.toExponential(2)} at step ${w.at}`);
      }
      expect(bad).toEqual([]);
      expect(b.live()).toBe(before);
    }, 120_000);
  },
  { needs: ["batch"] },
);
