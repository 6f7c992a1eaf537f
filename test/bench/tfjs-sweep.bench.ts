/**
 * A sweep of 10⁵ configurations × 500 steps of Adam on the 2-D Rosenbrock function (per-run
 * learning rates, log-spaced 1e-4 … 1e-1, from (−1.2, 1)), on wasm and on webgpu, against the same
 * vectorized sweep in PyTorch on the CPU (Debian's python3-torch, test/bench/torch_sweep.py),
 * measured in this run, alternating, best of two each.
 *
 * Throughput = configurations × steps / second. "Same work" means PyTorch also computes what
 * optlab's sweep reports every step (loss, gradient norm, first step under tol, divergence);
 * "minimal" is PyTorch doing only the Adam steps, the least a sweep can do.
 *
 * Environment: OPTLAB_BENCH_SWEEP_B / OPTLAB_BENCH_SWEEP_STEPS shrink the sweep for a quick look.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { adam, objective, sweep } from "../../dsl/index.js";
import type { BenchRow } from "./run.js";

const here = dirname(fileURLToPath(import.meta.url));
const B = Number(process.env.OPTLAB_BENCH_SWEEP_B ?? 100_000);
const STEPS = Number(process.env.OPTLAB_BENCH_SWEEP_STEPS ?? 500);

function torch(mode: "same-work" | "minimal"): { seconds: number; version: string; threads: number } | undefined {
  const r = spawnSync("/usr/bin/python3", [join(here, "torch_sweep.py"), String(B), String(STEPS), mode], { encoding: "utf8" });
  if (r.status !== 0) return undefined;
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { seconds: number; torch: string; threads: number };
  return { seconds: out.seconds, version: out.torch, threads: out.threads };
}

async function ours(backend: string, engine: "auto" | "ops" = "auto"): Promise<{ seconds: number; label: string; median: number }> {
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const lrs = Array.from({ length: B }, (_, i) => 1e-4 * Math.pow(1e3, i / Math.max(1, B - 1)));
  const s = await sweep(f, { optimizer: (h) => adam({ lr: h.lr }), grid: { lr: lrs }, from: [-1.2, 1], steps: STEPS, backend, engine });
  const losses = s.results.map((r) => r.finalLoss).sort((a, b) => a - b);
  return { seconds: s.info.time / 1000, label: s.info.engine, median: losses[Math.floor(losses.length / 2)]! };
}

export default async function (): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const work = B * STEPS;
  const best = { wasm: Infinity, webgpu: Infinity, same: Infinity, minimal: Infinity };
  let version = "?";
  let threads = 0;
  let labels: Record<string, string> = {};
  let medians: Record<string, number> = {};
  await ours("wasm"); // warm-up: tfjs, wasm, kernel compilation
  for (let round = 0; round < 2; round++) {
    for (const backend of ["wasm", "webgpu"] as const) {
      try {
        const r = await ours(backend);
        best[backend] = Math.min(best[backend], r.seconds);
        labels[backend] = r.label;
        medians[backend] = r.median;
      } catch (e) {
        labels[backend] = `unavailable: ${(e as Error).message}`;
      }
    }
    for (const mode of ["same-work", "minimal"] as const) {
      const t = torch(mode);
      if (!t) continue;
      version = t.version;
      threads = t.threads;
      if (mode === "same-work") best.same = Math.min(best.same, t.seconds);
      else best.minimal = Math.min(best.minimal, t.seconds);
    }
  }
  const ref = `torch ${version} CPU, ${threads} thread${threads === 1 ? "" : "s"}`;
  for (const backend of ["wasm", "webgpu"] as const) {
    if (!Number.isFinite(best[backend])) {
      rows.push({ name: `sweep ${B}×${STEPS} Adam/Rosenbrock on ${backend}`, ours: NaN, unit: "run-steps/s", note: labels[backend] });
      continue;
    }
    const tput = work / best[backend];
    rows.push({
      name: `sweep ${B} configs × ${STEPS} steps, Adam on Rosenbrock, ${backend} (${labels[backend]})`,
      ours: tput, unit: "run-steps/s",
      ...(Number.isFinite(best.same) ? { reference: work / best.same, referenceName: `${ref}, same work` } : {}),
      goal: "≥ PyTorch (same work)",
      ...(Number.isFinite(best.same) ? { met: tput >= work / best.same } : {}),
      note: `median final loss ${medians[backend]?.toPrecision(4)}`,
    });
    if (Number.isFinite(best.minimal)) {
      rows.push({ name: `  same sweep on ${backend} vs PyTorch doing only the Adam steps`, ours: tput, unit: "run-steps/s", reference: work / best.minimal, referenceName: `${ref}, minimal` });
    }
  }
  // what fusion buys: the same sweep, smaller, one tfjs op per primitive
  const small = Math.min(B, 10_000);
  const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const lrs = Array.from({ length: small }, (_, i) => 1e-4 * Math.pow(1e3, i / Math.max(1, small - 1)));
  for (const engine of ["ops", "auto"] as const) {
    const s = await sweep(f, { optimizer: (h) => adam({ lr: h.lr }), grid: { lr: lrs }, from: [-1.2, 1], steps: 50, backend: "wasm", engine });
    rows.push({ name: `sweep ${small} × 50 steps on wasm, ${s.info.engine}`, ours: s.throughput, unit: "run-steps/s" });
  }
  return rows;
}
