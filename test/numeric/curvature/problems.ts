/**
 * Test problems with known curvature, written by hand as `Problem`s.
 */
import type { DataProblem, Problem } from "../../../src/problem/index.js";

import { uniform } from "../../support/random.js";

export { uniform };

/**
 * f(x) = ½ xᵀAx with A = H₁H₂ D H₂H₁ (two Householder reflections H = I − 2uuᵀ with dense random
 * unit u): eigenvalues exactly `spectrum`, eigenvectors dense, products in O(n).
 */
export function rotatedQuadratic(spectrum: Float64Array, seed = 1, withHvp = true): Problem & { apply(v: Float64Array, out: Float64Array): void } {
  const n = spectrum.length;
  const r = uniform(seed);
  const us = [0, 1].map(() => {
    const u = Float64Array.from({ length: n }, () => r() - 0.5);
    const s = Math.hypot(...u);
    return u.map((v) => v / s);
  });
  const reflect = (u: Float64Array, v: Float64Array) => {
    let d = 0;
    for (let i = 0; i < n; i++) d += u[i]! * v[i]!;
    for (let i = 0; i < n; i++) v[i] = v[i]! - 2 * d * u[i]!;
  };
  const apply = (v: Float64Array, out: Float64Array) => {
    out.set(v);
    reflect(us[0]!, out);
    reflect(us[1]!, out);
    for (let i = 0; i < n; i++) out[i] = out[i]! * spectrum[i]!;
    reflect(us[1]!, out);
    reflect(us[0]!, out);
  };
  const g = new Float64Array(n);
  const p: Problem & { apply: typeof apply } = {
    n,
    names: Array.from({ length: n }, (_, i) => `x[${i}]`),
    apply,
    valueAt(x) {
      apply(x, g);
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]! * g[i]!;
      return s / 2;
    },
    valueAndGradInto(x, out) {
      apply(x, out);
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i]! * out[i]!;
      return s / 2;
    },
  };
  if (withHvp) p.hvpInto = (_x, v, out) => apply(v, out);
  return p;
}

/** The 2-D Rosenbrock function (1 − x)² + 100(y − x²)², with exact Hessian. */
export const rosenbrock: Problem = {
  n: 2,
  names: ["x", "y"],
  valueAt: ([x, y]) => (1 - x!) ** 2 + 100 * (y! - x! ** 2) ** 2,
  valueAndGradInto(p, g) {
    const [x, y] = [p[0]!, p[1]!];
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2;
  },
  hessianInto(p, H) {
    const [x, y] = [p[0]!, p[1]!];
    H[0] = 2 - 400 * (y - x * x) + 800 * x * x;
    H[1] = H[2] = -400 * x;
    H[3] = 200;
  },
};

/** The extended Rosenbrock function Σ (1 − x_i)² + 100 (x_{i+1} − x_i²)² (gradient only). */
export function extendedRosenbrock(n: number): Problem {
  const f = (x: Float64Array, g?: Float64Array) => {
    let s = 0;
    if (g) g.fill(0);
    for (let i = 0; i < n - 1; i++) {
      const a = 1 - x[i]!;
      const b = x[i + 1]! - x[i]! ** 2;
      s += a * a + 100 * b * b;
      if (g) {
        g[i] = g[i]! - 2 * a - 400 * x[i]! * b;
        g[i + 1] = g[i + 1]! + 200 * b;
      }
    }
    return s;
  };
  return { n, names: Array.from({ length: n }, (_, i) => `x[${i}]`), valueAt: (x) => f(x), valueAndGradInto: (x, g) => f(x, g) };
}

/** Its exact dense Hessian, written out independently of the code under test. */
export function extendedRosenbrockHessian(x: Float64Array): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  for (let i = 0; i < n - 1; i++) {
    const b = x[i + 1]! - x[i]! ** 2;
    H[i * n + i] += 2 - 400 * b + 800 * x[i]! ** 2;
    H[i * n + i + 1] += -400 * x[i]!;
    H[(i + 1) * n + i] += -400 * x[i]!;
    H[(i + 1) * n + i + 1] += 200;
  }
  return H;
}

/** Least squares ½ mean (aᵢ·w − yᵢ)² on N random rows of dimension n, with per-sample gradients. */
export function leastSquares(N: number, n: number, seed = 3): Problem & { A: Float64Array; y: Float64Array } {
  const r = uniform(seed);
  const A = Float64Array.from({ length: N * n }, () => r() * 2 - 1);
  const wTrue = Float64Array.from({ length: n }, () => r() * 2 - 1);
  const y = Float64Array.from({ length: N }, (_, i) => {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * wTrue[j]!;
    return s + 0.3 * (r() - 0.5);
  });
  const resid = (w: Float64Array, i: number) => {
    let s = -y[i]!;
    for (let j = 0; j < n; j++) s += A[i * n + j]! * w[j]!;
    return s;
  };
  const all = Int32Array.from({ length: N }, (_, i) => i);
  const data: DataProblem = {
    samples: N,
    reduce: "mean",
    batchValueAt(w, rows) {
      const R = rows ?? all;
      let s = 0;
      for (const i of R) s += 0.5 * resid(w, i) ** 2;
      return s / R.length;
    },
    batchValueAndGradInto(w, g, rows) {
      const R = rows ?? all;
      g.fill(0);
      let s = 0;
      for (const i of R) {
        const e = resid(w, i);
        s += 0.5 * e * e;
        for (let j = 0; j < n; j++) g[j] = g[j]! + (e * A[i * n + j]!) / R.length;
      }
      return s / R.length;
    },
    sampleGradsInto(w, rows, G) {
      rows.forEach((i, k) => {
        const e = resid(w, i);
        for (let j = 0; j < n; j++) G[k * n + j] = e * A[i * n + j]!;
      });
    },
  };
  return {
    n,
    names: Array.from({ length: n }, (_, i) => `w[${i}]`),
    A,
    y,
    data,
    valueAt: (w) => data.batchValueAt(w, null),
    valueAndGradInto: (w, g) => data.batchValueAndGradInto(w, g, null),
  };
}

/** n = 10⁴: a bulk spread uniformly over [0, 10] and ten isolated eigenvalues 15, 20, ..., 60. */
export function knownSpectrum(n: number): Float64Array {
  const s = new Float64Array(n);
  for (let i = 0; i < n - 10; i++) s[i] = (10 * i) / (n - 11);
  for (let i = 0; i < 10; i++) s[n - 10 + i] = 15 + 5 * i;
  return s;
}


/**
 * ½ xᵀAx + ¼ Σ xᵢ⁴ with A = rotatedQuadratic(spectrum): Hessian A + diag(3xᵢ²), non-constant,
 * with a well-separated top eigenvalue when the spectrum has one. Gradient only (no hvpInto).
 */
export function quarticBowl(spectrum: Float64Array, seed = 6): Problem & { hessian(x: Float64Array): Float64Array } {
  const q = rotatedQuadratic(spectrum, seed, false);
  const n = spectrum.length;
  return {
    n,
    names: q.names,
    valueAt(x) {
      let s = q.valueAt(x);
      for (let i = 0; i < n; i++) s += x[i]! ** 4 / 4;
      return s;
    },
    valueAndGradInto(x, g) {
      let s = q.valueAndGradInto(x, g);
      for (let i = 0; i < n; i++) {
        s += x[i]! ** 4 / 4;
        g[i] = g[i]! + x[i]! ** 3;
      }
      return s;
    },
    hessian(x) {
      const H = new Float64Array(n * n);
      const e = new Float64Array(n);
      const col = new Float64Array(n);
      for (let j = 0; j < n; j++) {
        e.fill(0);
        e[j] = 1;
        q.apply(e, col);
        for (let i = 0; i < n; i++) H[i * n + j] = col[i]! + (i === j ? 3 * x[i]! ** 2 : 0);
      }
      return H;
    },
  };
}
