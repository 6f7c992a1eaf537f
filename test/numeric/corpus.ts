/**
 * Hand-written test problems for the finite-difference and gradient-check tests: each function is
 * written once over a small number algebra, so the same code gives f in float64 and f in complex
 * arithmetic (for complex step). Gradients and Hessians are written by hand (and checked against
 * each other in the tests), some with deliberate, realistic bugs.
 */
import type { Problem } from "../../src/problem/index.js";

/** The arithmetic a test function is written in (real or complex). */
export interface Alg<T> {
  k(c: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  exp(a: T): T;
  log(a: T): T;
  sin(a: T): T;
  cos(a: T): T;
  tanh(a: T): T;
  sqrt(a: T): T;
}

export const real: Alg<number> = {
  k: (c) => c,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  exp: Math.exp,
  log: Math.log,
  sin: Math.sin,
  cos: Math.cos,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
};

/** Complex numbers as [re, im]. */
export type C = readonly [number, number];
export const complex: Alg<C> = {
  k: (c) => [c, 0],
  add: (a, b) => [a[0] + b[0], a[1] + b[1]],
  sub: (a, b) => [a[0] - b[0], a[1] - b[1]],
  mul: (a, b) => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]],
  div: (a, b) => {
    const d = b[0] * b[0] + b[1] * b[1];
    return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d];
  },
  exp: (a) => [Math.exp(a[0]) * Math.cos(a[1]), Math.exp(a[0]) * Math.sin(a[1])],
  log: (a) => [Math.log(Math.hypot(a[0], a[1])), Math.atan2(a[1], a[0])],
  sin: (a) => [Math.sin(a[0]) * Math.cosh(a[1]), Math.cos(a[0]) * Math.sinh(a[1])],
  cos: (a) => [Math.cos(a[0]) * Math.cosh(a[1]), -Math.sin(a[0]) * Math.sinh(a[1])],
  tanh: (a) => {
    // tanh(a) = s·(1 − e^{−2sa})/(1 + e^{−2sa}) with s = sign(Re a): no overflow for large |Re a|.
    const s = a[0] < 0 ? -1 : 1;
    const e = complex.exp([-2 * s * a[0], -2 * s * a[1]]);
    const q = complex.div([1 - e[0], -e[1]], [1 + e[0], e[1]]);
    return [s * q[0], s * q[1]];
  },
  sqrt: (a) => {
    const r = Math.hypot(a[0], a[1]);
    const re = Math.sqrt((r + a[0]) / 2);
    const im = Math.sign(a[1] || 1) * Math.sqrt(Math.max(0, (r - a[0]) / 2));
    return [re, im];
  },
};

/** A test function: f written over any algebra, its gradient (and Hessian) by hand. */
export interface TestFn {
  name: string;
  n: number;
  names?: string[];
  f<T>(A: Alg<T>, x: readonly T[]): T;
  grad(x: readonly number[]): number[];
  hess?(x: readonly number[]): number[][];
}

/** A `Problem` from a test function (with `valueComplex` and, if given, `hessianInto`). */
export function problemOf(t: TestFn, opts: { complex?: boolean } = {}): Problem & { evals: number } {
  const p: Problem & { evals: number } = {
    n: t.n,
    names: t.names ?? Array.from({ length: t.n }, (_, i) => `x[${i}]`),
    evals: 0,
    valueAt(x) {
      p.evals++;
      return t.f(real, Array.from(x));
    },
    valueAndGradInto(x, g) {
      g.set(t.grad(Array.from(x)));
      return t.f(real, Array.from(x));
    },
  };
  if (opts.complex !== false)
    p.valueComplex = (re, im) => {
      const z = t.f(complex, Array.from(re, (r, i) => [r, im[i]!] as C));
      return [z[0], z[1]];
    };
  if (t.hess)
    p.hessianInto = (x, H) => {
      const h = t.hess!(Array.from(x));
      h.forEach((row, i) => row.forEach((v, j) => (H[i * t.n + j] = v)));
    };
  return p;
}

/** Integer power by multiplication (valid in any algebra). */
export function pow<T>(A: Alg<T>, a: T, k: number): T {
  let r = A.k(1);
  for (let i = 0; i < k; i++) r = A.mul(r, a);
  return r;
}

export const rosenbrock: TestFn = {
  name: "Rosenbrock",
  n: 2,
  names: ["x", "y"],
  f: (A, [x, y]) => A.add(pow(A, A.sub(A.k(1), x!), 2), A.mul(A.k(100), pow(A, A.sub(y!, A.mul(x!, x!)), 2))),
  grad: ([x, y]) => [-2 * (1 - x!) - 400 * x! * (y! - x! * x!), 200 * (y! - x! * x!)],
  hess: ([x, y]) => [
    [2 - 400 * (y! - 3 * x! * x!), -400 * x!],
    [-400 * x!, 200],
  ],
};

/** Extended Rosenbrock: Σ_i 100(x_{2i+1} − x_{2i}²)² + (1 − x_{2i})² (n even). */
export function extendedRosenbrock(n: number): TestFn {
  return {
    name: `extended Rosenbrock n=${n}`,
    n,
    f: (A, x) => {
      let s = A.k(0);
      for (let i = 0; i < n; i += 2) s = A.add(s, A.add(A.mul(A.k(100), pow(A, A.sub(x[i + 1]!, A.mul(x[i]!, x[i]!)), 2)), pow(A, A.sub(A.k(1), x[i]!), 2)));
      return s;
    },
    grad: (x) => {
      const g = new Array<number>(n).fill(0);
      for (let i = 0; i < n; i += 2) {
        const u = x[i + 1]! - x[i]! * x[i]!;
        g[i] = -400 * x[i]! * u - 2 * (1 - x[i]!);
        g[i + 1] = 200 * u;
      }
      return g;
    },
    hess: (x) => {
      const H = Array.from({ length: n }, () => new Array<number>(n).fill(0));
      for (let i = 0; i < n; i += 2) {
        H[i]![i] = 2 - 400 * (x[i + 1]! - 3 * x[i]! * x[i]!);
        H[i]![i + 1] = H[i + 1]![i] = -400 * x[i]!;
        H[i + 1]![i + 1] = 200;
      }
      return H;
    },
  };
}

/** exp, sin, log, a product: f = e^x·sin(y) + log(1 + z²) + x·y·z. */
export const mixed: TestFn = {
  name: "exp·sin + log + xyz",
  n: 3,
  names: ["x", "y", "z"],
  f: (A, [x, y, z]) => A.add(A.add(A.mul(A.exp(x!), A.sin(y!)), A.log(A.add(A.k(1), A.mul(z!, z!)))), A.mul(A.mul(x!, y!), z!)),
  grad: ([x, y, z]) => [Math.exp(x!) * Math.sin(y!) + y! * z!, Math.exp(x!) * Math.cos(y!) + x! * z!, (2 * z!) / (1 + z! * z!) + x! * y!],
  hess: ([x, y, z]) => [
    [Math.exp(x!) * Math.sin(y!), Math.exp(x!) * Math.cos(y!) + z!, y!],
    [Math.exp(x!) * Math.cos(y!) + z!, -Math.exp(x!) * Math.sin(y!), x!],
    [y!, x!, (2 * (1 - z! * z!)) / (1 + z! * z!) ** 2],
  ],
};

/** Logistic loss on fixed data: Σ_k log(1 + exp(−y_k·(w·a_k))). */
const A_ROWS = [
  [1, 0.5, -1.2, 0.3],
  [-0.7, 1.1, 0.4, 2.0],
  [0.2, -1.5, 1.0, -0.4],
  [1.3, 0.8, 0.6, -1.1],
  [-0.9, -0.3, -2.0, 0.7],
];
const Y = [1, -1, 1, 1, -1];
export const logistic: TestFn = {
  name: "logistic loss",
  n: 4,
  f: (A, w) => {
    let s = A.k(0);
    A_ROWS.forEach((a, k) => {
      let z = A.k(0);
      a.forEach((aj, j) => (z = A.add(z, A.mul(A.k(aj), w[j]!))));
      s = A.add(s, A.log(A.add(A.k(1), A.exp(A.mul(A.k(-Y[k]!), z)))));
    });
    return s;
  },
  grad: (w) => {
    const g = [0, 0, 0, 0];
    A_ROWS.forEach((a, k) => {
      const z = a.reduce((s, aj, j) => s + aj * w[j]!, 0);
      const sig = 1 / (1 + Math.exp(Y[k]! * z)); // σ(−y z)
      a.forEach((aj, j) => (g[j]! -= Y[k]! * aj * sig));
    });
    return g;
  },
  hess: (w) => {
    const H = Array.from({ length: 4 }, () => [0, 0, 0, 0]);
    A_ROWS.forEach((a) => {
      const z = a.reduce((s, aj, j) => s + aj * w[j]!, 0);
      const sig = 1 / (1 + Math.exp(-z));
      const c = sig * (1 - sig);
      a.forEach((ai, i) => a.forEach((aj, j) => (H[i]![j]! += c * ai * aj)));
    });
    return H;
  },
};

/** tanh and a variable exponent: f = x^y + tanh(x·y) (x > 0). */
export const powTanh: TestFn = {
  name: "x^y + tanh(xy)",
  n: 2,
  names: ["x", "y"],
  f: (A, [x, y]) => A.add(A.exp(A.mul(y!, A.log(x!))), A.tanh(A.mul(x!, y!))),
  grad: ([x, y]) => {
    const s = 1 / Math.cosh(x! * y!) ** 2;
    return [y! * x! ** (y! - 1) + y! * s, x! ** y! * Math.log(x!) + x! * s];
  },
};

/**
 * A stiff valley, f = 1e5·(y − x²)² + (1 − x)², near its floor: ∂f/∂y is small while ∂²f/∂y² =
 * 2e5 is large, so a forward difference is off by h·f_yy/2 ≈ 1.5e-3 relative at the default step,
 * while central differences (exact for a quadratic in y) and Richardson are not.
 */
export const stiffValley: TestFn = {
  name: "stiff valley",
  n: 2,
  names: ["x", "y"],
  f: (A, [x, y]) => A.add(A.mul(A.k(1e5), pow(A, A.sub(y!, A.mul(x!, x!)), 2)), pow(A, A.sub(A.k(1), x!), 2)),
  grad: ([x, y]) => [-4e5 * x! * (y! - x! * x!) - 2 * (1 - x!), 2e5 * (y! - x! * x!)],
  hess: ([x, y]) => [
    [2 - 4e5 * (y! - 3 * x! * x!), -4e5 * x!],
    [-4e5 * x!, 2e5],
  ],
};
export const stiffValleyPoint = [0.1, 0.01 + 1e-6];

/** A quadratic ½xᵀAx − bᵀx with a fixed SPD matrix (n = 5). */
const QA = [
  [4, 1, 0, 0.5, 0],
  [1, 3, 0.2, 0, 0],
  [0, 0.2, 2, 0.1, 0.3],
  [0.5, 0, 0.1, 5, 1],
  [0, 0, 0.3, 1, 6],
];
const QB = [1, -2, 0.5, 0, 3];
export const quadratic: TestFn = {
  name: "quadratic n=5",
  n: 5,
  f: (A, x) => {
    let s = A.k(0);
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < 5; j++) s = A.add(s, A.mul(A.k(0.5 * QA[i]![j]!), A.mul(x[i]!, x[j]!)));
      s = A.sub(s, A.mul(A.k(QB[i]!), x[i]!));
    }
    return s;
  },
  grad: (x) => QA.map((row, i) => row.reduce((s, a, j) => s + a * x[j]!, 0) - QB[i]!),
  hess: () => QA.map((r) => [...r]),
};

/** The correct-gradient corpus with a point for each function. */
export const correct: { fn: TestFn; at: number[] }[] = [
  { fn: rosenbrock, at: [-1.2, 1] },
  { fn: rosenbrock, at: [1, 1] },
  { fn: rosenbrock, at: [0.3, -0.7] },
  { fn: extendedRosenbrock(10), at: [-1.2, 1, 0.5, 0.3, 2, -1, 1, 1, -0.1, 0.2] },
  { fn: mixed, at: [0.3, -1.1, 2.5] },
  { fn: mixed, at: [-2, 0.1, 0] },
  { fn: logistic, at: [0.1, -0.2, 0.3, 0.05] },
  { fn: logistic, at: [3, -2, 1.5, 4] },
  { fn: powTanh, at: [1.5, 2.2] },
  { fn: powTanh, at: [0.2, 3.1] },
  { fn: stiffValley, at: stiffValleyPoint },
  { fn: quadratic, at: [1, 2, 3, 4, 5] },
  { fn: quadratic, at: [1e3, -2e3, 5e2, 1e-3, 0] },
];

/** A copy of `fn` whose gradient is changed by `bug` (for the bug corpus). */
export function withBug(fn: TestFn, name: string, bug: (g: number[], x: readonly number[]) => number[]): TestFn {
  return { ...fn, name: `${fn.name}: ${name}`, grad: (x) => bug(fn.grad(x), x) };
}
