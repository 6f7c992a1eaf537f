/**
 * src/explore/page-diagnostics.ts, the page's stand-in for the runner's diagnostics: the status
 * logic is the kernel's very code, and what it leaves out is prose (warnings, the divergence hint).
 */
import { describe, expect, test } from "vitest";
import * as kernel from "../../src/optim/run-diagnostics.js";
import * as page from "../../src/explore/page-diagnostics.js";
import type { Diagnosis } from "../../src/optim/run-diagnostics.js";
import { objective } from "../../dsl/index.js";

describe("the page's run diagnostics", () => {
  test("status, stopping and formatting are the kernel's functions themselves", () => {
    for (const k of ["runOutcome", "fallingWithoutBound", "hessianExtremes", "fmt", "fmtTol"] as const) expect(page[k]).toBe(kernel[k]);
  });

  test("no warnings; a divergence message is the head of the kernel's, without the hint", () => {
    const problem = objective("x^2 + 10*y^2").problem;
    const rec = { n: 2, length: 4, xs: Float64Array.of(1, 1, -3, -19, 9, 341, -27, -6100), losses: Float64Array.of(11, 3620, 1.16e6, 3.7e8), gradNorms: Float64Array.of(20.1, 380, 6820, 1.22e5), lrs: Float64Array.of(0.2, 0.2, 0.2) };
    const d = { problem, optimizer: { name: "gd", learningRate: 0.2, options: {} }, rec, loss0: 11, step: 3 } as unknown as Diagnosis;
    expect(page.runWarnings(d, "diverged")).toEqual([]);
    const head = page.divergenceMessage(d, 3.7e8, 1.22e5);
    expect(head).toBe("diverged at step 3: loss 3.70e+8, |∇f| 1.22e+5 (started at loss 11)");
    expect(kernel.divergenceMessage(d, 3.7e8, 1.22e5).startsWith(`${head}. `)).toBe(true);
  });
});
