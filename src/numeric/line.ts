/**
 * f restricted to a line through x: t ↦ f(x + t·d), for a coordinate axis d = e_i or a direction.
 *
 * Every finite-difference routine here works on a line, so the same code serves per-coordinate
 * gradients and random directional derivatives (fast mode). Lines evaluate the problem in a
 * caller-owned work vector and restore it exactly afterwards, so a sweep allocates nothing.
 */
import type { Problem } from "../problem/index.js";

/** f along a line through a base point (see the module comment). */
export interface Line {
  /** f(x + t·d); the work vector is restored to x afterwards. */
  at(t: number): number;
  /**
   * The step actually taken for `t`. For a coordinate this is (x_i + t) − x_i, which is exactly
   * representable; dividing by it instead of t removes one rounding error from the quotient.
   */
  step(t: number): number;
  /** Im f(x + i·t·d) (complex step); NaN when the problem has no complex evaluation. */
  imagAt(t: number): number;
  /**
   * The magnitude f's rounding scales with, when more than |f| (σ/ε·(margin) from a measured
   * noise floor σ, see noise.ts); rounding estimates use max(|f|, magnitude). Default 0.
   */
  magnitude?: number;
}

/** f along the coordinate axis e_i. Reuse one instance and move it with `select(i)`. */
export class CoordLine implements Line {
  magnitude = 0;
  private i = 0;
  private xi = 0;
  private im: Float64Array | null = null;

  /** @param work the base point x; entries are perturbed and restored in place. */
  constructor(
    private readonly p: Problem,
    private readonly work: Float64Array,
  ) {}

  /** Moves the line to coordinate `i`. */
  select(i: number): this {
    this.i = i;
    this.xi = this.work[i]!;
    return this;
  }

  at(t: number): number {
    const w = this.work;
    w[this.i] = this.xi + t;
    const v = this.p.valueAt(w);
    w[this.i] = this.xi;
    return v;
  }

  step(t: number): number {
    return this.xi + t - this.xi;
  }

  imagAt(t: number): number {
    if (!this.p.valueComplex) return NaN;
    const im = (this.im ??= new Float64Array(this.work.length));
    im[this.i] = t;
    const v = this.p.valueComplex(this.work, im)[1];
    im[this.i] = 0;
    return v;
  }
}

/** f along x + t·d for a fixed direction d (fast mode). */
export class DirLine implements Line {
  magnitude = 0;
  private readonly point: Float64Array;
  private im: Float64Array | null = null;

  /**
   * @param work a work vector of length n (overwritten).
   * @param x the base point (not modified).
   * @param d the direction (the caller may change its entries between uses).
   */
  constructor(
    private readonly p: Problem,
    x: Float64Array,
    private readonly work: Float64Array,
    readonly d: Float64Array,
  ) {
    this.point = x;
  }

  at(t: number): number {
    const w = this.work;
    const x = this.point;
    const d = this.d;
    for (let k = 0; k < w.length; k++) w[k] = x[k]! + t * d[k]!;
    return this.p.valueAt(w);
  }

  step(t: number): number {
    return t;
  }

  imagAt(t: number): number {
    if (!this.p.valueComplex) return NaN;
    const im = (this.im ??= new Float64Array(this.work.length));
    const d = this.d;
    for (let k = 0; k < im.length; k++) im[k] = t * d[k]!;
    this.work.set(this.point);
    return this.p.valueComplex(this.work, im)[1];
  }
}
