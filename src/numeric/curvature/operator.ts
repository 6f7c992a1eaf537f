/**
 * Hessians as linear operators: v ↦ ∇²f(x)·v without forming the matrix, for curvature at large n
 * (Lanczos, Hutchinson, spectral densities), and the dense Hessian where n is small.
 */
import { DslError } from "../../errors/index.js";
import type { Problem } from "../../problem/index.js";

/** A symmetric linear operator on ℝⁿ (a Hessian at a point, or any symmetric matrix). */
export interface LinearOperator {
  readonly n: number;
  /** Writes A·v into `out` (`out` never aliases `v`). */
  apply(v: Float64Array, out: Float64Array): void;
  /** How products are computed: "exact" (hvpInto / a matrix) or "finite-difference". */
  readonly method: "exact" | "finite-difference";
  /** Products computed so far. */
  readonly count: number;
}

/** Options of {@link hvpOperator}. */
export interface HvpOptions {
  /**
   * "auto" (default): `problem.hvpInto` when present, else central differences of gradients;
   * "exact": require `hvpInto`; "finite-difference": always difference gradients.
   */
  method?: "auto" | "exact" | "finite-difference";
  /**
   * Relative step of the gradient difference, default ∛(2⁻⁵²) ≈ 6.1e-6 (balances the O(ε²)
   * truncation error of the central difference against the O(u/ε) rounding error).
   */
  step?: number;
}

/** ∛ of the float64 unit roundoff 2⁻⁵²: the optimal order of a central-difference step. */
export const HVP_STEP = Math.cbrt(2 ** -52);

/**
 * The Hessian of `problem` at `x` as an operator. With `hvpInto` the products are exact (e.g.
 * compiled from the symbolic Hessian); otherwise
 *
 * $$ \nabla^2 f(x)\,v \approx \frac{\nabla f(x + \varepsilon v) - \nabla f(x - \varepsilon v)}{2\varepsilon},
 * \qquad \varepsilon = \sqrt[3]{u}\,\frac{1 + \lVert x\rVert_\infty}{\lVert v\rVert_\infty}, $$
 *
 * which is exact up to rounding on quadratics and has error O(ε²‖∇³f‖) otherwise; each product
 * costs two gradients. float64 only: finite differences are never taken in float32.
 *
 * @param problem the objective (`valueAndGradInto`, optionally `hvpInto`).
 * @param x the point (copied).
 * @example
 * const H = hvpOperator(problem, new Float64Array([1, 1]));
 * H.apply(new Float64Array([1, 0]), out); // first column of ∇²f(1, 1)
 */
export function hvpOperator(problem: Problem, x: Float64Array, opts: HvpOptions = {}): LinearOperator {
  const n = problem.n;
  if (x.length !== n) throw new DslError("bad-point", `curvature: the point has ${x.length} coordinates, the objective ${n}`, { path: "x" });
  const x0 = Float64Array.from(x);
  const method = opts.method ?? "auto";
  const hvp = problem.hvpInto?.bind(problem);
  if (method === "exact" && !hvp) {
    throw new DslError("no-hvp", "curvature: method \"exact\" needs Hessian-vector products (hvpInto), which this objective lacks", {
      path: "method",
    });
  }
  let count = 0;
  if (hvp && method !== "finite-difference") {
    return {
      n,
      method: "exact",
      get count() {
        return count;
      },
      apply(v, out) {
        count++;
        hvp(x0, v, out);
      },
    };
  }
  const rel = opts.step ?? HVP_STEP;
  let xinf = 0;
  for (let i = 0; i < n; i++) xinf = Math.max(xinf, Math.abs(x0[i]!));
  const xp = new Float64Array(n);
  const gm = new Float64Array(n);
  return {
    n,
    method: "finite-difference",
    get count() {
      return count;
    },
    apply(v, out) {
      count++;
      let vinf = 0;
      for (let i = 0; i < n; i++) vinf = Math.max(vinf, Math.abs(v[i]!));
      if (vinf === 0) {
        out.fill(0);
        return;
      }
      const eps = (rel * (1 + xinf)) / vinf;
      for (let i = 0; i < n; i++) xp[i] = x0[i]! + eps * v[i]!;
      problem.valueAndGradInto(xp, out);
      for (let i = 0; i < n; i++) xp[i] = x0[i]! - eps * v[i]!;
      problem.valueAndGradInto(xp, gm);
      const k = 1 / (2 * eps);
      for (let i = 0; i < n; i++) out[i] = (out[i]! - gm[i]!) * k;
    },
  };
}

/**
 * A symmetric matrix (row-major n×n, or number[][]) as an operator.
 *
 * @example
 * matrixOperator([[2, 1], [1, 2]]);
 */
export function matrixOperator(A: Float64Array | readonly (readonly number[])[], n?: number): LinearOperator {
  const size = Array.isArray(A) ? A.length : (n ?? Math.round(Math.sqrt(A.length)));
  const M = Array.isArray(A) ? Float64Array.from((A as number[][]).flat()) : (A as Float64Array);
  if (M.length !== size * size) throw new DslError("bad-matrix", `curvature: expected a square matrix, got ${M.length} entries for n = ${size}`);
  let count = 0;
  return {
    n: size,
    method: "exact",
    get count() {
      return count;
    },
    apply(v, out) {
      count++;
      for (let i = 0; i < size; i++) {
        let s = 0;
        const o = i * size;
        for (let j = 0; j < size; j++) s += M[o + j]! * v[j]!;
        out[i] = s;
      }
    },
  };
}

/** Largest n for which a dense Hessian is formed (n² doubles, an O(n³) eigen-solve). */
export const DENSE_MAX_N = 2000;

/**
 * The dense Hessian ∇²f(x) (row-major n×n, symmetrized): `hessianInto` when present, else n
 * Hessian-vector products (exact or finite differences, see {@link hvpOperator}).
 */
export function denseHessian(problem: Problem, x: Float64Array, opts: HvpOptions = {}): { H: Float64Array; method: "exact" | "finite-difference" } {
  const n = problem.n;
  if (n > DENSE_MAX_N) {
    throw new DslError("too-large", `curvature: a dense Hessian at n = ${n} is too large (limit ${DENSE_MAX_N}); use lanczos() for a few eigenvalues`, {
      path: "n",
    });
  }
  const H = new Float64Array(n * n);
  let method: "exact" | "finite-difference" = "exact";
  if (problem.hessianInto && opts.method !== "finite-difference") {
    problem.hessianInto(Float64Array.from(x), H);
  } else {
    const op = hvpOperator(problem, x, opts);
    method = op.method;
    const e = new Float64Array(n);
    const col = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e.fill(0);
      e[j] = 1;
      op.apply(e, col);
      for (let i = 0; i < n; i++) H[i * n + j] = col[i]!;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (H[i * n + j]! + H[j * n + i]!);
      H[i * n + j] = s;
      H[j * n + i] = s;
    }
  }
  return { H, method };
}
