import { expect, test } from "vitest";
import type { Ops } from "../../src/backends/index.js";
import { hyperAt, type Hyper } from "../../src/optim/index.js";

/** An Ops whose perRun records what it was given (the only primitive hyperAt calls). */
function recordingOps(): { ops: Ops<number[]>; seen: (readonly number[])[] } {
  const seen: (readonly number[])[] = [];
  const ops = { perRun: (values: readonly number[]) => (seen.push(values), values.length) } as unknown as Ops<number[]>;
  return { ops, seen };
}

test("hyperAt: constants as is, schedules evaluated at the step", () => {
  const { ops } = recordingOps();
  expect(hyperAt(0.1, 7, ops)).toBe(0.1);
  expect(hyperAt((k) => 1 / (k + 1), 3, ops)).toBe(0.25);
});

test("hyperAt hands an all-numbers per-run array to ops.perRun as is, the same array at every step", () => {
  const { ops, seen } = recordingOps();
  const lrs = [0.1, 0.2, 0.3];
  for (let k = 0; k < 5; k++) hyperAt(lrs, k, ops);
  expect(seen).toHaveLength(5);
  for (const v of seen) expect(v).toBe(lrs); // no per-step copy: batched backends upload it once
});

test("hyperAt evaluates a per-run array holding schedules at every step", () => {
  const { ops, seen } = recordingOps();
  const mixed: Hyper[] = [0.5, (k) => 0.1 * (k + 1)];
  hyperAt(mixed, 0, ops);
  hyperAt(mixed, 4, ops);
  expect(seen).toEqual([[0.5, 0.1], [0.5, 0.5]]);
  expect(seen[0]).not.toBe(mixed);
});
