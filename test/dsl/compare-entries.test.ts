/**
 * `compare` with per-entry run options: `{ name: { optimizer, ...runOptions } }` overrides the
 * shared options for that run, and the table and legends say what differs.
 */
import { describe, expect, test } from "vitest";
import { adam, compare, compareAsync, gd, objective, optimize, sgd } from "../../dsl/index.js";
import { runsOf } from "../../src/plots/index.js";
import { expectDslError } from "../support/dsl-error.js";

const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
const from = [-1.2, 1];

describe("compare with per-entry options", () => {
  test("clipped vs plain: each run equals optimize with its own options", () => {
    const c = compare(f, { clipped: { optimizer: sgd({ lr: 1e-3 }), clipNorm: 1 }, plain: sgd({ lr: 1e-3 }) }, { from, steps: 100 });
    expect(c.runs.clipped!.losses).toEqual(optimize(f, sgd({ lr: 1e-3 }), { from, steps: 100, clipNorm: 1 }).losses);
    expect(c.runs.plain!.losses).toEqual(optimize(f, sgd({ lr: 1e-3 }), { from, steps: 100 }).losses);
    expect(c.runs.clipped!.losses).not.toEqual(c.runs.plain!.losses);
    expect(c.differences).toEqual({ clipped: ["clipNorm=1"], plain: ["clipNorm=none"] });
  });

  test("entry options override the shared ones (steps, from), and params keep each start's structure", () => {
    const c = compare(f, { near: { optimizer: adam({ lr: 0.01 }), from: { x: 0.9, y: 0.8 }, steps: 10 }, far: adam({ lr: 0.01 }) }, { from, steps: 20 });
    expect(c.runs.near!.steps).toBe(10);
    expect(c.runs.far!.steps).toBe(20);
    expect(c.runs.near!.paramsAt(0)).toEqual({ x: 0.9, y: 0.8 });
    expect(c.runs.far!.paramsAt(0)).toEqual(from);
    expect(c.differences.near).toEqual(["start={\"x\":0.9,\"y\":0.8}", "steps=10"]);
    expect(c.differences.far).toEqual(["start=[-1.2, 1]", "steps=20"]);
  });

  test("an entry's epochs replace the shared steps", () => {
    const xs = Array.from({ length: 16 }, (_, i) => i / 4 - 2);
    const fit = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((x) => 1 - x) } });
    const c = compare(fit, { epochs: { optimizer: sgd({ lr: 0.05 }), epochs: 3, batchSize: 4 }, steps: sgd({ lr: 0.05 }) }, { from: [0, 0], steps: 7 });
    expect(c.runs.epochs!.steps).toBe(12);
    expect(c.runs.steps!.steps).toBe(7);
  });

  test("the table has a 'differs' column; the legend keeps the user's names as written", () => {
    const c = compare(f, { a: { optimizer: sgd({ lr: 1e-3 }), clipValue: 2 }, b: sgd({ lr: 1e-4 }) }, { from, steps: 5 });
    const text = c.tableBundle()["text/plain"] as string;
    expect(text.split("\n")[1]).toMatch(/^name\s+differs\s+optimizer/);
    expect(text).toMatch(/\na\s+lr=0\.001, clipValue=2/);
    expect(text).toMatch(/\nb ★\s+lr=1e-4, clipValue=none/);
    expect((c.tableBundle()["text/html"] as string)).toContain("<th>differs</th>");
    // "a" and "b" are the user's names, not optimizer names: kept as written (the table says what differs)
    expect(runsOf(c, "plot").map((s) => s.name)).toEqual(["a", "b"]);
    // optimizer-named entries get what differs, an unset option left out (no "clipValue=none")
    const d = compare(f, { sgd: { optimizer: sgd({ lr: 1e-3 }), clipValue: 2 }, sgd2: sgd({ lr: 1e-4 }) }, { from, steps: 5 });
    expect(runsOf(d, "plot").map((s) => s.name)).toEqual(["sgd (lr=0.001, clipValue=2)", "sgd2 (lr=10⁻⁴)"]);
  });

  test("a comparison where only the optimizer differs has no 'differs' column", () => {
    const c = compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.01 }) }, { from, steps: 5 });
    expect(c.differences).toEqual({ gd: [], adam: [] });
    expect(c.tableBundle()["text/plain"]).not.toMatch(/differs/);
  });

  test("batch size per entry on a data-backed objective: reproducible from the seed", () => {
    const xs = Array.from({ length: 64 }, (_, i) => i / 16 - 2);
    const fit = objective("(w x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((x) => 2 * x + 1) } });
    const spec = { small: { optimizer: sgd({ lr: 0.02 }), batchSize: 8 }, full: sgd({ lr: 0.02 }) };
    const c1 = compare(fit, spec, { from: [0, 0], steps: 50, seed: 3 });
    const c2 = compare(fit, spec, { from: [0, 0], steps: 50, seed: 3 });
    expect(c1.runs.small!.losses).toEqual(c2.runs.small!.losses);
    expect(c1.runs.small!.batchLosses).toBeDefined();
    expect(c1.runs.full!.batchLosses).toBeUndefined();
    expect(c1.differences.small).toEqual(["batch=8"]);
    expect(c1.differences.full).toEqual(["batch=full"]);
  });

  test("compareAsync takes the same entries and gives the same runs", async () => {
    const spec = { clipped: { optimizer: sgd({ lr: 1e-3 }), clipNorm: 1 }, plain: sgd({ lr: 1e-3 }) };
    const a = await compareAsync(f, spec, { from, steps: 50, live: false });
    const b = compare(f, spec, { from, steps: 50 });
    expect(a.runs.clipped!.losses).toEqual(b.runs.clipped!.losses);
    expect(a.differences).toEqual(b.differences);
  });

  test("a { f, grad } model with a tree start per entry", () => {
    const m = { f: (p: { w: number[] }) => p.w.reduce((s, v) => s + v * v, 0), grad: (p: { w: number[] }) => ({ w: p.w.map((v) => 2 * v) }) };
    const c = compare(m, { one: { optimizer: gd({ lr: 0.1 }), from: { w: [1, 1] } }, two: { optimizer: gd({ lr: 0.1 }), from: { w: [2, -2] } } }, { steps: 3 });
    expect(c.runs.two!.params).toEqual({ w: [2 * 0.8 ** 3, -2 * 0.8 ** 3].map((v) => expect.closeTo(v, 14)) });
    expect(c.runs.one!.names).toEqual(["w[0]", "w[1]"]);
  });
});

describe("per-entry options on a tfjs backend", () => {
  test("backend cpu: each entry runs with its own options, to float32 accuracy of float64, params shaped like from", async () => {
    const spec = { clipped: { optimizer: sgd({ lr: 1e-3 }), clipNorm: 1, from: { x: -1, y: 1 } }, plain: sgd({ lr: 1e-3 }) };
    const t = await compare(f, spec, { from, steps: 30, backend: "cpu" });
    const r = compare(f, spec, { from, steps: 30 });
    for (const name of ["clipped", "plain"]) {
      t.runs[name]!.losses.forEach((l, k) => expect(l).toBeCloseTo(r.runs[name]!.losses[k]!, 3));
    }
    expect(t.differences).toEqual(r.differences);
    expect(Object.keys(t.runs.clipped!.params as object)).toEqual(["x", "y"]);
  });
});

describe("bad entries", () => {
  test("an option for the whole comparison inside an entry is named", () => {
    expectDslError(() => compare(f, { a: { optimizer: sgd(), backend: "wasm" } as never }, { from, steps: 1 }), "bad-option", /^compare: 'backend' applies to the whole comparison; give it in the options \(third argument\), not in entry 'a'$/);
  });

  test("a bad entry option and a bad entry optimizer are named with the entry", () => {
    const e = expectDslError(() => compare(f, { a: { optimizer: sgd(), clipNorm: -1 } }, { from, steps: 1 }), "bad-option", /^compare\.a: clipNorm/);
    expect(e.path).toMatch(/^compare\.a\.clipNorm/);
    expect(expectDslError(() => compare(f, { a: { optimizer: "adamm" as never } }, { from, steps: 1 }), "bad-optimizer", /did you mean adam/).path).toBe("compare.a.optimizer");
    expectDslError(() => compare(f, { a: { optimizer: sgd(), stepz: 3 } as never }, { from, steps: 1 }), "unknown-option", /stepz/);
  });

  test("an optimizer option given in the entry says where it belongs", () => {
    const e = expectDslError(() => compare(f, { a: { optimizer: adam(), lr: 0.1 } as never }, { from, steps: 1 }), "unknown-option", /^compare: entry 'a' gives lr, an option of the optimizer, not of the run: write \{ optimizer: adam\(\{ lr: 0\.1 \}\) \}$/);
    expect(e.path).toBe("compare.a.lr");
  });

  test("a per-entry start of the wrong length is named", () => {
    expectDslError(() => compare(f, { a: { optimizer: sgd(), from: [1, 2, 3] } }, { from, steps: 1 }), "bad-start", /the start point has 3 values, the objective has 2 variables/);
  });
});
