/**
 * Which backend wins at which size: a sweep of B runs × 100 steps of Adam on the 2-D Rosenbrock
 * function on every backend that starts, B = 10 … 10⁵ (float64: the float64 engine's runner, one
 * run at a time; wasm / webgpu: fused kernels; cpu: tfjs ops). The crossovers set
 * `AUTO_THRESHOLDS` in src/backends/registry.ts (`backend: "auto"`), and a data-backed row: one
 * full-batch gradient of logistic regression over 10⁶ rows, float64 loops vs tfjs wasm.
 */
import { adam, objective, sweep } from "../../dsl/index.js";
import { probeBackends } from "../../src/backends/index.js";
import { buildObjective } from "../../src/symbolic/index.js";
import { TensorObjective } from "../../src/tensor/index.js";
import { startTfjs } from "../../src/backends/index.js";
import type { BenchRow } from "./run.js";

const STEPS = 100;

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const available = (await probeBackends()).filter((b) => b.available && b.name !== "tensorflow").map((b) => b.name);
  const limits: Record<string, number> = { float64: 10_000, cpu: 10_000, wasm: 100_000, webgpu: 100_000 };
  const perRunStep: Record<string, Record<number, number>> = {};
  for (const B of [10, 100, 1_000, 10_000, 100_000]) {
    const lrs = Array.from({ length: B }, (_, i) => 1e-4 * Math.pow(1e3, i / Math.max(1, B - 1)));
    for (const backend of available) {
      if (B > (limits[backend] ?? 0)) continue;
      await sweep(f, { optimizer: (h) => adam({ lr: h.lr }), grid: { lr: lrs.slice(0, 2) }, from: [-1.2, 1], steps: 2, backend }); // warm
      const s = await sweep(f, { optimizer: (h) => adam({ lr: h.lr }), grid: { lr: lrs }, from: [-1.2, 1], steps: STEPS, backend });
      (perRunStep[backend] ??= {})[B] = s.info.time / (B * STEPS);
      rows.push({ name: `sweep B=${B} × ${STEPS} steps on ${backend} (${s.info.engine})`, ours: s.throughput, unit: "run-steps/s" });
    }
  }
  const f64 = perRunStep.float64 ?? {};
  for (const backend of ["wasm", "webgpu", "cpu"]) {
    const t = perRunStep[backend];
    if (!t) continue;
    const wins = Object.keys(t).map(Number).filter((B) => f64[B] !== undefined && t[B]! < f64[B]!);
    rows.push({ name: `smallest B where ${backend} beats float64 (of 10, 100, 1e3, 1e4)`, ours: wins.length ? Math.min(...wins) : NaN, unit: "runs", note: wins.length ? "" : "never in this range" });
  }
  // data-backed: one full gradient over 10⁶ rows
  const N = 1_000_000;
  let seed = 1;
  const r = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const a = Array.from({ length: N }, () => [r() * 2 - 1, r() * 2 - 1, r() * 2 - 1]);
  const y = a.map((row) => (row[0]! - row[1]! > 0 ? 1 : 0));
  const z = "w1*a[1] + w2*a[2] + w3*a[3] + c";
  const built = buildObjective(`softplus(${z}) - y*(${z})`, { params: ["w1", "w2", "w3", "c"], data: { a, y } });
  const g = new Float64Array(4);
  const x = new Float64Array([0.1, -0.2, 0.3, 0]);
  built.problem.valueAndGradInto(x, g);
  let t0 = performance.now();
  for (let i = 0; i < 5; i++) built.problem.valueAndGradInto(x, g);
  const tF64 = (performance.now() - t0) / 5;
  const e = await startTfjs("wasm");
  await e.activate();
  const obj = new TensorObjective(e, built.problem as never);
  const cols = Array.from(x, (v) => e.tf.tensor2d([[v]]));
  const once = () => e.tf.tidy(() => {
    const res = obj.valueAndGrad(cols);
    return [res.value, ...res.grad];
  });
  e.tf.dispose(once());
  t0 = performance.now();
  for (let i = 0; i < 5; i++) e.tf.dispose(once());
  await e.read(e.tf.tidy(() => e.tf.sum(cols[0]!)));
  const tWasm = (performance.now() - t0) / 5;
  e.tf.dispose(cols);
  obj.dispose();
  rows.push({ name: "logistic regression, f and ∇f over 10⁶ rows (3 features), tfjs wasm", ours: tWasm, unit: "ms", reference: tF64, referenceName: "float64 generated loop" });
  return rows;
}
