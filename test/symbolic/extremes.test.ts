/**
 * The extreme-argument corpus (test/fixtures/gen/mpmath_extremes.py): f, ∇f and ∇²f of our
 * compiled float64 closures at saturating, overflowing, underflowing and cancelling arguments,
 * against SymPy's exact derivatives evaluated by mpmath, to 1e-9 relative, entry by entry.
 *
 * A value float64 cannot hold is named in the fixture with its reason, and checked for what
 * float64 can give instead: "overflow" (|v| > 1.797e308) must come out as Infinity of the right
 * sign, "underflow" (0 < |v| < 2.225e-308, subnormal) must come out as a number of at most
 * 2.225e-308 in magnitude (0 or subnormal), never NaN.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { buildObjective } from "../../src/symbolic/index.js";

type Value = number | "Infinity" | "-Infinity";
interface Case {
  category: string;
  expr: string;
  vars: string[];
  x: number[];
  f: Value;
  grad: Value[];
  hess: Value[][];
  unrepresentable: Record<string, "overflow" | "underflow">;
}
const corpus = JSON.parse(readFileSync(new URL("../fixtures/mpmath-extremes.json", import.meta.url), "utf8")) as {
  source: string;
  reasons: Record<string, string>;
  cases: Case[];
};

const RTOL = 1e-9;
const DBL_MIN = 2.2250738585072014e-308;
const num = (v: Value): number => (v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v);

/** Why `ours` does not match the reference entry, or undefined when it does. */
function mismatch(ours: number, ref: Value, reason: string | undefined): string | undefined {
  const r = num(ref);
  if (reason === "overflow") return ours === r ? undefined : `exact value overflows: want ${r}, got ${ours}`;
  if (reason === "underflow") return Math.abs(ours) <= DBL_MIN ? undefined : `exact value is subnormal (${r}): want |v| ≤ 2.2e-308, got ${ours}`;
  if (Number.isNaN(ours)) return `NaN (want ${r})`;
  return Math.abs(ours - r) <= RTOL * Math.abs(r) ? undefined : `${ours} vs ${r} (relative error ${(Math.abs(ours - r) / Math.abs(r)).toExponential(2)})`;
}

describe("mpmath extreme-argument corpus", () => {
  test("has at least 300 cases in four categories, from the generator, with named reasons", () => {
    expect(corpus.source).toMatch(/mpmath_extremes\.py \(SymPy 1\.11.*mpmath/);
    expect(corpus.cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(corpus.cases.map((c) => c.category))).toEqual(new Set(["saturation", "overflow", "underflow", "cancellation"]));
    for (const c of corpus.cases) for (const r of Object.values(c.unrepresentable)) expect(Object.keys(corpus.reasons)).toContain(r);
  });

  const byExpr = new Map<string, Case[]>();
  for (const c of corpus.cases) byExpr.set(c.expr, [...(byExpr.get(c.expr) ?? []), c]);

  test.each([...byExpr.entries()])("%s: f, ∇f, ∇²f match mpmath to 1e-9 where float64 can represent them", (expr, cases) => {
    const { problem } = buildObjective(expr, { vars: cases[0]!.vars });
    const n = cases[0]!.vars.length;
    const failures: string[] = [];
    for (const c of cases) {
      const x = Float64Array.from(c.x);
      const g = new Float64Array(n);
      const H = new Float64Array(n * n);
      const f0 = problem.valueAt(x);
      const f1 = problem.valueAndGradInto(x, g);
      problem.hessianInto(x, H);
      const check = (label: string, ours: number, ref: Value): void => {
        const why = mismatch(ours, ref, c.unrepresentable[label]);
        if (why !== undefined) failures.push(`${label} at [${c.x.join(", ")}]: ${why}`);
      };
      check("f", f0, c.f);
      check("f", f1, c.f);
      for (let i = 0; i < n; i++) check(`grad[${i}]`, g[i]!, c.grad[i]!);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) check(`hess[${i}][${j}]`, H[i * n + j]!, c.hess[i]![j]!);
    }
    expect(failures, expr).toEqual([]);
  });
});
