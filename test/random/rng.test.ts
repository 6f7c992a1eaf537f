import { describe, expect, expectTypeOf, test } from "vitest";
import { rng } from "../../src/random/index.js";
import { expectDslError } from "../support/dsl-error.js";
import { readFileSync } from "node:fs";

const fixture = JSON.parse(readFileSync(new URL("../fixtures/xoshiro128ss.json", import.meta.url), "utf8")) as { source: string; streams: { seed: number; uint32: number[]; uniform: number[] }[] };

const flat = (x: unknown): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x as number]);

function moments(xs: readonly number[]): { mean: number; variance: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1);
  return { mean, variance };
}

describe("rng(seed)", () => {
  test.each(fixture.streams)("seed $seed follows the reference C xoshiro128** stream and its 53-bit doubles", ({ seed, uint32, uniform }) => {
    const r = rng(seed);
    expect(uint32.map(() => r.nextUint32())).toEqual(uint32);
    expect(uniform.map(() => r.next())).toEqual(uniform);
  });

  test("normal, uniform, int and shuffle give the committed golden values for seed 42", () => {
    // Golden values: printed once by this implementation (tsx, Node 20) right after its uint32
    // stream was checked against test/fixtures/gen/xoshiro128ss.c; the normals use detLog, so
    // they do not depend on the engine's Math.log.
    const r = rng(42);
    expect(r.normal(5)).toEqual([0.31875784963858494, -0.7706160167419408, 0.15178267621950975, -0.12624145471928355, -0.3257678439811117]);
    expect(r.uniform([2, 2], { low: -1, high: 1 })).toEqual([[-0.6841090171359951, -0.4835329631045566], [-0.7984889089924816, 0.044202399047188035]]);
    expect(r.int(10)).toBe(8);
    expect(r.int(1000)).toBe(298);
    expect(r.shuffle([0, 1, 2, 3, 4, 5])).toEqual([2, 1, 4, 5, 0, 3]);
    expect(rng(42).split().normal(3)).toEqual([-0.12472890036894467, -0.5130784862624932, 1.012376807698409]);
  });

  test("the same seed gives the same numbers, another seed others", () => {
    expect(rng(7).normal([3, 4])).toEqual(rng(7).normal([3, 4]));
    expect(rng(7).uniform(8)).not.toEqual(rng(8).uniform(8));
  });

  test("shapes: a number is a vector, [] a number, [2, 3] a matrix of rows", () => {
    const r = rng(1);
    expectTypeOf(r.normal(3)).toEqualTypeOf<number[]>();
    expectTypeOf(r.uniform([2, 3])).toEqualTypeOf<number[][]>();
    expectTypeOf(r.normal()).toEqualTypeOf<number>();
    expect(typeof r.normal()).toBe("number");
    expect(typeof r.uniform([])).toBe("number");
    const m = r.normal([2, 3]) as number[][];
    expect(m.length).toBe(2);
    expect(m.every((row) => row.length === 3)).toBe(true);
    expect(r.uniform(0)).toEqual([]);
  });

  test("1e5 normals have mean within 0.01 and variance within 0.015 of N(2, 3²) scaled", () => {
    // Standard errors at n = 1e5: mean 1/√n ≈ 0.0032, variance √(2/n) ≈ 0.0045 (in units of std²);
    // bounds are ~3 standard errors, and the seed is fixed, so the test is deterministic.
    const xs = flat(rng(123).normal(100_000, { mean: 2, std: 3 }));
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - 2) / 3).toBeLessThan(0.01);
    expect(Math.abs(variance / 9 - 1)).toBeLessThan(0.015);
    // Tails: P(|z| > 3) ≈ 0.0027.
    const tail = xs.filter((x) => Math.abs(x - 2) > 9).length / xs.length;
    expect(tail).toBeGreaterThan(0.0017);
    expect(tail).toBeLessThan(0.0037);
  });

  test("1e5 uniforms on [-1, 3) have mean 1 ± 0.012 and variance 16/12 ± 1.5%", () => {
    const xs = flat(rng(5).uniform(100_000, { low: -1, high: 3 }));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThan(3);
    const { mean, variance } = moments(xs);
    expect(Math.abs(mean - 1)).toBeLessThan(0.012); // se = √(16/12/1e5) ≈ 0.0037
    expect(Math.abs(variance / (16 / 12) - 1)).toBeLessThan(0.015);
  });

  test("int(n) is uniform on 0..n-1: each of 10 values within 5% of 1e4 in 1e5 draws", () => {
    const r = rng(9);
    const counts = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[r.int(10)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500); // se ≈ 95
  });

  test("shuffle returns a permutation and leaves its input alone", () => {
    const a = Array.from({ length: 50 }, (_, i) => i);
    const s = rng(3).shuffle(a);
    expect(a[0]).toBe(0);
    expect([...s].sort((x, y) => x - y)).toEqual(a);
    expect(s).not.toEqual(a);
    expect(rng(3).permutation(50)).toEqual(s);
  });

  test("split() gives a child stream unlike its parent's continuation and reproducible from the seed", () => {
    const p = rng(11);
    const c = p.split();
    const child = flat(c.normal(1000));
    const parent = flat(p.normal(1000));
    expect(child).not.toEqual(parent);
    // Uncorrelated: |corr| of 1000 pairs is ~ N(0, 1/1000); 0.12 is about 4 standard deviations.
    const corr = child.reduce((s, x, i) => s + x * parent[i]!, 0) / Math.sqrt(child.reduce((s, x) => s + x * x, 0) * parent.reduce((s, x) => s + x * x, 0));
    expect(Math.abs(corr)).toBeLessThan(0.12);
    const again = rng(11);
    expect(flat(again.split().normal(1000))).toEqual(child);
    expect(flat(again.normal(1000))).toEqual(parent);
    expect(rng(11).split().uniform(4)).not.toEqual(rng(11).split().split().uniform(4));
  });

  test("bad input names the option", () => {
    expectDslError(() => rng(1.5), "bad-option", /^rng: the seed must be an integer with \|seed\| < 2\^53, got 1.5$/);
    expectDslError(() => rng(0).normal([2, -1]), "bad-option", /^rng.normal: shape entry 1 must be a non-negative integer, got -1$/);
    expectDslError(() => rng(0).normal(2, { std: -1 }), "bad-option", /std must be ≥ 0/);
    expectDslError(() => rng(0).uniform(2, { low: 1, high: 0 }), "bad-option", /high must be ≥ low/);
    expectDslError(() => rng(0).int(0), "bad-option", /^rng.int: n must be a positive integer/);
    expectDslError(() => rng(0).normal("3" as never), "bad-option", /shape must be a number or an array/);
  });
});
