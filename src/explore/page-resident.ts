/**
 * The page's stand-in for src/optim/run-resident.ts (scripts/bundle-explore.mjs): a page's
 * problems are compiled objectives, never a network engine that runs the optimizer's steps in its
 * own memory, so the runner never calls these; they fail loudly if it ever does.
 */
import type { ResidentRun } from "../optim/run-resident.js";

function unavailable(): never {
  throw new Error("optlab explore: resident optimizer steps are not part of the page's engine");
}

/** Never called in the page (see the file comment). */
export function startResident(_run: ResidentRun): number {
  return unavailable();
}

/** Never called in the page (see the file comment). */
export function stepResident(_run: ResidentRun): void {
  unavailable();
}
