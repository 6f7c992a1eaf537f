/**
 * Live charts redraw on a time budget, not every k steps: with a fake clock that each step
 * advances (a slow step is one that moves the clock a lot), the progress calls and the redraws
 * follow the clock, whatever a step costs. No wall-clock time is measured.
 */
import { afterEach, expect, test, vi } from "vitest";
import { gd, optimizeAsync } from "../../dsl/index.js";
import { LiveChart } from "../../src/plots/live.js";
import type { MimeBundle } from "../../src/display/index.js";

afterEach(() => vi.restoreAllMocks());

/** A quadratic in n variables whose every evaluation moves the fake clock by `costMs`. */
function slowQuadratic(n: number, clock: { t: number }, costMs: number): { f: (x: number[]) => number; grad: (x: number[]) => number[] } {
  const fn = (x: ArrayLike<number>) => {
    clock.t += costMs;
    let s = 0;
    for (let i = 0; i < n; i++) s += (i + 1) * x[i]! ** 2;
    return s;
  };
  return {
    f: fn,
    grad: (x: number[]) => x.map((v, i) => 2 * (i + 1) * v),
  };
}

test("a slow step (60 ms of fake clock) reports progress after every step, not after 64", async () => {
  const clock = { t: 0 };
  vi.spyOn(performance, "now").mockImplementation(() => clock.t);
  const steps: number[] = [];
  const f = slowQuadratic(3, clock, 60);
  await optimizeAsync(f, gd({ lr: 1e-4 }), { from: [1, 1, 1], steps: 40, tol: 0, live: false, onProgress: (r) => void steps.push(r.steps) });
  // progressEvery is 100 ms: with 60 ms steps a report comes every second step
  expect(steps.length).toBeGreaterThanOrEqual(15);
  const gaps = steps.slice(1).map((s, i) => s - steps[i]!);
  expect(Math.max(...gaps)).toBeLessThanOrEqual(2);
});

test("cheap steps are batched: the fake clock is read far less than once per step", async () => {
  const clock = { t: 0 };
  let reads = 0;
  vi.spyOn(performance, "now").mockImplementation(() => (reads++, clock.t));
  const f = slowQuadratic(2, clock, 0.001);
  await optimizeAsync(f, gd({ lr: 1e-6 }), { from: [1, 1], steps: 20_000, tol: 0, live: false });
  expect(reads).toBeLessThan(20_000 / 4);
});

test("LiveChart redraws about four times a (fake) second whatever the step rate", () => {
  for (const stepMs of [0.5, 60, 700]) {
    let t = 0;
    const sent: MimeBundle[] = [];
    const chart = new LiveChart({ title: "t" }, (b) => void sent.push(b), () => t);
    const run = { name: "newton", losses: [] as number[] };
    // 10 s of fake time; progress called after every step
    for (let k = 0; t < 10_000; k++) {
      t += stepMs;
      run.losses.push(1 / (k + 1));
      chart.progress(run);
    }
    const perSecond = chart.redraws / 10;
    if (stepMs <= 250) {
      // every 250 ms, rounded up to the next step's end
      expect(perSecond).toBeGreaterThanOrEqual(1000 / (250 + stepMs) - 0.1);
      expect(perSecond).toBeLessThanOrEqual(4.1);
    } else {
      // a step longer than the budget: one redraw per step, never a backlog
      expect(chart.redraws).toBe(Math.ceil(10_000 / stepMs));
    }
    expect(sent).toHaveLength(chart.redraws);
  }
});
