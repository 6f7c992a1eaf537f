/**
 * Parameter trees as points: `{ f, grad }` models over `{ W, b }`, symbolic objectives with
 * W[i,j] variables given as matrices, runs that answer in the start's structure, and bad trees
 * named by path.
 */
import { describe, expect, test } from "vitest";
import { adam, curvature, gd, gradcheck, objective, optimize, optimizeAsync, sgd, sweep, theory, tree } from "../../dsl/index.js";
import { expectDslError } from "../support/dsl-error.js";

/** A least-squares "layer": f(W, b) = ½‖W·u + b − t‖² for fixed u, t; gradient by hand. */
const u = [1, -2, 0.5];
const t = [0.3, -1];
type P = { W: number[][]; b: number[] };
function residual(p: P): number[] {
  return p.W.map((row, i) => row.reduce((s, w, j) => s + w * u[j]!, 0) + p.b[i]! - t[i]!);
}
const layer = {
  f: (p: P) => 0.5 * residual(p).reduce((s, r) => s + r * r, 0),
  grad: (p: P) => {
    const r = residual(p);
    return { W: r.map((ri) => u.map((uj) => ri * uj)), b: r };
  },
};
const start: P = { W: [[0.1, 0.2, 0.3], [-0.1, 0, 0.4]], b: [0, 0] };

describe("optimize over a parameter tree", () => {
  test("f and grad get trees, names follow paths, run.params comes back shaped like from", () => {
    const seen: unknown[] = [];
    const spy = { f: (p: P) => (seen.push(p), layer.f(p)), grad: layer.grad };
    const run = optimize(spy, gd({ lr: 0.1 }), { from: start, steps: 300 });
    expect(seen[0]).toMatchObject({ W: expect.any(Array), b: expect.any(Array) });
    expect(run.names).toEqual(["W[0,0]", "W[0,1]", "W[0,2]", "W[1,0]", "W[1,1]", "W[1,2]", "b[0]", "b[1]"]);
    const p = run.params as P;
    expect(p.W).toHaveLength(2);
    expect(p.W[0]).toHaveLength(3);
    expect(layer.f(p)).toBeLessThan(1e-12);
    expect(run.paramsAt(0)).toEqual(start);
    expect(run.paramsAt(-1)).toEqual(p);
    expect(tree.flatten(run.paramsAt(5) as P).values).toEqual(Float64Array.from(run.xs[5]!));
  });

  test("the trajectory equals the same model on flat arrays (trees are only the user's view)", () => {
    const flat = {
      f: (x: number[]) => layer.f(tree.unflatten(tree.layoutOf(start), x) as P),
      grad: (x: number[]) => Array.from(tree.flatten(layer.grad(tree.unflatten(tree.layoutOf(start), x) as P)).values),
    };
    const a = optimize(layer, adam({ lr: 0.05 }), { from: start, steps: 40 });
    const b = optimize(flat, adam({ lr: 0.05 }), { from: Array.from(tree.flatten(start).values), steps: 40 });
    expect(a.losses).toEqual(b.losses);
    expect(b.params).toEqual(b.x);
  });

  test("grad may return a flat array in path order", () => {
    const flatGrad = { f: layer.f, grad: (p: P) => Array.from(tree.flatten(layer.grad(p)).values) };
    const a = optimize(flatGrad, sgd({ lr: 0.1 }), { from: start, steps: 20 });
    const b = optimize(layer, sgd({ lr: 0.1 }), { from: start, steps: 20 });
    expect(a.losses).toEqual(b.losses);
  });

  test("layers as an array of records, and Float64Array leaves, round-trip", () => {
    const net = [{ W: [[1, 0]], b: new Float64Array([0.5]) }, { W: [[2]], b: new Float64Array([0]) }];
    const m = {
      f: (p: typeof net) => tree.vdot(p, p),
      grad: (p: typeof net) => tree.scale(p, 2),
    };
    const run = optimize(m, gd({ lr: 0.25 }), { from: net, steps: 3 });
    expect(run.names).toEqual(["[0].W[0,0]", "[0].W[0,1]", "[0].b[0]", "[1].W[0,0]", "[1].b[0]"]);
    const p = run.params as typeof net;
    expect(p[0]!.b).toBeInstanceOf(Float64Array);
    expect(p[1]!.W[0]![0]).toBeCloseTo(2 * 0.5 ** 3, 15);
  });

  test("optimizeAsync gives the same run and params", async () => {
    const a = await optimizeAsync(layer, adam({ lr: 0.05 }), { from: start, steps: 30, live: false });
    const b = optimize(layer, adam({ lr: 0.05 }), { from: start, steps: 30 });
    expect(a.losses).toEqual(b.losses);
    expect(a.params).toEqual(b.params);
  });
});

describe("symbolic objectives with tree points", () => {
  const f = objective("(W[0,0] + 2 W[0,1] - 1)^2 + (W[1,0] - W[1,1])^2 + b[0]^2 + 0.1 (W[0,0]^2 + W[0,1]^2 + W[1,0]^2 + W[1,1]^2)");
  const p0 = { W: [[1, 2], [3, 4]], b: [0.5] };

  test("value, grad and hvp read { W: matrix, b: vector } and answer in that structure", () => {
    expect(f.value(p0)).toBeCloseTo(16 + 1 + 0.25 + 3, 12);
    const g = f.grad(p0) as typeof p0;
    expect(g.W[0]![0]).toBeCloseTo(2 * 4 + 0.2, 12);
    expect(g.W[1]![1]).toBeCloseTo(2 + 0.8, 12);
    expect(g.b).toEqual([1]);
    expect(f.grad([1, 2, 3, 4, 0.5])).toHaveLength(5);
    const hv = f.hvp(p0, { W: [[0, 0], [0, 0]], b: [1] }) as typeof p0;
    expect(hv).toEqual({ W: [[0, 0], [0, 0]], b: [2] });
  });

  test("a record given in another order than the variables comes back in the caller's order", () => {
    const g = f.grad({ b: [0.5], W: [[1, 2], [3, 4]] }) as Record<string, unknown>;
    expect(Object.keys(g)).toEqual(["b", "W"]);
    const run = optimize(f, gd({ lr: 0.1 }), { from: { b: [0.5], W: [[1, 2], [3, 4]] }, steps: 200 });
    expect(Object.keys(run.params as object)).toEqual(["b", "W"]);
    expect((run.params as { b: number[] }).b[0]).toBeCloseTo(0, 8);
  });

  test("theory and curvature take the tree point", () => {
    const th = theory(f, { at: p0 });
    expect(th.L).toBeGreaterThan(0);
    const flat = theory(f, { at: [1, 2, 3, 4, 0.5] });
    expect(th.L).toBe(flat.L);
    expect(curvature.eigenvalues(f, { at: p0 }).values).toEqual(curvature.eigenvalues(f, { at: [1, 2, 3, 4, 0.5] }).values);
  });

  test("sweep runs from a tree start", async () => {
    const s = await sweep(f, { optimizer: (h) => gd({ lr: h.lr as number }), grid: { lr: [0.01, 0.1] }, from: p0, steps: 20 });
    const flat = await sweep(f, { optimizer: (h) => gd({ lr: h.lr as number }), grid: { lr: [0.01, 0.1] }, from: [1, 2, 3, 4, 0.5], steps: 20 });
    expect(s.results.map((r) => r.finalLoss)).toEqual(flat.results.map((r) => r.finalLoss));
  });

  test("a matrix of the wrong shape or a ragged one is named", () => {
    expect(expectDslError(() => f.value({ W: [[1, 2, 3], [3, 4, 5]], b: [0] }), "bad-point", /the value of 'W' in the point must be a \[2, 2\] array of numbers \(W\[0,0\] … W\[1,1\]\), got shape \[2, 3\]/).path).toBe("W");
    expect(expectDslError(() => f.value({ W: [[1, 2], [3]], b: [0] }), "bad-point", /'W' is a ragged array: entry \[1\] has shape \[1\] but entry \[0\] has shape \[2\]/).path).toBe("W[1]");
  });
});

describe("gradcheck at a tree point", () => {
  test("rows are named by path and params reports each leaf", () => {
    const r = gradcheck(layer, { at: start });
    expect(r.verdict).toBe("pass");
    expect(r.rows.map((row) => row.name)).toEqual(["W[0,0]", "W[0,1]", "W[0,2]", "W[1,0]", "W[1,1]", "W[1,2]", "b[0]", "b[1]"]);
    expect(r.params!.map((l) => [l.path, l.size, l.ok])).toEqual([["W", 6, true], ["b", 2, true]]);
  });

  test("a wrong entry is named by its path and its leaf fails", () => {
    const buggy = { f: layer.f, grad: (p: P) => { const g = layer.grad(p); g.W[1]![2] *= -1; return g; } };
    const r = gradcheck(buggy, { at: start });
    expect(r.verdict).toBe("fail");
    expect(r.message).toMatch(/W\[1,2\]/);
    expect(r.params!.find((l) => l.path === "W")).toMatchObject({ ok: false, failing: 1 });
    expect(r.params!.find((l) => l.path === "b")!.ok).toBe(true);
  });

  test("theory on a { f, grad } model at a tree point", () => {
    const th = theory(layer, { at: start });
    // H = blockdiag(u uᵀ, u uᵀ) + couplings to b: its largest eigenvalue is ‖u‖² + 1.
    expect(th.L).toBeCloseTo(u.reduce((s, x) => s + x * x, 0) + 1, 5);
  });
});

describe("bad trees", () => {
  test("a ragged start names the row", () => {
    const e = expectDslError(() => optimize(layer, gd(), { from: { W: [[0, 0, 0], [0, 0]], b: [0, 0] }, steps: 1 }), "bad-start", /'W' is a ragged array: entry \[1\] has shape \[2\] but entry \[0\] has shape \[3\]/);
    expect(e.path).toBe("optimize.from.W[1]");
  });

  test("grad returning another structure is named by the path", () => {
    const wrong = { f: layer.f, grad: (p: P) => ({ W: layer.grad(p).W }) };
    const e = expectDslError(() => optimize(wrong, gd(), { from: start, steps: 1 }), "bad-output", /grad\(p\).*has no value for 'b'/);
    expect(e.path).toBe("grad.b");
    const short = { f: layer.f, grad: (p: P) => ({ W: [[1, 2, 3]], b: [0, 0] }) };
    expect(expectDslError(() => gradcheck(short, { at: start }), "bad-output", /'W' must have 2 entries/).path).toBe("grad.W");
  });

  test("a gradcheck point with a string entry is named", () => {
    const e = expectDslError(() => gradcheck(layer, { at: { W: [[0, 0, "0"]], b: [0, 0] } as never }), "bad-point", /must be a number, an array of numbers/);
    expect(e.path).toBe("at.W[0][2]");
  });

  test("paramsAt outside the run is an error", () => {
    const run = optimize(layer, gd(), { from: start, steps: 2 });
    expectDslError(() => run.paramsAt(3), "bad-argument", /k must be an integer step in 0..2/);
  });
});

describe("in a notebook cell", () => {
  test("tree, rng and init are predeclared (and the Tree type) by the kernel's prelude, read from dist (npm run build)", async () => {
    const { loadPrelude } = await import("../../kernel/prelude.js");
    const ts = (await import("typescript")).default;
    const root = new URL("../..", import.meta.url).pathname;
    const prelude = await loadPrelude(root, ts, {});
    expect(prelude.loadError).toBeUndefined();
    for (const name of ["tree", "rng", "init"]) expect(prelude.names.values).toContain(name);
    expect(prelude.names.types).toContain("Tree");
    const { tree: t, rng: r } = prelude.values as { tree: typeof tree; rng: (seed: number) => { normal(s: number): unknown } };
    expect(t.flatten({ W: [[1]] }).paths).toEqual(["W[0,0]"]);
    expect(r(42).normal(1)).toEqual([0.31875784963858494]);
  });
});
