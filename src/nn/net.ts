/**
 * The shape of a multilayer perceptron and its parameters: layer sizes, one activation per
 * layer, and the flat layout of the params tree `[{ W, b }, ...]` (`W` shaped [out][in] like
 * `torch.nn.Linear.weight`, `b` [out]). The flat order is the tree's flatten order: layer by
 * layer, `W` row-major, then `b`. Paths name entries as the tree module does: `[0].W[1,2]`,
 * `[1].b[0]`.
 */
import { DslError, describe } from "../errors/index.js";
import type { Activation } from "./activations.js";

/** One dense layer of the flat parameter vector. */
export interface LayerSpec {
  readonly in: number;
  readonly out: number;
  readonly activation: Activation;
  /** Offset of W (row-major out × in) in the flat parameters. */
  readonly wOffset: number;
  /** Offset of b (out) in the flat parameters. */
  readonly bOffset: number;
}

/** A leaf of the params tree (the `Leaf` of src/tree: path, shape, offset, size). */
export interface NetLeaf {
  readonly path: string;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly size: number;
}

/** The architecture: sizes, layers and the flat layout. */
export class NetSpec {
  readonly layers: readonly LayerSpec[];
  /** Number of scalar parameters. */
  readonly n: number;
  readonly leaves: readonly NetLeaf[];
  private namesCache?: string[];

  constructor(readonly sizes: readonly number[], readonly activations: readonly Activation[]) {
    const layers: LayerSpec[] = [];
    const leaves: NetLeaf[] = [];
    let off = 0;
    for (let l = 0; l + 1 < sizes.length; l++) {
      const i = sizes[l]!;
      const o = sizes[l + 1]!;
      layers.push({ in: i, out: o, activation: activations[l]!, wOffset: off, bOffset: off + o * i });
      leaves.push({ path: `[${l}].W`, shape: [o, i], offset: off, size: o * i });
      leaves.push({ path: `[${l}].b`, shape: [o], offset: off + o * i, size: o });
      off += o * i + o;
    }
    this.layers = layers;
    this.leaves = leaves;
    this.n = off;
  }

  get inputs(): number { return this.sizes[0]!; }
  get outputs(): number { return this.sizes[this.sizes.length - 1]!; }
  /** Widest layer (buffers). */
  get maxWidth(): number { return Math.max(...this.sizes); }

  /** One name per scalar: `[0].W[1,2]`, `[0].b[3]`. */
  get names(): string[] {
    if (this.namesCache) return this.namesCache;
    const names: string[] = [];
    this.layers.forEach((L, l) => {
      for (let o = 0; o < L.out; o++) for (let i = 0; i < L.in; i++) names.push(`[${l}].W[${o},${i}]`);
      for (let o = 0; o < L.out; o++) names.push(`[${l}].b[${o}]`);
    });
    return (this.namesCache = names);
  }

  /** The flat vector as the params tree `[{ W: number[][], b: number[] }, ...]`. */
  unflatten(v: ArrayLike<number>): { W: number[][]; b: number[] }[] {
    return this.layers.map((L) => ({
      W: Array.from({ length: L.out }, (_, o) => Array.from({ length: L.in }, (_, i) => v[L.wOffset + o * L.in + i]!)),
      b: Array.from({ length: L.out }, (_, o) => v[L.bOffset + o]!),
    }));
  }

  /**
   * Reads a params tree (or a flat vector of length n) into `out`, checking every shape; the
   * error names the path (`params[1].W: expected 64 rows of 64 numbers, got ...`).
   */
  flattenInto(p: unknown, out: Float64Array, where = "params"): Float64Array {
    if (ArrayBuffer.isView(p) || (Array.isArray(p) && (p.length === 0 || typeof p[0] === "number"))) {
      const a = p as ArrayLike<number>;
      if (a.length !== this.n) throw new DslError("bad-point", `${where}: expected the params tree [{ W, b }, ...] (${this.layers.length} layers) or ${this.n} numbers, got ${describe(p)}`, { path: where });
      for (let j = 0; j < this.n; j++) out[j] = Number(a[j]);
      return out;
    }
    if (!Array.isArray(p) || p.length !== this.layers.length) {
      throw new DslError("bad-point", `${where}: expected the params tree [{ W, b }, ...] with ${this.layers.length} layers (sizes ${this.sizes.join("→")}), got ${describe(p)}`, { path: where });
    }
    this.layers.forEach((L, l) => {
      const layer = p[l] as { W?: unknown; b?: unknown } | null;
      const at = `${where}[${l}]`;
      if (layer === null || typeof layer !== "object") throw new DslError("bad-point", `${at}: expected { W, b }, got ${describe(layer)}`, { path: at });
      readMatrix(layer.W, L.out, L.in, out, L.wOffset, `${at}.W`);
      readVector(layer.b, L.out, out, L.bOffset, `${at}.b`);
    });
    return out;
  }
}

function readVector(v: unknown, len: number, out: Float64Array, off: number, at: string): void {
  const ok = (Array.isArray(v) || v instanceof Float64Array || v instanceof Float32Array) && (v as ArrayLike<unknown>).length === len;
  if (!ok) throw new DslError("bad-point", `${at}: expected ${len} numbers, got ${describe(v)}`, { path: at });
  const a = v as ArrayLike<unknown>;
  for (let j = 0; j < len; j++) {
    const x = a[j];
    if (typeof x !== "number") throw new DslError("bad-point", `${at}[${j}]: expected a number, got ${describe(x)}`, { path: `${at}[${j}]` });
    out[off + j] = x;
  }
}

function readMatrix(m: unknown, rows: number, cols: number, out: Float64Array, off: number, at: string): void {
  if (!Array.isArray(m) || m.length !== rows) throw new DslError("bad-point", `${at}: expected ${rows} rows of ${cols} numbers ([out][in]), got ${describe(m)}`, { path: at });
  for (let r = 0; r < rows; r++) readVector(m[r], cols, out, off + r * cols, `${at}[${r}]`);
}
