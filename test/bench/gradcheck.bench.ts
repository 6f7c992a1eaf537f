/**
 * Gradient-check benchmarks: a full central-difference gradient check of the extended Rosenbrock
 * function at n = 1000 (2n evaluations of f plus one gradient; goal < 50 ms), fast mode, and
 * Richardson, each next to torch.autograd.gradcheck on the same function in float64, measured
 * in the same run (test/bench/gradcheck_torch.py, Debian's python3-torch).
 *
 * Then the size rows: full and fast checks of user code `{ f, grad }` at 10³, 10⁴ and 10⁵
 * parameters — the extended Rosenbrock function (cheap f: the check's own overhead shows) and a
 * tanh MLP loss (20 inputs, 8 samples, MSE; f dominates) — next to torch.autograd.gradcheck (full
 * and fast_mode) on the same functions at the same points, in the same run
 * (test/bench/gradcheck_torch_sizes.py); and the same MLP built as an optlab model (nn.mlp +
 * nn.loss: its f runs in the WebAssembly engine), full check, next to torch's same MLP row.
 * The MLP's full check at 10⁵ (2·10⁵ evaluations of a
 * 1.6·10⁶-flop f, minutes on each side) runs only with GRADCHECK_BENCH_MLP_1E5=1;
 * GRADCHECK_BENCH_MAX_N=10000 leaves out 10⁵ (minutes for torch); GRADCHECK_BENCH_ONLY_SIZES=1 runs
 * only the size rows.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as dsl from "../../dsl/index.js";
import { gradcheck } from "../../dsl/gradcheck.js";
import type { Problem } from "../../src/problem/index.js";
import type { BenchRow } from "./run.js";

const N = 1000;
const REPEATS = 15;

/** Extended Rosenbrock Σ 100(x_{2i+1} − x_{2i}²)² + (1 − x_{2i})², written by hand as a Problem. */
export function extendedRosenbrock(n: number): Problem {
  return {
    n,
    names: Array.from({ length: n }, (_, i) => `x[${i}]`),
    valueAt(x) {
      let s = 0;
      for (let i = 0; i < n; i += 2) {
        const u = x[i + 1]! - x[i]! * x[i]!;
        const v = 1 - x[i]!;
        s += 100 * u * u + v * v;
      }
      return s;
    },
    valueAndGradInto(x, g) {
      let s = 0;
      for (let i = 0; i < n; i += 2) {
        const u = x[i + 1]! - x[i]! * x[i]!;
        const v = 1 - x[i]!;
        s += 100 * u * u + v * v;
        g[i] = -400 * x[i]! * u - 2 * v;
        g[i + 1] = 200 * u;
      }
      return s;
    },
  };
}

/** The floor: the 2n evaluations of f alone, in a plain loop. */
function bareLoop(p: Problem, at: number[]): number {
  const x = Float64Array.from(at);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    x[i] = xi + 1e-6;
    s += p.valueAt(x);
    x[i] = xi - 1e-6;
    s -= p.valueAt(x);
    x[i] = xi;
  }
  return s;
}

function medianMs(fn: () => unknown, repeats: number): number {
  fn();
  const t: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

function torchTimes(): { version: string; full: number; fast: number } | null {
  const script = join(dirname(fileURLToPath(import.meta.url)), "gradcheck_torch.py");
  try {
    const out = execFileSync("/usr/bin/python3", [script, String(N), "7"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });
    const r = JSON.parse(out.trim().split("\n").at(-1)!) as { torch: string; full_ms: number; fast_ms: number };
    return { version: r.torch, full: r.full_ms, fast: r.fast_ms };
  } catch (e) {
    process.stderr.write(`  torch reference unavailable: ${(e as Error).message.split("\n")[0]}\n`);
    return null;
  }
}

/** Extended Rosenbrock as user code { f, grad } on number[] (what a notebook user passes). */
export function rosenUser(n: number): { f: (p: number[]) => number; grad: (p: number[]) => number[]; at: number[] } {
  const p = extendedRosenbrock(n);
  const g = new Float64Array(n);
  return {
    f: (x) => p.valueAt(x as unknown as Float64Array),
    grad: (x) => {
      p.valueAndGradInto(x as unknown as Float64Array, g);
      return Array.from(g);
    },
    at: Array.from({ length: n }, (_, i) => 1.2 * Math.sin(i)),
  };
}

const NIN = 20;
const SAMPLES = 8;

/**
 * A tanh MLP loss as user code: 20 inputs → hidden → 1, 8 samples, mean squared error; flat
 * parameters W1 ([hidden][20], like torch.nn.Linear), b1, w2, b2; about n parameters. The same
 * data and point as gradcheck_torch_sizes.py.
 */
export function mlpUser(approxN: number): { n: number; f: (p: number[]) => number; grad: (p: number[]) => number[]; at: number[] } {
  const hid = Math.max(1, Math.round((approxN - 1) / (NIN + 2)));
  const n = hid * NIN + 2 * hid + 1;
  const X = Float64Array.from({ length: SAMPLES * NIN }, (_, k) => Math.sin(1.3 * k + 0.2));
  const Y = Float64Array.from({ length: SAMPLES }, (_, k) => Math.cos(0.7 * k));
  const H = new Float64Array(hid);
  const b1 = hid * NIN;
  const w2 = b1 + hid;
  const b2 = w2 + hid;
  const f = (p: number[]) => {
    let loss = 0;
    for (let s = 0; s < SAMPLES; s++) {
      let out = p[b2]!;
      for (let j = 0; j < hid; j++) {
        let z = p[b1 + j]!;
        const row = j * NIN;
        const xs = s * NIN;
        for (let i = 0; i < NIN; i++) z += p[row + i]! * X[xs + i]!;
        out += p[w2 + j]! * Math.tanh(z);
      }
      const r = out - Y[s]!;
      loss += r * r;
    }
    return loss / SAMPLES;
  };
  const grad = (p: number[]) => {
    const g = new Array<number>(n).fill(0);
    for (let s = 0; s < SAMPLES; s++) {
      let out = p[b2]!;
      for (let j = 0; j < hid; j++) {
        let z = p[b1 + j]!;
        for (let i = 0; i < NIN; i++) z += p[j * NIN + i]! * X[s * NIN + i]!;
        H[j] = Math.tanh(z);
        out += p[w2 + j]! * H[j]!;
      }
      const d = (2 * (out - Y[s]!)) / SAMPLES;
      g[b2] += d;
      for (let j = 0; j < hid; j++) {
        g[w2 + j] += d * H[j]!;
        const dz = d * p[w2 + j]! * (1 - H[j]! * H[j]!);
        g[b1 + j] += dz;
        for (let i = 0; i < NIN; i++) g[j * NIN + i] += dz * X[s * NIN + i]!;
      }
    }
    return g;
  };
  return { n, f, grad, at: Array.from({ length: n }, (_, k) => 0.3 * Math.sin(0.37 * k + 1)) };
}

type SizeTask = [model: "rosen" | "mlp" | "mlp-nn", n: number, mode: "full" | "fast", repeats: number];

/**
 * The same tanh MLP (20 → hidden → 1, 8 samples, the same data, MSE) as an optlab model:
 * `nn.mlp` + `nn.loss`, whose value runs through the float64 WebAssembly engine. A full check of
 * it still perturbs every parameter (2n evaluations of f); its analytic side is nn's reverse mode.
 */
function mlpModel(approxN: number): { n: number; check: (opts: object) => ReturnType<typeof gradcheck> } {
  const hid = Math.max(1, Math.round((approxN - 1) / (NIN + 2)));
  const x = Array.from({ length: SAMPLES }, (_, s) => Array.from({ length: NIN }, (_, i) => Math.sin(1.3 * (s * NIN + i) + 0.2)));
  const y = Array.from({ length: SAMPLES }, (_, s) => [Math.cos(0.7 * s)]);
  const model = dsl.nn.mlp([NIN, hid, 1], { activation: "tanh", seed: 0 });
  const L = dsl.nn.loss(model, { x, y }, "mse");
  return { n: hid * NIN + 2 * hid + 1, check: (opts) => gradcheck(L, { ...opts, at: model.params }) };
}

function torchSizes(tasks: SizeTask[]): { version: string; ms: Map<string, number>; ok: Map<string, boolean> } | null {
  const script = join(dirname(fileURLToPath(import.meta.url)), "gradcheck_torch_sizes.py");
  try {
    const out = execFileSync("/usr/bin/python3", [script, JSON.stringify(tasks)], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 1_800_000 });
    const r = JSON.parse(out.trim().split("\n").at(-1)!) as { torch: string; rows: { model: string; n: number; mode: string; ms: number; ok: boolean }[] };
    const key = (k: number) => `${tasks[k]![0]}:${tasks[k]![1]}:${tasks[k]![2]}`;
    return { version: r.torch, ms: new Map(r.rows.map((row, k) => [key(k), row.ms])), ok: new Map(r.rows.map((row, k) => [key(k), row.ok])) };
  } catch (e) {
    process.stderr.write(`  torch reference unavailable: ${(e as Error).message.split("\n")[0]}\n`);
    return null;
  }
}

/** Full and fast checks at 10³, 10⁴, 10⁵ parameters, ours then torch's on the same tasks. */
function sizeRows(): BenchRow[] {
  const tasks: SizeTask[] = [];
  const maxN = Number(process.env.GRADCHECK_BENCH_MAX_N ?? 100_000);
  for (const n of [1000, 10_000, 100_000].filter((v) => v <= maxN)) {
    const reps = n === 1000 ? 5 : n === 10_000 ? 3 : 1;
    tasks.push(["rosen", n, "full", reps], ["rosen", n, "fast", 5]);
    if (n < 100_000 || process.env.GRADCHECK_BENCH_MLP_1E5 === "1") tasks.push(["mlp", n, "full", n === 1000 ? 5 : 1]);
    tasks.push(["mlp", n, "fast", 5]);
    if (n < 100_000) tasks.push(["mlp-nn", n, "full", n === 1000 ? 5 : 3]);
  }
  const ours: { task: SizeTask; n: number; ms: number; evals: number; bare: number | null }[] = [];
  for (const task of tasks) {
    const [model, approx, mode, repeats] = task;
    if (model === "mlp-nn") {
      const m = mlpModel(approx);
      let evals = 0;
      const run = () => {
        const r = m.check(mode === "fast" ? { fast: 1 } : {});
        if (r.verdict !== "pass") throw new Error(`bench: gradcheck did not pass (nn model n=${m.n}): ${r.message.slice(0, 300)}`);
        evals = r.evaluations;
      };
      ours.push({ task, n: m.n, ms: medianMs(run, repeats), evals, bare: null });
      continue;
    }
    const m = model === "rosen" ? { n: approx, ...rosenUser(approx) } : mlpUser(approx);
    const opts = mode === "fast" ? { at: m.at, fast: 1 } : { at: m.at };
    let evals = 0;
    const run = () => {
      const r = gradcheck({ f: m.f, grad: m.grad }, opts);
      if (r.verdict !== "pass") throw new Error(`bench: gradcheck did not pass (${model} n=${m.n} ${mode}): ${r.message.slice(0, 300)}`);
      evals = r.evaluations;
    };
    const ms = repeats > 1 ? medianMs(run, repeats) : (() => { const t0 = performance.now(); run(); return performance.now() - t0; })();
    // The floor of a full check: 2n evaluations of the same f, on a number[] as gradcheck passes it.
    let bare: number | null = null;
    if (mode === "full") {
      const x = m.at.slice();
      const t0 = performance.now();
      let acc = 0;
      for (let i = 0; i < x.length; i++) {
        const xi = x[i]!;
        x[i] = xi + 1e-6;
        acc += m.f(x);
        x[i] = xi - 1e-6;
        acc -= m.f(x);
        x[i] = xi;
      }
      bare = Number.isFinite(acc) ? performance.now() - t0 : null;
    }
    ours.push({ task, n: m.n, ms, evals, bare });
  }
  // torch's side of "mlp-nn" is its "mlp" row (the same network in torch)
  const torch = torchSizes(tasks.filter((t) => t[0] !== "mlp-nn"));
  const rows: BenchRow[] = [];
  for (const o of ours) {
    const [model, approx, mode] = o.task;
    const torchModel = model === "mlp-nn" ? "mlp" : model;
    const ref = torch?.ms.get(`${torchModel}:${approx}:${mode}`);
    const what = model === "rosen" ? "extended Rosenbrock" : model === "mlp" ? "tanh MLP loss (20 in, 8 samples) as user code" : "the same MLP as an nn.mlp model (nn.loss)";
    rows.push({
      name: `size: ${mode === "full" ? "full check" : "fast check (1 direction)"}, ${what}, n=${o.n} (${o.evals} evaluations of f)`,
      ours: o.ms,
      unit: "ms",
      ...(ref !== undefined ? { reference: ref, referenceName: `torch ${torch!.version} gradcheck${mode === "fast" ? " fast_mode" : ""}` } : {}),
      ...(mode === "full" && approx === 10_000 ? { goal: "faster than torch", ...(ref !== undefined ? { met: o.ms < ref } : {}) } : {}),
      ...(torch?.ok.get(`${torchModel}:${approx}:${mode}`) === false ? { note: "torch's gradcheck calls this correct gradient wrong (a false alarm); optlab's passes" } : {}),
    });
    if (o.bare !== null) rows.push({ name: `  the same 2n evaluations of f in a bare loop`, ours: o.bare, unit: "ms", reference: o.ms, referenceName: "the full check", note: "ratio = fraction of the check's time spent in f" });
  }
  return rows;
}

export default async function bench(): Promise<BenchRow[]> {
  if (process.env.GRADCHECK_BENCH_ONLY_SIZES === "1") return sizeRows();
  const p = extendedRosenbrock(N);
  const at = Array.from({ length: N }, (_, i) => 1.2 * Math.sin(i));
  const check = (opts: object) => {
    const r = gradcheck(p, { at, ...opts });
    if (r.verdict !== "pass") throw new Error(`bench: gradcheck did not pass: ${r.message}`);
    return r;
  };
  const evals = check({}).evaluations;
  const full = medianMs(() => check({}), REPEATS);
  // fast mode is ~0.1 ms: many repeats, so that the median is V8's optimized code (as torch's is)
  const fast = medianMs(() => check({ fast: true }), 200);
  const fast1 = medianMs(() => check({ fast: 1 }), 200);
  const rich = medianMs(() => check({ method: "richardson" }), 5);
  const bare = medianMs(() => bareLoop(p, at), REPEATS);
  const torch = torchTimes();
  const ref = torch ? { reference: torch.full, referenceName: `torch ${torch.version} gradcheck (float64)` } : {};
  const rows: BenchRow[] = [
    { name: `gradcheck central, extended Rosenbrock n=${N} (${evals} evaluations of f)`, ours: full, unit: "ms", ...ref, goal: "< 50 ms", met: full < 50 },
    { name: `  same 2n evaluations of f in a bare loop (floor)`, ours: bare, unit: "ms", reference: full, referenceName: "gradcheck central", note: "ratio = fraction of gradcheck time spent in f" },
    { name: `gradcheck fast (4 random directions, the default), n=${N}`, ours: fast, unit: "ms", ...(torch ? { reference: torch.fast, referenceName: `torch ${torch.version} gradcheck fast_mode` } : {}) },
    { name: `gradcheck fast: 1 random direction (as torch's fast_mode), n=${N}`, ours: fast1, unit: "ms", ...(torch ? { reference: torch.fast, referenceName: `torch ${torch.version} gradcheck fast_mode` } : {}) },
    { name: `gradcheck richardson, n=${N}`, ours: rich, unit: "ms", ...ref },
  ];
  const objective = (dsl as Record<string, unknown>).objective as ((src: string, o?: object) => Problem) | undefined;
  if (typeof objective === "function") {
    const vars = Array.from({ length: N }, (_, i) => `x${i}`);
    const terms = Array.from({ length: N / 2 }, (_, k) => `100*(x${2 * k + 1} - x${2 * k}^2)^2 + (1 - x${2 * k})^2`);
    const obj = objective(terms.join(" + "), { vars });
    const t0 = performance.now();
    gradcheck(obj, { at });
    const cold = performance.now() - t0;
    // The first call includes compiling f and (f, ∇f) (loops over the sum's terms, which V8
    // optimizes within that call); the steady state is measured after a warm-up.
    for (let k = 0; k < 30; k++) gradcheck(obj, { at });
    const t = medianMs(() => gradcheck(obj, { at }), REPEATS);
    const floor = medianMs(() => bareLoop(obj, at), REPEATS);
    rows.push({ name: `gradcheck central through objective(), n=${N}, first call`, ours: cold, unit: "ms", ...ref, note: "includes compiling f and (f, ∇f) on first use" });
    rows.push({ name: `gradcheck central through objective(), n=${N}, steady state`, ours: t, unit: "ms", ...ref, goal: "< 50 ms", met: t < 50 });
    rows.push({ name: `  same 2n evaluations of objective().valueAt in a bare loop (floor)`, ours: floor, unit: "ms", reference: t, referenceName: "gradcheck through objective()", note: "time in f itself" });
  }
  rows.push(...sizeRows());
  return rows;
}
