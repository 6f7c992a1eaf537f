import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import { describe, expect, test } from "vitest";
import { DISPLAY, formatSync } from "../../src/display/index.js";
import { DslError } from "../../src/errors/index.js";
import type { Schedule } from "../../src/optim/base.js";
import * as schedules from "../../src/optim/schedules/index.js";
import type { CyclingScheduleFn, ScheduleFn } from "../../src/optim/schedules/index.js";
import { expectDslError } from "../support/dsl-error.js";

const { constant, cosine, cyclic, exponential, linear, multiStep, oneCycle, polynomial, sequential, step, warmRestarts } = schedules;

interface FixtureCase {
  id: string;
  schedule: string;
  options: Record<string, unknown>;
  lr: number[];
  momentum?: number[];
  throwsAt?: number;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/torch-schedules.json", import.meta.url), "utf8")) as {
  source: string;
  steps: number;
  cases: FixtureCase[];
};

type Part = { schedule: string; options: Record<string, unknown> };
function build(name: string, options: Record<string, unknown>): ScheduleFn {
  if (name === "sequential") {
    const o = options as { schedules: Part[]; milestones: number[] };
    return sequential(o.schedules.map((p) => build(p.schedule, p.options)), { milestones: o.milestones }) as unknown as ScheduleFn;
  }
  return (schedules as unknown as Record<string, (o: unknown) => ScheduleFn>)[name]!(options);
}

/** Largest relative difference (absolute where the reference is 0). */
function worstRelError(ours: (k: number) => number, ref: number[]): { err: number; at: number } {
  let err = 0;
  let at = -1;
  ref.forEach((r, k) => {
    const e = Math.abs(ours(k) - r) / (r === 0 ? 1 : Math.abs(r));
    if (!(e <= err)) [err, at] = [e, k];
  });
  return { err, at };
}

describe("schedules match torch.optim.lr_scheduler (torch-schedules.json)", () => {
  test("the fixture says where it comes from and covers every schedule", () => {
    expect(fixture.source).toMatch(/torch_schedules\.py.*torch 1\.13/);
    const names = new Set(fixture.cases.map((c) => c.schedule));
    for (const n of ["step", "multiStep", "exponential", "cosine", "warmRestarts", "linear", "constant", "polynomial", "oneCycle", "cyclic", "sequential"])
      expect(names).toContain(n);
  });

  test.each(fixture.cases.map((c) => [c.id, c] as const))("%s: lr at steps 0..200 within 1e-12 relative", (_id, c) => {
    const s = build(c.schedule, c.options);
    const { err, at } = worstRelError(s, c.lr);
    expect(err, `worst at step ${at}`).toBeLessThanOrEqual(1e-12);
    if (c.throwsAt === undefined) expect(c.lr).toHaveLength(fixture.steps + 1);
    else expect(() => s(c.throwsAt!)).toThrow(expect.objectContaining({ code: "bad-step" }));
  });

  test.each(fixture.cases.filter((c) => c.momentum).map((c) => [c.id, c] as const))("%s: cycled momentum within 1e-12 relative", (_id, c) => {
    const s = build(c.schedule, c.options) as CyclingScheduleFn;
    expect(s.momentum).toBeTypeOf("function");
    expect(worstRelError(s.momentum!, c.momentum!).err).toBeLessThanOrEqual(1e-12);
  });

  test("cycleMomentum: false leaves no momentum schedule", () => {
    expect(oneCycle({ maxLr: 0.1, totalSteps: 10, cycleMomentum: false }).momentum).toBeUndefined();
    expect(cyclic({ baseLr: 0.1, maxLr: 1, cycleMomentum: false }).momentum).toBeUndefined();
  });
});

describe("first steps worked out by hand", () => {
  test("linear warm-up 0.05·(0.5, 0.625, 0.75, 0.875, 1) as in torch's LinearLR docstring", () => {
    // torch: start_factor=0.5, total_iters=4 → 0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05
    const s = linear({ lr: 0.05, startFactor: 0.5, totalIters: 4 });
    [0.025, 0.03125, 0.0375, 0.04375, 0.05, 0.05].forEach((v, k) => expect(s(k)).toBeCloseTo(v, 15));
  });

  test("constant(factor 0.5, 4 steps) then back to lr", () => {
    const s = constant({ lr: 0.05, factor: 0.5, totalIters: 4 });
    expect([0, 1, 2, 3, 4, 100].map(s)).toEqual([0.025, 0.025, 0.025, 0.025, 0.05, 0.05]);
  });

  test("sequential(constant, exponential) = torch's SequentialLR docstring 0.1, 0.1, 1, 0.9, 0.81, 0.729", () => {
    const s = sequential([constant({ lr: 1, factor: 0.1, totalIters: 2 }), exponential({ lr: 1, gamma: 0.9 })], { milestones: [2] });
    [0.1, 0.1, 1, 0.9, 0.81, 0.729].forEach((v, k) => expect(s(k)).toBeCloseTo(v, 14));
  });

  test("cosine: lr at 0, η_min at tMax, and back up to lr at 2·tMax (torch's recursion past tMax)", () => {
    const s = cosine({ lr: 0.1, tMax: 10, etaMin: 0.01 });
    expect(s(0)).toBe(0.1);
    expect(s(5)).toBeCloseTo(0.055, 15); // 0.01 + 0.09·(1 + cos(π/2))/2
    expect(s(10)).toBeCloseTo(0.01, 15);
    expect(s(20)).toBeCloseTo(0.1, 14);
  });

  test("oneCycle: maxLr/25 at 0, maxLr at pctStart·T − 1, maxLr/25/1e4 at T − 1", () => {
    const s = oneCycle({ maxLr: 0.1, totalSteps: 100 });
    expect(s(0)).toBeCloseTo(0.004, 16);
    expect(s(29)).toBeCloseTo(0.1, 16);
    expect(s(99)).toBeCloseTo(4e-7, 18);
    expect(s.momentum!(0)).toBeCloseTo(0.95, 15);
    expect(s.momentum!(29)).toBeCloseTo(0.85, 15);
  });

  test("cyclic triangular: base → max in stepSizeUp steps, momentum the other way", () => {
    const s = cyclic({ baseLr: 0.001, maxLr: 0.006, stepSizeUp: 20 });
    expect([0, 10, 20, 30, 40].map(s).map((v) => +v.toFixed(12))).toEqual([0.001, 0.0035, 0.006, 0.0035, 0.001]);
    expect(s.momentum!(20)).toBeCloseTo(0.8, 15);
    expect(s.momentum!(40)).toBeCloseTo(0.9, 15);
  });

  test("multiStep decays once per milestone, polynomial reaches 0 at totalIters", () => {
    const m = multiStep({ lr: 1, milestones: [2, 5], gamma: 0.5 });
    expect([0, 1, 2, 4, 5, 99].map(m)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25]);
    const p = polynomial({ lr: 0.001, totalIters: 4 });
    expect(p(1)).toBeCloseTo(0.00075, 18);
    expect(p(4)).toBe(0);
    expect(p(10)).toBe(0);
  });

  test("warmRestarts with tMult 2: restarts at 5, 15, 35", () => {
    const s = warmRestarts({ lr: 1, t0: 5, tMult: 2 });
    for (const k of [0, 5, 15, 35]) expect(s(k)).toBe(1);
    expect(s(10)).toBeCloseTo(0.5, 15); // 5 steps into a period of 10
  });
});

describe("evaluation order", () => {
  test("random access gives the same bits as stepping in order (cursor and checkpoints)", () => {
    const mk = () => cosine({ lr: 0.3, tMax: 777, etaMin: 1e-4 });
    const inOrder = mk().values(5000);
    const s = mk();
    let seed = 12345;
    for (let i = 0; i < 400; i++) {
      seed = (seed * 16807) % 2147483647;
      const k = seed % 5000;
      expect(s(k)).toBe(inOrder[k]);
    }
    expect(s(4999)).toBe(inOrder[4999]);
    expect(s(3)).toBe(inOrder[3]);
  });

  test("a schedule is a plain Schedule (step => number) and is pure", () => {
    const f: Schedule = exponential({ lr: 1, gamma: 0.5 });
    expect(f(3)).toBe(0.125);
    expect(f(3)).toBe(0.125);
    expect(f(1)).toBe(0.5);
  });

  test("steps must be non-negative integers", () => {
    const s = step({ lr: 0.1, stepSize: 3 });
    for (const bad of [-1, 0.5, NaN, Infinity])
      expect(() => s(bad)).toThrow(expect.objectContaining({ code: "bad-step", message: expect.stringMatching(/non-negative integer/) }));
    // a string step is shown as a string, not as the number it looks like
    expect(() => s("3" as unknown as number)).toThrow('step: the step must be a non-negative integer ≤ 2^28 (optimizer steps already taken), got "3"');
  });
});

describe("metadata, with() and display", () => {
  test("name, resolved options (torch defaults) and horizon", () => {
    const s = cosine({ lr: 0.1, tMax: 100 });
    expect(s.name).toBe("cosine");
    expect(s.options).toEqual({ lr: 0.1, tMax: 100, etaMin: 0 });
    expect(Object.isFrozen(s.options)).toBe(true);
    expect(s.horizon).toBe(100);
    expect(step({ lr: 1, stepSize: 30 }).options).toEqual({ lr: 1, stepSize: 30, gamma: 0.1 });
    expect(linear({ lr: 1 }).options).toEqual({ lr: 1, startFactor: 1 / 3, endFactor: 1, totalIters: 5 });
    expect(oneCycle({ maxLr: 1, totalSteps: 10 }).options).toMatchObject({
      pctStart: 0.3, annealStrategy: "cos", divFactor: 25, finalDivFactor: 1e4, baseMomentum: 0.85, maxMomentum: 0.95, threePhase: false,
    });
    expect(cyclic({ baseLr: 0.1, maxLr: 1 }).options).toMatchObject({ stepSizeUp: 2000, stepSizeDown: 2000, mode: "triangular", gamma: 1, baseMomentum: 0.8, maxMomentum: 0.9 });
  });

  test("with() rebuilds the same kind of schedule with some options replaced", () => {
    const a = cosine({ lr: 0.1, tMax: 100 });
    const b = a.with({ tMax: 200 });
    expect(b.options).toEqual({ lr: 0.1, tMax: 200, etaMin: 0 });
    expect(b.values(300)).toEqual(cosine({ lr: 0.1, tMax: 200 }).values(300));
    const seq = sequential([linear({ lr: 1, totalIters: 3 }), exponential({ lr: 1, gamma: 0.9 })], { milestones: [3] });
    expect(seq.with({ milestones: [5] })(5)).toBe(1);
    expect(() => a.with({ tMax: -1 })).toThrow(DslError);
  });

  test("text/plain summarises the schedule", () => {
    expect(formatSync(cosine({ lr: 0.1, tMax: 100 }))["text/plain"]).toBe("cosine(lr=0.1, tMax=100, etaMin=0): 0.1 → 0 over 100 steps");
    expect(String(step({ lr: 0.1, stepSize: 30 }))).toBe("step(lr=0.1, stepSize=30, gamma=0.1)");
    const oc = formatSync(oneCycle({ maxLr: 0.1, totalSteps: 100 }))["text/plain"];
    expect(oc).toMatch(/^oneCycle\(maxLr=0\.1, totalSteps=100, .*\): 0\.004 → 4e-7 over 99 steps \(max 0\.1 at step 29\)\n {2}momentum: 0\.95 → 0\.95 over 99 steps \(min 0\.85 at step 29\)$/);
    const seq = sequential([linear({ lr: 0.1, startFactor: 0.1, totalIters: 10 }), cosine({ lr: 0.1, tMax: 90 })], { milestones: [10] });
    expect(formatSync(seq)["text/plain"]).toMatch(/^sequential\(\[linear\(lr=0\.1, .*\), cosine\(lr=0\.1, tMax=90, etaMin=0\)\], milestones=\[10\]\): 0\.01 → 0 over 100 steps \(max 0\.1 at step 10\)$/);
  });

  test("without the chart code loaded (no dsl/plot), a schedule displays as its text line only", () => {
    // The chart comes from the display registry's "schedule" renderer (test/plots/result-displays.test.ts).
    expect(Object.keys(cosine({ lr: 0.1, tMax: 50 })[DISPLAY]())).toEqual(["text/plain"]);
  });
});

describe("bad options are rejected with what was expected and what came", () => {
  const cases: Array<[string, () => unknown, string, RegExp]> = [
    ["unknown name, torch spelling", () => cosine({ lr: 0.1, T_max: 10 } as never), "unknown-option", /cosine: unknown option "T_max" \(did you mean "tMax"\?\); options are lr, tMax, etaMin/],
    ["unknown name, typo", () => step({ lr: 0.1, stepSize: 3, gama: 0.5 } as never), "unknown-option", /did you mean "gamma"/],
    ["unknown name, no suggestion", () => exponential({ lr: 0.1, gamma: 0.9, warmup: 3 } as never), "unknown-option", /unknown option "warmup"; options are lr, gamma$/],
    ["missing required", () => cosine({ lr: 0.1 } as never), "missing-option", /cosine: option tMax is required \(the number of steps from lr down to etaMin\)/],
    ["negative lr", () => exponential({ lr: -0.1, gamma: 0.9 }), "bad-option", /exponential: lr must be a non-negative number ≤ 1e\+100 \(the initial learning rate\), got -0\.1/],
    ["lr as a string", () => step({ lr: "0.1" as never, stepSize: 3 }), "bad-option", /step: lr must be a finite number .*got "0\.1"/],
    ["non-integer tMax", () => cosine({ lr: 0.1, tMax: 2.5 }), "bad-option", /cosine: tMax must be a positive integer .*got 2\.5/],
    ["milestones not increasing", () => multiStep({ lr: 0.1, milestones: [30, 10] }), "bad-option", /multiStep: milestones must be strictly increasing, got \[30, 10\]/],
    ["negative milestone", () => multiStep({ lr: 0.1, milestones: [-1] }), "bad-option", /milestones\[0\] must be a non-negative integer, got -1/],
    ["totalSteps 0", () => oneCycle({ maxLr: 0.1, totalSteps: 0 }), "bad-option", /oneCycle: totalSteps must be a positive integer .*got 0/],
    ["oneCycle without a length", () => oneCycle({ maxLr: 0.1 }), "missing-option", /give totalSteps, or both epochs and stepsPerEpoch/],
    ["pctStart above 1", () => oneCycle({ maxLr: 0.1, totalSteps: 10, pctStart: 1.5 }), "bad-option", /pctStart must be a number ≥ 0 and ≤ 1/],
    ["bad enum", () => cyclic({ baseLr: 0.1, maxLr: 1, mode: "triangle" as never }), "bad-option", /mode must be one of "triangular", "triangular2", "exp_range" \(did you mean "triangular"\?\), got "triangle"/],
    ["linear startFactor 0 (torch ≥ 2.0)", () => linear({ lr: 1, startFactor: 0 }), "bad-option", /startFactor must be a number > 0 and ≤ 1/],
    ["gamma 0", () => step({ lr: 1, stepSize: 2, gamma: 0 }), "bad-option", /gamma must be a positive number/],
    ["options not an object", () => cosine(0.1 as never), "bad-options", /cosine: expected an options object such as cosine\(\{ lr: …, tMax: … \}\), got 0\.1/],
    ["sequential milestone count", () => sequential([step({ lr: 1, stepSize: 1 }), step({ lr: 1, stepSize: 2 })], { milestones: [] }), "bad-option", /expected 1 milestone for 2 schedules, got 0/],
    ["sequential milestone 0", () => sequential([step({ lr: 1, stepSize: 1 }), step({ lr: 1, stepSize: 2 })], { milestones: [0] }), "bad-option", /milestones\[0\] must be a positive integer, got 0/],
    ["sequential of a number", () => sequential([0.1 as never], { milestones: [] }), "bad-option", /schedules\[0\] must be a schedule \(a function step => lr\), got 0\.1/],
  ];
  test.each(cases)("%s", (_name, fn, code, message) => {
    expectDslError(fn, code, message);
  });
});

describe("docs/readme/schedules.md", () => {
  /**
   * Runs every ```ts block of the README section and compares what it prints with the comments
   * that show the output: `console.log(...); // output` on the same line, and the comment lines
   * that end a block. Whitespace is ignored (util.inspect's spacing of arrays and objects).
   */
  const md = readFileSync(new URL("../../docs/readme/schedules.md", import.meta.url), "utf8");
  const blocks = [...md.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const dslIndex = fileURLToPath(new URL("../../dsl/index.ts", import.meta.url));

  function expectedOutput(code: string): string[] {
    const lines = code.trimEnd().split("\n");
    const out: string[] = [];
    for (const line of lines) {
      const m = /console\.log\(.*\);\s*\/\/ (.*)$/.exec(line);
      if (m) out.push(m[1]!);
    }
    let i = lines.length;
    while (i > 0 && /^\s*\/\/ /.test(lines[i - 1]!)) i--;
    for (const line of lines.slice(i)) out.push(line.replace(/^\s*\/\/ /, ""));
    return out;
  }

  test("there are examples for schedules and for the theory helpers", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.some((b) => b.includes("measuredRate"))).toBe(true);
  });

  test.each(blocks.map((b, i) => [i, b] as const))("example %i runs and prints what the README says", async (i, code) => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-docs-"));
    const file = join(dir, `example-${i}.ts`);
    writeFileSync(file, code.replace(/from "optlab"/g, `from ${JSON.stringify(dslIndex)}`));
    const printed: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void printed.push(format(...args));
    try {
      await import(pathToFileURL(file).href);
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
    const squash = (s: string) => s.replace(/\s+/g, "");
    expect(printed.flatMap((p) => p.split("\n")).map(squash)).toEqual(expectedOutput(code).map(squash));
  });
});

describe("TSDoc @example blocks run and give the values their comments state", () => {
  /**
   * Each `@example` line `expr; // expected (note)` becomes a check that expr equals expected
   * (numbers to 1e-12 relative, or to the tolerance an "(up to 1e-4 ...)" note gives); other
   * lines run as written. Examples see the exports of their folder's index (schedules) or module;
   * dsl/ examples see the public entry (dsl/index.ts).
   */
  const root = new URL("../../", import.meta.url);
  const files: Array<[string, string]> = [
    ...["decay", "cosine", "cyclic", "sequential"].map((f) => [`src/optim/schedules/${f}.ts`, "src/optim/schedules/index.ts"] as [string, string]),
    // theory.ts examples use the optimizer constructors too: the folder's index
    ["src/optim/theory.ts", "src/optim/index.ts"],
    ["src/optim/measured-rate.ts", "src/optim/measured-rate.ts"],
    ["dsl/schedules.ts", "dsl/index.ts"],
    ["dsl/theory.ts", "dsl/index.ts"],
  ];
  const examples = files.flatMap(([file, scope]) => {
    const src = readFileSync(new URL(file, root), "utf8");
    return [...src.matchAll(/@example\n((?:\s*\*(?! @| ?\/).*\n)+)/g)].map((m, i) => ({
      name: `${file} #${i + 1}`,
      scope,
      lines: m[1]!.split("\n").map((l) => l.replace(/^\s*\* ?/, "")).filter((l) => l.trim()),
    }));
  });

  test("every exported constructor has an example", () => {
    expect(examples.length).toBeGreaterThanOrEqual(15);
  });

  test.each(examples.map((e) => [e.name, e] as const))("%s", async (_name, ex) => {
    const mod = (await import(pathToFileURL(fileURLToPath(new URL(ex.scope, root))).href)) as Record<string, unknown>;
    const checks: Array<{ line: string; actual: unknown; expected: unknown; tol: number }> = [];
    const body = ex.lines
      .map((line) => {
        const m = /^(.*?);\s*\/\/ (.*)$/.exec(line);
        if (!m) return line;
        const note = /\s*\(([^()]*)\)\s*$/.exec(m[2]!);
        const expected = note ? m[2]!.slice(0, note.index) : m[2]!;
        const tol = Number(/up to (\d[\d.e-]*)/.exec(note?.[1] ?? "")?.[1] ?? 1e-12);
        return `__check(${JSON.stringify(line)}, (${m[1]}), (${expected}), ${tol});`;
      })
      .join("\n");
    const names = Object.keys(mod).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
    const run = new Function("__mod", "__check", `const { ${names.join(", ")} } = __mod;\n${body.replace(/\b(\w+)!/g, "$1")}`);
    run(mod, (line: string, actual: unknown, expected: unknown, tol: number) => checks.push({ line, actual, expected, tol }));
    expect(checks.length).toBeGreaterThan(0);
    const close = (a: unknown, e: unknown, tol: number): boolean =>
      typeof e === "number"
        ? typeof a === "number" && Math.abs(a - e) <= tol * Math.max(1, Math.abs(e))
        : Array.isArray(e)
          ? Array.isArray(a) && a.length === e.length && e.every((v, i) => close(a[i], v, tol))
          : typeof e === "object" && e !== null
            ? Object.entries(e).every(([k, v]) => close((a as Record<string, unknown>)[k], v, tol))
            : a === e;
    for (const c of checks) expect(close(c.actual, c.expected, c.tol), `${c.line}: got ${format(c.actual)}`).toBe(true);
  });
});
