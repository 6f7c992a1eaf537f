/**
 * plot.loss: a log step axis and a step window (a 5-step run beside a 1312-step one), and final
 * losses in the summary written in the shared number format with the digits that tell them apart.
 */
import { describe, expect, test } from "vitest";
import { objective, optimize, plot, sgd } from "../../dsl/index.js";
import { lossCurves } from "../../src/plots/index.js";
import { expectDslError } from "../support/dsl-error.js";

type Obj = Record<string, unknown>;

const f = objective("(x-1)^2 + 3*(y+2)^2");
const short = optimize(f, sgd({ lr: 0.3 }), { from: [0, 0], steps: 5 });
const long = optimize(f, sgd({ lr: 0.0005 }), { from: [0, 0], steps: 1312 });
const xsOf = (t: Obj): number[] => (Array.isArray(t.x) ? (t.x as number[]) : Array.from({ length: (t.y as unknown[]).length }, (_, i) => (t.x0 as number) + i * (t.dx as number)));

describe("plot.loss logX and steps", () => {
  test("logX: every step axis is log, step 0 left out and said so; the short run spans a visible share", () => {
    const fig = plot.loss([short, long], { logX: true });
    const L = fig.layout as Obj;
    for (const k of Object.keys(L).filter((k) => /^xaxis\d*$/.test(k))) expect((L[k] as Obj).type, k).toBe("log");
    for (const t of fig.data as Obj[]) expect(Math.min(...xsOf(t))).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(L.annotations)).toContain("step 0 is not drawn");
    // on a log axis over 1..1312 the 5-step run covers log(5)/log(1312) ≈ 22% of the width (linear: 0.4%)
    const shortX = xsOf((fig.data as Obj[]).find((t) => String(t.name).includes("0.3"))!);
    expect(Math.log10(Math.max(...shortX)) / Math.log10(1312)).toBeGreaterThan(0.2);
  });

  test("steps: [from, to] draws only those steps, with their own step numbers", () => {
    const fig = plot.loss([short, long], { steps: [2, 40] });
    for (const t of fig.data as Obj[]) {
      const x = xsOf(t);
      expect(Math.min(...x)).toBeGreaterThanOrEqual(2);
      expect(Math.max(...x)).toBeLessThanOrEqual(40);
    }
    const longTrace = (fig.data as Obj[]).find((t) => String(t.name).includes("10⁻⁴") && t.yaxis === "y")!;
    expect(xsOf(longTrace)).toEqual(Array.from({ length: 39 }, (_, i) => i + 2));
    expect(Math.abs((longTrace.y as number[])[0]! / long.losses[2]! - 1)).toBeLessThan(1e-4); // 5 significant digits
  });

  test("a window of a long run is decimated within the window, not before it", () => {
    const fig = plot.loss(long, { steps: [100, 1300], maxPoints: 100 });
    const x = xsOf((fig.data as Obj[])[0]!);
    expect(x.length).toBeGreaterThan(50);
    expect(Math.min(...x)).toBe(100);
    expect(Math.max(...x)).toBe(1300);
  });

  test("bad windows are DslErrors saying what was expected", () => {
    expectDslError(() => plot.loss(short, { steps: [5, 2] as never }), "bad-option", /steps must be \[from, to\].*got/);
    expectDslError(() => plot.loss(short, { steps: [0.5, 2] as never }), "bad-option", /whole numbers/);
    expectDslError(() => plot.loss(short, { logX: "yes" } as never), "bad-option", /logX/);
  });

  test("fig.with({ logX: true }) turns the stacked panels' matching step axes log too", () => {
    const fig = plot.loss([short, long]).with({ logX: true });
    const L = fig.layout as Obj;
    expect((L.xaxis as Obj).type).toBe("log");
    expect(L.xaxis2).toMatchObject({ type: "log", matches: "x" });
  });
});

test("final losses in the summary: the shared format, as many digits as tell them apart", () => {
  const runs = [
    { name: "a", losses: [3, 2.559312], status: "converged" },
    { name: "b", losses: [3, 2.559348], status: "converged" },
    { name: "c", losses: [3, 2.559301], status: "converged" },
    { name: "d", losses: [3, 2.5e-7], status: "converged" },
  ];
  const s = lossCurves(runs).summary;
  expect(s).toContain("a → 2.55931");
  expect(s).toContain("b → 2.55935");
  expect(s).toContain("c → 2.5593 ");
  expect(s).toContain("d → 2.5×10⁻⁷");
  expect(s).not.toMatch(/e-7/);
});
