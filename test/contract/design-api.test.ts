/**
 * The public API contract of /work/shared/DESIGN.md ("Public API contract" and "Display"), name
 * by name, through the package as users get it: this file imports only from "optlab" (the
 * package's self-reference, which resolves to dist/: run `npm run build` first). Tests outside
 * the repo rely on these names and semantics; where one fails, fix the implementation, not this.
 *
 * References: test/fixtures/torch-defaults.json (torch 1.13's signatures), torch-optim.json and
 * torch-schedules.json (torch 1.13 trajectories and lr values), made by test/fixtures/gen/*.py.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import * as optlab from "optlab";
import {
  adadelta, adagrad, adam, adamax, adamw, chain, compare, DslError, gd, gradcheck, lbfgs, momentum, nadam, naturalGradient,
  nesterov, newton, objective, optimize, plot, radam, rmsprop, schedules, sgd, sweep, type MimeBundle,
} from "optlab";

const D = Symbol.for("Jupyter.display");
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(ROOT, "test/fixtures", name), "utf8")) as T;

/** The MIME bundle an object gives through the display protocol (sync or async). */
async function bundle(x: unknown): Promise<MimeBundle> {
  const fn = (x as Record<symbol, unknown>)[D];
  expect(typeof fn, "has [Symbol.for('Jupyter.display')]").toBe("function");
  return (await (fn as () => MimeBundle | Promise<MimeBundle>).call(x)) as MimeBundle;
}

function dslError(fn: () => unknown, code?: string): DslError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DslError);
    if (code) expect((e as DslError).code).toBe(code);
    return e as DslError;
  }
  throw new Error("expected a DslError");
}

const close = (a: number, b: number, rel = 1e-12) => expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(b)));
const rosenString = "(1 - x)^2 + 100 (y - x^2)^2";
const rosenValue = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
const rosenGrad = (x: number, y: number) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];

describe("the package", () => {
  test('import { ... } from "optlab" works from a plain Node ESM script outside the repo', () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-user-"));
    try {
      mkdirSync(join(dir, "node_modules"));
      symlinkSync(ROOT, join(dir, "node_modules", "optlab"), "dir");
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", dependencies: { optlab: "*" } }));
      writeFileSync(
        join(dir, "main.js"),
        [
          'import { objective, gradcheck, optimize, adam, schedules, chain, scaleByAdam, scaleByLearningRate } from "optlab";',
          'const f = objective("(1 - x)^2 + 100 (y - x^2)^2");',
          "const run = optimize(f, adam({ lr: schedules.cosine({ lr: 0.01, tMax: 10 }) }), { from: [-1.2, 1], steps: 10 });",
          "const mine = optimize(f, chain(scaleByAdam(), scaleByLearningRate(0.01)), { from: [-1.2, 1], steps: 1 });",
          "console.log(JSON.stringify({ vars: f.vars, verdict: gradcheck(f, { at: [-1.2, 1] }).verdict, xs: run.xs.length, lrs: run.lrs.length, mine: mine.xs.length }));",
        ].join("\n"),
      );
      const out = execFileSync(process.execPath, ["main.js"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
      expect(JSON.parse(out)).toEqual({ vars: ["x", "y"], verdict: "pass", xs: 11, lrs: 10, mine: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("every name of the contract is exported", () => {
    const names = [
      "objective", "gradcheck", "optimize", "compare", "sweep", "plot", "schedules", "chain",
      "gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adamax", "nadam", "radam", "adadelta", "lbfgs", "newton", "naturalGradient",
    ];
    for (const n of names) expect((optlab as Record<string, unknown>)[n], n).toBeDefined();
    for (const n of ["step", "multiStep", "exponential", "cosine", "warmRestarts", "linear", "oneCycle", "cyclic", "sequential"]) {
      expect(typeof (schedules as Record<string, unknown>)[n], `schedules.${n}`).toBe("function");
    }
  });
});

describe("objective(src, opts?)", () => {
  test("a mathjs string: ^ is power, log is natural", () => {
    const f = objective(rosenString);
    expect(f.vars).toEqual(["x", "y"]);
    close(f.value([-1.2, 1]), rosenValue(-1.2, 1));
    expect(objective("2^x").value([10])).toBe(1024);
    expect(objective("x^3").grad([2])[0]).toBe(12);
    close(objective("log(x)").value([Math.E]), 1, 1e-15);
    close(objective("log(x)").grad([4])[0]!, 0.25, 1e-15);
  });

  test("a TS arrow function (x, y) => ... is the same objective, differentiated symbolically", () => {
    const f = objective((x: number, y: number) => (1 - x) ** 2 + 100 * (y - x ** 2) ** 2);
    expect(f.vars).toEqual(["x", "y"]);
    close(f.value([0.3, -0.7]), rosenValue(0.3, -0.7));
    Array.from(f.grad([0.3, -0.7])).forEach((g, i) => close(g, rosenGrad(0.3, -0.7)[i]!, 1e-13));
    expect(f.text()).toBe(objective(rosenString).text());
    const g = objective((x: number) => Math.exp(-(x ** 2)) + Math.log(x));
    close(g.grad([0.5])[0]!, -2 * 0.5 * Math.exp(-0.25) + 2, 1e-14);
  });

  test("opts.vars fixes the order (default: order of first appearance)", () => {
    expect(objective("y^2 + 3*x").vars).toEqual(["y", "x"]);
    const f = objective("y^2 + 3*x", { vars: ["x", "y"] });
    expect(f.vars).toEqual(["x", "y"]);
    expect(Array.from(f.grad([1, 2]))).toEqual([3, 4]);
    expect(f.value({ x: 1, y: 2 })).toBe(7);
  });

  test("opts.constants binds named constants (values in the numbers, names in the display)", () => {
    const f = objective("a*(x - b)^2", { constants: { a: 3, b: 1 } });
    expect(f.vars).toEqual(["x"]);
    expect(f.value([3])).toBe(12);
    expect(Array.from(f.grad([3]))).toEqual([12]);
    expect(f.latex()).toMatch(/a/);
  });

  test("vars, value(x), grad(x) (number[] or Float64Array), hess(x) (number[][]); x is a number[] in vars order or a record by name", () => {
    const f = objective(rosenString);
    for (const x of [[-1.2, 1], { x: -1.2, y: 1 }, { y: 1, x: -1.2 }] as const) {
      close(f.value(x), 24.2, 1e-14);
      const g = f.grad(x);
      expect(Array.isArray(g) || (g as unknown) instanceof Float64Array).toBe(true);
      Array.from(g).forEach((v, i) => close(v, rosenGrad(-1.2, 1)[i]!, 1e-14));
    }
    const H = f.hess({ x: 1, y: 1 });
    expect(Array.isArray(H) && H.every((row) => Array.isArray(row))).toBe(true);
    expect(H).toEqual([[802, -400], [-400, 200]]);
    expect(f.hess([1, 1])).toEqual(H);
  });

  test("a record may give an indexed vector by its base name, wherever a point goes (value, gradcheck's at, optimize's from)", () => {
    // these calls must also type-check (tsc runs over test/, and the kernel type-checks cells)
    const r = objective("sum(100 (x[2i] - x[2i-1]^2)^2 + (1 - x[2i-1])^2, i, 1, n/2)", { constants: { n: 6 } });
    expect(r.vars).toEqual(["x[1]", "x[2]", "x[3]", "x[4]", "x[5]", "x[6]"]);
    const ones = { x: [1, 1, 1, 1, 1, 1] };
    expect(r.value(ones)).toBe(0);
    expect(gradcheck(r, { at: { x: [0.5, 0.2, -0.3, 0.9, 1.1, 0.4] } }).verdict).toBe("pass");
    expect(optimize(r, lbfgs({ lineSearch: "strong-wolfe" }), { from: { x: [-1.2, 1, -1.2, 1, -1.2, 1] }, steps: 30 }).loss).toBeLessThan(1e-10);
  });

  test("symbolic gradient / hessian display as LaTeX (and text); latex() gives f in LaTeX", async () => {
    const f = objective(rosenString);
    for (const part of [f.gradient, f.hessian]) {
      const b = await bundle(part);
      expect(typeof b["text/plain"]).toBe("string");
      expect(b["text/latex"]).toMatch(/^\$\$.*\\nabla/s);
    }
    expect((await bundle(f.gradient))["text/latex"]).toMatch(/\\begin\{bmatrix\}/);
    expect((await bundle(f.hessian))["text/latex"]).toMatch(/\\nabla\^2/);
    expect(f.latex()).toBe("\\left(1 - x\\right)^{2} + 100 \\left(y - x^{2}\\right)^{2}");
    const b = await bundle(f);
    expect(Object.keys(b).sort()).toEqual(["text/latex", "text/plain"]);
  });

  test("data-backed: params, data columns as per-sample symbols, reduce mean (default) or sum", () => {
    const data = { x: [0, 1, 2, 3], y: [1, 2, 7, 4] };
    const mean = objective("(w*x + b - y)^2", { params: ["w", "b"], data });
    const sum = objective("(w*x + b - y)^2", { params: ["w", "b"], data, reduce: "sum" });
    expect(mean.vars).toEqual(["w", "b"]);
    const [w, b] = [0.5, -1];
    const r = data.x.map((x, i) => w * x + b - data.y[i]!);
    const L = r.reduce((s, v) => s + v * v, 0);
    const gw = r.reduce((s, v, i) => s + 2 * v * data.x[i]!, 0), gb = r.reduce((s, v) => s + 2 * v, 0);
    close(sum.value([w, b]), L);
    close(mean.value({ w, b }), L / 4);
    Array.from(sum.grad([w, b])).forEach((g, i) => close(g, [gw, gb][i]!));
    Array.from(mean.grad([w, b])).forEach((g, i) => close(g, [gw / 4, gb / 4][i]!));
  });

  test("mini-batches come from optimize's batchSize (seeded: the same seed, the same batches)", () => {
    const xs = [0, 1, 2, 3, 4, 5], ys = [1, 3, 4, 8, 9, 11];
    const f = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: ys } });
    const one = (seed: number) => optimize(f, sgd({ lr: 0.01 }), { from: [0, 0], steps: 12, batchSize: 1, seed });
    const a = one(3), b = one(3), c = one(4);
    expect(a.xs).toEqual(b.xs);
    expect(a.xs).not.toEqual(c.xs);
    // batchSize 1: the first step is an SGD step on one row's gradient
    const rowSteps = xs.map((x, i) => [0.01 * 2 * ys[i]! * x, 0.01 * 2 * ys[i]!]);
    expect(rowSteps.some(([dw, db]) => Math.abs(a.xs[1]![0]! - dw!) < 1e-15 && Math.abs(a.xs[1]![1]! - db!) < 1e-15)).toBe(true);
    // a batch of every row is the full batch
    const full = optimize(f, sgd({ lr: 0.01 }), { from: [0, 0], steps: 5 });
    const all = optimize(f, sgd({ lr: 0.01 }), { from: [0, 0], steps: 5, batchSize: 6 });
    all.xs.forEach((x, k) => x.forEach((v, i) => close(v, full.xs[k]![i]!, 1e-13)));
  });
});

describe("gradcheck(target, { at, method?, rtol?, atol?, h? })", () => {
  const rosen = objective(rosenString);
  const model = { f: ([x, y]: number[]) => rosenValue(x!, y!), grad: ([x, y]: number[]) => rosenGrad(x!, y!) };

  test("target: an Objective, or { f, grad } on number[]; the report: ok, verdict, rows, maxRelError", () => {
    for (const target of [rosen, model]) {
      const r = gradcheck(target, { at: [-1.2, 1] });
      expect(r.ok).toBe(true);
      expect(r.verdict).toBe("pass");
      expect(r.rows).toHaveLength(2);
      r.rows.forEach((row, i) => {
        expect(row.index).toBe(i);
        expect(typeof row.name).toBe("string");
        close(row.analytic, rosenGrad(-1.2, 1)[i]!, 1e-13);
        close(row.numeric, row.analytic, 1e-6);
        expect(row.absError).toBe(Math.abs(row.analytic - row.numeric));
        expect(row.relError).toBeGreaterThanOrEqual(0);
        expect(row.ok).toBe(true);
      });
      expect(r.maxRelError).toBe(Math.max(...r.rows.map((row) => row.relError)));
    }
    expect(gradcheck(rosen, { at: [-1.2, 1] }).rows.map((r) => r.name)).toEqual(["x", "y"]);
    expect(gradcheck(rosen, { at: { x: -1.2, y: 1 } }).verdict).toBe("pass");
    // { f, grad } receives a number[]
    let seen: unknown;
    gradcheck({ f: (p: number[]) => ((seen = p), p[0]! ** 2), grad: (p: number[]) => [2 * p[0]!] }, { at: [1] });
    expect(Array.isArray(seen)).toBe(true);
  });

  test('verdict "fail" names the wrong coordinate; "kink" where f has no derivative', () => {
    const wrong = { ...model, grad: ([x, y]: number[]) => [rosenGrad(x!, y!)[0]!, 2 * rosenGrad(x!, y!)[1]!] };
    const r = gradcheck(wrong, { at: [-1.2, 1] });
    expect([r.ok, r.verdict]).toEqual([false, "fail"]);
    expect(r.rows.map((row) => row.ok)).toEqual([true, false]);
    const k = gradcheck(objective("abs(x) + y^2"), { at: [0, 1] });
    expect([k.ok, k.verdict]).toEqual([false, "kink"]);
  });

  test('method "central" (default), "richardson", "complex" (complex step, for symbolic objectives)', () => {
    expect(gradcheck(rosen, { at: [-1.2, 1] }).method).toBe("central");
    for (const method of ["central", "richardson", "complex"] as const) {
      const r = gradcheck(rosen, { at: [0.3, 0.7], method });
      expect([r.method, r.verdict]).toEqual([method, "pass"]);
    }
    expect(gradcheck(rosen, { at: [0.3, 0.7], method: "complex" }).maxRelError).toBeLessThan(1e-14);
    expect(gradcheck(model, { at: [0.3, 0.7], method: "richardson" }).verdict).toBe("pass");
    dslError(() => gradcheck(model, { at: [0.3, 0.7], method: "complex" }), "unsupported");
  });

  test("rtol, atol, h: used as given (a row passes when |a − d| ≤ max(rtol·max(|a|, |d|), atol))", () => {
    // a gradient off by 1e-4 relative in y: caught by the default rtol, accepted with rtol 1e-3 or a large atol
    const off = { ...model, grad: ([x, y]: number[]) => [rosenGrad(x!, y!)[0]!, rosenGrad(x!, y!)[1]! * (1 + 1e-4)] };
    expect(gradcheck(off, { at: [-1.2, 1] }).verdict).toBe("fail");
    const loose = gradcheck(off, { at: [-1.2, 1], rtol: 1e-3 });
    expect([loose.verdict, loose.rtol]).toEqual(["pass", 1e-3]);
    const abs = gradcheck(off, { at: [-1.2, 1], atol: 1 });
    expect([abs.verdict, abs.atol]).toEqual(["pass", 1]);
    const h = gradcheck(rosen, { at: [-1.2, 1], h: 1e-4 });
    expect([h.h, h.verdict]).toEqual([1e-4, "pass"]);
    // the step is h·max(|x_i|, 1)
    expect(h.rows[0]!.h).toBeCloseTo(1.2e-4, 18);
  });
});

describe("optimize(objective, optimizer, { from, steps, clipNorm?, clipValue?, batchSize?, seed?, backend? })", () => {
  const f = objective(rosenString);

  test("Run: xs (steps + 1 points, each number[]), losses (steps + 1), lrs (steps), gradNorms, status", () => {
    const r = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 25 });
    expect(r.xs).toHaveLength(26);
    expect(r.xs.every((x) => Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === "number"))).toBe(true);
    expect(r.xs[0]).toEqual([-1.2, 1]);
    expect(r.losses).toHaveLength(26);
    r.losses.forEach((l, k) => close(l, rosenValue(r.xs[k]![0]!, r.xs[k]![1]!)));
    expect(r.lrs).toEqual(new Array(25).fill(0.01));
    expect(r.gradNorms).toHaveLength(26);
    r.gradNorms.forEach((g, k) => close(g, Math.hypot(...rosenGrad(r.xs[k]![0]!, r.xs[k]![1]!))));
    expect(r.status).toBe("max-steps");
    expect(optimize(f, adam(), { from: { x: -1.2, y: 1 }, steps: 3 }).xs).toEqual(optimize(f, adam(), { from: [-1.2, 1], steps: 3 }).xs);
    const zero = optimize(f, adam(), { from: [-1.2, 1], steps: 0 });
    expect([zero.xs.length, zero.losses.length, zero.lrs.length]).toEqual([1, 1, 0]);
  });

  test('status: "converged" | "max-steps" | "diverged"', () => {
    const q = objective("x^2 + y^2");
    expect(optimize(q, gd({ lr: 0.5 }), { from: [1, -2], steps: 3 }).status).toBe("converged");
    expect(optimize(q, gd({ lr: 0.01 }), { from: [1, -2], steps: 3 }).status).toBe("max-steps");
    expect(optimize(q, gd({ lr: 1.5 }), { from: [1, -2], steps: 200 }).status).toBe("diverged");
  });

  test("clipNorm / clipValue clip the gradient before the optimizer sees it (clip_grad_norm_ / clip_grad_value_)", () => {
    const g = rosenGrad(-1.2, 1), n = Math.hypot(...g);
    const byNorm = optimize(f, sgd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 1, clipNorm: 5 });
    const c = 5 / (n + 1e-6); // torch: clip_coef = max_norm / (total_norm + 1e-6), applied when < 1
    close(byNorm.xs[1]![0]!, -1.2 - 1e-3 * g[0]! * c, 1e-15);
    close(byNorm.xs[1]![1]!, 1 - 1e-3 * g[1]! * c, 1e-15);
    close(byNorm.gradNorms[0]!, n); // recorded before clipping
    const byValue = optimize(f, sgd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 1, clipValue: 50 });
    expect(byValue.xs[1]).toEqual([-1.2 - 1e-3 * -50, 1 - 1e-3 * -50]);
  });

  test('seed makes batches reproducible; backend "float64" runs synchronously, a tfjs backend returns a Promise<Run>', async () => {
    const sync = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 20, backend: "float64", seed: 1 });
    expect(sync.xs).toHaveLength(21);
    const pending = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 20, backend: "cpu" });
    expect(pending).toBeInstanceOf(Promise);
    const r = await pending;
    expect([r.xs.length, r.losses.length, r.lrs.length, r.gradNorms.length, r.status]).toEqual([21, 21, 20, 21, "max-steps"]);
    r.xs[20]!.forEach((v, i) => expect(Math.abs(v - sync.xs[20]![i]!)).toBeLessThan(1e-5));
    dslError(() => optimize(f, adam(), { from: [-1.2, 1], steps: 2, backend: "gpu" }), "bad-backend");
  });
});

type Defaults = Record<string, Record<string, unknown>>;
const torchDefaults = fixture<{ source: string; optimizers: Defaults; schedulers: Defaults }>("torch-defaults.json");

/** torch's snake_case option → optlab's camelCase (DESIGN.md: "option names camelCased"). */
function camel(name: string): string {
  const special: Record<string, string> = { line_search_fn: "lineSearch", T_max: "tMax", T_0: "t0", T_mult: "tMult" };
  return special[name] ?? name.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

describe("optimizers: torch.optim's names, options and defaults (camelCased)", () => {
  const aliases = { sgd, adagrad, rmsprop, adam, adamw, adamax, nadam, radam, adadelta, lbfgs } as const;
  // Options named in DESIGN.md for each alias.
  const named: Record<string, string[]> = {
    gd: ["lr"],
    sgd: ["lr", "momentum", "dampening", "nesterov", "weightDecay"],
    momentum: ["lr", "momentum"],
    nesterov: ["lr", "momentum"],
    adagrad: ["lr", "lrDecay", "weightDecay", "initialAccumulatorValue", "eps"],
    rmsprop: ["lr", "alpha", "eps", "weightDecay", "momentum", "centered"],
    adam: ["lr", "betas", "eps", "weightDecay", "amsgrad"],
    adamw: ["lr", "betas", "eps", "weightDecay", "amsgrad"],
    adamax: ["lr", "betas", "eps", "weightDecay"],
    nadam: ["lr", "betas", "eps", "weightDecay", "momentumDecay"],
    radam: ["lr", "betas", "eps", "weightDecay"],
    adadelta: ["lr", "rho", "eps", "weightDecay"],
    lbfgs: ["lr", "maxIter", "historySize", "lineSearch", "toleranceGrad", "toleranceChange"],
    newton: ["lr", "damping"],
    naturalGradient: ["lr", "damping"],
  };
  const all = { gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, adamax, nadam, radam, adadelta, lbfgs, newton, naturalGradient } as Record<string, (o?: object) => { options: Record<string, unknown> }>;

  test(`the fixture is torch 1.13's signatures (${torchDefaults.source})`, () => {
    expect(torchDefaults.source).toMatch(/torch_defaults\.py with torch 1\.13/);
  });

  for (const [name, make] of Object.entries(aliases)) {
    test(`${name}() has torch's defaults for every torch option`, () => {
      const ours = (make as (o?: object) => { options: Record<string, unknown> })().options;
      for (const [tname, value] of Object.entries(torchDefaults.optimizers[name]!)) {
        const key = camel(tname);
        if (name === "sgd" && key === "lr") {
          expect(ours.lr, "sgd lr (torch 1.13 requires it; torch ≥ 2.2 defaults to 1e-3)").toBe(1e-3);
        } else if (name === "lbfgs" && key === "maxEval") {
          expect(ours.maxEval, "torch: max_eval = max_iter * 5 // 4 when None").toBe(25);
        } else {
          expect(ours[key], `${name}.${key} (torch ${tname})`).toEqual(value);
        }
      }
    });
  }

  test("the named defaults of DESIGN.md's examples, spelled out", () => {
    expect(adam().options).toMatchObject({ betas: [0.9, 0.999], eps: 1e-8 });
    expect(sgd().options).toMatchObject({ momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
    expect(rmsprop().options).toMatchObject({ alpha: 0.99, eps: 1e-8 });
    expect(adagrad().options).toMatchObject({ eps: 1e-10 });
    expect(adadelta().options).toMatchObject({ lr: 1, rho: 0.9, eps: 1e-6 });
    expect(nadam().options).toMatchObject({ momentumDecay: 4e-3 });
    expect(lbfgs().options).toMatchObject({ lr: 1, maxIter: 20, historySize: 100, toleranceGrad: 1e-7, toleranceChange: 1e-9, lineSearch: null });
    expect(momentum().options.momentum).toBe(0.9);
    expect(nesterov().options).toMatchObject({ momentum: 0.9, nesterov: true });
    expect(lbfgs({ lineSearch: "strong-wolfe" }).options.lineSearch).toBe("strong-wolfe");
  });

  test("every option DESIGN.md names is accepted and recorded", () => {
    const sample: Record<string, unknown> = {
      lr: 0.05, momentum: 0.5, dampening: 0, nesterov: true, weightDecay: 0.01, lrDecay: 0.1, initialAccumulatorValue: 0.2, eps: 1e-7,
      alpha: 0.9, centered: true, betas: [0.8, 0.99], amsgrad: true, momentumDecay: 0.01, rho: 0.95, maxIter: 5, historySize: 7,
      lineSearch: "strong-wolfe", toleranceGrad: 1e-6, toleranceChange: 1e-8, damping: 0.1,
    };
    for (const [name, keys] of Object.entries(named)) {
      const opts = Object.fromEntries(keys.map((k) => [k, sample[k]]));
      const o = all[name]!(opts).options;
      for (const k of keys) expect(o[k], `${name}.${k}`).toEqual(sample[k]);
    }
  });

  test("PyTorch's option names are errors that suggest the camelCased name", () => {
    expect(dslError(() => adam({ weight_decay: 0.1 } as never), "unknown-option").message).toMatch(/did you mean "weightDecay"/);
    expect(dslError(() => lbfgs({ line_search_fn: "strong_wolfe" } as never), "unknown-option").message).toMatch(/did you mean "lineSearch"/);
  });

  // Semantics: torch 1.13's trajectories (NAdam: torch ≥ 2.0's corrected formula), through the public API.
  interface Case { id: string; problem: string; alias: string; options: Record<string, unknown>; variant: string; horizon: number; xs: number[][]; clip?: { kind: string; value: number }; schedule?: string }
  const optim = fixture<{ source: string; steps: number; cases: Case[] }>("torch-optim.json");
  const f = objective(rosenString);
  const scheduled: Record<string, (lr: number) => { lr: unknown; momentum?: unknown }> = {
    step: (lr) => ({ lr: schedules.step({ lr, stepSize: 30, gamma: 0.5 }) }),
    cosine: (lr) => ({ lr: schedules.cosine({ lr, tMax: optim.steps, etaMin: lr / 20 }) }),
    exponential: (lr) => ({ lr: schedules.exponential({ lr, gamma: 0.99 }) }),
    "one-cycle": (lr) => {
      const s = schedules.oneCycle({ maxLr: lr, totalSteps: optim.steps });
      return { lr: s, momentum: s.momentum };
    },
  };
  for (const c of optim.cases.filter((c) => c.problem === "rosenbrock")) {
    test(`${c.id}: optlab follows torch on the Rosenbrock function up to step ${c.horizon}`, () => {
      let options: Record<string, unknown> = c.options;
      if (c.schedule) {
        const s = scheduled[c.schedule]!(c.options.lr as number);
        options = { ...c.options, lr: s.lr };
        if (s.momentum) {
          if (["sgd", "momentum", "nesterov"].includes(c.alias)) options.momentum = s.momentum;
          else options.betas = [s.momentum, (c.options.betas as number[] | undefined)?.[1] ?? 0.999];
        }
      }
      const r = optimize(f, all[c.alias]!(options) as never, {
        from: c.xs[0]!,
        steps: c.horizon,
        ...(c.clip?.kind === "norm" ? { clipNorm: c.clip.value } : {}),
        ...(c.clip?.kind === "value" ? { clipValue: c.clip.value } : {}),
      });
      for (let k = 0; k <= c.horizon; k++) {
        const gap = Math.max(...c.xs[k]!.map((v, i) => Math.abs(r.xs[k]![i]! - v))) / Math.max(1, ...c.xs[k]!.map(Math.abs));
        if (!(gap <= 1e-9)) expect.fail(`${c.id}: step ${k}: relative gap ${gap.toExponential(2)}`);
      }
    });
  }
});

describe("schedules.*: callable (step) => lr, PyTorch's lr after that many scheduler.step() calls", () => {
  interface SCase { id: string; schedule: string; options: Record<string, unknown>; lr: number[]; momentum?: number[]; throwsAt?: number }
  const sched = fixture<{ source: string; cases: SCase[] }>("torch-schedules.json");
  const S = schedules as unknown as Record<string, (o: unknown, p?: unknown) => ((k: number) => number) & { options: Record<string, unknown>; momentum?: (k: number) => number }>;
  const build = (name: string, options: Record<string, unknown>) => {
    if (name !== "sequential") return S[name]!(options);
    const o = options as { schedules: { schedule: string; options: Record<string, unknown> }[]; milestones: number[] };
    return S.sequential!(o.schedules.map((p) => S[p.schedule]!(p.options)), { milestones: o.milestones });
  };

  test("every schedule name of DESIGN.md is in the torch fixture", () => {
    const names = new Set(sched.cases.map((c) => c.schedule));
    for (const n of ["step", "multiStep", "exponential", "cosine", "warmRestarts", "linear", "oneCycle", "cyclic", "sequential"]) expect(names.has(n), n).toBe(true);
  });

  for (const c of sched.cases) {
    test(`${c.id}: equal to torch at every step`, () => {
      const s = build(c.schedule, c.options);
      expect(typeof s).toBe("function");
      c.lr.forEach((v, k) => close(s(k), v, 1e-12));
      if (c.momentum) c.momentum.forEach((v, k) => close(s.momentum!(k), v, 1e-12));
      if (c.throwsAt !== undefined) dslError(() => s(c.throwsAt!), "bad-step");
    });
  }

  test("the option names of DESIGN.md, with torch's defaults", () => {
    const defaults = torchDefaults.schedulers;
    const made: Record<string, { options: Record<string, unknown> }> = {
      step: schedules.step({ lr: 0.1, stepSize: 10 }),
      multiStep: schedules.multiStep({ lr: 0.1, milestones: [3] }),
      exponential: schedules.exponential({ lr: 0.1, gamma: 0.9 }),
      cosine: schedules.cosine({ lr: 0.1, tMax: 10 }),
      warmRestarts: schedules.warmRestarts({ lr: 0.1, t0: 10 }),
      linear: schedules.linear({ lr: 0.1 }),
      oneCycle: schedules.oneCycle({ maxLr: 0.1, totalSteps: 100 }),
      cyclic: schedules.cyclic({ baseLr: 0.01, maxLr: 0.1 }),
    };
    for (const [name, s] of Object.entries(made)) {
      for (const [tname, value] of Object.entries(defaults[name]!)) {
        if (value === null) continue; // required in torch (or derived: step_size_down = step_size_up, scale_fn)
        expect(s.options[camel(tname)], `${name}.${camel(tname)}`).toEqual(value);
      }
    }
    // DESIGN.md's option lists, each accepted and recorded
    const lists: [string, Record<string, unknown>][] = [
      ["step", { lr: 0.1, stepSize: 5, gamma: 0.5 }],
      ["multiStep", { lr: 0.1, milestones: [2, 4], gamma: 0.5 }],
      ["exponential", { lr: 0.1, gamma: 0.5 }],
      ["cosine", { lr: 0.1, tMax: 5, etaMin: 0.01 }],
      ["warmRestarts", { lr: 0.1, t0: 5, tMult: 2, etaMin: 0.01 }],
      ["linear", { lr: 0.1, startFactor: 0.5, endFactor: 0.9, totalIters: 5 }],
      ["oneCycle", { maxLr: 0.1, totalSteps: 50, pctStart: 0.2, annealStrategy: "linear", divFactor: 10, finalDivFactor: 100 }],
      ["cyclic", { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4, stepSizeDown: 6, mode: "exp_range", gamma: 0.99 }],
    ];
    for (const [name, o] of lists) expect(S[name]!(o).options, name).toMatchObject(o);
    expect(schedules.sequential([schedules.linear({ lr: 0.1 }), schedules.cosine({ lr: 0.1, tMax: 10 })], { milestones: [5] })(5)).toBe(0.1);
  });

  test("any lr option accepts a number or a schedule; run.lrs[k] is the schedule at step k", () => {
    const f = objective(rosenString);
    const s = schedules.exponential({ lr: 1e-4, gamma: 0.9 });
    const want = [0, 1, 2, 3].map((k) => s(k));
    const makers = { gd, sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw, adamax, nadam, radam, adadelta, lbfgs, newton, naturalGradient } as Record<string, (o: object) => unknown>;
    for (const [name, make] of Object.entries(makers)) {
      const opts = name === "naturalGradient" ? { lr: s, fisher: "exact" } : { lr: s };
      const r = optimize(f, make(opts) as never, { from: [-1.2, 1], steps: 4 });
      expect(r.lrs, name).toEqual(want);
      expect(r.status, name).not.toBe("diverged");
    }
    // and a plain (step) => lr function
    expect(optimize(f, sgd({ lr: (k: number) => 1e-4 / (k + 1) }), { from: [-1.2, 1], steps: 3 }).lrs).toEqual([1e-4, 5e-5, 1e-4 / 3]);
  });
});

describe("transforms (optax style), exported so users can build their own", () => {
  test("chain, init/update transforms and the blocks of the aliases", () => {
    const blocks = [
      "chain", "namedChain", "identity", "applyUpdates", "scale", "scaleByLearningRate", "traceMomentum", "scaleByAdam", "scaleByAdamax", "scaleByNadam",
      "scaleByRadam", "scaleByRms", "scaleByAdagrad", "scaleByAdadelta", "clipByGlobalNorm", "clipByValue", "addDecayedWeights", "addL1", "centralize",
      "scaleByLbfgs", "scaleByNewton", "scaleByFisher", "scaleByBacktracking",
    ];
    for (const b of blocks) expect(typeof (optlab as Record<string, unknown>)[b], b).toBe("function");
    const t = optlab.scaleByAdam();
    expect([typeof t.init, typeof t.update]).toEqual(["function", "function"]);
  });

  test("an alias is a chain of transforms: chain(scaleByAdam(), scaleByLearningRate(lr)) is adam({ lr })", () => {
    const f = objective(rosenString);
    const mine = optimize(f, chain(optlab.scaleByAdam(), optlab.scaleByLearningRate(0.01)), { from: [-1.2, 1], steps: 50 });
    const alias = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 50 });
    expect(mine.xs).toEqual(alias.xs);
    const clipped = optimize(f, chain(optlab.clipByGlobalNorm(5), optlab.scaleByLearningRate(1e-3)), { from: [-1.2, 1], steps: 20 });
    expect(clipped.xs).toEqual(optimize(f, gd({ lr: 1e-3 }), { from: [-1.2, 1], steps: 20, clipNorm: 5 }).xs);
  });
});

describe("Display: every result object has [Symbol.for('Jupyter.display')]() with the right MIME types", () => {
  const f = objective(rosenString);
  const isChart = (b: MimeBundle) => {
    const fig = b["application/vnd.plotly.v1+json"] as { data?: unknown[]; layout?: unknown } | undefined;
    expect(fig, "application/vnd.plotly.v1+json").toBeDefined();
    expect(Array.isArray(fig!.data) && fig!.data.length > 0).toBe(true);
    expect(b["text/html"], "text/html fallback").toMatch(/<div[^>]*class="optlab-chart"/);
  };

  test("expressions: objective, gradient, hessian add text/latex", async () => {
    for (const x of [f, f.gradient, f.hessian, objective("(w*x - y)^2", { params: ["w"], data: { x: [1, 2], y: [2, 4] } })]) {
      const b = await bundle(x);
      expect(typeof b["text/plain"]).toBe("string");
      expect(b["text/latex"]).toMatch(/^\$\$/);
    }
  });

  test("tables: the gradcheck report adds text/html (a table)", async () => {
    const b = await bundle(gradcheck(f, { at: [-1.2, 1] }));
    expect(typeof b["text/plain"]).toBe("string");
    expect(b["text/html"]).toMatch(/<table/);
  });

  test("charts: run, comparison, sweep, schedule and figure add application/vnd.plotly.v1+json and text/html", async () => {
    const run = optimize(f, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 30 });
    const cmp = compare(f, { adam: adam({ lr: 0.01 }), gd: gd() }, { from: [-1.2, 1], steps: 30 });
    const sw = await sweep(objective("(x^2 + 10*y^2)/2"), { optimizer: (h: { lr: number }) => sgd({ lr: h.lr }), grid: { lr: [0.01, 0.1] }, from: [1, 1], steps: 20 });
    const results: [string, unknown][] = [
      ["run", run], ["comparison", cmp], ["sweep", sw], ["schedule", schedules.cosine({ lr: 0.1, tMax: 10 })],
      ["figure", plot.loss(run)], ["contour figure", plot.contour(f, cmp)],
    ];
    const htmls: string[] = [];
    for (const [name, x] of results) {
      const b = await bundle(x);
      expect(typeof b["text/plain"], name).toBe("string");
      isChart(b);
      htmls.push(b["text/html"] as string);
    }
    expect((await bundle(run))["text/html"]).toMatch(/<table/); // the run's table, then its chart
    // offline: plotly.js travels with the first chart of the session, once
    const carrying = htmls.filter((h) => /class="optlab-plotlyjs"/.test(h) && h.length > 1e6);
    expect(carrying).toHaveLength(1);
  });

  test("a schedule and an optimizer show text/plain; a DslError is an Error with code and path", async () => {
    expect((await bundle(adam()))["text/plain"]).toMatch(/^adam\(lr=0\.001/);
    const e = dslError(() => objective("x +* 2"), "parse");
    expect(e).toBeInstanceOf(Error);
    expect(typeof e.path).toBe("string");
  });
});
