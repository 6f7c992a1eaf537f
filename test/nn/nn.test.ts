/** nn.mlp / nn.loss / nn.activationStats from the DSL: shapes, init, trees, exact derivatives, runs, displays, errors. */
import { describe, expect, it } from "vitest";
import { DISPLAY, DslError, adam, compare, curvature, gradcheck, init, nn, optimize, optimizeAsync, plot, sgd, theory } from "../../dsl/index.js";
import type { MimeBundle } from "../../src/display/index.js";

const xs = Array.from({ length: 30 }, (_, i) => [Math.sin(1.3 * i), Math.cos(0.7 * i)]);
const ys = xs.map(([a, b]) => [a! * b! + 0.1 * a!]);
const flat = (t: { W: number[][]; b: number[] }[]): number[] => t.flatMap((l) => [...l.W.flat(), ...l.b]);

function fdGrad(f: (x: number[]) => number, x: number[], h = 1e-6): number[] {
  return x.map((_, i) => {
    const p = x.slice(), m = x.slice();
    p[i]! += h;
    m[i]! -= h;
    return (f(p) - f(m)) / (2 * h);
  });
}

describe("nn.mlp", () => {
  it("makes params shaped like torch.nn.Linear, with torch's default bounds", () => {
    const m = nn.mlp([3, 5, 2]);
    expect(m.params.length).toBe(2);
    expect(m.params[0]!.W.length).toBe(5);
    expect(m.params[0]!.W[0]!.length).toBe(3);
    expect(m.params[1]!.b.length).toBe(2);
    expect(m.size).toBe(3 * 5 + 5 + 5 * 2 + 2);
    const b0 = 1 / Math.sqrt(3);
    for (const v of [...m.params[0]!.W.flat(), ...m.params[0]!.b]) expect(Math.abs(v)).toBeLessThanOrEqual(b0);
    const b1 = 1 / Math.sqrt(5);
    for (const v of [...m.params[1]!.W.flat(), ...m.params[1]!.b]) expect(Math.abs(v)).toBeLessThanOrEqual(b1);
  });

  it("is reproducible from its seed and differs between seeds", () => {
    expect(flat(nn.mlp([2, 4, 1], { seed: 7 }).params)).toEqual(flat(nn.mlp([2, 4, 1], { seed: 7 }).params));
    expect(flat(nn.mlp([2, 4, 1], { seed: 7 }).params)).not.toEqual(flat(nn.mlp([2, 4, 1], { seed: 8 }).params));
  });

  it("draws Xavier and He weights with the right spread, zero biases", () => {
    const he = nn.mlp([400, 300, 1], { init: "heNormal", seed: 1 }).params[0]!;
    const w = he.W.flat();
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / 400), 3);
    expect(he.b.every((v) => v === 0)).toBe(true);
    const xu = nn.mlp([100, 50, 1], { init: "xavierUniform", seed: 1 }).params[0]!.W.flat();
    const a = Math.sqrt(6 / 150);
    expect(Math.max(...xu.map(Math.abs))).toBeLessThanOrEqual(a);
    expect(Math.max(...xu.map(Math.abs))).toBeGreaterThan(0.95 * a);
    // the named inits draw what init.* (torch.nn.init semantics) draws from the same stream
    for (const [name, fn] of [["xavierUniform", init.xavierUniform], ["xavierNormal", init.xavierNormal], ["heUniform", init.heUniform], ["heNormal", init.heNormal]] as const) {
      expect(flat(nn.mlp([30, 20, 4], { init: name, seed: 9 }).params)).toEqual(flat(nn.mlp([30, 20, 4], { init: fn, seed: 9 }).params));
    }
    const custom = nn.mlp([2, 3, 1], { init: (shape) => Array.from({ length: shape[0] }, () => new Array(shape[1]).fill(0.5)) });
    expect(custom.params[1]!.W).toEqual([[0.5, 0.5, 0.5]]);
  });

  it("forward matches a hand computation", () => {
    const m = nn.mlp([2, 2, 1], { activation: "relu" });
    const p = [{ W: [[1, -1], [0.5, 2]], b: [0, -1] }, { W: [[2, 3]], b: [0.25] }];
    // h = relu([x0 - x1, 0.5 x0 + 2 x1 - 1]); y = 2 h0 + 3 h1 + 0.25
    expect(m.forward(p, [[1, 2], [3, 0]])).toEqual([[2 * 0 + 3 * 3.5 + 0.25], [2 * 3 + 3 * 0.5 + 0.25]]);
  });

  it("rejects bad input with paths", () => {
    expect(() => nn.mlp([2])).toThrow(DslError);
    expect(() => nn.mlp([2, 3], { activation: "swish" as never })).toThrow(/activation must be one of/);
    expect(() => nn.mlp([2, 3], { init: "glorot" as never })).toThrow(/init must be one of/);
    const m = nn.mlp([2, 3, 1]);
    try {
      m.forward([{ W: [[1, 2]], b: [0, 0, 0] }, m.params[1]!], [[1, 2]]);
      expect.unreachable();
    } catch (e) {
      expect((e as DslError).path).toBe("forward.params[0].W");
      expect((e as DslError).message).toMatch(/expected 3 rows of 2 numbers/);
    }
  });

  it("displays its architecture", () => {
    const b = nn.mlp([2, 8, 1])[DISPLAY]() as MimeBundle;
    expect(b["text/plain"]).toContain("2→8→1");
    expect(b["text/latex"]).toContain("\\tanh(W_{1} x + b_{1})");
    expect(b["text/html"]).toContain("<td>8×2</td>");
  });
});

describe("nn.loss", () => {
  const model = nn.mlp([2, 6, 5, 1], { activation: "tanh", seed: 3 });
  const L = nn.loss(model, { x: xs, y: ys }, "mse");

  it("names coordinates by tree path", () => {
    expect(L.names[0]).toBe("[0].W[0,0]");
    expect(L.names[12]).toBe("[0].b[0]");
    expect(L.names.at(-1)).toBe("[2].b[0]");
    expect(L.layout.leaves.map((l) => l.path)).toEqual(["[0].W", "[0].b", "[1].W", "[1].b", "[2].W", "[2].b"]);
  });

  it("value, grad (a tree) and valueAndGrad agree with finite differences", () => {
    const p = model.params;
    const { value, grad } = L.valueAndGrad(p);
    expect(value).toBe(L.value(p));
    expect(grad[2]!.b.length).toBe(1);
    const fd = fdGrad((x) => L.value(x), flat(p));
    flat(grad).forEach((g, i) => expect(Math.abs(g - fd[i]!)).toBeLessThan(1e-8));
    expect(gradcheck(L, { at: flat(p) }).ok).toBe(true);
  });

  for (const [act, kind, y] of [
    ["sigmoid", "cross-entropy", xs.map((_, i) => i % 3)],
    ["softplus", "bce", xs.map((_, i) => [i % 2, (i * 7) % 3 === 0 ? 1 : 0, 0.3])],
    ["gelu", "mse", xs.map(([a]) => [a!, -a!, 0])],
  ] as const) {
    it(`hvp (${act}, ${kind}) equals finite differences of the gradient, and hessianInto is symmetric`, () => {
      const m = nn.mlp([2, 4, 3], { activation: act, seed: 2 });
      const l = nn.loss(m, { x: xs, y: y as never }, kind);
      const p = flat(m.params);
      const v = p.map((_, i) => Math.sin(3 * i + 1));
      const hv = flat(l.hvp(p, v));
      const h = 1e-5;
      const gp = flat(l.grad(p.map((x, i) => x + h * v[i]!)));
      const gm = flat(l.grad(p.map((x, i) => x - h * v[i]!)));
      const scale = Math.max(...hv.map(Math.abs));
      hv.forEach((x, i) => expect(Math.abs(x - (gp[i]! - gm[i]!) / (2 * h)) / scale).toBeLessThan(1e-7));
      const n = l.n;
      const H = new Float64Array(n * n);
      l.hessianInto(Float64Array.from(p), H);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let j = 0; j < n; j++) s += H[i * n + j]! * v[j]!;
        expect(Math.abs(s - hv[i]!) / scale).toBeLessThan(1e-12);
      }
    });
  }

  it("per-sample gradients average to the full gradient", () => {
    const x = Float64Array.from(flat(model.params));
    const rows = Int32Array.from({ length: xs.length }, (_, i) => i);
    const G = new Float64Array(rows.length * L.n);
    L.data.sampleGradsInto(x, rows, G);
    const g = new Float64Array(L.n);
    L.valueAndGradInto(x, g);
    for (let j = 0; j < L.n; j++) {
      let s = 0;
      for (let r = 0; r < rows.length; r++) s += G[r * L.n + j]!;
      expect(s / rows.length).toBeCloseTo(g[j]!, 12);
    }
  });

  it("optimize starts from the model's params by default and records per-leaf gradient norms", () => {
    const a = optimize(L, adam({ lr: 0.01 }), { steps: 50 });
    const b = optimize(L, adam({ lr: 0.01 }), { from: model.params, steps: 50 });
    expect(a.losses).toEqual(b.losses);
    expect(a.losses.at(-1)!).toBeLessThan(a.losses[0]!);
    const norms = a.leafGradNorms!;
    expect(Object.keys(norms)).toEqual(["[0].W", "[0].b", "[1].W", "[1].b", "[2].W", "[2].b"]);
    expect(norms["[0].W"]!.length).toBe(51);
    // the leaf norms make up the global norm
    const k = 10;
    const total = Math.sqrt(Object.values(norms).reduce((s, v) => s + v[k]! ** 2, 0));
    expect(total).toBeCloseTo(a.gradNorms[k]!, 12);
    expect(L.unflatten(a.xs.at(-1)!)[0]!.W.length).toBe(6);
  });

  it("mini-batch runs are reproducible from their seed", () => {
    const run = (seed: number) => optimize(L, sgd({ lr: 0.05, momentum: 0.9 }), { steps: 40, batchSize: 8, seed });
    const a = run(1), b = run(1), c = run(2);
    expect(a.xs).toEqual(b.xs);
    expect(a.batchLosses).toEqual(b.batchLosses);
    expect(a.losses.at(-1)).not.toBe(c.losses.at(-1));
    expect(a.batchLosses!.length).toBe(40);
  });

  it("trains in epochs of mini-batches with a validation split and early stopping", () => {
    const run = optimize(L, adam({ lr: 0.01 }), { epochs: 6, batchSize: 8, validation: 0.2, patience: 10, seed: 5 });
    expect(run.valLosses!.length).toBe(7);
    expect(run.steps).toBe(6 * 3); // 24 training rows → 3 batches of 8 per epoch
    expect(run.best).toBeDefined();
  });

  it("works with compare, theory and curvature (exact Hessian-vector products)", () => {
    const c = compare(L, { sgd: sgd({ lr: 0.1 }), adam: adam({ lr: 0.01 }) }, { steps: 20 });
    expect(c.names).toEqual(["sgd", "adam"]);
    const run = c.get("sgd")!;
    const sharp = curvature.sharpness(L, run, { every: 5 });
    expect(sharp.sharpness.length).toBeGreaterThan(2);
    // λ_max at the start equals the largest eigenvalue of the dense Hessian
    const n = L.n;
    const H = new Float64Array(n * n);
    L.hessianInto(Float64Array.from(run.xs[0]!), H);
    const eig = curvature.eigenvalues(L, { at: run.xs[0]!, which: "largest", k: 1 });
    expect(sharp.sharpness[0]!).toBeCloseTo(eig.values[0]!, 6);
    const t = theory(L, { at: run.xs[0]! });
    expect(t).toBeDefined();
  });

  it("optimizeAsync runs the same steps; a dense Hessian of a large network is refused with a hint", async () => {
    const sync = optimize(L, adam({ lr: 0.01 }), { steps: 30 });
    const async_ = await optimizeAsync(L, adam({ lr: 0.01 }), { steps: 30, live: false });
    expect(async_.losses).toEqual(sync.losses);
    const big = nn.loss(nn.mlp([40, 50, 1]), { x: [new Array(40).fill(1)], y: [[0]] }, "mse");
    expect(big.n).toBe(2101);
    expect(() => big.hessianInto(Float64Array.from(big.initial), new Float64Array(1))).toThrow(/use curvature\.eigenvalues/);
  });

  it("cross-entropy with class-index targets is log K for equal logits", () => {
    const m = nn.mlp([2, 3, 4], { init: "zeros" });
    const l = nn.loss(m, { x: [[1, 2], [3, 4]], y: [0, 3] }, "cross-entropy");
    expect(l.value(m.params)).toBeCloseTo(Math.log(4), 14);
  });

  it("takes one number per sample for a single input or output", () => {
    const m = nn.mlp([1, 4, 1], { seed: 1 });
    const a = nn.loss(m, { x: [0.5, -1, 2], y: [1, 0, 3] }, "mse");
    const b = nn.loss(m, { x: [[0.5], [-1], [2]], y: [[1], [0], [3]] }, "mse");
    expect(a.value(m.params)).toBe(b.value(m.params));
  });

  it("rejects bad data with paths", () => {
    const m = nn.mlp([2, 3, 2]);
    expect(() => nn.loss(m, { x: [[1, 2], [3]], y: [[0, 0], [1, 1]] }, "mse")).toThrow(/nn\.loss\.x\[1\]: expected a row of 2 numbers/);
    expect(() => nn.loss(m, { x: [[1, 2]], y: [2] }, "cross-entropy")).toThrow(/class index in 0\.\.1/);
    expect(() => nn.loss(m, { x: [[1, 2]], y: [[0, 2]] }, "bce")).toThrow(/probabilities in \[0, 1\]/);
    expect(() => nn.loss(m, { x: [[1, 2]], y: [[0, 1]] }, "hinge" as never)).toThrow(/kind must be one of/);
    expect(() => L.value([{ W: [[0]], b: [0] }] as never)).toThrow(/3 layers/);
  });

  it("displays layer equations, the loss and an architecture table", () => {
    const b = L[DISPLAY]() as MimeBundle;
    expect(b["text/latex"]).toContain("h_{2} &= \\tanh(W_{2} h_{1} + b_{2})");
    expect(b["text/latex"]).toContain("\\hat y &= W_{3} h_{2} + b_{3}");
    expect(b["text/latex"]).toContain("L &= \\frac{1}{S}");
    expect(b["text/html"]).toContain("<th>activation</th>");
    expect(b["text/html"]).toContain(`<b>${L.n}</b>`);
    expect(b["text/plain"]).toContain("layer 1: W 5×6, tanh, 35 params");
  });
});

describe("diagnostics", () => {
  it("activationStats sees saturated sigmoid layers and dead ReLUs", () => {
    const sig = nn.mlp([2, 16, 16, 1], { activation: "sigmoid", init: (s) => Array.from({ length: s[0] }, () => new Array(s[1]).fill(5)) });
    const sp = sig.params;
    sp[1]!.b = sp[1]!.b.map(() => 50); // z = 50 + 5·Σσ(·) ≥ 50: σ′ < 1e-21
    const st = nn.activationStats(sig, sp, xs);
    expect(st.layers[1]!.saturated).toBe(1);
    expect(st.layers[1]!.dead).toBe(1);
    const relu = nn.mlp([2, 8, 1], { activation: "relu" });
    const p = relu.params;
    p[0]!.b = p[0]!.b.map((_, i) => (i < 4 ? -100 : 100)); // units 0..3 never fire
    const rs = nn.activationStats(relu, p, xs);
    expect(rs.layers[0]!.dead).toBe(0.5);
    expect(rs.layers[0]!.saturated).toBe(0.5);
    const b = rs[DISPLAY]() as MimeBundle;
    expect(b["text/html"]).toContain("50.0%");
    expect(plot.activations(rs).summary).toContain("layer 0: 50% saturated, 50% dead");
  });

  it("plot.gradNorms draws one log-scale line per leaf, for runs and comparisons", () => {
    const m = nn.mlp([2, 8, 8, 8, 1], { activation: "sigmoid", seed: 4 });
    const l = nn.loss(m, { x: xs, y: ys }, "mse");
    const run = optimize(l, sgd({ lr: 0.5 }), { steps: 30 });
    const fig = plot.gradNorms(run);
    expect(fig.data.length).toBe(8);
    expect((fig.layout.yaxis as { type: string }).type).toBe("log");
    // vanishing gradients in a deep sigmoid net: the first layer's W gets a smaller gradient than the last's
    expect(run.leafGradNorms!["[0].W"]![0]!).toBeLessThan(run.leafGradNorms!["[3].W"]![0]!);
    const cmp = compare(l, { a: sgd({ lr: 0.1 }), b: sgd({ lr: 0.2 }) }, { steps: 5 });
    expect(plot.gradNorms(cmp).data.length).toBe(16);
    expect(() => plot.gradNorms({ a: { losses: [1] } })).toThrow(/no per-leaf gradient norms/);
  });
});
