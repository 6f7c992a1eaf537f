/**
 * The page's stand-in for src/optim/run-diagnostics.ts (scripts/bundle-explore.mjs swaps it in
 * for the runner's import only; the kernel never loads it). Status and stopping come from the
 * very same code: `runOutcome`, `fallingWithoutBound`, `hessianExtremes`, `fmt` and `fmtTol` are
 * re-exported from the kernel's module, so the page's statuses and numbers are the kernel's.
 * What the page leaves out is the prose it never shows: the warnings (stationary start, exploding
 * or vanishing gradients) and the hint of a divergence message (lr against 2/L, which needs the
 * theory helpers and Lanczos, ~20 KB of the bundle). A diverged run's message in the page is the
 * head of the kernel's: `diverged at step k: loss …, |∇f| … (started at loss …)`.
 */
import { fmt, type Diagnosis } from "../optim/run-diagnostics.js";

export { fallingWithoutBound, fmt, fmtTol, hessianExtremes, runOutcome, type Diagnosis } from "../optim/run-diagnostics.js";

/** No warnings in the page (the status line does not show them). */
export function runWarnings(_d: Diagnosis, _reason: unknown): string[] {
  return [];
}

/** The head of the kernel's divergence message (without its lr-versus-curvature hint). */
export function divergenceMessage(d: Diagnosis, loss: number, gn: number): string {
  return `diverged at step ${d.step}: loss ${fmt(loss)}, |∇f| ${fmt(gn)} (started at loss ${fmt(d.loss0)})`;
}
