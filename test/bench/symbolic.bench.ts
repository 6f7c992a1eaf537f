/**
 * Symbolic benchmarks on the extended Rosenbrock function
 * f = Σ_{i=1}^{n/2} 100 (x_{2i} − x_{2i−1}²)² + (1 − x_{2i−1})²:
 *
 * 1. derive and compile ∇f and ∇²f at n = 50 (parse, gradient, Hessian from the gradient,
 *    compiled f, (f, ∇f) and ∇²f closures), next to SymPy's diff + Hessian from the gradient +
 *    lambdify(cse=True) measured in the same run (test/bench/sympy_rosenbrock.py, timed inside
 *    Python). Goal: faster than SymPy.
 * 2. the same at n = 200 (goal: < 5 s) and n = 1000 (no goal; for the record).
 * 3. evaluating f and ∇f together vs f alone at n = 100 (goal: ≤ 3×), and at n = 1000; and
 *    (f, ∇f) at n = 50 next to SymPy's lambdified gradient (NumPy), for the record.
 * 4. the first gradcheck of a fresh objective at n = 1000 ("cold": its generated code has never
 *    run, so V8 starts it in the interpreter), next to the same gradcheck once warm.
 *
 * Each repeat uses fresh variable names, so hash-consing cannot reuse the previous repeat's nodes.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gradcheck } from "../../dsl/gradcheck.js";
import { objective } from "../../dsl/objective.js";
import { parseExpression } from "../../src/symbolic/index.js";
import type { BenchRow } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));
let fresh = 0;

function rosenbrock(n: number, base: string): string {
  return `sum(100 (${base}[2i] - ${base}[2i-1]^2)^2 + (1 - ${base}[2i-1])^2, i, 1, ${n / 2})`;
}

/** Milliseconds to parse, derive ∇f and ∇²f, and compile f, (f, ∇f), ∇²f. */
function deriveAndCompile(n: number): number {
  const src = rosenbrock(n, `v${fresh++}`);
  const t0 = performance.now();
  const f = objective(src);
  void f.gradient;
  void f.hessian;
  const x = new Float64Array(n).fill(0.5);
  f.valueAt(x);
  f.valueAndGradInto(x, new Float64Array(n));
  f.hessianInto(x, new Float64Array(n * n));
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * ns per call of f alone and of (f, ∇f): the best of 15 interleaved batches after a warm-up.
 * x[0] changes every call so V8 cannot hoist the (pure) computation out of the timing loop; the
 * warm-up runs until both closures are optimized (V8's optimizing compiler works on a background
 * thread, late on a loaded machine: up to ~2 s for the large programs at n = 1000).
 */
function evalRatio(n: number): { f: number; fg: number } {
  const obj = objective(rosenbrock(n, `e${fresh++}`));
  const x = Float64Array.from({ length: n }, (_v, i) => Math.sin(i));
  const g = new Float64Array(n);
  const iters = Math.max(200, Math.round(2e6 / n));
  let sink = 0;
  const batch = (withGrad: boolean): number => {
    const t = performance.now();
    if (withGrad) {
      for (let k = 0; k < iters; k++) {
        x[0] = 0.5 + (k & 1) * 1e-9;
        sink += obj.valueAndGradInto(x, g);
      }
    } else {
      for (let k = 0; k < iters; k++) {
        x[0] = 0.5 + (k & 1) * 1e-9;
        sink += obj.valueAt(x);
      }
    }
    return ((performance.now() - t) / iters) * 1e6;
  };
  const t0 = performance.now();
  let last = [Infinity, Infinity];
  while (performance.now() - t0 < 4000) {
    const now = [batch(false), batch(true)];
    const stable = now.every((v, i) => Math.abs(v - last[i]!) < 0.15 * v);
    last = now;
    if (stable && performance.now() - t0 > 300) break;
  }
  let f = Infinity;
  let fg = Infinity;
  for (let b = 0; b < 15; b++) {
    f = Math.min(f, batch(false));
    fg = Math.min(fg, batch(true));
  }
  if (Number.isNaN(sink)) throw new Error("unreachable");
  return { f, fg };
}

/**
 * The first central gradcheck of a fresh objective (parse, compile f and (f, ∇f), 2n + 1
 * evaluations with code V8 has never run), and the same check once warm (median of 5).
 */
function firstGradcheck(n: number): { cold: number; compile: number; warm: number } {
  const x = Array.from({ length: n }, (_v, i) => 0.5 + 0.1 * Math.sin(i));
  const t0 = performance.now();
  const f = objective(rosenbrock(n, `c${fresh++}`));
  f.valueAndGradInto(Float64Array.from(x), new Float64Array(n));
  const t1 = performance.now();
  if (gradcheck(f, { at: x }).verdict !== "pass") throw new Error("bench: the gradcheck did not pass");
  const cold = performance.now() - t0;
  for (let k = 0; k < 20; k++) gradcheck(f, { at: x });
  const warm = median(Array.from({ length: 5 }, () => {
    const t = performance.now();
    gradcheck(f, { at: x });
    return performance.now() - t;
  }));
  return { cold, compile: t1 - t0, warm };
}

function sympy(n: number, repeats: number): { seconds: number; evalGradUs: number; version: string } | null {
  try {
    const out = execFileSync("/usr/bin/python3", [join(here, "sympy_rosenbrock.py"), String(n), String(repeats)], { encoding: "utf8", timeout: 300_000 });
    const r = JSON.parse(out.trim().split("\n").pop()!) as { derive_compile_s: number[]; eval_grad_us: number; sympy: string };
    return { seconds: median(r.derive_compile_s), evalGradUs: r.eval_grad_us, version: r.sympy };
  } catch (e) {
    process.stderr.write(`  SymPy reference unavailable: ${(e as Error).message.split("\n")[0]}\n`);
    return null;
  }
}

export default async function (): Promise<BenchRow[]> {
  parseExpression("x"); // load mathjs outside the timings (it costs ~0.5 s once per process)
  const rows: BenchRow[] = [];

  const cold = deriveAndCompile(50);
  const warm50 = median(Array.from({ length: 5 }, () => deriveAndCompile(50)));
  const ref = sympy(50, 3);
  rows.push({
    name: "extended Rosenbrock n=50: derive + compile ∇f and ∇²f",
    ours: warm50,
    unit: "ms",
    ...(ref ? { reference: ref.seconds * 1000, referenceName: `SymPy ${ref.version} diff + lambdify(cse=True)` } : {}),
    goal: "faster than SymPy",
    ...(ref ? { met: warm50 < ref.seconds * 1000 } : {}),
    note: `first call in the process (JIT cold): ${cold.toFixed(1)} ms`,
  });

  const t200 = median(Array.from({ length: 3 }, () => deriveAndCompile(200)));
  rows.push({ name: "extended Rosenbrock n=200: derive + compile ∇f and ∇²f", ours: t200, unit: "ms", goal: "< 5000 ms", met: t200 < 5000 });
  const t1000 = deriveAndCompile(1000);
  rows.push({ name: "extended Rosenbrock n=1000: derive + compile ∇f and ∇²f", ours: t1000, unit: "ms" });

  for (const n of [100, 1000]) {
    const r = evalRatio(n);
    rows.push({
      name: `extended Rosenbrock n=${n}: f and ∇f together vs f alone`,
      ours: r.fg / 1000,
      unit: "µs",
      reference: r.f / 1000,
      referenceName: "f alone (same compiled objective)",
      ...(n === 100 ? { goal: "≤ 3× f alone", met: r.fg <= 3 * r.f } : {}),
    });
  }
  const g = firstGradcheck(1000);
  rows.push({
    name: "first gradcheck at n=1000, cold (objective() + compile + check)",
    ours: g.cold,
    unit: "ms",
    reference: g.warm,
    referenceName: "the same gradcheck, warm",
    note: `of which parse + compile f and (f, ∇f): ${g.compile.toFixed(1)} ms`,
  });
  if (ref) {
    const r = evalRatio(50);
    rows.push({ name: "extended Rosenbrock n=50: evaluate f and ∇f", ours: r.fg / 1000, unit: "µs", reference: ref.evalGradUs, referenceName: `SymPy ${ref.version} lambdify(cse=True) ∇f (NumPy)` });
  }
  return rows;
}
