/**
 * Cost of evaluating a schedule once per optimizer step, against the same recursion written
 * inline in a loop (what a hand-written training loop would do). Both measured in this run.
 */
import { cosine, oneCycle } from "../../src/optim/schedules/index.js";
import type { BenchRow } from "./run.js";

const STEPS = 200_000;

function best(fn: () => number, reps = 7): number {
  let t = Infinity;
  let sink = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = process.hrtime.bigint();
    sink += fn();
    t = Math.min(t, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  if (!Number.isFinite(sink)) throw new Error("bench sink");
  return t;
}

export default async function (): Promise<BenchRow[]> {
  const [lr, T, etaMin] = [0.1, 50_000, 1e-4];
  const handCosine = () => {
    let v = lr;
    let sum = v;
    for (let k = 1; k < STEPS; k++) {
      v = (k - 1 - T) % (2 * T) === 0
        ? v + ((lr - etaMin) * (1 - Math.cos(Math.PI / T))) / 2
        : ((1 + Math.cos((Math.PI * k) / T)) / (1 + Math.cos((Math.PI * (k - 1)) / T))) * (v - etaMin) + etaMin;
      sum += v;
    }
    return sum;
  };
  const oursCosine = () => {
    const s = cosine({ lr, tMax: T, etaMin });
    let sum = 0;
    for (let k = 0; k < STEPS; k++) sum += s(k);
    return sum;
  };
  const handOneCycle = () => {
    const [max, total] = [0.1, STEPS];
    const init = max / 25;
    const min = init / 1e4;
    const end0 = 0.3 * total - 1;
    let sum = 0;
    for (let k = 0; k < STEPS; k++) {
      const up = k <= end0;
      const pct = up ? k / end0 : (k - end0) / (total - 1 - end0);
      const [a, b] = up ? [init, max] : [max, min];
      sum += b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1);
    }
    return sum;
  };
  const oursOneCycle = () => {
    const s = oneCycle({ maxLr: 0.1, totalSteps: STEPS });
    let sum = 0;
    for (let k = 0; k < STEPS; k++) sum += s(k);
    return sum;
  };
  const rows: Array<[string, () => number, () => number]> = [
    [`cosine({ tMax: 5e4 }) at steps 0..2e5 in order`, oursCosine, handCosine],
    [`oneCycle({ totalSteps: 2e5 }) at steps 0..2e5 in order`, oursOneCycle, handOneCycle],
  ];
  return rows.map(([name, ours, hand]) => {
    const o = (best(ours) * 1e6) / STEPS;
    const h = (best(hand) * 1e6) / STEPS;
    return { name, ours: o, unit: "ns/step", reference: h, referenceName: "same formula inline in a loop", goal: "≤ 5× inline", met: o <= 5 * h };
  });
}
