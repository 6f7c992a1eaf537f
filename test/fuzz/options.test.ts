/**
 * Fuzz: option records and hyperparameters of every optimizer, schedule and run (issue 16).
 * Each case takes a valid call and changes one thing (a field set to a weird value, a field
 * removed, an unknown key added); the call must work or throw a DslError naming the field.
 * What works then runs a few steps on a small problem: a status and message that agree, no
 * NaN loss without a "diverged" diagnosis.
 */
import { describe, test } from "vitest";
import * as optlab from "../../dsl/index.js";
import { check, expectCoherentRun, expectNoCoercion, expectUnknownRefused, fc, mutated, outcome, weird, type Mutation } from "./harness.js";

const { objective, optimize, schedules } = optlab;
const A = optlab as unknown as Record<string, (o?: unknown) => optlab.Optimizer>;

const ALIASES = ["adadelta", "adagrad", "adam", "adamax", "adamw", "gd", "lbfgs", "momentum", "nadam", "naturalGradient", "nesterov", "newton", "radam", "rmsprop", "sgd"];
const quad = objective("(x - 1)^2 + 10 (y + 2)^2 + x y / 4");
const saddle = objective("x^2 - y^2");

/** Hyperparameter values near the edges of their ranges (0, 1, negative, huge) and schedules. */
const hyper: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, 1, 0.999, 1 - 1e-12, -1e-9, 2, 1e308, 1e-308, 1e-3, [0.9, 0.999], [0, 0], [0.5, 1], "strong-wolfe", "backtracking", null, "exact", "empirical"),
  fc.double({ min: -2, max: 3, noNaN: true }),
  fc.constantFrom(schedules.cosine({ lr: 0.1, tMax: 10 }), (k: number) => 0.1 / (1 + k), (k: number) => 0.1 - k),
);

describe("fuzz: optimizer options", () => {
  for (const name of ALIASES) {
    // every option the alias shows, less those it shows but does not take (momentum shows sgd's dampening)
    const valid = Object.fromEntries(Object.entries(A[name]!().options).filter(([k, v]) => v !== undefined && takes(name, k, v)));
    test(`${name}(opts) works or names the bad option; what works runs coherently`, () => {
      check(120, fc.tuple(mutated(valid, hyper), fc.constantFrom(quad, saddle), fc.constantFrom([0, 0], [3, -1], [1e-12, 0])), ([{ opts, m }, f, from]) => {
        const input = { name, opts };
        const made = outcome(() => A[name]!(opts), m, input);
        expectNoCoercion(m, valid[m.field ?? ""], made.ok, input);
        expectUnknownRefused(m, made.ok, input);
        if (!made.ok) return;
        const run = outcome(() => optimize(f, made.value, { from, steps: 12 }), {}, { ...input, from });
        if (run.ok) expectCoherentRun(run.value, { ...input, f: f.source, from });
      });
    });
  }
});

/** Whether alias `name` takes option `k` (its display lists some it does not, e.g. momentum's dampening). */
function takes(name: string, k: string, v: unknown): boolean {
  try {
    A[name]!({ [k]: v });
    return true;
  } catch (e) {
    return !(e instanceof optlab.DslError && e.code === "unknown-option");
  }
}

/** Valid calls of every schedule: the fuzz mutates one field at a time. */
const SCHEDULES: Record<string, Record<string, unknown> | unknown[]> = {
  constant: { lr: 0.1, factor: 0.5, totalIters: 5 },
  cosine: { lr: 0.1, tMax: 20, etaMin: 0.001 },
  cyclic: { baseLr: 0.01, maxLr: 0.1, stepSizeUp: 5, mode: "triangular" },
  exponential: { lr: 0.1, gamma: 0.9 },
  linear: { lr: 0.1, startFactor: 0.5, endFactor: 1, totalIters: 5 },
  multiStep: { lr: 0.1, milestones: [3, 7], gamma: 0.5 },
  oneCycle: { maxLr: 0.1, totalSteps: 30 },
  polynomial: { lr: 0.1, totalIters: 10, power: 2 },
  step: { lr: 0.1, stepSize: 4, gamma: 0.5 },
  warmRestarts: { lr: 0.1, t0: 5, tMult: 2 },
};

describe("fuzz: schedules", () => {
  const S = schedules as unknown as Record<string, (o: unknown) => (k: number) => number>;
  for (const [name, valid] of Object.entries(SCHEDULES)) {
    test(`schedules.${name}(opts) works or names the bad option; what works gives finite values`, () => {
      check(200, mutated(valid as Record<string, unknown>), ({ opts, m }) => {
        const input = { name, opts };
        const made = outcome(() => S[name]!(opts), m, input);
        expectNoCoercion(m, (valid as Record<string, unknown>)[m.field ?? ""], made.ok, input);
        expectUnknownRefused(m, made.ok, input);
        if (!made.ok) return;
        // values: finite, or a DslError (oneCycle past totalSteps); a value that overflows to ∞
        // (exponential with gamma 1e308, as in torch) must be diagnosed by the run it drives
        let overflowAt = -1;
        for (const k of [0, 1, 2, 5, 19, 50, 1000]) {
          const v = outcome(() => made.value(k), {}, { ...input, k });
          if (v.ok && Number.isNaN(v.value)) throw new Error(`schedules.${name} gives NaN at step ${k} for ${JSON.stringify(opts)}`);
          if (v.ok && !Number.isFinite(v.value) && overflowAt < 0) overflowAt = k;
        }
        const steps = overflowAt >= 0 && overflowAt <= 50 ? overflowAt + 2 : 8;
        const run = outcome(() => optimize(quad, optlab.sgd({ lr: made.value }), { from: [1, 1], steps }), {}, input);
        if (run.ok) expectCoherentRun(run.value, input);
        if (run.ok && overflowAt >= 0 && overflowAt < steps) {
          if (run.value.status !== "diverged" || !/schedule/.test(run.value.message)) throw new Error(`schedules.${name} overflowed at step ${overflowAt} without a diagnosis: ${run.value.status}: ${run.value.message}`);
        }
      });
    });
  }
});

/** A valid run-options record: the fuzz mutates one field (or adds a typo) at a time. */
const RUN = { from: [1, -1], steps: 10, tol: 1e-8, clipNorm: 5, clipValue: 3, seed: 1, divergenceFactor: 1e6, name: "r" };

describe("fuzz: run options", () => {
  test("optimize(f, opt, opts) works or names the bad option; what works is coherent", () => {
    const points = fc.oneof(weird, fc.array(weird, { maxLength: 3 }), fc.array(fc.double(), { minLength: 2, maxLength: 2 }), fc.record({ x: weird, y: weird }));
    check(1500, fc.tuple(mutated(RUN, points), fc.constantFrom("gd", "adam", "lbfgs", "newton", "momentum")), ([{ opts, m }, name]) => {
      const input = { name, opts };
      // lbfgs refuses clipping by design (it evaluates the gradient inside its step)
      if (name === "lbfgs") for (const k of ["clipNorm", "clipValue"]) if (m.field !== k) delete opts[k];
      const r = outcome(() => optimize(quad, A[name]!({}), opts as optlab.OptimizeOptions), m, input);
      expectNoCoercion(m, (RUN as Record<string, unknown>)[m.field ?? ""], r.ok, input);
      expectUnknownRefused(m, r.ok, input);
      if (r.ok) expectCoherentRun(r.value as optlab.Run, input);
    });
  });

  test("compare(f, entries, opts) works or names the bad field", () => {
    check(400, mutated({ from: [0.5, 0.5], steps: 6, tol: 1e-9 }), ({ opts, m }) => {
      const input = opts;
      const r = outcome(() => optlab.compare(quad, { a: optlab.adam({ lr: 0.1 }), g: optlab.gd({ lr: 0.01 }) }, opts as optlab.OptimizeOptions), m, input);
      expectNoCoercion(m, { from: [0.5, 0.5], steps: 6, tol: 1e-9 }[m.field as "steps"], r.ok, input);
      expectUnknownRefused(m, r.ok, input);
      if (r.ok) for (const run of Object.values((r.value as optlab.Comparison).runs)) expectCoherentRun(run, input);
    });
  });

  test("theory(f, opts) works or names the bad option", () => {
    const valid = { at: [1, -2] };
    check(300, mutated(valid, fc.oneof(weird, fc.array(weird, { maxLength: 3 }))), ({ opts, m }) => {
      const r = outcome(() => optlab.theory(quad, opts as never), m, opts);
      expectUnknownRefused(m, r.ok, opts);
      expectNoCoercion(m, undefined, r.ok, opts);
      if (r.ok) String(r.value);
    });
  });
});

/** The mutation record type is used by the other fuzz files too. */
export type { Mutation };
