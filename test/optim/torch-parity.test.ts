/**
 * Every alias and option against torch.optim (test/fixtures/torch-optim.json, made by
 * test/fixtures/gen/torch_optim.py with Debian's torch 1.13 in float64; NAdam from the script's
 * transcription of torch 2.x): 150 steps on five problems, plain, with lr schedules (replayed
 * from torch's per-step lr, and again with our own `schedules.*`), and with gradient clipping.
 * Iterates must agree to 1e-9 relative (max |Δx| / max(‖x‖∞, 1)) up to the fixture's horizon:
 * the step up to which torch itself, started 1e-12 away, stays within 1e-9.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { ALIASES, runSync, type Hyper, type Optimizer } from "../../src/optim/index.js";
import { cosine, exponential, oneCycle, step as stepLR } from "../../src/optim/schedules/index.js";
import { FIXTURE_PROBLEMS } from "../support/problems.js";

interface Case {
  id: string;
  problem: string;
  alias: keyof typeof ALIASES;
  options: Record<string, unknown>;
  variant: string;
  horizon: number;
  xs: number[][];
  schedule?: string;
  lrs?: number[];
  momentum?: number[];
  clip?: { kind: "norm" | "value"; value: number };
  funcEvals?: number;
}

const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-optim.json", import.meta.url), "utf8")) as {
  source: string;
  steps: number;
  cases: Case[];
};

/** max over steps ≤ horizon of max|Δx| / max(‖x‖∞, 1), and the first step where it exceeds tol. */
function compareXs(ours: number[][], ref: number[][], horizon: number, tol = 1e-9): { worst: number; firstBad: number } {
  let worst = 0;
  let firstBad = -1;
  for (let k = 0; k <= horizon; k++) {
    const a = ours[k], b = ref[k]!;
    if (!a) return { worst: Infinity, firstBad: k };
    let d = 0, s = 1;
    for (let i = 0; i < b.length; i++) {
      d = Math.max(d, Math.abs(a[i]! - b[i]!));
      s = Math.max(s, Math.abs(b[i]!));
    }
    const r = d / s;
    worst = Math.max(worst, r);
    if (r > tol && firstBad < 0) firstBad = k;
  }
  return { worst, firstBad };
}

/** The case's options with the lr (and one-cycle momentum) replaced by schedules. */
function withSchedules(c: Case, lr: Hyper, momentum?: Hyper): Record<string, unknown> {
  const o: Record<string, unknown> = { ...c.options, lr };
  if (momentum !== undefined) {
    if (c.alias === "sgd" || c.alias === "momentum" || c.alias === "nesterov") o.momentum = momentum;
    else o.betas = [momentum, (c.options.betas as number[] | undefined)?.[1] ?? 0.999];
  }
  return o;
}

function run(c: Case, options: Record<string, unknown>) {
  const problem = FIXTURE_PROBLEMS[c.problem]!;
  const opt = (ALIASES[c.alias] as (o: unknown) => Optimizer)(options);
  return runSync(problem, opt, {
    from: c.xs[0]!,
    steps: fixture.steps,
    ...(c.clip?.kind === "norm" ? { clipNorm: c.clip.value } : {}),
    ...(c.clip?.kind === "value" ? { clipValue: c.clip.value } : {}),
    divergenceFactor: Infinity,
  });
}

describe("torch.optim parity (float64, 150 steps)", () => {
  test("the fixture covers every alias of DESIGN.md except newton/naturalGradient, on five problems", () => {
    const aliases = new Set(fixture.cases.map((c) => c.alias));
    for (const a of ["gd", "sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "adamax", "nadam", "radam", "adadelta", "lbfgs"]) {
      expect(aliases.has(a as never), a).toBe(true);
    }
    expect(new Set(fixture.cases.map((c) => c.problem)).size).toBe(5);
    expect(fixture.source).toMatch(/torch_optim\.py/);
    // Chaos is rare for first-order methods: each case compares a good stretch.
    for (const c of fixture.cases) if (c.alias !== "lbfgs") expect(c.horizon, c.id).toBeGreaterThanOrEqual(30);
  });

  for (const c of fixture.cases) {
    test(`${c.id} matches torch up to step ${c.horizon}`, () => {
      const options = c.lrs ? withSchedules(c, (k: number) => c.lrs![k]!, c.momentum ? (k: number) => c.momentum![k]! : undefined) : c.options;
      const r = run(c, options);
      const { worst, firstBad } = compareXs(r.xs, c.xs, c.horizon);
      expect(firstBad, `${c.id}: worst rel. gap ${worst.toExponential(2)}`).toBe(-1);
      if (c.lrs) expect(r.lrs.slice(0, c.horizon)).toEqual(c.lrs.slice(0, c.horizon));
      if (c.funcEvals !== undefined && c.horizon === fixture.steps) {
        // torch counts the closure calls of 150 LBFGS.step()s; so does run.evaluations (the last
        // point's evaluation, which only records the final loss, is not counted).
        expect(r.evaluations).toBe(c.funcEvals);
      }
    });
  }
});

describe("torch.optim parity with optlab's own schedules", () => {
  const lr0 = (c: Case) => c.options.lr as number;
  const make: Record<string, (c: Case) => { lr: Hyper; momentum?: Hyper }> = {
    step: (c) => ({ lr: stepLR({ lr: lr0(c), stepSize: 30, gamma: 0.5 }) }),
    cosine: (c) => ({ lr: cosine({ lr: lr0(c), tMax: fixture.steps, etaMin: lr0(c) / 20 }) }),
    exponential: (c) => ({ lr: exponential({ lr: lr0(c), gamma: 0.99 }) }),
    "one-cycle": (c) => {
      const s = oneCycle({ maxLr: lr0(c), totalSteps: fixture.steps });
      return { lr: s, momentum: s.momentum! };
    },
  };
  for (const c of fixture.cases.filter((c) => c.schedule)) {
    test(`${c.id} with schedules.${c.schedule}`, () => {
      const { lr, momentum } = make[c.schedule!]!(c);
      const r = run(c, withSchedules(c, lr, momentum));
      const { worst, firstBad } = compareXs(r.xs, c.xs, c.horizon);
      expect(firstBad, `${c.id}: worst rel. gap ${worst.toExponential(2)}`).toBe(-1);
    });
  }
});
