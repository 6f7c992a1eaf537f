/**
 * A small seeded pseudo-random generator for reproducible test directions (fast gradient checks).
 *
 * mulberry32 (Tommy Ettinger, public domain, 2017): 32-bit state, period 2³², good enough to draw
 * random sign vectors; not for statistics or cryptography. Users' seeded randomness (`rng(seed)`:
 * normals, uniforms, shuffles, initializers) is src/random (xoshiro128**), which this does not replace:
 * gradient checks and curvature probes keep their documented mulberry32 directions.
 */

/**
 * A generator of uniform numbers in [0, 1) from a 32-bit seed.
 *
 * @param seed any number; its low 32 bits are used.
 * @example
 * const rand = mulberry32(1);
 * rand(); // same sequence for the same seed
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Fills `v` with independent random signs ±1 (Rademacher entries), the directions of a fast
 * gradient check: E[v vᵀ] = I, so gᵀv has mean 0 and variance ‖g‖² for any g.
 */
export function randomSignsInto(v: Float64Array, rand: () => number): Float64Array {
  for (let k = 0; k < v.length; k++) v[k] = rand() < 0.5 ? -1 : 1;
  return v;
}
