/**
 * Seeded randomness and weight initializers in a notebook: `rng(seed)` (the same numbers on every
 * engine and machine) and `init.*` with torch.nn.init semantics.
 *
 * @example
 * const r = rng(42);
 * const W1 = init.heNormal([64, 2], { rng: r });  // [out, in], std √2/√2 = 1
 * const b1 = init.zeros([64]);
 * const batch = r.shuffle([...Array(100).keys()]).slice(0, 8);
 */
export { init, rng, Rng, type InitOptions, type Nested, type NormalOptions, type Shape, type Shaped, type UniformOptions } from "../src/random/index.js";
