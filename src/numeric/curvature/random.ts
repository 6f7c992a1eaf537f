/**
 * Seeded random probe vectors for the stochastic estimators (Hutchinson, stochastic Lanczos
 * quadrature, Lanczos start vectors), on top of the numeric folder's mulberry32 generator.
 */
import { mulberry32 } from "../prng.js";

/** A seeded source of uniform, Rademacher and Gaussian numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Fills `v` with ±1, each with probability ½. */
  rademacherInto(v: Float64Array): Float64Array;
  /** Fills `v` with independent standard normals. */
  normalInto(v: Float64Array): Float64Array;
}

/**
 * A seeded generator. The same seed gives the same probes on every machine.
 *
 * @param seed any number (its low 32 bits), default 0.
 * @example
 * const z = rng(1).rademacherInto(new Float64Array(4)); // e.g. [1, -1, -1, 1]
 */
export function rng(seed = 0): Rng {
  const u = mulberry32(seed ^ 0x5eed);
  let spare = NaN;
  const normal = (): number => {
    if (!Number.isNaN(spare)) {
      const s = spare;
      spare = NaN;
      return s;
    }
    const a = 1 - u(); // (0, 1]: log is finite
    const b = u();
    const r = Math.sqrt(-2 * Math.log(a));
    spare = r * Math.sin(2 * Math.PI * b);
    return r * Math.cos(2 * Math.PI * b);
  };
  return {
    uniform: u,
    normal,
    rademacherInto(v) {
      for (let i = 0; i < v.length; i++) v[i] = u() < 0.5 ? -1 : 1;
      return v;
    },
    normalInto(v) {
      for (let i = 0; i < v.length; i++) v[i] = normal();
      return v;
    },
  };
}
