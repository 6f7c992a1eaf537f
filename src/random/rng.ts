/**
 * `rng(seed)`: seeded randomness that gives the same numbers on every engine and machine.
 *
 * Generator: xoshiro128** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", ACM TOMS 2021, https://prng.di.unimi.it/xoshiro128starstar.c): 128-bit state,
 * period 2¹²⁸ − 1, 32-bit outputs, written with `Math.imul` and 32-bit shifts only, so it is
 * bit-identical everywhere.
 * - Seeding: the seed (an integer, |seed| < 2⁵³) is split into its low and high 32-bit words
 *   (two's complement for negative seeds) and expanded into the four state words by splitmix32
 *   (the 32-bit finalizer of MurmurHash3 applied to a Weyl sequence); an all-zero state cannot
 *   arise from it (checked and replaced by a constant if it ever did).
 * - Uniform doubles in [0, 1): 53 bits from two outputs, (a >>> 5)·2²⁶ + (b >>> 6), times 2⁻⁵³.
 * - Normals: Box–Muller in Marsaglia's polar form (Marsaglia & Bray, "A convenient method for
 *   generating normal variables", SIAM Review 1964): u, v uniform in (−1, 1), s = u² + v²,
 *   rejected unless 0 < s < 1, then u·√(−2 ln s / s) and v·√(−2 ln s / s) are two independent
 *   standard normals. Both are used, in order, within one call; a call drawing an odd count drops
 *   the last spare (so each call's numbers depend only on the stream position, not on earlier
 *   calls' shapes). `ln` is `detLog` (+ − × ÷ only), since `Math.log` may differ in the last bit
 *   between engines; `Math.sqrt` is exactly rounded by IEEE-754.
 * - Integers in [0, n): a 53-bit draw k, rejected while k ≥ ⌊2⁵³/n⌋·n, then k mod n (unbiased).
 * - Shuffle: Fisher–Yates from the last position down, j = int(i + 1).
 * - split(): a child stream seeded from four outputs of the parent, each passed through the
 *   MurmurHash3 finalizer with a different constant mixed in; the parent moves on by four outputs.
 *   Parent and child are statistically independent streams (as numpy's `SeedSequence.spawn`),
 *   though not provably non-overlapping.
 */
import { describe, DslError } from "../errors/index.js";
import { detLog } from "./det-log.js";

/** A shape: a number (a vector's length) or an array of dimensions ([] is one number). */
export type Shape = number | readonly number[];

/** Nested number arrays of a shape (a number for shape []). */
export type Nested = number | Nested[];

/** The array type of a literal shape: `3` or `[3]` → number[], `[2, 3]` → number[][], `[]` → number. */
export type Shaped<S> = S extends number | readonly [number] ? number[] : S extends readonly [number, number] ? number[][] : S extends readonly [number, number, number] ? number[][][] : S extends readonly [] ? number : Nested;

/** Options of `r.normal`. */
export interface NormalOptions {
  /** Mean (default 0). */
  mean?: number;
  /** Standard deviation ≥ 0 (default 1). */
  std?: number;
}

/** Options of `r.uniform`. */
export interface UniformOptions {
  /** Lower end, included (default 0). */
  low?: number;
  /** Upper end, excluded (default 1). */
  high?: number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** MurmurHash3's 32-bit finalizer. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Checks and normalizes a shape to an array of dimensions. */
export function toShape(shape: unknown, who: string): number[] {
  const dims = typeof shape === "number" ? [shape] : Array.isArray(shape) ? shape : null;
  if (dims === null) throw new DslError("bad-option", `${who}: the shape must be a number or an array of numbers, got ${describe(shape)}`, { path: "shape" });
  dims.forEach((d, i) => {
    if (typeof d !== "number" || !Number.isInteger(d) || d < 0) {
      throw new DslError("bad-option", `${who}: shape entry ${i} must be a non-negative integer, got ${describe(d)}`, { path: `shape[${i}]` });
    }
  });
  const total = (dims as number[]).reduce((a, d) => a * d, 1);
  // each dimension too: [1e15, 0] has no entries but an outer array of 10¹⁵ empty rows
  if (total > MAX_DRAWN || (dims as number[]).some((d) => d > MAX_DRAWN)) {
    throw new DslError("bad-option", `${who}: the shape ${describe(dims)} has ${total > MAX_DRAWN ? total.toExponential(2) : `a dimension of ${Math.max(...(dims as number[])).toExponential(2)}`} entries; at most ${MAX_DRAWN} (2^24) are drawn as nested number arrays (${(MAX_DRAWN * 8) / 2 ** 20} MiB of float64 and more as JS arrays)`, { path: "shape", detail: { value: dims } });
  }
  return dims as number[];
}

/**
 * The most entries one draw returns (issue 16): `normal([1e9])` used to exhaust the memory and
 * crash the process; nested JS arrays of 2²⁴ numbers are already ~0.5 GiB.
 */
export const MAX_DRAWN = 2 ** 24;

/** Nests a flat row-major array into `dims` (a vector is the array itself). */
function nestFlat(flat: number[], dims: readonly number[]): Nested {
  if (dims.length === 1) return flat;
  let k = 0;
  return fillShape(dims, () => flat[k++]!);
}

function fillShape(dims: readonly number[], next: () => number, d = 0): Nested {
  if (d === dims.length) return next();
  const out = new Array<Nested>(dims[d]!);
  for (let i = 0; i < dims[d]!; i++) out[i] = fillShape(dims, next, d + 1);
  return out;
}

function finiteOption(v: unknown, dflt: number, who: string, name: string): number {
  if (v === undefined) return dflt;
  if (typeof v !== "number" || !Number.isFinite(v)) throw new DslError("bad-option", `${who}: ${name} must be a finite number, got ${describe(v)}`, { path: name });
  return v;
}

/** A seeded random stream (see the module comment for the algorithms). */
export class Rng {
  /** The state words (an Int32Array: the engine keeps them as 32-bit integers, never as doubles). */
  private readonly s = new Int32Array(4);

  /** @internal use `rng(seed)`. */
  constructor(
    readonly seed: number | string,
    words: readonly [number, number, number, number],
  ) {
    this.s.set(words.map((w) => w | 0));
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 0x9e3779b9 | 0;
  }

  /** The next 32-bit output (xoshiro128**), an integer in [0, 2³²). */
  nextUint32(): number {
    const s = this.s;
    const s1 = s[1]!;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s[2] = s[2]! ^ s[0]!;
    s[3] = s[3]! ^ s1;
    s[1] = s1 ^ s[2]!;
    s[0] = s[0]! ^ s[3]!;
    s[2] = s[2]! ^ t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  next(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / TWO_POW_53;
  }

  /** Fills `out` with normals of mean `mean` and standard deviation `std` (polar Box–Muller). */
  normalInto(out: Float64Array | number[], mean = 0, std = 1): typeof out {
    const n = out.length;
    for (let i = 0; i < n; ) {
      let u: number, v: number, s: number;
      do {
        u = 2 * this.next() - 1;
        v = 2 * this.next() - 1;
        s = u * u + v * v;
      } while (s >= 1 || s === 0);
      const m = Math.sqrt((-2 * detLog(s)) / s);
      out[i++] = mean + std * (u * m);
      if (i < n) out[i++] = mean + std * (v * m);
    }
    return out;
  }

  /** Fills `out` with uniform numbers in [low, high). */
  uniformInto(out: Float64Array | number[], low = 0, high = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.next();
    return out;
  }

  /**
   * Normal numbers of a shape.
   * @param shape a number (vector length) or dimensions; [] (the default) gives one number.
   * @example
   * rng(0).normal([2, 3], { std: 0.1 }); // a 2×3 matrix
   */
  normal(): number;
  normal<const S extends Shape>(shape: S, opts?: NormalOptions): Shaped<S>;
  normal(shape: Shape = [], opts: NormalOptions = {}): Nested {
    const dims = toShape(shape, "rng.normal");
    const mean = finiteOption(opts.mean, 0, "rng.normal", "mean");
    const std = finiteOption(opts.std, 1, "rng.normal", "std");
    if (std < 0) throw new DslError("bad-option", `rng.normal: std must be ≥ 0, got ${std}`, { path: "std" });
    const flat = this.normalInto(new Array<number>(dims.reduce((p, d) => p * d, 1)).fill(0), mean, std) as number[];
    return nestFlat(flat, dims);
  }

  /**
   * Uniform numbers in [low, high) of a shape.
   * @example
   * rng(0).uniform(3, { low: -1, high: 1 }); // three numbers in [-1, 1)
   */
  uniform(): number;
  uniform<const S extends Shape>(shape: S, opts?: UniformOptions): Shaped<S>;
  uniform(shape: Shape = [], opts: UniformOptions = {}): Nested {
    const dims = toShape(shape, "rng.uniform");
    const low = finiteOption(opts.low, 0, "rng.uniform", "low");
    const high = finiteOption(opts.high, 1, "rng.uniform", "high");
    if (!(high >= low)) throw new DslError("bad-option", `rng.uniform: high must be ≥ low, got low ${low}, high ${high}`, { path: "high" });
    const flat = this.uniformInto(new Array<number>(dims.reduce((p, d) => p * d, 1)).fill(0), low, high) as number[];
    return nestFlat(flat, dims);
  }

  /**
   * A uniform integer in [0, n) (unbiased).
   * @param n a positive integer ≤ 2⁵³.
   */
  int(n: number): number {
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > TWO_POW_53) {
      throw new DslError("bad-option", `rng.int: n must be a positive integer ≤ 2^53, got ${describe(n)}`, { path: "n" });
    }
    const limit = Math.floor(TWO_POW_53 / n) * n;
    for (;;) {
      const k = this.next() * TWO_POW_53;
      if (k < limit) return k % n;
    }
  }

  /** A shuffled copy of `array` (Fisher–Yates; the input is left as it is). */
  shuffle<T>(array: readonly T[] | ArrayLike<T>): T[] {
    if (!Array.isArray(array) && !ArrayBuffer.isView(array)) throw new DslError("bad-option", `rng.shuffle: expected an array, got ${describe(array)}`, { path: "array" });
    const out = Array.from(array as ArrayLike<T>);
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = out[i]!;
      out[i] = out[j]!;
      out[j] = t;
    }
    return out;
  }

  /** A random permutation of 0..n−1. */
  permutation(n: number): number[] {
    if (!Number.isInteger(n) || n < 0 || n > MAX_DRAWN) throw new DslError("bad-option", `rng.permutation: n must be a non-negative integer ≤ ${MAX_DRAWN} (2^24), got ${describe(n)}`, { path: "n" });
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** An independent child stream (the parent moves on by four outputs). */
  split(): Rng {
    const w: [number, number, number, number] = [0, 0, 0, 0];
    const salt = [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344]; // π's hex digits
    for (let i = 0; i < 4; i++) w[i] = fmix32((this.nextUint32() ^ salt[i]!) >>> 0);
    return new Rng(`${String(this.seed)}/split`, w);
  }

  toString(): string {
    return `rng(${JSON.stringify(this.seed)})`;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 expansion of a 64-bit seed (lo, hi words) into four state words. */
function seedWords(lo: number, hi: number): [number, number, number, number] {
  let z = (lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0;
  const w: [number, number, number, number] = [0, 0, 0, 0];
  for (let i = 0; i < 4; i++) {
    z = (z + 0x9e3779b9) >>> 0;
    w[i] = fmix32(z ^ hi);
  }
  return w;
}

/**
 * A seeded random stream: the same numbers for the same seed on every engine and machine.
 * @param seed an integer with |seed| < 2⁵³ (default 0).
 * @example
 * const r = rng(42);
 * const W = r.normal([3, 2], { std: 0.1 });
 * const order = r.shuffle([0, 1, 2, 3]);
 * const child = r.split();
 */
export function rng(seed: number = 0): Rng {
  if (typeof seed !== "number" || !Number.isSafeInteger(seed)) {
    throw new DslError("bad-option", `rng: the seed must be an integer with |seed| < 2^53, got ${describe(seed)}`, { path: "seed" });
  }
  const lo = seed >>> 0; // low 32 bits (two's complement for negatives)
  const hi = Math.floor(seed / TWO_POW_32) >>> 0;
  return new Rng(seed, seedWords(lo, hi));
}

/** True for a stream made by `rng()`. */
export const isRng = (x: unknown): x is Rng => x instanceof Rng;
