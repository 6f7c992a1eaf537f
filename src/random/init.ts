/**
 * Weight initializers with `torch.nn.init` semantics (torch 1.13), drawing from a seeded `rng`.
 *
 * For a weight shaped [out, in, ...receptive field] (torch.nn.Linear.weight is [out, in]):
 * fan_in = in·r, fan_out = out·r with r the product of the trailing dimensions; fewer than two
 * dimensions is an error, as in torch ("Fan in and fan out can not be computed ...").
 * - Xavier/Glorot (Glorot & Bengio, "Understanding the difficulty of training deep feedforward
 *   neural networks", AISTATS 2010): std = gain·√(2/(fan_in + fan_out)); uniform on
 *   [−√3·std, √3·std] or normal N(0, std²). Default gain 1.
 * - He/Kaiming (He et al., "Delving Deep into Rectifiers", ICCV 2015, arXiv:1502.01852), torch's
 *   `kaiming_*_` defaults (a = 0, mode "fan_in", nonlinearity "leaky_relu" ⇒ gain √2):
 *   std = gain/√fan; uniform on [−√3·std, √3·std] or normal N(0, std²).
 * The arithmetic follows torch's order of operations, so the bounds are the same doubles
 * (test/fixtures/torch-init.json records torch's own).
 */
import { describe, DslError } from "../errors/index.js";
import { isRng, rng as makeRng, toShape, type Nested, type Rng, type Shape, type Shaped } from "./rng.js";

/** Options of the random initializers. */
export interface InitOptions {
  /** The random stream to draw from (or give `seed`). */
  rng?: Rng;
  /** A seed, for a fresh `rng(seed)` when `rng` is not given. */
  seed?: number;
  /** Multiplier of the standard deviation (Xavier default 1, He default √2 as torch's a = 0). */
  gain?: number;
  /** He only: "fan_in" (default, preserves forward variance) or "fan_out" (backward). */
  mode?: "fan_in" | "fan_out";
}

/** fan_in and fan_out of a weight shape, as torch's `_calculate_fan_in_and_fan_out`. */
export function fans(dims: readonly number[], who: string): { fanIn: number; fanOut: number } {
  if (dims.length < 2) {
    throw new DslError("bad-option", `${who}: fan in and fan out can not be computed for a shape with fewer than 2 dimensions, got [${dims.join(", ")}] (a weight is [out, in]; use init.zeros or rng.normal for a bias)`, { path: "shape" });
  }
  const r = dims.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: dims[1]! * r, fanOut: dims[0]! * r };
}

function streamOf(o: InitOptions | undefined, who: string): Rng {
  if (o !== undefined && (typeof o !== "object" || o === null)) throw new DslError("bad-option", `${who}: options must be a record { rng, gain? }, got ${describe(o)}`, { path: "options" });
  if (o?.rng !== undefined) {
    if (!isRng(o.rng)) throw new DslError("bad-option", `${who}: rng must be a stream made by rng(seed), got ${describe(o.rng)}`, { path: "rng" });
    return o.rng;
  }
  if (o?.seed !== undefined) return makeRng(o.seed);
  throw new DslError("bad-option", `${who}: needs a random stream: { rng: rng(0) } or { seed: 0 } (so that the weights are reproducible)`, { path: "rng" });
}

function gainOf(o: InitOptions | undefined, dflt: number, who: string): number {
  const g = o?.gain;
  if (g === undefined) return dflt;
  if (typeof g !== "number" || !Number.isFinite(g) || g < 0) throw new DslError("bad-option", `${who}: gain must be a finite number ≥ 0, got ${describe(g)}`, { path: "gain" });
  return g;
}

function xavierStd(shape: Shape, o: InitOptions | undefined, who: string): { dims: number[]; std: number; r: Rng } {
  const dims = toShape(shape, who);
  const { fanIn, fanOut } = fans(dims, who);
  const std = gainOf(o, 1, who) * Math.sqrt(2.0 / (fanIn + fanOut));
  return { dims, std, r: streamOf(o, who) };
}

function heStd(shape: Shape, o: InitOptions | undefined, who: string): { dims: number[]; std: number; r: Rng } {
  const dims = toShape(shape, who);
  const { fanIn, fanOut } = fans(dims, who);
  const mode = o?.mode ?? "fan_in";
  if (mode !== "fan_in" && mode !== "fan_out") throw new DslError("bad-option", `${who}: mode must be "fan_in" or "fan_out", got ${describe(mode)}`, { path: "mode" });
  const fan = mode === "fan_in" ? fanIn : fanOut;
  const std = gainOf(o, Math.SQRT2, who) / Math.sqrt(fan);
  return { dims, std, r: streamOf(o, who) };
}

/**
 * Zeros of a shape (a bias, usually).
 * @example
 * init.zeros([3]); // [0, 0, 0]
 */
export function zeros<const S extends Shape>(shape: S, _o?: InitOptions): Shaped<S>;
export function zeros(shape: Shape, _o?: InitOptions): Nested {
  const dims = toShape(shape, "init.zeros");
  const fill = (d: number): Nested => (d === dims.length ? 0 : Array.from({ length: dims[d]! }, () => fill(d + 1)));
  return fill(0);
}

/**
 * Xavier/Glorot uniform: U(−a, a), a = gain·√(6/(fan_in + fan_out)) (torch `xavier_uniform_`).
 * @example
 * init.xavierUniform([64, 2], { rng: rng(0) }); // entries in [−0.3015, 0.3015)
 */
export function xavierUniform<const S extends Shape>(shape: S, o?: InitOptions): Shaped<S>;
export function xavierUniform(shape: Shape, o?: InitOptions): Nested {
  const { dims, std, r } = xavierStd(shape, o, "init.xavierUniform");
  const a = Math.sqrt(3.0) * std;
  return r.uniform(dims, { low: -a, high: a });
}

/**
 * Xavier/Glorot normal: N(0, gain²·2/(fan_in + fan_out)) (torch `xavier_normal_`).
 * @example
 * init.xavierNormal([3, 5], { rng: rng(0) }); // std 0.5
 */
export function xavierNormal<const S extends Shape>(shape: S, o?: InitOptions): Shaped<S>;
export function xavierNormal(shape: Shape, o?: InitOptions): Nested {
  const { dims, std, r } = xavierStd(shape, o, "init.xavierNormal");
  return r.normal(dims, { std });
}

/**
 * He/Kaiming uniform: U(−b, b), b = √3·gain/√fan_in, gain √2 (torch `kaiming_uniform_` defaults).
 * @example
 * init.heUniform([3, 5], { rng: rng(0) }); // entries in [−1.0954, 1.0954)
 */
export function heUniform<const S extends Shape>(shape: S, o?: InitOptions): Shaped<S>;
export function heUniform(shape: Shape, o?: InitOptions): Nested {
  const { dims, std, r } = heStd(shape, o, "init.heUniform");
  const bound = Math.sqrt(3.0) * std;
  return r.uniform(dims, { low: -bound, high: bound });
}

/**
 * He/Kaiming normal: N(0, gain²/fan_in), gain √2 (torch `kaiming_normal_` defaults).
 * @example
 * init.heNormal([64, 2], { rng: rng(0) }); // std 1
 */
export function heNormal<const S extends Shape>(shape: S, o?: InitOptions): Shaped<S>;
export function heNormal(shape: Shape, o?: InitOptions): Nested {
  const { dims, std, r } = heStd(shape, o, "init.heNormal");
  return r.normal(dims, { std });
}

/** The initializers as one namespace: `init.xavierUniform([out, in], { rng })`. */
export const init = { zeros, xavierUniform, xavierNormal, heUniform, heNormal } as const;
