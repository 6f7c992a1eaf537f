/**
 * Colours keyed by series name, stable across every chart of a session: once "adam" is red in
 * the loss curves it is red over the contours, in the rates chart and in the sharpness plot.
 *
 * Known optimizer names prefer a fixed colour (so `adam` is the same in every notebook); other
 * names, and a second variant of an optimizer ("adam lr=0.1" after "adam lr=0.01"), take the
 * first colour nobody holds yet. When all are taken, a hash of the name picks one.
 */
import { kernelHooks } from "./kernel-hooks.js";

/** The palette: D3's category10 followed by six darker companions (all readable on white). */
export const PALETTE: readonly string[] = [
  "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf",
  "#bcbd22", "#7f7f7f", "#393b79", "#ad494a", "#637939", "#8c6d31", "#7b4173", "#3182bd",
];

/** Optimizer base names → preferred palette slot. */
const PREFERRED: Readonly<Record<string, number>> = {
  gd: 0, sgd: 0, momentum: 1, nesterov: 2, adam: 3, adamw: 4, rmsprop: 5, adagrad: 6,
  adadelta: 7, adamax: 8, nadam: 9, radam: 10, lbfgs: 11, newton: 12, naturalgradient: 13,
};

const assigned = new Map<string, string>();
let document = 0;

/**
 * The colour of the series called `name`, assigned on first use and kept for the session.
 *
 * @param name a legend name such as `"adam"` or `"sgd (lr=0.1, momentum=0.9)"`.
 * @returns a CSS hex colour.
 * @example
 * colorOf("adam") === colorOf("adam"); // true, in every chart of the session
 */
export function colorOf(name: string): string {
  // A new document (the runner's next notebook) starts with fresh colours.
  const doc = kernelHooks()?.documentId ?? 0;
  if (doc !== document) {
    assigned.clear();
    document = doc;
  }
  const known = assigned.get(name);
  if (known) return known;
  const used = new Set(assigned.values());
  const base = /^[a-z]+/.exec(name.toLowerCase().replace(/[\s_-]/g, ""))?.[0] ?? "";
  const preferred = PREFERRED[base];
  let color: string | undefined;
  if (preferred !== undefined && !used.has(PALETTE[preferred]!)) color = PALETTE[preferred];
  color ??= PALETTE.find((c) => !used.has(c)) ?? PALETTE[hash(name) % PALETTE.length]!;
  assigned.set(name, color);
  return color;
}

/**
 * Forget every assignment (fresh colours). In a kernel this happens by itself when the runner
 * starts the next notebook (a new document id).
 */
export function resetColors(): void {
  assigned.clear();
}

/** FNV-1a, enough to spread names over the palette once it is exhausted. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
