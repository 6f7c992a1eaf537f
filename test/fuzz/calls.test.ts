/**
 * Fuzz: the rest of the public API with random arguments (issue 16): objective options and
 * points, parameter trees, rng and init, nn.mlp / nn.loss, gradcheck, curvature, plot.*,
 * sweep. Each call works or throws a DslError naming what it was given.
 */
import { describe, test } from "vitest";
import * as optlab from "../../dsl/index.js";
import { check, checkAsync, expectCoherentRun, expectNoCoercion, expectUnknownRefused, fc, mutated, outcome, outcomeAsync, safe, weird } from "./harness.js";

const { objective, optimize, gd, adam, tree, rng, init, nn, gradcheck, curvature, plot, sweep, schedules } = optlab;
const quad = objective("(x - 1)^2 + 10 (y + 2)^2 + x y / 4");

/** Names: identifiers, index forms, and junk. */
const nameArb = fc.oneof(
  fc.constantFrom("x", "y", "w", "b", "x[1]", "W[1,2]", "x[1..3]", "x[3..1]", "θ", "x y", "x;1", "1x", "", "x[", "x[1.5]", "__proto__", "constructor", "sin", "pi", "e", "a".repeat(300)),
  fc.string({ maxLength: 6 }),
);

describe("fuzz: objective options and points", () => {
  test("objective(src, opts) works or names the bad option", () => {
    const valid = { vars: ["w", "b"], constants: { c: 2 }, name: "g" };
    const extra = fc.oneof(fc.array(nameArb, { maxLength: 3 }), fc.dictionary(nameArb, weird, { maxKeys: 2 }), nameArb);
    check(1200, mutated(valid, extra), ({ opts, m }) => {
      const input = opts;
      const r = outcome(() => objective("(w - 1)^2 + b^2", opts as never), m, input);
      expectUnknownRefused(m, r.ok, input);
      if (r.ok) {
        for (const v of r.value.vars) if (!/^[A-Za-z_]\w*(\[[\d,]+\])?$/.test(v)) throw new Error(`variable name ${JSON.stringify(v)} accepted: ${safe(input)}`);
      }
    });
  });

  test("data-backed objective(summand, { params, data }) works or names the bad option", () => {
    const valid = { params: ["w", "b"], data: { x: [1, 2, 3], y: [2, 4, 7] }, reduce: "mean" };
    const extra = fc.oneof(
      fc.array(nameArb, { maxLength: 3 }),
      fc.record({ x: fc.array(weird, { maxLength: 3 }), y: fc.array(fc.double(), { maxLength: 3 }) }),
      fc.dictionary(nameArb, fc.array(fc.double({ noNaN: true }), { minLength: 3, maxLength: 3 }), { maxKeys: 3 }),
      fc.constantFrom("sum", "mean", "median"),
    );
    check(1000, mutated(valid, extra), ({ opts, m }) => {
      const r = outcome(() => objective("(w x + b - y)^2", opts as never), m, opts);
      expectUnknownRefused(m, r.ok, opts);
      if (r.ok) {
        const run = outcome(() => optimize(r.value, gd({ lr: 0.01 }), { from: [0, 0], steps: 5 }), {}, opts);
        if (run.ok) expectCoherentRun(run.value, opts);
      }
    });
  });

  test("f.value / grad / hess / hvp at random points: works or a DslError, never a coercion", () => {
    const pt = fc.oneof(
      fc.array(weird, { maxLength: 3 }),
      fc.array(fc.double(), { minLength: 2, maxLength: 2 }),
      fc.record({ x: weird, y: weird }),
      fc.dictionary(nameArb, weird, { maxKeys: 3 }),
      weird,
    );
    check(2000, fc.tuple(pt, fc.constantFrom("value", "grad", "hess", "hvp")), ([p, how]) => {
      const r = outcome(() => (how === "hvp" ? quad.hvp(p as never, [1, 1]) : quad[how as "value"](p as never)), {}, { p, how });
      const coerced = Array.isArray(p) && p.some((v) => typeof v === "string") || (p !== null && typeof p === "object" && !Array.isArray(p) && Object.values(p).some((v) => typeof v === "string"));
      if (r.ok && coerced) throw new Error(`a point with strings was accepted: ${safe(p)}`);
    });
  });
});

/** Parameter trees: records, arrays and matrices of numbers, with junk leaves now and then. */
const treeArb: fc.Arbitrary<unknown> = fc.letrec<{ t: unknown }>((tie) => ({
  t: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.double({ min: -10, max: 10, noNaN: true }),
    fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { maxLength: 4 }),
    fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 3 }),
    fc.dictionary(fc.constantFrom("W", "b", "layer", "0", "a b", ""), tie("t"), { maxKeys: 3 }),
    fc.array(tie("t"), { maxLength: 3 }),
    weird,
  ),
})).t;

describe("fuzz: trees, rng, init", () => {
  test("tree.* on random trees: works (flatten/unflatten round-trips) or a DslError", () => {
    check(2000, treeArb, (t) => {
      const flat = outcome(() => tree.flatten(t as never), {}, t);
      outcome(() => tree.size(t as never), {}, t);
      outcome(() => tree.globalNorm(t as never), {}, t);
      outcome(() => tree.vdot(t as never, t as never), {}, t);
      outcome(() => tree.add(t as never, t as never), {}, t);
      outcome(() => tree.scale(t as never, 2), {}, t);
      outcome(() => tree.map(t as never, (v) => v + 1), {}, t);
      if (flat.ok) {
        const back = outcome(() => tree.unflatten(flat.value.layout, flat.value.values), {}, t);
        if (!back.ok) throw new Error(`flatten worked but unflatten failed: ${back.error.message}`);
        const again = tree.flatten(back.value);
        if (Array.from(again.values).join() !== Array.from(flat.value.values).join()) throw new Error(`round trip changed the values of ${safe(t)}`);
      }
    });
  });

  test("rng(seed) and its draws with random shapes and options: works or a DslError, sizes bounded", () => {
    const shape = fc.oneof(fc.array(fc.oneof(fc.integer({ min: -2, max: 5 }), weird), { maxLength: 3 }), weird, fc.constantFrom([1e9], [1e5, 1e5], [2 ** 31]));
    check(2000, fc.tuple(weird, shape, fc.constantFrom("normal", "uniform", "int", "permutation", "split"), weird), ([seed, s, how, arg]) => {
      const r = outcome(() => rng(seed as number), { field: "seed", value: seed }, { seed });
      if (!r.ok) return;
      const g = r.value;
      const call = (): unknown => {
        switch (how) {
          case "normal": return g.normal(s as never, typeof arg === "object" && arg !== null ? (arg as never) : {});
          case "uniform": return g.uniform(s as never);
          case "int": return g.int(arg as number);
          case "permutation": return g.permutation(arg as number);
          default: return g.split().next();
        }
      };
      outcome(call, {}, { seed, s, how, arg });
    });
  });

  test("init.*(shape, opts): works or a DslError", () => {
    const shape = fc.oneof(fc.array(fc.oneof(fc.integer({ min: -1, max: 6 }), weird), { maxLength: 3 }), weird, fc.constantFrom([1e9, 2], [2 ** 40]));
    check(1000, fc.tuple(fc.constantFrom("zeros", "xavierUniform", "xavierNormal", "heUniform", "heNormal"), shape, fc.oneof(fc.constant(undefined), fc.record({ gain: weird }), fc.record({ rng: weird }), weird)), ([k, s, o]) => {
      outcome(() => (init as Record<string, (s: unknown, o?: unknown) => unknown>)[k]!(s, o), {}, { k, s, o });
    });
  });
});

describe("fuzz: nn", () => {
  test("nn.mlp(sizes, opts) and nn.loss(model, data, kind): works or a DslError", () => {
    const sizes = fc.oneof(fc.array(fc.integer({ min: -1, max: 4 }), { maxLength: 4 }), fc.array(weird, { maxLength: 3 }), weird, fc.constantFrom([2, 1e9, 1], [1e5, 1e5]));
    const opts = mutated({ activation: "tanh", outputActivation: "identity", seed: 1 }, fc.constantFrom("relu", "gelu", "softmax", "tanh ", "identity"));
    check(800, fc.tuple(sizes, opts, fc.constantFrom("mse", "crossEntropy", "bce", "hinge", "cross-entropy")), ([s, { opts: o, m }, kind]) => {
      // bad sizes come first: the error then names sizes, not the mutated option
      const sizesOk = Array.isArray(s) && s.length >= 2 && s.every((d) => Number.isInteger(d) && d >= 1 && d < 1e4);
      const made = outcome(() => nn.mlp(s as number[], o as never), sizesOk ? m : {}, { s, o });
      if (sizesOk) expectUnknownRefused(m, made.ok, { s, o });
      if (!made.ok) return;
      const model = made.value;
      const loss = outcome(() => nn.loss(model, { x: [[0.5, -1], [1, 2]], y: [0, 1] }, kind as never), {}, { s, o, kind });
      if (loss.ok) {
        const run = outcome(() => optimize(loss.value, adam({ lr: 0.01 }), { steps: 3 }), {}, { s, o, kind });
        if (run.ok) expectCoherentRun(run.value, { s, o, kind });
      }
    });
  });
});

describe("fuzz: user models { f, grad }", () => {
  /** What a user's f or grad may return: numbers, wrong lengths, NaN, strings, trees, throws. */
  const ret = fc.oneof(
    fc.constantFrom<unknown>(1, NaN, Infinity, "1", null, undefined, [1], [1, 2], [1, 2, 3], ["1", "2"], [NaN, 0], { x: 1 }, new Float64Array(2), -1e308),
    fc.double(),
    fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 2 }),
  );
  test("optimize / gradcheck / theory on a { f, grad } whose functions return anything: works or a DslError", () => {
    check(1500, fc.tuple(ret, ret, fc.oneof(fc.constant([1, 2]), fc.constant({ W: [[1, 2]], b: [0] }), fc.array(weird, { maxLength: 2 })), fc.constantFrom("optimize", "gradcheck", "theory", "sharpness")), ([fv, gv, from, how]) => {
      const model = { f: () => fv as number, grad: () => gv as number[] };
      const input = { fv, gv, from, how };
      const r = outcome(() => {
        if (how === "optimize") return optimize(model, gd({ lr: 0.1 }), { from: from as number[], steps: 5 });
        if (how === "gradcheck") return gradcheck(model, { at: from as number[] });
        if (how === "theory") return optlab.theory(model, { at: from as number[] });
        return curvature.sharpness(objective("x^2 + y^2"), optimize(objective("x^2 + y^2"), gd({ lr: 0.1 }), { from: [1, 1], steps: 4 }), { every: fv as number });
      }, {}, input);
      if (r.ok && how === "optimize") expectCoherentRun(r.value as optlab.Run, input);
    });
  });
});

describe("fuzz: gradcheck, curvature, theory", () => {
  test("gradcheck(f, opts) works or names the bad option", () => {
    const valid = { at: [0.5, -1], rtol: 1e-6, h: 1e-5, method: "central", seed: 1 };
    check(800, mutated(valid, fc.constantFrom<unknown>("forward", "richardson", "complex", "centre", [1], [1, 2, 3], 0, 1e-20, 1e300)), ({ opts, m }) => {
      const r = outcome(() => gradcheck(quad, opts as never), m, opts);
      expectNoCoercion(m, (valid as Record<string, unknown>)[m.field ?? ""], r.ok, opts);
      expectUnknownRefused(m, r.ok, opts);
      if (r.ok && typeof r.value.message !== "string") throw new Error("a gradcheck report without a message");
    });
  });

  test("curvature.* (f, opts) works or names the bad option", () => {
    const valid = { at: [0.5, -1], k: 1 };
    check(800, fc.tuple(fc.constantFrom("eigenvalues", "trace", "density"), mutated(valid, fc.constantFrom<unknown>("largest", "smallest", "both", 3, 0, -1, 1e9, [1, 2, 3]))), ([how, { opts, m }]) => {
      const o = { ...opts };
      if (how !== "eigenvalues" && m.field !== "k") delete o.k;
      const mm = how !== "eigenvalues" && m.field === "k" ? { ...m, kind: "unknown" as const } : m;
      const r = outcome(() => (curvature as unknown as Record<string, (f: unknown, o: unknown) => unknown>)[how]!(quad, o), mm, { how, o });
      expectUnknownRefused(mm, r.ok, { how, o });
    });
  });
});

describe("fuzz: plots", () => {
  const run = optimize(quad, adam({ lr: 0.1 }), { from: [2, 2], steps: 30 });
  const cmp = optlab.compare(quad, { a: adam({ lr: 0.1 }), g: gd({ lr: 0.01 }) }, { from: [2, 2], steps: 20 });
  test("plot.loss / contour / heatmap / surface / hessian / schedule / rates with random options: a figure or a DslError", () => {
    const calls: Record<string, [(o: Record<string, unknown>) => unknown, Record<string, unknown>]> = {
      loss: [(o) => plot.loss(cmp, o as never), { yScale: "log", fStar: 0, title: "t" }],
      contour: [(o) => plot.contour(quad, run, o as never), { xRange: [-3, 3], yRange: [-3, 3], resolution: 30, levels: "log" }],
      heatmap: [(o) => plot.heatmap(quad, [run], o as never), { xRange: [-3, 3], yRange: [-3, 3], resolution: 20 }],
      surface: [(o) => plot.surface(quad, run, o as never), { xRange: [-3, 3], yRange: [-3, 3], resolution: 20 }],
      hessian: [(o) => plot.hessian(quad, o as never), { at: [1, 1] }],
      schedule: [(o) => plot.schedule(schedules.cosine({ lr: 0.1, tMax: 20 }), o as never), { steps: 40 }],
    };
    const extra = fc.constantFrom<unknown>([0, 0], [1, -1], [3, 3, 3], [NaN, 1], "log", "linear", "auto", 0, 1, 1e7, -5, 2.5);
    check(900, fc.constantFrom(...Object.keys(calls)).chain((k) => mutated(calls[k]![1], extra).map((v) => ({ k, ...v }))), ({ k, opts, m }) => {
      const r = outcome(() => calls[k]![0](opts), m, { k, opts });
      expectUnknownRefused(m, r.ok, { k, opts });
    });
  });
});

describe("fuzz: sweep", () => {
  test("sweep(f, opts) works or names the bad option", async () => {
    const valid = { optimizer: (h: { lr: number }) => gd({ lr: h.lr }), grid: { lr: [0.01, 0.1] }, from: [1, 1], steps: 8, backend: "float64" };
    // not arrays inside the grid: a grid value [1, 2] is a per-run array, which the float64 engine
    // refuses with "per-run hyperparameters need a batched backend" without naming lr (left open)
    const extra = fc.oneof(fc.record({ lr: fc.array(weird.filter((v) => !Array.isArray(v)), { maxLength: 3 }) }), fc.constantFrom<unknown>({ lr: [] }, { lr: [1e308] }, "cpu", "float32"));
    await checkAsync(200, mutated(valid, extra), async ({ opts, m }) => {
      const r = await outcomeAsync(() => sweep(quad, opts as never), m, opts);
      expectNoCoercion(m, (valid as Record<string, unknown>)[m.field ?? ""], r.ok, opts);
      expectUnknownRefused(m, r.ok, opts);
    });
  });
});

describe("fuzz: any public function with any arguments", () => {
  // Every function a notebook user can call, by its name in the prelude; each gets 0–3 arguments
  // drawn from wrong values and real objects in the wrong places.
  const fns: Record<string, (...a: unknown[]) => unknown> = {};
  const add = (prefix: string, o: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(o)) if (typeof v === "function" && !/^[A-Z]/.test(k)) fns[prefix + k] = v as (...a: unknown[]) => unknown;
  };
  add("", optlab as unknown as Record<string, unknown>);
  add("plot.", plot as unknown as Record<string, unknown>);
  add("tree.", tree as unknown as Record<string, unknown>);
  add("init.", init as unknown as Record<string, unknown>);
  add("nn.", nn as unknown as Record<string, unknown>);
  add("curvature.", curvature as unknown as Record<string, unknown>);
  add("schedules.", schedules as unknown as Record<string, unknown>);
  // not input-taking entry points: display plumbing, kernel hooks, async runners (tested above)
  for (const k of ["format", "renderWith", "registerRenderer", "hasRenderer", "lastRun", "tensorMemory", "plot.live", "plot.configure", "plot.plotlyjs", "optimizeAsync", "compareAsync", "sweep", "backends", "optimizeTensor"]) delete fns[k];
  const run = optimize(quad, gd({ lr: 0.05 }), { from: [1, 1], steps: 5 });
  const arg = fc.oneof(
    weird,
    fc.constantFrom<unknown>(quad, run, { at: [1, 1] }, { from: [1, 1], steps: 3 }, [[1, 2], [3, 4]], { W: [[1]], b: [0] }, gd(), schedules.cosine({ lr: 0.1, tMax: 5 }), { f: () => 1, grad: () => [0] }, [run], undefined),
  );
  test(`${Object.keys(fns).length} functions: works or a DslError`, () => {
    const names = Object.keys(fns).sort();
    check(4000, fc.tuple(fc.constantFrom(...names), fc.array(arg, { maxLength: 3 })), ([name, args]) => {
      const r = outcome(() => fns[name]!(...args), {}, { name, args });
      // a promise (a tfjs backend) is awaited nowhere here: its rejection would go unseen
      if (r.ok && r.value instanceof Promise) r.value.catch(() => undefined);
    });
  });
});
