/**
 * Mini-batches for data-backed objectives: a seeded train/validation split and a seeded
 * shuffle per epoch, reproducible across machines and runs.
 *
 * PRNG: mulberry32 (Tommy Ettinger, 2017, public domain), 32-bit state, seeded with
 * `seed >>> 0`. Shuffle: Fisher–Yates from the last position down, j = ⌊u·(i+1)⌋. The order is
 * ours, not `torch.randperm`'s (PyTorch's Mersenne-Twister/Philox streams are not reproduced).
 * Stream layout for a given seed: the split is one permutation of all rows drawn with
 * mulberry32(seed); epoch e (0-based) shuffles the training rows with mulberry32(epochSeed(seed, e)),
 * so epoch e's order does not depend on how many epochs ran before.
 */
import { mulberry32 } from "../numeric/index.js";

export { mulberry32 };

/** Shuffles `a` in place (Fisher–Yates) with `rand`. */
export function shuffleInPlace(a: Int32Array, rand: () => number): Int32Array {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** Seed of epoch e's shuffle (a 32-bit mix, so neighbouring seeds give unrelated streams). */
export function epochSeed(seed: number, epoch: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h + Math.imul(epoch + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * Splits rows 0..n−1 into training and validation rows: a seeded permutation, the last
 * round(fraction·n) rows of it are the validation set. Both lists come back sorted (the order
 * within a split does not matter; batches are shuffled per epoch).
 */
export function splitRows(n: number, fraction: number, seed: number): { train: Int32Array; validation: Int32Array } {
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  if (fraction <= 0) return { train: perm, validation: new Int32Array(0) };
  shuffleInPlace(perm, mulberry32(seed));
  const nv = Math.round(fraction * n);
  const train = perm.slice(0, n - nv).sort();
  const validation = perm.slice(n - nv).sort();
  return { train, validation };
}

/**
 * The batch order of one epoch: the training rows shuffled (or in order when `shuffle` is
 * false), cut into batches of `batchSize` (the last one shorter unless `dropLast`).
 */
export class Batcher {
  readonly batchesPerEpoch: number;
  private readonly order: Int32Array;
  private readonly full: Int32Array;
  private readonly rest: Int32Array;
  private epoch = -1;

  constructor(
    private readonly train: Int32Array,
    readonly batchSize: number,
    private readonly seed: number,
    private readonly shuffle = true,
    readonly dropLast = false,
  ) {
    const m = train.length;
    const whole = Math.floor(m / batchSize);
    const remainder = m - whole * batchSize;
    this.batchesPerEpoch = whole + (remainder > 0 && !dropLast ? 1 : 0);
    this.order = new Int32Array(m);
    this.full = new Int32Array(batchSize);
    this.rest = new Int32Array(remainder);
  }

  /** Rows of batch `b` (0-based, over all epochs). The returned array is reused by the next call. */
  rows(b: number): Int32Array {
    const e = Math.floor(b / this.batchesPerEpoch);
    if (e !== this.epoch) {
      this.order.set(this.train);
      if (this.shuffle) shuffleInPlace(this.order, mulberry32(epochSeed(this.seed, e)));
      this.epoch = e;
    }
    const i = b - e * this.batchesPerEpoch;
    const start = i * this.batchSize;
    const len = Math.min(this.batchSize, this.order.length - start);
    const out = len === this.batchSize ? this.full : this.rest;
    for (let k = 0; k < len; k++) out[k] = this.order[start + k]!;
    return out;
  }
}
