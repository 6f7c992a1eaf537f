/**
 * What every schedule constructor returns: a plain `Schedule` (`(step) => value`, step = optimizer
 * steps already taken) that also carries its name and options, and shows itself in a notebook as a
 * one-line summary, plus a chart of its values when the chart code is loaded (the display
 * registry's "schedule" renderer, which dsl/plot.ts registers).
 *
 * PyTorch defines most of its schedulers recursively (`lr ← lr · factor(step)`, the "chainable
 * form"), and the recursive product differs from the closed form in the last bits; near the end
 * of a cosine period the difference is relative 1e-13 and more. To give the very numbers
 * `optimizer.param_groups[0]["lr"]` holds in torch, recursive schedules here run the same
 * recursion (`recurrence` below), with a cursor and checkpoints so that a run asking for steps
 * 0, 1, 2, ... pays O(1) per step and any single step costs at most `STRIDE` recursion steps
 * past the checkpoints already computed.
 */
import { DISPLAY, renderWith, type MimeBundle } from "../../display/index.js";
import { DslError, describe } from "../../errors/index.js";
import type { Schedule } from "../base.js";

/** A schedule with metadata: callable as `(step) => value` and displayable. */
export interface ScheduleFn<O extends object = Record<string, unknown>> extends Schedule {
  /** The constructor's name: `"cosine"`, `"oneCycle"`, ... */
  readonly name: string;
  /** The options it was built with, defaults filled in (frozen). */
  readonly options: Readonly<O>;
  /** The last step of a natural window to show it over (one period, the end of a decay, ...). */
  readonly horizon: number;
  /** Values at steps `0 .. n-1` (default `n = horizon + 1`). */
  values(n?: number): number[];
  /** The same schedule with some options replaced (for sweeps): `s.with({ tMax: 200 })`. */
  with(overrides: Partial<O>): ScheduleFn<O>;
  /** `cosine(lr=0.1, tMax=100, etaMin=0)` */
  toString(): string;
  /** A one-line summary, and (with the chart code loaded) a chart of the values over `0..horizon`. */
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** A schedule that also cycles a momentum (PyTorch's `cycle_momentum`): `oneCycle`, `cyclic`. */
export interface CyclingScheduleFn<O extends object = Record<string, unknown>> extends ScheduleFn<O> {
  /**
   * The momentum (SGD's `momentum`, Adam's `beta1`) that PyTorch sets alongside the lr, as its own
   * schedule; `undefined` when `cycleMomentum` is false.
   */
  readonly momentum: ScheduleFn<O> | undefined;
}

interface Parts<O extends object> {
  name: string;
  options: O;
  /** The value at a valid step (a non-negative integer). */
  at: (step: number) => number;
  horizon: number;
  rebuild: (options: O) => ScheduleFn<O>;
  /** Overrides the generated `name(k=v, ...)` signature (sequential lists its parts). */
  signature?: string;
  momentum?: ScheduleFn | undefined;
}

/** Every `ScheduleFn` made by `makeSchedule` (their values are in range by construction). */
const BUILT = new WeakSet<object>();

/** True for a schedule made by one of the `schedules.*` constructors (not a user's own function). */
export function isScheduleFn(f: unknown): f is ScheduleFn {
  return typeof f === "function" && BUILT.has(f);
}

/** Assembles a `ScheduleFn` from its parts; the only place that builds one. */
export function makeSchedule<O extends object>(parts: Parts<O>): ScheduleFn<O> {
  const { name, at } = parts;
  const options = Object.freeze({ ...parts.options });
  const fn = (step: number): number => {
    // ≤ 2²⁸, the most steps a run records: torch's recursive forms step up to `step` one by one,
    // and schedule(1e308) never returned (issue 16's fuzz)
    if (!Number.isInteger(step) || step < 0 || step > MAX_SCHEDULE_STEP) badStep(name, step);
    return at(step);
  };
  const signature = parts.signature ?? `${name}(${formatOptions(options as Record<string, unknown>)})`;
  Object.defineProperty(fn, "name", { value: name });
  const self = Object.assign(fn, {
    options,
    horizon: parts.horizon,
    values: (n = parts.horizon + 1) => {
      if (!Number.isInteger(n) || n < 0 || n > 1e7) throw new DslError("bad-option", `${name}.values: n must be an integer in [0, 10⁷] (the number of steps), got ${describe(n)}`, { path: `${name}.values` });
      return Array.from({ length: n }, (_, k) => at(k));
    },
    with: (overrides: Partial<O>) => parts.rebuild({ ...options, ...overrides }),
    toString: () => signature,
    [DISPLAY]: (): MimeBundle | Promise<MimeBundle> => renderWith("schedule", self, display(self, signature)),
  });
  if ("momentum" in parts) Object.defineProperty(self, "momentum", { value: parts.momentum, enumerable: true });
  BUILT.add(self);
  return self as unknown as ScheduleFn<O>;
}

/** The largest step a schedule is evaluated at (2²⁸: a run records at most 2²⁸ values). */
export const MAX_SCHEDULE_STEP = 2 ** 28;

function badStep(name: string, step: unknown): never {
  throw new DslError("bad-step", `${name}: the step must be a non-negative integer ≤ 2^28 (optimizer steps already taken), got ${describe(step)}`, {
    path: name,
  });
}

/** Shortest readable rendering of an option value. */
export function formatValue(v: unknown): string {
  if (typeof v === "number") return fmt(v);
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return Object.prototype.hasOwnProperty.call(v, "toString") ? String(v) : "fn";
  if (Array.isArray(v)) return `[${v.map(formatValue).join(", ")}]`;
  return String(v);
}

function formatOptions(o: Record<string, unknown>): string {
  return Object.entries(o).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${formatValue(v)}`).join(", ");
}

/** 6 significant digits, no trailing zeros: 0.1, 0.004, 1e-7. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return String(Number(v.toPrecision(6)));
}

/** The schedule's own bundle: its signature and a summary of its values (the chart is the renderer's). */
function display(s: ScheduleFn, signature: string): MimeBundle {
  const lr = s.values();
  const momentum = (s as Partial<CyclingScheduleFn>).momentum?.values(lr.length);
  const lines = [`${signature}: ${summary(lr)}`];
  if (momentum) lines.push(`  momentum: ${summary(momentum)}`);
  return { "text/plain": lines.join("\n") };
}

/** `0.1 → 0 over 100 steps`, plus the extreme values when they are not at the ends. */
export function summary(v: number[]): string {
  const h = v.length - 1;
  let text = `${fmt(v[0]!)} → ${fmt(v[h]!)} over ${h} step${h === 1 ? "" : "s"}`;
  let iMax = 0;
  let iMin = 0;
  v.forEach((x, i) => {
    if (x > v[iMax]!) iMax = i;
    if (x < v[iMin]!) iMin = i;
  });
  const ends = [v[0]!, v[h]!];
  const extra: string[] = [];
  if (v[iMax]! > Math.max(...ends) * (1 + 1e-9)) extra.push(`max ${fmt(v[iMax]!)} at step ${iMax}`);
  if (v[iMin]! < Math.min(...ends) * (1 - 1e-9) - 1e-300) extra.push(`min ${fmt(v[iMin]!)} at step ${iMin}`);
  return extra.length ? `${text} (${extra.join(", ")})` : text;
}

const STRIDE = 1024;

/**
 * The recursion `v_0 = first`, `v_k = next(k, v_{k-1})` evaluated at any step: from a cursor when
 * steps come in order, otherwise from the nearest checkpoint (every `STRIDE` steps). `settlesAt`:
 * the step after which `next` returns its input unchanged, so later steps reuse that value.
 */
export function recurrence(first: number, next: (k: number, prev: number) => number, settlesAt = Infinity): (step: number) => number {
  const checkpoints = [first];
  let ck = 0;
  let cv = first;
  return (step: number) => {
    const k = step < settlesAt ? step : settlesAt;
    if (k === ck) return cv;
    if (k === ck + 1 && k % STRIDE !== 0) {
      // The common case, a run asking for the next step: one recursion step, no bookkeeping.
      cv = next(k, cv);
      ck = k;
      return cv;
    }
    const i = Math.min(Math.floor(k / STRIDE), checkpoints.length - 1);
    let j = i * STRIDE;
    let v = checkpoints[i]!;
    if (ck >= j && ck <= k) {
      j = ck;
      v = cv;
    }
    while (j < k) {
      j++;
      v = next(j, v);
      if (j % STRIDE === 0 && j / STRIDE === checkpoints.length) checkpoints.push(v);
    }
    ck = j;
    cv = v;
    return v;
  };
}
