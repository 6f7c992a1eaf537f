/**
 * The probes of a gradient check — the lines along which the derivative is estimated (each
 * coordinate axis, or random sign directions in fast mode) — and the first estimate on a probe
 * with the chosen method.
 */
import type { Problem } from "../problem/index.js";
import type { CheckSettings } from "./check-gradient.js";
import { CoordLine, DirLine, type Line } from "./line.js";
import { LineEstimate, ROUNDING, centralAt, complexAt, forwardAt, richardsonAt } from "./line-derivative.js";
import { mulberry32, randomSignsInto } from "./prng.js";
import type { Romberg } from "./romberg.js";
import { KINK_KEEP, jumpAboveNoise } from "./second-look.js";
import { EPS, STEP, coordScale } from "./step-size.js";

/** One line to check: a coordinate axis or a direction. */
export interface Probe {
  line: Line;
  /** Scale of the step: t = h·scale. */
  scale: number;
  analytic: number;
  name: string;
  /** Fast mode: ‖g∘d‖₂, the typical size of gᵀd (the scale of atol's floor); 0 for coordinates. */
  gscale: number;
}

/** One probe per coordinate, sharing one `CoordLine` (selected when a probe's `line` is read). */
export function coordinateProbes(p: Problem, work: Float64Array, g: Float64Array, s: CheckSettings): Probe[] {
  const line = new CoordLine(p, work);
  // One shared line, re-selected per coordinate: `line` getters below select lazily.
  return Array.from({ length: p.n }, (_, i) => ({
    get line() {
      return line.select(i);
    },
    scale: coordScale(work[i]!),
    analytic: g[i]!,
    name: s.names[i] ?? `x[${i}]`,
    gscale: 0,
  }));
}

/** `s.directions` probes along random sign vectors scaled like the coordinate steps. */
export function directionProbes(p: Problem, x: Float64Array, g: Float64Array, s: CheckSettings): Probe[] {
  const rand = mulberry32(s.seed);
  const probes: Probe[] = [];
  for (let k = 0; k < s.directions; k++) {
    // d = s∘v: random signs scaled like the coordinate steps, so t = h moves x_i by ±h_i.
    const d = randomSignsInto(new Float64Array(p.n), rand);
    let gd = 0;
    let g2 = 0;
    for (let i = 0; i < p.n; i++) {
      d[i] = d[i]! * coordScale(x[i]!);
      gd += g[i]! * d[i]!;
      g2 += (g[i]! * d[i]!) ** 2;
    }
    // The typical size of a random-sign sum is ‖g∘s‖₂: that is the floor's scale in fast mode.
    probes.push({ line: new DirLine(p, x, new Float64Array(p.n), d), scale: 1, analytic: gd, name: `dir[${k}]`, gscale: Math.sqrt(g2) });
  }
  return probes;
}

export type Scratch = readonly [LineEstimate, LineEstimate, LineEstimate];

export interface FirstLook {
  /** The step finally used. */
  t: number;
  evals: number;
  /** Complex step's real-valued screening estimate (for kinks). */
  screen: LineEstimate | null;
  /** Richardson decides kinks from its own tableau. */
  kink: boolean;
  /** The step was reduced because f was not finite at x ± h (the edge of its domain). */
  reduced: boolean;
}

/**
 * Most times a difference step is divided by 16 when f is not finite at x ± h: 16 shrinks take
 * the default central step 6e-6·max(|x|, 1) to 3e-25, below any distance to a domain edge that a
 * check can use (log x at 1e-13 needs 10). Costs 2 evaluations per shrink, only at such edges.
 */
const MAX_SHRINK = 16;

/** The method's estimate along `line` at its default step, into `est`. */
export function firstLook(line: Line, f0: number, q: Probe, s: CheckSettings, est: LineEstimate, scr: Scratch, tab: Romberg): FirstLook {
  const out: FirstLook = { t: s.h * q.scale, evals: 0, screen: null, kink: false, reduced: false };
  if (s.method === "forward" || s.method === "central") {
    // Near the edge of f's domain (log x at x < h) shrink the step until f is finite on it.
    for (let k = 0; ; k++, out.t /= 16) {
      if (s.method === "forward") forwardAt(line, f0, out.t, est);
      else centralAt(line, f0, out.t, est);
      out.evals += est.evals;
      if (Number.isFinite(est.value) || k === MAX_SHRINK) break;
      out.reduced = true;
    }
  } else if (s.method === "richardson") {
    richardsonAt(line, f0, out.t, tab, est, scr[0]);
    out.evals += est.evals;
    out.reduced = est.firstStep < out.t;
    out.t = est.firstStep;
    // Successive Richardson steps halve h: a smooth jump halves, a kink's stays.
    out.kink = jumpAboveNoise(est) && Math.abs(est.right - est.left) > (KINK_KEEP + 0.05) * est.prevJump;
  } else {
    complexAt(line, out.t, est);
    const scale = s.directions > 0 ? 1 : q.scale;
    est.error = Math.max(est.error, (ROUNDING * EPS * Math.abs(f0)) / scale);
    out.screen = centralAt(line, f0, STEP.central * q.scale, scr[2]);
    out.evals += est.evals + out.screen.evals;
  }
  return out;
}

