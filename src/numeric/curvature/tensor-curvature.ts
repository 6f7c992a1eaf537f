/**
 * Curvature on TensorFlow.js (float32): Hessian-vector products by automatic differentiation,
 * Lanczos with full reorthogonalization, Hutchinson's trace and stochastic Lanczos quadrature,
 * with vectors kept as tensors on the backend (GPU memory on WebGPU) and only the tridiagonal
 * coefficients read back.
 *
 * Hessian-vector products are reverse-over-reverse, ∇²f(x)v = ∇ₓ⟨∇f(x), v⟩ (Pearlmutter, "Fast
 * exact multiplication by the Hessian", Neural Computation 6, 1994): tfjs has no forward mode,
 * and finite differences are never taken in float32. Results are float32-accurate: eigenvalues to
 * about 1e-6 relative of the largest, so the default residual tolerance is 1e-5.
 *
 * Every function here frees what it allocates (tf.memory().numTensors is unchanged after it).
 */
import type { Tensor, TfjsEngine } from "../../backends/index.js";
import { DslError, describe } from "../../errors/index.js";
import { capWarning, defaultMaxIter, type LanczosOptions, type LanczosResult } from "./lanczos.js";
import { rng } from "./random.js";
import type { SpectralDensityOptions } from "./slq.js";
import type { HutchinsonOptions, TraceEstimate } from "./hutchinson.js";
import { tridiagEig } from "./tridiagonal.js";

/** A symmetric operator on tensors of shape [n]. */
export interface TensorOperator {
  readonly n: number;
  readonly engine: TfjsEngine;
  /** A·v as a new tensor (the caller disposes it; run inside tf.tidy). */
  apply(v: Tensor): Tensor;
  /** Frees the tensors the operator holds (the point x). */
  dispose(): void;
}

/**
 * The Hessian of a tfjs scalar function at x as an operator, by reverse-over-reverse
 * differentiation: v ↦ ∇ₓ ⟨∇f(x), v⟩.
 *
 * @param f maps a [n] tensor to a scalar tensor, with differentiable tfjs ops.
 * @param x the point (copied to the backend).
 * @example
 * const H = tensorHvp(wasm, (x) => tf.sum(tf.pow(x, 4)), [1, 2]);
 * H.apply(tf.tensor1d([1, 0])); // [12, 0]
 * H.dispose();
 */
export function tensorHvp(engine: TfjsEngine, f: (x: Tensor) => Tensor, x: ArrayLike<number>): TensorOperator {
  const tf = engine.tf;
  const n = x.length;
  const x0 = tf.tensor1d(Float32Array.from(x));
  const grad = tf.grad(f);
  return {
    n,
    engine,
    apply: (v) => tf.tidy(() => tf.grad((y: Tensor) => tf.sum(tf.mul(grad(y), v)))(x0)),
    dispose: () => x0.dispose(),
  };
}

/**
 * Lanczos steps on tensors with full reorthogonalization (two Gram–Schmidt passes as matrix
 * products against the stacked basis). Returns T's coefficients in float64; the basis is freed.
 */
export async function tensorLanczosSteps(
  op: TensorOperator,
  start: Float64Array,
  steps: number,
  stop?: (alpha: Float64Array, beta: Float64Array, m: number) => boolean,
): Promise<{ alpha: Float64Array; beta: Float64Array }> {
  const { engine, n } = op;
  const tf = engine.tf;
  await engine.activate();
  const m = Math.min(steps, n);
  const alpha = new Float64Array(m);
  const beta = new Float64Array(m);
  let norm0 = 0;
  for (let i = 0; i < n; i++) norm0 += start[i]! * start[i]!;
  norm0 = Math.sqrt(norm0);
  if (!(norm0 > 0)) throw new DslError("bad-start", "lanczos: the start vector is zero", { path: "start" });
  let q: Tensor = tf.tensor1d(Float32Array.from(start, (v) => v / norm0));
  let basis = tf.reshape(q, [1, n]); // [j, n]
  let prev: Tensor | undefined;
  let scale = 0;
  let j = 0;
  try {
    for (; j < m; j++) {
      const [w, a] = tf.tidy(() => {
        let w = op.apply(q);
        const a0 = tf.sum(tf.mul(q, w));
        w = tf.sub(w, tf.mul(q, a0));
        if (prev) w = tf.sub(w, tf.mul(prev, beta[j - 1]!));
        let a = a0;
        for (let pass = 0; pass < 2; pass++) {
          const c = tf.matMul(basis, tf.reshape(w, [n, 1])); // [j, 1]
          a = tf.add(a, tf.slice(c, [j, 0], [1, 1]).reshape([]));
          w = tf.sub(w, tf.reshape(tf.matMul(c, basis, true, false), [n]));
        }
        return [w, a] as [Tensor, Tensor];
      });
      const w2 = tf.tidy(() => tf.sum(tf.square(w)));
      const [aVal, bSq] = await Promise.all([engine.read(a), engine.read(w2)]);
      tf.dispose([a, w2]);
      alpha[j] = aVal[0]!;
      const b = Math.sqrt(bSq[0]!);
      scale = Math.max(scale, Math.abs(alpha[j]!) + b + (j > 0 ? beta[j - 1]! : 0));
      // float32: a residual at rounding level means the Krylov space is exhausted
      if (b <= 1e-6 * scale || j + 1 >= m) {
        beta[j] = b <= 1e-6 * scale ? 0 : b;
        w.dispose();
        j++;
        break;
      }
      beta[j] = b;
      const next = tf.tidy(() => tf.div(w, b));
      w.dispose();
      prev?.dispose();
      prev = q;
      q = next;
      const grown = tf.tidy(() => tf.concat([basis, tf.reshape(q, [1, n])], 0));
      basis.dispose();
      basis = grown;
      if (stop?.(alpha.subarray(0, j + 1), beta.subarray(0, j + 1), j + 1)) {
        j++;
        break;
      }
    }
  } finally {
    tf.dispose([q, basis, ...(prev ? [prev] : [])]);
  }
  return { alpha: alpha.slice(0, j), beta: beta.slice(0, j) };
}

/**
 * The k largest and/or smallest eigenvalues of a tensor operator (float32 Lanczos; same options
 * and result as the float64 `lanczos`, without Ritz vectors; default tol 1e-5).
 *
 * @example
 * const H = tensorHvp(engine, f, x);
 * const { values } = await tensorLanczos(H, { k: 5 });
 * H.dispose();
 */
export async function tensorLanczos(op: TensorOperator, opts: Omit<LanczosOptions, "vectors" | "start"> = {}): Promise<LanczosResult> {
  const n = op.n;
  const k = opts.k ?? 1;
  const which = opts.which ?? "largest";
  if (!Number.isInteger(k) || k < 1 || k > n) throw new DslError("bad-option", `lanczos: k must be an integer in [1, ${n}], got ${describe(k)}`, { path: "k" });
  const tol = opts.tol ?? 1e-5;
  const maxIter = Math.min(n, opts.maxIter ?? defaultMaxIter(n, k));
  const wanted = (m: number): number[] => {
    const kk = Math.min(k, m);
    const hi = Array.from({ length: kk }, (_, i) => m - 1 - i);
    const lo = Array.from({ length: kk }, (_, i) => i);
    return which === "largest" ? hi : which === "smallest" ? lo : [...hi, ...lo.filter((i) => !hi.includes(i))];
  };
  let converged = false;
  const residuals = (alpha: Float64Array, beta: Float64Array, m: number) => {
    const { values, rows } = tridiagEig(alpha, beta, [m - 1]);
    const bm = beta[m - 1]!;
    return { values, res: wanted(m).map((i) => Math.abs(bm * rows[0]![i]!)), scale: Math.max(Math.abs(values[0]!), Math.abs(values[m - 1]!)) };
  };
  const stop = (alpha: Float64Array, beta: Float64Array, m: number) => {
    if (m < Math.min(which === "both" ? 2 * k : k, n) || (m % 2 === 1 && m > 2 * k + 4)) return false;
    const { res, scale } = residuals(alpha, beta, m);
    converged = res.every((r) => r <= tol * scale);
    return converged;
  };
  const start = rng(opts.seed ?? 0).normalInto(new Float64Array(n));
  const { alpha, beta } = await tensorLanczosSteps(op, start, maxIter, stop);
  const m = alpha.length;
  const { values: ritz, res, scale } = residuals(alpha, beta, m);
  if (m === n || beta[m - 1] === 0 || res.every((r) => r <= tol * scale)) converged = true;
  const idx = wanted(m);
  const values = Float64Array.from(idx, (i) => ritz[i]!);
  const kk = Math.min(k, m);
  const result: LanczosResult = { values, residuals: Float64Array.from(res), converged, iterations: m };
  if (!converged) result.warning = capWarning(maxIter, res, scale, tol);
  if (which !== "smallest") result.largest = values.slice(0, kk);
  if (which === "smallest") result.smallest = values.slice(0, kk);
  if (which === "both") result.smallest = ritz.slice(0, kk);
  return result;
}

/**
 * Hutchinson's trace estimate on a tensor operator with Rademacher probes (see the float64
 * `hutchinsonTrace`); the probes of one call are applied one at a time to bound memory.
 */
export async function tensorHutchinson(op: TensorOperator, opts: Omit<HutchinsonOptions, "distribution"> = {}): Promise<TraceEstimate> {
  const m = opts.probes ?? 100;
  if (!Number.isInteger(m) || m < 1) throw new DslError("bad-option", `hutchinsonTrace: probes must be a positive integer, got ${describe(m)}`, { path: "probes" });
  const { engine, n } = op;
  const tf = engine.tf;
  await engine.activate();
  const r = rng(opts.seed ?? 0);
  const z = new Float64Array(n);
  const pending: Promise<Float32Array>[] = [];
  for (let j = 0; j < m; j++) {
    r.rademacherInto(z);
    const s = tf.tidy(() => {
      const zt = tf.tensor1d(Float32Array.from(z));
      return tf.sum(tf.mul(zt, op.apply(zt)));
    });
    pending.push(engine.read(s).finally(() => s.dispose()));
  }
  const samples = Float64Array.from(await Promise.all(pending), (d) => d[0]!);
  const mean = samples.reduce((a, b) => a + b, 0) / m;
  const v = samples.reduce((a, s) => a + (s - mean) ** 2, 0);
  return { trace: mean, stdError: m > 1 ? Math.sqrt(v / (m - 1) / m) : 0, samples };
}

/**
 * Stochastic Lanczos quadrature on a tensor operator: per probe, the Gauss quadrature nodes and
 * weights of the spectral measure (see the float64 `spectralDensity`, which also smooths them).
 */
export async function tensorQuadrature(
  op: TensorOperator,
  opts: Pick<SpectralDensityOptions, "probes" | "steps" | "seed"> = {},
): Promise<{ nodes: Float64Array[]; weights: Float64Array[] }> {
  const probes = opts.probes ?? 10;
  const steps = Math.min(op.n, opts.steps ?? 80);
  const r = rng(opts.seed ?? 0);
  const nodes: Float64Array[] = [];
  const weights: Float64Array[] = [];
  for (let p = 0; p < probes; p++) {
    const { alpha, beta } = await tensorLanczosSteps(op, r.rademacherInto(new Float64Array(op.n)), steps);
    const eig = tridiagEig(alpha, beta, [0]);
    nodes.push(eig.values);
    weights.push(Float64Array.from(eig.rows[0]!, (s) => s * s));
  }
  return { nodes, weights };
}
