/**
 * Richardson extrapolation of a step-dependent estimate D(h) → D(0) with an error estimate: a
 * Romberg tableau, as in Ridders' method for derivatives.
 *
 * If D(h) = D + c₁h^q + c₂h^{2q} + … (q = 2 for central differences, q = 1 for forward ones),
 * then with steps h_k = h₀/r^k the tableau
 *
 *   T[k][0] = D(h_k),   T[k][j] = (r^{qj}·T[k][j−1] − T[k−1][j−1]) / (r^{qj} − 1)
 *
 * removes one more error term per column: T[k][j] − D = O(h_k^{q(j+1)}). The error of an entry is
 * estimated as max(|T[k][j] − T[k][j−1]|, |T[k][j] − T[k−1][j−1]|) and the entry with the
 * smallest estimate wins. Once rounding takes over (the diagonal moves by more than twice the best
 * error, after the value has settled to 1e-6) further levels only hurt, and the tableau stops.
 *
 * References: L. F. Richardson, "The deferred approach to the limit", Phil. Trans. R. Soc. A 226,
 * 1927; C. J. F. Ridders, "Accurate computation of F'(x) and F'(x)F''(x)", Advances in Engineering
 * Software 4(2), 1982; Press et al., "Numerical Recipes", 3rd ed., §5.7 (dfridr).
 */

/** Relative error below which the tableau's value counts as settled (see `push`). */
const SETTLED = 1e-6;

/**
 * A reusable Romberg tableau (allocation-free after construction).
 *
 * Feed it D(h₀), D(h₀/r), D(h₀/r²), … with `push`; read `value` and `error` when `push` returns
 * `true` (or whenever you stop).
 *
 * @example
 * const t = new Romberg(8, 2, 2);
 * let h = 0.1;
 * while (!t.push((Math.exp(h) - Math.exp(-h)) / (2 * h))) h /= 2;
 * t.value; // 1 (the derivative of exp at 0) to ~1e-14; t.error estimates |t.value − 1|
 */
export class Romberg {
  /** Best extrapolated value so far. */
  value = NaN;
  /** Estimated absolute error of `value` (Infinity until two levels are in). */
  error = Infinity;
  /** Levels pushed so far. */
  levels = 0;
  private readonly t: Float64Array;

  /**
   * @param maxLevels most steps tried (≥ 2; default 10).
   * @param ratio step reduction between levels, r > 1 (default 2).
   * @param order q, the power of h in the leading error term and its spacing: 2 for central
   *   differences (errors in h², h⁴, …), 1 for one-sided ones (h, h², …). Default 2.
   */
  constructor(
    readonly maxLevels = 10,
    readonly ratio = 2,
    readonly order = 2,
  ) {
    this.t = new Float64Array(maxLevels * maxLevels);
  }

  /** Starts a new extrapolation. */
  reset(): void {
    this.value = NaN;
    this.error = Infinity;
    this.levels = 0;
  }

  /**
   * Adds the estimate at the next (smaller) step. Returns `true` when more levels cannot help:
   * the tableau is full, the error reached rounding level, or rounding has taken over.
   */
  push(d: number): boolean {
    const L = this.maxLevels;
    const t = this.t;
    const k = this.levels++;
    t[k * L] = d;
    if (k === 0) {
      this.value = d;
      return L <= 1;
    }
    const base = this.ratio ** this.order;
    let fac = base;
    for (let j = 1; j <= k; j++) {
      const cur = t[k * L + j - 1]!;
      const prev = t[(k - 1) * L + j - 1]!;
      const next = (fac * cur - prev) / (fac - 1);
      t[k * L + j] = next;
      fac *= base;
      const e = Math.max(Math.abs(next - cur), Math.abs(next - prev));
      if (e <= this.error) {
        this.error = e;
        this.value = next;
      }
    }
    if (!Number.isFinite(d)) return true;
    if (this.error <= 4 * 2 ** -52 * Math.abs(this.value)) return true;
    // Rounding has taken over when the diagonal drifts by more than twice the best error — but
    // only trust that once the value has settled (a first step too large for f, e.g. across a
    // nearby kink, also makes the early diagonal drift).
    const drift = Math.abs(t[k * L + k]! - t[(k - 1) * L + k - 1]!);
    return k + 1 >= L || (drift >= 2 * this.error && this.error <= SETTLED * Math.abs(this.value));
  }
}
