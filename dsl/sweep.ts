/**
 * `sweep(objective, options)`: grid or random search over hyperparameters and start points, run
 * as one tensor program on a TensorFlow.js backend (thousands of runs at once), or run by run on
 * the float64 engine for small sweeps.
 *
 * @example
 * const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
 * const s = await sweep(f, {
 *   optimizer: (h) => momentum({ lr: h.lr, momentum: h.m }),
 *   grid: { lr: [1e-4, 3e-4, 1e-3, 3e-3], m: [0, 0.5, 0.9, 0.99] },
 *   from: [-1.2, 1], steps: 500,
 * });
 * s.best; s.results[0]; // { h: { lr: 1e-4, m: 0 }, from: [-1.2, 1], finalLoss, diverged, stepsToTol, ... }
 */
import { BACKENDS } from "../src/backends/index.js";
import { DslError, describe } from "../src/errors/index.js";
import type { Problem } from "../src/problem/index.js";
import { runSweep, Sweep, type HyperPoint, type RandomRange, type SweepResult } from "../src/sweep/index.js";
import { withKernelSignal } from "./kernel-signal.js";
import { isTreePoint, pointIn } from "../src/optim/index.js";

/** Options of `sweep`. */
export interface SweepOptions {
  /**
   * The optimizer of a configuration, from its hyperparameters: `(h) => adam({ lr: h.lr })`.
   * Values passed straight through (`lr: h.lr`) are vectorized in one call; anything else calls
   * the function once per configuration (slower for 10⁵ configurations, same results).
   */
  optimizer: ((h: HyperPoint & Record<string, any>) => unknown) | object;
  /** A grid: every combination of the listed values (first key varies slowest). */
  grid?: Record<string, readonly unknown[]>;
  /** Random search: per key `[min, max]` (uniform), `{ min, max, log: true }` (log-uniform) or `{ values: [...] }`. */
  random?: Record<string, RandomRange>;
  /** Random search: number of configurations (default 20). */
  samples?: number;
  /** One start point (number[] in variable order, or a record by name). */
  from?: readonly number[] | Record<string, number> | Readonly<Record<string, unknown>>;
  /** Several starts: a list of points (each flat, by variable name, or a tree such as a model's params), or a grid by variable `{ x: [...], y: [...] }` (basins of attraction). */
  starts?: readonly (readonly number[] | Readonly<Record<string, unknown>> | readonly unknown[])[] | Record<string, readonly number[]>;
  /** Optimizer steps per run (default 100). */
  steps?: number;
  /** `stepsToTol` is the first step with |∇f| ≤ tol (default 1e-4). */
  tol?: number;
  /** A run diverges when its loss is not finite or exceeds loss₀ + factor·(|loss₀| + 1) (default 1e6). */
  divergenceFactor?: number;
  /** Clip each run's gradient norm (torch's clip_grad_norm_). */
  clipNorm?: number;
  /** Clamp each gradient coordinate to [−c, c]. */
  clipValue?: number;
  /** Data-backed objectives: rows per mini-batch (same seeded batches for every run). */
  batchSize?: number;
  /** Seed of random search and of mini-batches (default 0). */
  seed?: number;
  /** "auto" (default: by the number of runs), "float64", "cpu", "wasm", "webgpu", "tensorflow". */
  backend?: string;
  /** "auto" (default: fused kernels on wasm/webgpu for objectives without data), "fused", "ops". */
  engine?: "auto" | "fused" | "ops";
  /**
   * Stops the sweep when aborted (between runs on float64, between chunks of 50 steps on tfjs):
   * the promise rejects with a DslError, code "aborted". In the kernel the running cell's
   * interrupt does the same without it.
   */
  signal?: AbortSignal;
}

const KEYS = ["optimizer", "grid", "random", "samples", "from", "starts", "steps", "tol", "divergenceFactor", "clipNorm", "clipValue", "batchSize", "seed", "backend", "engine", "signal"];

function closest(k: string): string | undefined {
  const norm = (s: string) => s.replace(/[_-]/g, "").toLowerCase();
  return KEYS.find((r) => norm(r) === norm(k) || norm(r).startsWith(norm(k)) || norm(k).startsWith(norm(r)));
}

function check(o: Record<string, unknown>): void {
  for (const k of Object.keys(o)) {
    if (!KEYS.includes(k)) {
      const hint = closest(k);
      throw new DslError("unknown-option", `sweep: unknown option "${k}"${hint ? ` (did you mean "${hint}"?)` : ""}; options are ${KEYS.join(", ")}`, { path: `sweep.${k}` });
    }
  }
  const num = (k: string, ok: (v: number) => boolean, what: string) => {
    const v = o[k];
    if (v !== undefined && (typeof v !== "number" || !ok(v))) throw new DslError("bad-option", `sweep: ${k} must be ${what}, got ${describe(v)}`, { path: `sweep.${k}` });
  };
  num("steps", (v) => Number.isInteger(v) && v >= 0, "an integer ≥ 0");
  num("samples", (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
  num("tol", (v) => v >= 0 && Number.isFinite(v), "a number ≥ 0");
  num("divergenceFactor", (v) => v > 0, "a number > 0 (Infinity disables)");
  num("clipNorm", (v) => v > 0 && Number.isFinite(v), "a number > 0");
  num("clipValue", (v) => v > 0 && Number.isFinite(v), "a number > 0");
  num("batchSize", (v) => Number.isInteger(v) && v >= 1, "an integer ≥ 1");
  num("seed", Number.isInteger, "an integer");
  const opt = o.optimizer;
  if (opt === undefined) throw new DslError("missing-option", "sweep: optimizer is required, e.g. optimizer: (h) => adam({ lr: h.lr })", { path: "sweep.optimizer" });
  if (typeof opt !== "function" && !(opt && typeof opt === "object" && typeof (opt as { update?: unknown }).update === "function")) {
    throw new DslError("bad-option", `sweep: optimizer must be a function (h) => optimizer or an optimizer, got ${describe(opt)}`, { path: "sweep.optimizer" });
  }
  for (const k of ["grid", "random"] as const) {
    const v = o[k];
    if (v !== undefined && (v === null || typeof v !== "object" || Array.isArray(v) || Object.keys(v).length === 0)) {
      throw new DslError("bad-option", `sweep: ${k} must be a non-empty record of hyperparameters, e.g. { lr: [0.01, 0.1] }, got ${describe(v)}`, { path: `sweep.${k}` });
    }
  }
  const b = o.backend;
  const all = ["auto", ...Object.keys(BACKENDS)];
  if (b !== undefined && !all.includes(b as string)) throw new DslError("bad-backend", `sweep: backend must be one of ${all.map((x) => `"${x}"`).join(", ")}, got ${describe(b)}`, { path: "sweep.backend" });
  if (o.engine !== undefined && !["auto", "fused", "ops"].includes(o.engine as string)) {
    throw new DslError("bad-option", `sweep: engine must be "auto", "fused" or "ops", got ${describe(o.engine)}`, { path: "sweep.engine" });
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new DslError("bad-option", `sweep: signal must be an AbortSignal, got ${describe(o.signal)}`, { path: "sweep.signal" });
}


function toProblem(target: unknown): Problem {
  const t = target as Record<string, unknown> | null;
  if (t && typeof t === "object" && typeof t.valueAndGradInto === "function" && typeof t.n === "number") return target as Problem;
  throw new DslError("bad-objective", `sweep: expected an objective (from objective(...)), got ${describe(target)}`, { path: "sweep.objective" });
}

/**
 * Runs `optimizer(h)` for every hyperparameter point h of the grid (or random search) from
 * every start, and returns a `Sweep`: `results` in grid order (`{ h, from, finalLoss, diverged,
 * stepsToTol, x, ... }`), `best`, `heatmap()`, `basins()`, and a display that draws the
 * stability map (two swept hyperparameters) or the basins of attraction (a 2-D grid of starts).
 *
 * On `webgpu` and `wasm`, objectives without data run as one generated kernel per step for all
 * runs; data-backed objectives and the `cpu` backend run one tfjs op per primitive. tfjs is
 * float32: finite differences are never taken there, and results match the float64 engine to
 * float32 accuracy.
 *
 * In the kernel, interrupting the cell stops the sweep (between runs, or chunks of 50 steps);
 * elsewhere pass `signal`. Either way the promise rejects with a DslError, code "aborted", whose
 * `result` is a `Sweep` of the hyperparameter points whose runs all finished (no `grid`).
 *
 * @param objective - an `objective(...)` (symbolic: tfjs backends compile it).
 * @param options - see `SweepOptions`.
 * @example
 * const s = await sweep(objective("x^2 + 10*y^2"), {
 *   optimizer: (h) => sgd({ lr: h.lr, momentum: h.momentum }),
 *   grid: { lr: [0.01, 0.05, 0.1, 0.2], momentum: [0, 0.5, 0.9] },
 *   from: [1, 1], steps: 200, backend: "wasm",
 * });
 * s.results.filter((r) => r.diverged).map((r) => r.h); // the unstable corner
 */
export async function sweep(objective: object, options: SweepOptions): Promise<Sweep> {
  if (options === null || typeof options !== "object") {
    throw new DslError("bad-options", `sweep: expected options such as { optimizer: (h) => adam({ lr: h.lr }), grid: { lr: [...] }, from: [...] }, got ${describe(options)}`, { path: "sweep" });
  }
  check(options as unknown as Record<string, unknown>);
  const signal = withKernelSignal(options.signal);
  const problem = toProblem(objective);
  // a start given as a tree the objective reads ({ W: [[..]], b: [..] }, { x: [..] }) runs from its flat point
  const from = options.from !== undefined && isTreePoint(options.from) ? { from: Array.from(pointIn(problem, options.from, "sweep", "from")) } : {};
  // and a list of starts, each as a tree (or flat, or by variable name)
  const list = options.starts as unknown;
  const starts = Array.isArray(list) && list.some(isTreePoint) ? { starts: list.map((p, i) => (isTreePoint(p) ? Array.from(pointIn(problem, p, "sweep", `starts[${i}]`)) : p)) } : {};
  return runSweep(problem, { ...options, ...from, ...starts, ...(signal ? { signal } : {}) } as never, "sweep");
}

export { Sweep, type SweepResult };
