/**
 * Gradient-check benchmarks: a full central-difference gradient check of the extended Rosenbrock
 * function at n = 1000 (2n evaluations of f plus one gradient; goal < 50 ms), fast mode, and
 * Richardson, each next to torch.autograd.gradcheck on the same function in float64, measured
 * in the same run (test/bench/gradcheck_torch.py, Debian's python3-torch).
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

export default async function bench(): Promise<BenchRow[]> {
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
  return rows;
}
