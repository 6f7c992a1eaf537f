/**
 * Seeded randomness (`rng(seed)`: xoshiro128**, polar Box–Muller) and weight initializers with
 * torch.nn.init semantics (`init.xavierUniform`, ...). The same numbers for a seed on every
 * engine and machine. src/numeric/prng.ts keeps mulberry32 for internal random test directions.
 */
export { detLog } from "./det-log.js";
export { heNormal, heUniform, init, xavierNormal, xavierUniform, zeros, fans, type InitOptions } from "./init.js";
export { isRng, rng, Rng, toShape, type Nested, type NormalOptions, type Shape, type Shaped, type UniformOptions } from "./rng.js";
