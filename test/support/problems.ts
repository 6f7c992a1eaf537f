/**
 * Hand-written test problems with exact gradients and Hessians (no symbolic engine involved),
 * for optimizer, runner and curvature tests. The same definitions are in
 * test/fixtures/gen/torch_optim.py (PyTorch autograd computes the gradients there).
 *
 *  - rosenbrock: (1 − x)² + 100 (y − x²)², minimum (1, 1), start (−1.2, 1).
 *  - quadratic: ½ (x − c)ᵀ A (x − c), A = [[50.5, 49.5], [49.5, 50.5]] (eigenvalues 1 and 100,
 *    κ = 100, axes rotated 45°), c = (1, −2); start (−2, 3).
 *  - beale: Beale's function, minimum (3, 0.5), start (2, 0.2) (at the classic (1, 1) ∂f/∂x is
 *    exactly 0, and adaptive methods then amplify rounding: not a good reference start).
 *  - saddle: x² + y⁴/4 − y²/2: a saddle at the origin, minima (0, ±1); start (1, 0.01).
 *  - extendedRosenbrock(n): Σᵢ 100 (x_{i+1} − xᵢ²)² + (1 − xᵢ)² (SciPy's `rosen`), minimum
 *    (1, …, 1); start (1.3, 0.7, 0.8, 1.9, 1.2) for n = 5 (SciPy's tutorial point).
 *  - leastSquares / logisticRegression: data-backed problems (`DataProblem`) with seeded data.
 */
import type { DataProblem, Problem } from "../../src/problem/index.js";
import { mulberry32 } from "../../src/optim/data.js";

export interface TestProblem extends Problem {
  /** The minimizer (when known). */
  readonly xStar?: readonly number[];
  /** The usual start point. */
  readonly start: readonly number[];
  /** Counts of calls (valueAt + valueAndGradInto). */
  evals: number;
}

function make(
  name: string,
  n: number,
  f: (x: Float64Array) => number,
  grad: (x: Float64Array, g: Float64Array) => void,
  hess: (x: Float64Array, H: Float64Array) => void,
  start: number[],
  xStar?: number[],
): TestProblem & { name: string } {
  const p = {
    name,
    n,
    names: n <= 3 ? ["x", "y", "z"].slice(0, n) : Array.from({ length: n }, (_, i) => `x${i}`),
    start,
    ...(xStar ? { xStar } : {}),
    evals: 0,
    valueAt(x: Float64Array) {
      p.evals++;
      return f(x);
    },
    valueAndGradInto(x: Float64Array, g: Float64Array) {
      p.evals++;
      grad(x, g);
      return f(x);
    },
    hessianInto: hess,
  };
  return p;
}

export const rosenbrock = make(
  "rosenbrock",
  2,
  (v) => (1 - v[0]!) ** 2 + 100 * (v[1]! - v[0]! * v[0]!) ** 2,
  (v, g) => {
    const x = v[0]!, y = v[1]!;
    g[0] = -2 * (1 - x) - 400 * x * (y - x * x);
    g[1] = 200 * (y - x * x);
  },
  (v, H) => {
    const x = v[0]!, y = v[1]!;
    H[0] = 2 - 400 * (y - x * x) + 800 * x * x;
    H[1] = H[2] = -400 * x;
    H[3] = 200;
  },
  [-1.2, 1],
  [1, 1],
);

const A = [50.5, 49.5, 49.5, 50.5];
const C = [1, -2];
export const quadratic = make(
  "quadratic",
  2,
  (v) => {
    const d0 = v[0]! - C[0]!, d1 = v[1]! - C[1]!;
    return 0.5 * (d0 * (A[0]! * d0 + A[1]! * d1) + d1 * (A[2]! * d0 + A[3]! * d1));
  },
  (v, g) => {
    const d0 = v[0]! - C[0]!, d1 = v[1]! - C[1]!;
    g[0] = A[0]! * d0 + A[1]! * d1;
    g[1] = A[2]! * d0 + A[3]! * d1;
  },
  (_v, H) => {
    for (let i = 0; i < 4; i++) H[i] = A[i]!;
  },
  [-2, 3],
  [1, -2],
);

const BY = [1.5, 2.25, 2.625];
export const beale = make(
  "beale",
  2,
  (v) => {
    const x = v[0]!, y = v[1]!;
    let s = 0;
    for (let i = 0; i < 3; i++) s += (BY[i]! - x + x * y ** (i + 1)) ** 2;
    return s;
  },
  (v, g) => {
    const x = v[0]!, y = v[1]!;
    let gx = 0, gy = 0;
    for (let i = 0; i < 3; i++) {
      const k = i + 1;
      const r = BY[i]! - x + x * y ** k;
      gx += 2 * r * (y ** k - 1);
      gy += 2 * r * x * k * y ** (k - 1);
    }
    g[0] = gx;
    g[1] = gy;
  },
  (v, H) => {
    const x = v[0]!, y = v[1]!;
    let hxx = 0, hxy = 0, hyy = 0;
    for (let i = 0; i < 3; i++) {
      const k = i + 1;
      const r = BY[i]! - x + x * y ** k;
      const rx = y ** k - 1;
      const ry = x * k * y ** (k - 1);
      hxx += 2 * rx * rx;
      hxy += 2 * (ry * rx + r * k * y ** (k - 1));
      hyy += 2 * (ry * ry + r * x * k * (k - 1) * (k >= 2 ? y ** (k - 2) : 0));
    }
    H[0] = hxx;
    H[1] = H[2] = hxy;
    H[3] = hyy;
  },
  [2, 0.2],
  [3, 0.5],
);

export const saddle = make(
  "saddle",
  2,
  (v) => v[0]! ** 2 + v[1]! ** 4 / 4 - v[1]! ** 2 / 2,
  (v, g) => {
    g[0] = 2 * v[0]!;
    g[1] = v[1]! ** 3 - v[1]!;
  },
  (v, H) => {
    H[0] = 2;
    H[1] = H[2] = 0;
    H[3] = 3 * v[1]! ** 2 - 1;
  },
  [1, 0.01],
  [0, 1],
);

/** SciPy's `rosen` in n dimensions (chained Rosenbrock). */
export function extendedRosenbrock(n = 5) {
  return make(
    `extended-rosenbrock-${n}`,
    n,
    (v) => {
      let s = 0;
      for (let i = 0; i < n - 1; i++) s += 100 * (v[i + 1]! - v[i]! ** 2) ** 2 + (1 - v[i]!) ** 2;
      return s;
    },
    (v, g) => {
      g.fill(0);
      for (let i = 0; i < n - 1; i++) {
        const r = v[i + 1]! - v[i]! ** 2;
        g[i] += -400 * v[i]! * r - 2 * (1 - v[i]!);
        g[i + 1] += 200 * r;
      }
    },
    (v, H) => {
      H.fill(0);
      for (let i = 0; i < n - 1; i++) {
        H[i * n + i] += 1200 * v[i]! ** 2 - 400 * v[i + 1]! + 2;
        H[i * n + i + 1] += -400 * v[i]!;
        H[(i + 1) * n + i] += -400 * v[i]!;
        H[(i + 1) * n + i + 1] += 200;
      }
    },
    n === 5 ? [1.3, 0.7, 0.8, 1.9, 1.2] : Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1.2)),
    new Array<number>(n).fill(1),
  );
}

/** The five problems of the torch fixtures, by fixture name. */
export const FIXTURE_PROBLEMS: Record<string, TestProblem> = {
  rosenbrock,
  quadratic,
  beale,
  saddle,
  "extended-rosenbrock": extendedRosenbrock(5),
};

// -- data-backed problems --------------------------------------------------------------------

export interface DataTestProblem extends TestProblem {
  readonly data: DataProblem;
  readonly X: Float64Array;
  readonly y: Float64Array;
  /** Declared model family (natural gradient's "auto" Fisher reads it). */
  readonly family?: string;
}

function dataProblem(
  name: string,
  X: Float64Array,
  y: Float64Array,
  d: number,
  // per-sample loss, its derivative and second derivative with respect to z = xᵢᵀw
  loss: (z: number, yi: number) => number,
  dloss: (z: number, yi: number) => number,
  d2loss: (z: number, yi: number) => number,
  family?: string,
): DataTestProblem {
  const m = y.length;
  const zOf = (w: Float64Array, i: number) => {
    let z = 0;
    for (let j = 0; j < d; j++) z += X[i * d + j]! * w[j]!;
    return z;
  };
  const forRows = (rows: Int32Array | null, fn: (i: number) => void) => {
    if (rows) for (let r = 0; r < rows.length; r++) fn(rows[r]!);
    else for (let i = 0; i < m; i++) fn(i);
  };
  const data: DataProblem = {
    samples: m,
    reduce: "mean",
    batchValueAt(w, rows) {
      let s = 0;
      forRows(rows, (i) => (s += loss(zOf(w, i), y[i]!)));
      return s / (rows ? rows.length : m);
    },
    batchValueAndGradInto(w, g, rows) {
      g.fill(0);
      let s = 0;
      forRows(rows, (i) => {
        const z = zOf(w, i);
        s += loss(z, y[i]!);
        const dz = dloss(z, y[i]!);
        for (let j = 0; j < d; j++) g[j] += dz * X[i * d + j]!;
      });
      const k = rows ? rows.length : m;
      for (let j = 0; j < d; j++) g[j] /= k;
      return s / k;
    },
    sampleGradsInto(w, rows, G) {
      for (let r = 0; r < rows.length; r++) {
        const i = rows[r]!;
        const dz = dloss(zOf(w, i), y[i]!);
        for (let j = 0; j < d; j++) G[r * d + j] = dz * X[i * d + j]!;
      }
    },
  };
  const p: DataTestProblem = {
    n: d,
    names: Array.from({ length: d }, (_, j) => `w${j}`),
    start: new Array<number>(d).fill(0),
    evals: 0,
    X,
    y,
    data,
    ...(family ? { family } : {}),
    valueAt(w) {
      p.evals++;
      return data.batchValueAt(w, null);
    },
    valueAndGradInto(w, g) {
      p.evals++;
      return data.batchValueAndGradInto(w, g, null);
    },
    hessianInto(w, H) {
      H.fill(0);
      for (let i = 0; i < m; i++) {
        const c = d2loss(zOf(w, i), y[i]!);
        for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) H[a * d + b] += (c * X[i * d + a]! * X[i * d + b]!) / m;
      }
    },
  };
  return p;
}

/** Gaussian-ish noise from a seeded uniform generator (sum of 4 uniforms, centered). */
function noise(rand: () => number): number {
  return rand() + rand() + rand() + rand() - 2;
}

/**
 * Least squares ½(xᵢᵀw − yᵢ)², mean over m rows, with a bias column; y = X w* + 0.1·noise,
 * w* = (1, −2, 0.5, …).
 */
export function leastSquares(m = 200, d = 3, seed = 1): DataTestProblem {
  const rand = mulberry32(seed);
  const X = new Float64Array(m * d);
  const y = new Float64Array(m);
  const wStar = Array.from({ length: d }, (_, j) => [1, -2, 0.5, 3, -1][j % 5]!);
  for (let i = 0; i < m; i++) {
    X[i * d] = 1;
    for (let j = 1; j < d; j++) X[i * d + j] = 2 * rand() - 1;
    let z = 0;
    for (let j = 0; j < d; j++) z += X[i * d + j]! * wStar[j]!;
    y[i] = z + 0.1 * noise(rand);
  }
  return dataProblem("least-squares", X, y, d, (z, yi) => 0.5 * (z - yi) ** 2, (z, yi) => z - yi, () => 1, "gaussian");
}

/**
 * Logistic regression: labels yᵢ ∈ {0, 1}, loss log(1 + e^z) − yᵢ z with z = xᵢᵀw (mean), a
 * bias column, labels drawn from the model with w* = (0.5, 2, −1, …). Declares family "bernoulli".
 */
export function logisticRegression(m = 300, d = 3, seed = 2): DataTestProblem {
  const rand = mulberry32(seed);
  const X = new Float64Array(m * d);
  const y = new Float64Array(m);
  const wStar = Array.from({ length: d }, (_, j) => [0.5, 2, -1, 1.5, -0.5][j % 5]!);
  for (let i = 0; i < m; i++) {
    X[i * d] = 1;
    for (let j = 1; j < d; j++) X[i * d + j] = 4 * rand() - 2;
    let z = 0;
    for (let j = 0; j < d; j++) z += X[i * d + j]! * wStar[j]!;
    y[i] = rand() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
  }
  const softplus = (z: number) => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));
  const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
  return dataProblem(
    "logistic-regression", X, y, d,
    (z, yi) => softplus(z) - yi * z,
    (z, yi) => sigmoid(z) - yi,
    (z) => sigmoid(z) * (1 - sigmoid(z)),
    "bernoulli",
  );
}
