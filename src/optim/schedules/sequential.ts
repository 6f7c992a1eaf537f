/**
 * `sequential`: schedules one after another (PyTorch `SequentialLR`).
 */
import { DslError, describe } from "../../errors/index.js";
import type { Schedule } from "../base.js";
import { readOptions } from "../options.js";
import { formatValue, makeSchedule, type ScheduleFn } from "./schedule.js";

export interface SequentialOptions {
  /** Steps at which the next schedule takes over: positive integers, strictly increasing, one fewer than the schedules (required). */
  milestones: number[];
}

/** The resolved options of a `sequential` schedule (what `.options` and `.with` use). */
export interface SequentialParts {
  schedules: Schedule[];
  milestones: number[];
}

/**
 * Runs `schedules[0]` until `milestones[0]`, then `schedules[1]` until `milestones[1]`, and so on
 * (PyTorch `SequentialLR`). Each schedule starts from its own step 0 when it takes over:
 *
 * $$\eta_k = s_i(k - m_i) \quad\text{for } m_i \le k < m_{i+1},\qquad m_0 = 0.$$
 *
 * Torch's quirks, and what optlab does:
 * - At a milestone the next scheduler restarts from its step 0: the lr jumps to its start value
 *   (it does not continue from where the previous one ended). Same here.
 * - Torch computes that first value with the scheduler's closed form (`step(0)`, the deprecated
 *   epoch argument) and continues with the recursive form from it; for the schedulers torch has,
 *   the two agree at step 0 up to the last bit, and here each part simply runs as on its own.
 * - In torch all parts share one optimizer, so they share its base lr; here each part has its own
 *   options. Torch's values are reproduced when the parts' `lr` options are equal (cyclic/oneCycle
 *   set their own lrs in torch too). Building a `OneCycleLR` after the first part overwrites the
 *   optimizer's `initial_lr` in torch, so the earlier parts start from maxLr/divFactor there;
 *   here they keep their own lr.
 * - Milestones must be ≥ 1 and strictly increasing here (torch misbehaves on a 0 milestone and
 *   on unsorted ones). A `sequential` may be nested in another (torch can't step one at a
 *   milestone).
 * - There is no `.momentum`: cycle momentum with a single `oneCycle`/`cyclic` instead.
 *
 * @param schedules the parts: optlab schedules or any `(step) => value` functions.
 * @param o.milestones m₁ < m₂ < … (positive integers), `schedules.length - 1` of them.
 * @example
 * const warmupCosine = sequential(
 *   [linear({ lr: 0.1, startFactor: 0.1, totalIters: 10 }), cosine({ lr: 0.1, tMax: 90 })],
 *   { milestones: [10] },
 * );
 * [warmupCosine(0), warmupCosine(10), warmupCosine(100)]; // [0.01, 0.1, 0] (up to rounding)
 */
export function sequential(schedules: Schedule[], o: SequentialOptions): ScheduleFn<SequentialParts> {
  if (!Array.isArray(schedules) || schedules.length === 0)
    throw new DslError("bad-option", `sequential: expected a non-empty array of schedules as the first argument, got ${describe(schedules)}`, {
      path: "sequential.schedules",
    });
  schedules.forEach((s, i) => {
    if (typeof s !== "function")
      throw new DslError("bad-option", `sequential: schedules[${i}] must be a schedule (a function step => lr), got ${describe(s)}`, {
        path: `sequential.schedules[${i}]`,
      });
  });
  const { milestones } = readOptions("sequential", o, {
    milestones: { type: "integers", min: 1, increasing: true, required: true, what: "the steps at which the next schedule takes over" },
  }) as { milestones: number[] };
  if (milestones.length !== schedules.length - 1)
    throw new DslError(
      "bad-option",
      `sequential: expected ${schedules.length - 1} milestone${schedules.length === 2 ? "" : "s"} for ${schedules.length} schedules, got ${milestones.length} (${describe(milestones)})`,
      { path: "sequential.milestones" },
    );
  const parts = [...schedules];
  const at = (k: number): number => {
    let i = 0;
    while (i < milestones.length && milestones[i]! <= k) i++;
    return parts[i]!(i === 0 ? k : k - milestones[i - 1]!);
  };
  const lastStart = milestones.length ? milestones[milestones.length - 1]! : 0;
  const lastHorizon = (parts[parts.length - 1] as Partial<ScheduleFn>).horizon;
  const horizon = lastStart + (typeof lastHorizon === "number" ? lastHorizon : Math.max(10, Math.ceil(lastStart / 4)));
  return makeSchedule<SequentialParts>({
    name: "sequential",
    options: { schedules: parts, milestones },
    at,
    horizon,
    rebuild: (p) => sequential(p.schedules, { milestones: p.milestones }),
    signature: `sequential([${parts.map(formatValue).join(", ")}], milestones=${formatValue(milestones)})`,
  });
}
