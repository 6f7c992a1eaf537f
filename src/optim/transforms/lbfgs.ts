/**
 * L-BFGS as `torch.optim.LBFGS`: one `update` is one `LBFGS.step(closure)`, i.e. up to
 * `maxIter` quasi-Newton iterations (and `maxEval` evaluations) from the current point.
 *
 * A faithful port of PyTorch 1.13's `LBFGS.step` (unchanged in 2.x): the same history handling,
 * the first step t = min(1, 1/‖g‖₁)·lr, the same stopping tests and PyTorch's strong-Wolfe line
 * search. It evaluates the objective itself (`needs: ["problem"]`) and works on Float64Array only.
 *
 * Reference: D. C. Liu & J. Nocedal, "On the limited memory BFGS method for large scale
 * optimization", Math. Programming 45, 1989; Nocedal & Wright, "Numerical Optimization", Alg. 7.4.
 */
import { DslError, assert } from "../../errors/index.js";
import type { HyperValue, Transform, UpdateExtras } from "../base.js";
import { dot, strongWolfe } from "../line-search.js";
import { readOptions } from "../options.js";

export interface LbfgsOptions {
  /**
   * Step length multiplier (default 1), or a schedule: step k (the k-th `LBFGS.step()`, counted
   * from 0) uses lr(k), as PyTorch's LBFGS reads `group["lr"]` at each step under an lr scheduler.
   */
  lr?: HyperValue;
  /** Iterations per step (default 20). */
  maxIter?: number;
  /** Function evaluations per step (default ⌊maxIter·5/4⌋). */
  maxEval?: number;
  /** Stop when max |gᵢ| ≤ this (default 1e-7, PyTorch's). */
  toleranceGrad?: number;
  /** Stop when a step or a loss change is below this (default 1e-9). */
  toleranceChange?: number;
  /** Pairs (s, y) kept (default 100). */
  historySize?: number;
  /** "strong-wolfe" or null (fixed step lr, default). */
  lineSearch?: "strong-wolfe" | null;
}

export interface LbfgsState {
  /** Steps taken (`LBFGS.step()` calls): a scheduled lr is read at this count. */
  steps: number;
  /** Function evaluations over all steps (PyTorch's `func_evals`). */
  funcEvals: number;
  /** Iterations over all steps (PyTorch's `n_iter`). */
  nIter: number;
  d: Float64Array | null;
  t: number;
  oldDirs: Float64Array[];
  oldStps: Float64Array[];
  ro: number[];
  hDiag: number;
  prevFlatGrad: Float64Array | null;
  prevLoss: number;
  /** Working copy of the parameters during a step. */
  x: Float64Array;
}

const maxAbs = (a: Float64Array): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
};

/**
 * The L-BFGS step of PyTorch as a transform (see the module comment). The runner supplies the
 * gradient and loss at the current point (PyTorch's first `closure()` call of the step).
 *
 * @example
 * optimize(rosenbrock, lbfgs({ lineSearch: "strong-wolfe" }), { from: [-1.2, 1], steps: 5 });
 */
export function scaleByLbfgs(o: LbfgsOptions = {}): Transform<LbfgsState> {
  // the same rules as the lbfgs alias (issue 16's fuzz: null was a TypeError)
  readOptions("scaleByLbfgs", o, {
    lr: { type: "hyper", min: 0, what: "the learning rate" },
    maxIter: { type: "integer", min: 1, max: 1e6, what: "iterations per step" },
    maxEval: { type: "integer", min: 1, max: 1.25e6, what: "function evaluations per step" },
    toleranceGrad: { type: "number", min: 0, what: "first-order optimality tolerance" },
    toleranceChange: { type: "number", min: 0, what: "tolerance on function value/parameter changes" },
    historySize: { type: "integer", min: 1, max: 1e6, what: "number of (s, y) pairs kept" },
    lineSearch: { type: "enum", values: ["strong-wolfe", null], default: null, what: "" },
  });
  const lrOption = o.lr ?? 1;
  const lrAt = (k: number): number => {
    if (typeof lrOption === "number") return lrOption;
    if (typeof lrOption === "function") return lrOption(k);
    throw new DslError("bad-option", "lbfgs: lr must be a number or a schedule (per-run values need a batched engine; L-BFGS runs on float64 only)", { path: "lbfgs.lr" });
  };
  const maxIter = o.maxIter ?? 20;
  const maxEval = o.maxEval ?? Math.floor((maxIter * 5) / 4);
  const tolGrad = o.toleranceGrad ?? 1e-7;
  const tolChange = o.toleranceChange ?? 1e-9;
  const historySize = o.historySize ?? 100;
  const lineSearch = o.lineSearch ?? null;
  return {
    needs: ["problem", "float64"],
    learningRate: lrOption,
    init: (p) => {
      const x = p as unknown as Float64Array;
      return {
        steps: 0, funcEvals: 0, nIter: 0, d: null, t: 0, oldDirs: [], oldStps: [], ro: [], hDiag: 1,
        prevFlatGrad: null, prevLoss: NaN, x: new Float64Array(x.length),
      };
    },
    update(u, s, p, _ops, extra) {
      const g0 = u as unknown as Float64Array;
      const x0 = p as unknown as Float64Array;
      step(s, x0, g0, extra);
      // u = x_new − x
      const out = g0;
      for (let i = 0; i < out.length; i++) out[i] = s.x[i]! - x0[i]!;
      return u;
    },
  };

  function step(s: LbfgsState, x0: Float64Array, g0: Float64Array, extra: UpdateExtras | undefined): void {
    const ctx = extra?.context;
    assert(ctx && extra?.loss !== undefined, () => "lbfgs needs extra.context and extra.loss from the runner");
    const n = x0.length;
    const x = s.x;
    x.set(x0);
    const lr = lrAt(s.steps);
    s.steps++;
    let loss = extra.loss;
    let flatGrad: Float64Array = g0.slice();
    let currentEvals = 1;
    s.funcEvals += 1;
    if (maxAbs(flatGrad) <= tolGrad) return;

    let d = s.d, t = s.t, hDiag = s.hDiag, prevFlatGrad = s.prevFlatGrad, prevLoss = s.prevLoss;
    const { oldDirs, oldStps, ro } = s;
    // sized by the pairs kept, not by historySize (up to 10⁶: an array that size per step is waste)
    const al: number[] = [];
    let nIter = 0;
    while (nIter < maxIter) {
      nIter++;
      s.nIter++;
      if (s.nIter === 1) {
        d = new Float64Array(n);
        for (let i = 0; i < n; i++) d[i] = -flatGrad[i]!;
        oldDirs.length = 0; oldStps.length = 0; ro.length = 0;
        hDiag = 1;
      } else {
        const y = new Float64Array(n);
        const sv = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          y[i] = flatGrad[i]! - prevFlatGrad![i]!;
          sv[i] = d![i]! * t;
        }
        const ys = dot(y, sv);
        if (ys > 1e-10) {
          if (oldDirs.length === historySize) {
            oldDirs.shift(); oldStps.shift(); ro.shift();
          }
          oldDirs.push(y); oldStps.push(sv); ro.push(1 / ys);
          hDiag = ys / dot(y, y);
        }
        const numOld = oldDirs.length;
        const q = new Float64Array(n);
        for (let i = 0; i < n; i++) q[i] = -flatGrad[i]!;
        for (let i = numOld - 1; i >= 0; i--) {
          al[i] = dot(oldStps[i]!, q) * ro[i]!;
          const a = -al[i]!, dir = oldDirs[i]!;
          for (let j = 0; j < n; j++) q[j] = q[j]! + a * dir[j]!;
        }
        const r = q;
        for (let j = 0; j < n; j++) r[j] = q[j]! * hDiag;
        for (let i = 0; i < numOld; i++) {
          const be = dot(oldDirs[i]!, r) * ro[i]!;
          const a = al[i]! - be, stp = oldStps[i]!;
          for (let j = 0; j < n; j++) r[j] = r[j]! + a * stp[j]!;
        }
        d = r;
      }
      if (prevFlatGrad === null) prevFlatGrad = flatGrad.slice();
      else prevFlatGrad.set(flatGrad);
      prevLoss = loss;

      if (s.nIter === 1) {
        let l1 = 0;
        for (let i = 0; i < n; i++) l1 += Math.abs(flatGrad[i]!);
        t = Math.min(1, 1 / l1) * lr;
      } else {
        t = lr;
      }
      const gtd = dot(flatGrad, d!);
      if (gtd > -tolChange) break;

      let lsFuncEvals = 0;
      let optCond = false;
      const dd = d!;
      if (lineSearch !== null) {
        const xInit = x.slice();
        const xt = new Float64Array(n);
        const evalAt = (tt: number) => {
          for (let i = 0; i < n; i++) xt[i] = xInit[i]! + tt * dd[i]!;
          const g = new Float64Array(n);
          const f = ctx.valueAndGradInto(xt, g);
          return { f, g };
        };
        const r = strongWolfe(evalAt, t, dd, loss, flatGrad, gtd);
        loss = r.f; flatGrad = r.g; t = r.t; lsFuncEvals = r.evals;
        for (let i = 0; i < n; i++) x[i] = x[i]! + t * dd[i]!;
        optCond = maxAbs(flatGrad) <= tolGrad;
      } else {
        for (let i = 0; i < n; i++) x[i] = x[i]! + t * dd[i]!;
        if (nIter !== maxIter) {
          flatGrad = new Float64Array(n);
          loss = ctx.valueAndGradInto(x, flatGrad);
          optCond = maxAbs(flatGrad) <= tolGrad;
          lsFuncEvals = 1;
        }
      }
      currentEvals += lsFuncEvals;
      s.funcEvals += lsFuncEvals;

      if (nIter === maxIter) break;
      if (currentEvals >= maxEval) break;
      if (optCond) break;
      let dMax = 0;
      for (let i = 0; i < n; i++) dMax = Math.max(dMax, Math.abs(dd[i]! * t));
      if (dMax <= tolChange) break;
      if (Math.abs(loss - prevLoss) < tolChange) break;
    }
    s.d = d; s.t = t; s.hDiag = hDiag; s.prevFlatGrad = prevFlatGrad; s.prevLoss = prevLoss;
  }
}
