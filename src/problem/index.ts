/**
 * The engine's view of something to minimize: the fast, allocation-free entry points that
 * optimizers, gradient checks and curvature code call in their hot loops.
 *
 * A symbolic `Objective` implements it (compiled float64 closures); so can a user's own model
 * (`{ f, grad }` wrapped by the DSL) or a test problem written by hand. It knows nothing of
 * symbols, LaTeX or Jupyter.
 *
 * Conventions: `x` has length `n`; outputs are written into caller-owned buffers (`g` of length
 * `n`, `H` of length `n*n`, row-major) so a run allocates nothing per step. Methods return the
 * objective value where that comes for free.
 */
export interface Problem {
  /** Number of parameters. */
  readonly n: number;
  /** Parameter names, in order (`x`, `y`, or `w[0]`, ...). */
  readonly names: readonly string[];
  /** f(x). */
  valueAt(x: Float64Array): number;
  /** Writes ∇f(x) into `g` and returns f(x). */
  valueAndGradInto(x: Float64Array, g: Float64Array): number;
  /** Writes the dense Hessian ∇²f(x) into `H` (row-major n×n). Optional: Newton needs it. */
  hessianInto?(x: Float64Array, H: Float64Array): void;
  /** Writes the Hessian-vector product ∇²f(x)·v into `out`. Optional (curvature at large n). */
  hvpInto?(x: Float64Array, v: Float64Array, out: Float64Array): void;
  /**
   * f evaluated in complex arithmetic at x + i·h·e_k-style points, for complex-step
   * differentiation: returns [Re f(re + i im), Im f(re + i im)]. Optional (symbolic objectives).
   */
  valueComplex?(re: Float64Array, im: Float64Array): [number, number];
  /** Present when the objective is a mean/sum over data rows (mini-batches, Fisher). */
  readonly data?: DataProblem;
}

/**
 * A data-backed objective: the loss is `reduce` ("mean" or "sum") of a per-sample summand over
 * the rows of a data table. `rows` selects a subset (a mini-batch); `null` means all rows. With
 * `reduce: "mean"` the value over a subset is the mean over that subset.
 */
export interface DataProblem {
  /** Number of data rows. */
  readonly samples: number;
  /** "mean" or "sum" over the selected rows. */
  readonly reduce: "mean" | "sum";
  /** Loss over `rows` (all rows when null). */
  batchValueAt(x: Float64Array, rows: Int32Array | null): number;
  /** Writes the gradient of the loss over `rows` into `g`, returns that loss. */
  batchValueAndGradInto(x: Float64Array, g: Float64Array, rows: Int32Array | null): number;
  /**
   * Per-sample gradients of the summand (not reduced) for the given rows, written row by row
   * into `G` (length rows.length × n). For the empirical Fisher and gradient-noise statistics.
   */
  sampleGradsInto(x: Float64Array, rows: Int32Array, G: Float64Array): void;
}
