/**
 * The objective path at hand-written speed: Adam for 2×10⁵ steps on the 2-D Rosenbrock function
 * through `objective("(1 - x)^2 + 100*(y - x^2)^2")` and `optimize` (compiled f and ∇f fused in
 * one call, Adam's float64 kernel fused with the lr step, the runner's bookkeeping: trajectory,
 * losses, gradient norms, lrs, divergence and tolerance checks) against a hand-written JS loop
 * doing the same run (PyTorch's Adam arithmetic; it records the trajectory, the loss and the
 * gradient norm at every point into preallocated Float64Arrays, as the runner does; it does not
 * record the lr nor check for divergence).
 * Rows, all measured in this process, interleaved, best of ROUNDS each: the objective path; the
 * same with f and ∇f written by hand as a `Problem`; the same chain without its float64 kernel
 * (the generic `Ops` path that users' own transforms take, and what every chain took before the
 * kernels).
 * Goal: ≤ 1.5× the hand-written loop.
 */
import { adam, objective, optimize } from "../../dsl/index.js";
import type { Transform } from "../../src/optim/index.js";
import type { Problem } from "../../src/problem/index.js";
import type { BenchRow } from "./run.js";

const STEPS = 200_000;
const LR = 1e-3;
const SRC = "(1 - x)^2 + 100*(y - x^2)^2";
/** Timed runs of each variant (the minimum is reported; the machine may be shared and loaded). */
const ROUNDS = 24;

/** Adam by hand, PyTorch's arithmetic, Rosenbrock's f and ∇f written out, recording x and f. */
function handWritten(): number[] {
  const xs = new Float64Array((STEPS + 1) * 2);
  const fs = new Float64Array(STEPS + 1);
  const gn = new Float64Array(STEPS + 1);
  const x = new Float64Array([-1.2, 1]);
  const g = new Float64Array(2);
  const m = new Float64Array(2), v = new Float64Array(2);
  const b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const fg = (p: Float64Array, out: Float64Array): number => {
    const a = p[0]!, b = p[1]!;
    const r = b - a * a;
    out[0] = -2 * (1 - a) - 400 * a * r;
    out[1] = 200 * r;
    return (1 - a) ** 2 + 100 * r * r;
  };
  let f = fg(x, g);
  xs[0] = x[0]!; xs[1] = x[1]!; fs[0] = f; gn[0] = Math.sqrt(g[0]! * g[0]! + g[1]! * g[1]!);
  for (let t = 1; t <= STEPS; t++) {
    const bc1 = 1 - b1 ** t, bc2 = 1 - b2 ** t;
    const step = LR / bc1, sq = Math.sqrt(bc2);
    for (let i = 0; i < 2; i++) {
      m[i] = m[i]! * b1 + (1 - b1) * g[i]!;
      v[i] = v[i]! * b2 + (1 - b2) * g[i]! * g[i]!;
      x[i] = x[i]! - (step * m[i]!) / (Math.sqrt(v[i]!) / sq + eps);
    }
    f = fg(x, g);
    xs[2 * t] = x[0]!; xs[2 * t + 1] = x[1]!; fs[t] = f; gn[t] = Math.sqrt(g[0]! * g[0]! + g[1]! * g[1]!);
  }
  return Array.from(x);
}

const f = objective(SRC);

/**
 * Wall-clock ms of `run` and the CPU ms this process spent meanwhile (user + system): on a
 * loaded machine the wall clock also counts time spent descheduled, the CPU time does not.
 */
function timed<T>(run: () => T): { out: T; ms: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const out = run();
  const ms = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { out, ms, cpu: (c.user + c.system) / 1000 };
}

/** The same f and ∇f written by hand as a `Problem`: what objective("…") compiles to, for scale. */
const handProblem: Problem = {
  n: 2,
  names: ["x", "y"],
  valueAt: (p) => (1 - p[0]!) ** 2 + 100 * (p[1]! - p[0]! * p[0]!) ** 2,
  valueAndGradInto(p, out) {
    const a = p[0]!, b = p[1]!;
    const r = b - a * a;
    out[0] = -2 * (1 - a) - 400 * a * r;
    out[1] = 200 * r;
    return (1 - a) ** 2 + 100 * r * r;
  },
};

const viaProblem = (): number[] => optimize(handProblem, adam({ lr: LR }), { from: [-1.2, 1], steps: STEPS }).x;

function ours(): number[] {
  const r = optimize(f, adam({ lr: LR }), { from: [-1.2, 1], steps: STEPS });
  if (r.trajectory.length !== (STEPS + 1) * 2) throw new Error("trajectory not recorded");
  return r.x;
}

/** The same Adam chain without its float64 kernel: the generic path on `Ops`. */
function viaGeneric(): number[] {
  const a = adam({ lr: LR });
  const plain: Transform = { init: a.init, update: a.update, learningRate: a.learningRate! };
  return optimize(f, plain, { from: [-1.2, 1], steps: STEPS }).x;
}

/** Best (minimum) wall and CPU times of a variant over the rounds, and its end point. */
interface Best { x: number[]; ms: number; cpu: number }

function better(b: Best | undefined, run: () => number[]): Best {
  const t = timed(run);
  return { x: t.out, ms: Math.min(b?.ms ?? Infinity, t.ms), cpu: Math.min(b?.cpu ?? Infinity, t.cpu) };
}

export default async function bench(): Promise<BenchRow[]> {
  let hand: Best | undefined, mine: Best | undefined, prob: Best | undefined, gen: Best | undefined;
  for (let i = 0; i <= ROUNDS; i++) {
    hand = better(hand, handWritten);
    mine = better(mine, ours);
    prob = better(prob, viaProblem);
    gen = better(gen, viaGeneric);
  }
  hand = hand!; mine = mine!; prob = prob!; gen = gen!;
  const gap = Math.max(Math.abs(hand.x[0]! - mine.x[0]!), Math.abs(hand.x[1]! - mine.x[1]!));
  const same = gen.x[0] === mine.x[0] && gen.x[1] === mine.x[1];
  const cpu = (a: Best, b: Best) => `CPU time ${a.cpu.toFixed(1)} vs ${b.cpu.toFixed(1)} ms (${(a.cpu / b.cpu).toFixed(2)}×)`;
  return [
    {
      name: `Adam, ${STEPS.toExponential(0)} steps on 2-D Rosenbrock through objective("…"), trajectory recorded`,
      ours: mine.ms,
      unit: "ms",
      reference: hand.ms,
      referenceName: "hand-written JS loop",
      goal: "≤ 1.5× the hand-written loop",
      met: mine.ms <= 1.5 * hand.ms,
      note: `best of ${ROUNDS + 1} each, interleaved; ${cpu(mine, hand)}; the hand loop records x, f and |∇f| per point (not the lr, no divergence checks); end points ${gap.toExponential(1)} apart (the hand loop rounds Adam's update in another order); ${((mine.ms * 1e6) / STEPS).toFixed(0)} vs ${((hand.ms * 1e6) / STEPS).toFixed(0)} ns/step`,
    },
    {
      name: `  same run through optimize() with f, ∇f written by hand as a Problem`,
      ours: mine.ms,
      unit: "ms",
      reference: prob.ms,
      referenceName: "optimize(hand-written Problem)",
      note: `ratio ≈ 1: the compiled objective costs what hand-written f and ∇f cost; ${cpu(mine, prob)}`,
    },
    {
      name: `  same run, Adam chain without its float64 kernel (generic Ops path)`,
      ours: mine.ms,
      unit: "ms",
      reference: gen.ms,
      referenceName: "optimize(objective, chain on Ops)",
      note: `the generic path is what users' own transforms take (and what every chain took before the float64 kernels); ${cpu(mine, gen)}; end points ${same ? "bit-identical" : "DIFFER"} between the two paths`,
    },
  ];
}
