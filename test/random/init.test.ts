import { describe, expect, expectTypeOf, test } from "vitest";
import { init, rng } from "../../src/random/index.js";
import { expectDslError } from "../support/dsl-error.js";
import { readFileSync } from "node:fs";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-init.json", import.meta.url), "utf8")) as { tanhGain: number; reluGain: number; leakyReluGainDefault: number; vectorError: string | null; cases: { init: string; shape: number[]; gain: number | null; fanIn: number; fanOut: number; low?: number; high?: number; mean?: number; std?: number }[] };

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);
type Name = "xavierUniform" | "xavierNormal" | "heUniform" | "heNormal";

describe("init.* follow torch.nn.init (fixture from torch 1.13)", () => {
  test.each(fixture.cases)("$init $shape gain $gain: fans and distribution as torch", (c) => {
    const name = c.init as Name;
    const opts = { rng: rng(0), ...(c.gain !== null && c.gain !== 1 ? { gain: c.gain } : {}) };
    // Draw the shape repeatedly (~4e4 entries) so that the sample shows the bound or std.
    const xs: number[] = [];
    const r = rng(1);
    for (let k = 0; k < Math.ceil(40_000 / c.shape.reduce((p, d) => p * d, 1)); k++) xs.push(...flat(init[name](c.shape, { ...opts, rng: r })));
    if ("high" in c) {
      expect(Math.max(...xs.map(Math.abs))).toBeLessThanOrEqual(c.high!);
      expect(Math.max(...xs.map(Math.abs))).toBeGreaterThan(0.99 * c.high!);
      // Variance of U(-a, a) is a²/3.
      const v = xs.reduce((s, x) => s + x * x, 0) / xs.length;
      expect(Math.abs(v / (c.high! ** 2 / 3) - 1)).toBeLessThan(0.03);
    } else {
      const v = xs.reduce((s, x) => s + x * x, 0) / xs.length;
      expect(Math.abs(Math.sqrt(v) / c.std! - 1)).toBeLessThan(0.02);
    }
  });

  test("the bounds and stds are torch's doubles exactly", () => {
    for (const c of fixture.cases) {
      const name = c.init as Name;
      // Same stream twice: the initializer's entries must be torch's bound (or std) applied to
      // the raw uniform (or standard normal) draws, to the last bit.
      const r1 = rng(3);
      const r2 = rng(3);
      const got = flat(init[name](c.shape, { rng: r1, ...(c.gain !== null && c.gain !== 1 ? { gain: c.gain } : {}) }));
      if ("high" in c) {
        const raw = flat(r2.uniform(c.shape as number[]));
        got.forEach((x, i) => expect(x).toBe(-c.high! + (c.high! - -c.high!) * raw[i]!));
      } else {
        const raw = flat(r2.normal(c.shape as number[]));
        got.forEach((x, i) => expect(x).toBe(0 + c.std! * raw[i]!));
      }
    }
  });

  test("He's default gain is √2 (torch kaiming_*_ with a = 0), not calculate_gain('leaky_relu')'s default slope", () => {
    expect(fixture.reluGain).toBe(Math.SQRT2);
    const c = fixture.cases.find((k) => k.init === "heNormal" && k.shape[1] === 5)!;
    expect(c.std).toBe(Math.SQRT2 / Math.sqrt(5));
  });

  test("zeros, mode fan_out, and a seed instead of a stream", () => {
    expectTypeOf(init.heNormal([4, 2], { seed: 0 })).toEqualTypeOf<number[][]>();
    expectTypeOf(init.zeros(4)).toEqualTypeOf<number[]>();
    expect(init.zeros([2, 3])).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(init.zeros(2)).toEqual([0, 0]);
    expect(init.heNormal([4, 2], { seed: 5 })).toEqual(init.heNormal([4, 2], { rng: rng(5) }));
    const a = flat(init.heUniform([4, 100], { rng: rng(0), mode: "fan_out" }));
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(Math.sqrt(3) * (Math.SQRT2 / Math.sqrt(4)));
    expect(Math.max(...a.map(Math.abs))).toBeGreaterThan(Math.sqrt(3 / 100) * Math.SQRT2);
  });

  test("a 1-D shape is an error, as in torch", () => {
    expect(fixture.vectorError).toMatch(/fewer than 2 dimensions/);
    expectDslError(() => init.xavierUniform([5], { rng: rng(0) }), "bad-option", /^init.xavierUniform: fan in and fan out can not be computed for a shape with fewer than 2 dimensions, got \[5\]/);
    expectDslError(() => init.heNormal([3, 2]), "bad-option", /^init.heNormal: needs a random stream: \{ rng: rng\(0\) \} or \{ seed: 0 \}/);
    expectDslError(() => init.heNormal([3, 2], { rng: 3 as never }), "bad-option", /rng must be a stream made by rng\(seed\), got 3/);
    expectDslError(() => init.xavierNormal([3, 2], { rng: rng(0), gain: -1 }), "bad-option", /gain must be a finite number ≥ 0/);
  });
});
