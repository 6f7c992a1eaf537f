/**
 * Line searches on float64 vectors: PyTorch's strong-Wolfe search (a faithful port of
 * `torch.optim.lbfgs._strong_wolfe` and `_cubic_interpolate`, itself from Mark Schmidt's
 * minFunc) and Armijo backtracking.
 *
 * Reference: J. Nocedal & S. J. Wright, "Numerical Optimization", 2nd ed., Springer 2006,
 * Alg. 3.5 (line search) and 3.6 (zoom).
 */

/** f and ∇f at x + t·d; returns the loss and writes the gradient into a fresh array. */
export type DirectionalEval = (t: number) => { f: number; g: Float64Array };

/**
 * The minimizer of the cubic interpolating (x1, f1, g1), (x2, f2, g2), clamped to `bounds`
 * (default [min(x1,x2), max(x1,x2)]); the midpoint of the bounds when the cubic has no minimum.
 */
export function cubicInterpolate(
  x1: number, f1: number, g1: number, x2: number, f2: number, g2: number, bounds?: [number, number],
): number {
  const [lo, hi] = bounds ?? (x1 <= x2 ? [x1, x2] : [x2, x1]);
  const d1 = g1 + g2 - (3 * (f1 - f2)) / (x1 - x2);
  const d2Square = d1 * d1 - g1 * g2;
  if (d2Square >= 0) {
    const d2 = Math.sqrt(d2Square);
    const minPos = x1 <= x2
      ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
      : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
    return Math.min(Math.max(minPos, lo), hi);
  }
  return (lo + hi) / 2;
}

/** aᵀb. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Result of a line search: the accepted step, its loss and gradient, and evaluations used. */
export interface LineSearchResult {
  t: number;
  f: number;
  g: Float64Array;
  evals: number;
}

/**
 * PyTorch's strong-Wolfe line search along d from the point with loss `f`, gradient `g` and
 * directional derivative `gtd` = gᵀd < 0, starting at step `t`. Conditions:
 * f(x + td) ≤ f + c₁ t gᵀd and |∇f(x + td)ᵀd| ≤ −c₂ gᵀd. Same branches, same order of
 * evaluations and the same quirks as `torch.optim.lbfgs._strong_wolfe` (torch 1.13–2.x), so
 * trajectories match step for step.
 */
export function strongWolfe(
  evalAt: DirectionalEval, t: number, d: Float64Array, f: number, g: Float64Array, gtd: number,
  c1 = 1e-4, c2 = 0.9, toleranceChange = 1e-9, maxLs = 25,
): LineSearchResult {
  let dNorm = 0;
  for (let i = 0; i < d.length; i++) dNorm = Math.max(dNorm, Math.abs(d[i]!));
  g = g.slice();
  let { f: fNew, g: gNew } = evalAt(t);
  let lsFuncEvals = 1;
  let gtdNew = dot(gNew, d);

  let tPrev = 0, fPrev = f, gPrev = g, gtdPrev = gtd;
  let done = false;
  let lsIter = 0;
  let bracket: number[] = [], bracketF: number[] = [], bracketG: Float64Array[] = [], bracketGtd: number[] = [];
  while (lsIter < maxLs) {
    if (fNew > f + c1 * t * gtd || (lsIter > 1 && fNew >= fPrev)) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.slice()]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    if (Math.abs(gtdNew) <= -c2 * gtd) {
      bracket = [t]; bracketF = [fNew]; bracketG = [gNew];
      done = true;
      break;
    }
    if (gtdNew >= 0) {
      bracket = [tPrev, t]; bracketF = [fPrev, fNew]; bracketG = [gPrev, gNew.slice()]; bracketGtd = [gtdPrev, gtdNew];
      break;
    }
    // interpolate
    const minStep = t + 0.01 * (t - tPrev);
    const maxStep = t * 10;
    const tmp = t;
    t = cubicInterpolate(tPrev, fPrev, gtdPrev, t, fNew, gtdNew, [minStep, maxStep]);
    tPrev = tmp; fPrev = fNew; gPrev = gNew.slice(); gtdPrev = gtdNew;
    ({ f: fNew, g: gNew } = evalAt(t));
    lsFuncEvals++;
    gtdNew = dot(gNew, d);
    lsIter++;
  }
  if (lsIter === maxLs) {
    bracket = [0, t]; bracketF = [f, fNew]; bracketG = [g, gNew];
  }

  // zoom phase: we now have a point satisfying the criteria, or a bracket around it
  let insufProgress = false;
  let [lowPos, highPos] = bracketF[0]! <= bracketF[bracketF.length - 1]! ? [0, 1] : [1, 0];
  while (!done && lsIter < maxLs) {
    if (Math.abs(bracket[1]! - bracket[0]!) * dNorm < toleranceChange) break;
    t = cubicInterpolate(bracket[0]!, bracketF[0]!, bracketGtd[0]!, bracket[1]!, bracketF[1]!, bracketGtd[1]!);
    // test that we are making sufficient progress
    const bMax = Math.max(bracket[0]!, bracket[1]!);
    const bMin = Math.min(bracket[0]!, bracket[1]!);
    const eps = 0.1 * (bMax - bMin);
    if (Math.min(bMax - t, t - bMin) < eps) {
      if (insufProgress || t >= bMax || t <= bMin) {
        t = Math.abs(t - bMax) < Math.abs(t - bMin) ? bMax - eps : bMin + eps;
        insufProgress = false;
      } else {
        insufProgress = true;
      }
    } else {
      insufProgress = false;
    }
    ({ f: fNew, g: gNew } = evalAt(t));
    lsFuncEvals++;
    gtdNew = dot(gNew, d);
    lsIter++;
    if (fNew > f + c1 * t * gtd || fNew >= bracketF[lowPos]!) {
      bracket[highPos] = t; bracketF[highPos] = fNew; bracketG[highPos] = gNew.slice(); bracketGtd[highPos] = gtdNew;
      [lowPos, highPos] = bracketF[0]! <= bracketF[1]! ? [0, 1] : [1, 0];
    } else {
      if (Math.abs(gtdNew) <= -c2 * gtd) {
        done = true;
      } else if (gtdNew * (bracket[highPos]! - bracket[lowPos]!) >= 0) {
        bracket[highPos] = bracket[lowPos]!; bracketF[highPos] = bracketF[lowPos]!;
        bracketG[highPos] = bracketG[lowPos]!; bracketGtd[highPos] = bracketGtd[lowPos]!;
      }
      bracket[lowPos] = t; bracketF[lowPos] = fNew; bracketG[lowPos] = gNew.slice(); bracketGtd[lowPos] = gtdNew;
    }
  }
  return { t: bracket[lowPos]!, f: bracketF[lowPos]!, g: bracketG[lowPos]!, evals: lsFuncEvals };
}

/**
 * Armijo backtracking: the first t = t₀·βᵏ (k = 0, 1, ...) with f(x + td) ≤ f + c₁ t gᵀd, or
 * t = 0 (no step: never uphill) when `maxTries` halvings all fail. Boyd & Vandenberghe,
 * "Convex Optimization", 2004, Alg. 9.2.
 */
export function backtracking(
  valueAt: (t: number) => number, t0: number, f: number, gtd: number, c1 = 1e-4, beta = 0.5, maxTries = 60,
): { t: number; f: number; evals: number } {
  let t = t0;
  let evals = 0;
  for (let k = 0; k < maxTries; k++) {
    const ft = valueAt(t);
    evals++;
    if (ft <= f + c1 * t * gtd) return { t, f: ft, evals };
    t *= beta;
  }
  return { t: 0, f, evals };
}
