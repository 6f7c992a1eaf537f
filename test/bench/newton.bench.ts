/**
 * A Newton step at n = 100: `optimize(objective(...), newton(), …)` on the extended Rosenbrock
 * function (compiled Hessian, full symmetric eigendecomposition for the saddle-free step, a
 * backtracking line search), time per step, against scipy.optimize.minimize(method="Newton-CG")
 * with scipy's exact rosen_der / rosen_hess, time per iteration (Debian's python3-scipy). Both
 * from (−1.2, 1, −1.2, 1, …), best of several runs, measured in this run. Newton-CG solves each
 * step by conjugate gradients; optlab's newton() eigendecomposes the Hessian (it also handles
 * indefinite Hessians), so the per-step work differs: this row shows what a step costs a user.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { newton, objective, optimize } from "../../dsl/index.js";
import { eigSymJacobi } from "../../src/numeric/eig-sym.js";
import type { BenchRow } from "./run.js";

const N = 100;
const here = dirname(fileURLToPath(import.meta.url));

export default async function bench(): Promise<BenchRow[]> {
  const f = objective(`sum(100*(x[i+1] - x[i]^2)^2 + (1 - x[i])^2, i, 1, ${N - 1})`);
  const from = Array.from({ length: N }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
  let bestPerStep = Infinity;
  let steps = 0;
  let fEnd = NaN;
  for (let rep = 0; rep < 6; rep++) {
    const t = performance.now();
    const r = optimize(f, newton(), { from, steps: 200, tol: 1e-8 });
    const ms = performance.now() - t;
    if (rep === 0) continue; // warm-up: derivation, compilation, JIT
    steps = r.steps;
    fEnd = r.losses[r.losses.length - 1]!;
    bestPerStep = Math.min(bestPerStep, ms / r.steps);
  }
  const H = new Float64Array(N * N);
  f.problem.hessianInto(Float64Array.from(from), H);
  let jac = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    eigSymJacobi(H, N);
    jac = Math.min(jac, performance.now() - t);
  }
  const p = spawnSync("/usr/bin/python3", [join(here, "scipy_newton_cg.py"), String(N)], { encoding: "utf8", timeout: 600_000 });
  const ref = p.status === 0 ? (JSON.parse(p.stdout) as { nit: number; msPerIter: number; fun: number }) : undefined;
  return [
    {
      name: `newton() step, extended Rosenbrock n=${N} through objective() (${steps} steps to |∇f| ≤ 1e-8)`,
      ours: bestPerStep,
      unit: "ms",
      ...(ref ? { reference: ref.msPerIter, referenceName: `scipy Newton-CG per iteration (${ref.nit} iterations)` } : {}),
      note: `f at the end ${fEnd.toExponential(1)}${ref ? `, scipy's ${ref.fun.toExponential(1)}` : ""}; the old Jacobi eigensolver alone took ${jac.toFixed(1)} ms per step at this n`,
    },
  ];
}
