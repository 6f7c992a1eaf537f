/**
 * Parameter trees and their flat layout (JAX's pytree idea, at float64-engine cost).
 *
 * A tree is a number, a (nested, rectangular) array of numbers, a `Float64Array`, or a record or
 * array of trees. `layoutOf(t)` walks it once and records, per tensor leaf, its path, shape and
 * offset in one flat `Float64Array`; the engine runs on that array and only what users see is
 * shaped back (`unflatten`).
 *
 * Rules (see /work/notes/TREE-API.md and DESIGN.md "Trees, models and checks of models"):
 * - a nested array whose innermost entries are all numbers and which is rectangular is ONE tensor
 *   leaf, its shape read from the nesting (`[]` for a number, `[n]`, `[r, c]`, ...);
 * - a nested numeric array whose rows have the same depth but different lengths is ragged: an
 *   error naming the first row that differs;
 * - any other array (records, Float64Arrays, or entries of different depths in it) is an array
 *   of subtrees, indexed `[i]`;
 * - paths join record keys with ".", subtree indices as `[i]`, tensor entries as `[i]`, `[i,j]`:
 *   `W1[0,2]`, `layers[1].b[3]`; a key that is not an identifier reads `["my key"]`.
 */
import { describe, DslError } from "../errors/index.js";

/** A parameter tree. */
export type Tree = number | Float64Array | readonly Tree[] | { readonly [key: string]: Tree };

/** One tensor leaf of a tree. */
export interface Leaf {
  /** Where the leaf sits: "W1", "layers[1].b", "" for a bare top-level leaf. */
  readonly path: string;
  /** [] scalar, [n] vector, [r, c] matrix, ... */
  readonly shape: readonly number[];
  /** Index of its first entry in the flat vector. */
  readonly offset: number;
  /** Product of the shape (1 for a scalar). */
  readonly size: number;
}

/** A tree's flat layout: how its entries map to one Float64Array, and back. */
export interface Layout {
  /** Total number of scalars. */
  readonly size: number;
  /** Leaves in flatten order (record insertion order, arrays by index). */
  readonly leaves: readonly Leaf[];
  /** One name per scalar: "W1[0,2]", "layers[1].b[3]", "lr". */
  readonly paths: readonly string[];
  /** A tree of the same structure holding `v` (Float64Array leaves come back as Float64Array). */
  unflatten(v: ArrayLike<number>): Tree;
  /** Writes `t`'s entries into `out`; `t` must have this structure (DslError "bad-point" naming the path otherwise). */
  flattenInto(t: Tree, out: Float64Array, who?: string): void;
}

/** The structure of a tree, as the layout keeps it. */
type Node =
  | { readonly kind: "leaf"; readonly leaf: Leaf; readonly typed: boolean }
  | { readonly kind: "record"; readonly keys: readonly string[]; readonly children: readonly Node[] }
  | { readonly kind: "array"; readonly children: readonly Node[] };

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `base.key` (or `base["my key"]`; `key` alone at the top). */
export function keyPath(base: string, key: string): string {
  if (!IDENT.test(key)) return `${base}[${JSON.stringify(key)}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** The path of one tensor entry: `W[0,2]`; a scalar leaf's entry is the leaf's path. */
export function entryPath(leafPath: string, index: readonly number[]): string {
  return index.length === 0 ? leafPath : `${leafPath}[${index.join(",")}]`;
}

function isPlainRecord(x: unknown): x is Readonly<Record<string, unknown>> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function badPoint(who: string, path: string, message: string, detail?: Record<string, unknown>): DslError {
  return new DslError("bad-point", `${who}: ${message}`, { path, ...(detail ? { detail } : {}) });
}

const where = (path: string): string => (path === "" ? "the tree" : `'${path}'`);

/**
 * The shape of a plain nested numeric array (`[2, 3]` for a 2×3 matrix), `null` when it is not
 * one (it holds a record, a Float64Array, a string, or entries of different depths), or throws
 * when it is numeric with rows of different lengths (ragged).
 */
function tensorShape(a: readonly unknown[], path: string, who: string): number[] | null {
  if (a.length === 0) return [0];
  let numbers = 0;
  let arrays = 0;
  for (const e of a) {
    if (typeof e === "number") numbers++;
    else if (Array.isArray(e)) arrays++;
    else return null;
  }
  if (numbers === a.length) return [a.length];
  if (arrays !== a.length) return null;
  let first: number[] | null = null;
  for (let i = 0; i < a.length; i++) {
    const s = tensorShape(a[i] as unknown[], `${path}[${i}]`, who);
    if (s === null) return null;
    if (first === null) first = s;
    else if (s.length !== first.length) return null;
    else if (s.some((d, k) => d !== first![k])) {
      throw badPoint(who, `${path}[${i}]`, `${where(path)} is a ragged array: entry [${i}] has shape [${s.join(", ")}] but entry [0] has shape [${first.join(", ")}] (a tensor must be rectangular; for a list of tensors of different shapes use a record)`, { expected: first, got: s });
    }
  }
  return [a.length, ...first!];
}

/** Walks `t` into a Node, appending leaves (entry paths are made on demand, see TreeLayout.paths). */
function build(t: unknown, path: string, who: string, acc: { leaves: Leaf[]; size: number }): Node {
  const add = (shape: number[], typed: boolean): Node => {
    const size = shape.reduce((p, d) => p * d, 1);
    const leaf: Leaf = { path, shape, offset: acc.size, size };
    acc.leaves.push(leaf);
    acc.size += size;
    return { kind: "leaf", leaf, typed };
  };
  if (typeof t === "number") return add([], false);
  if (t instanceof Float64Array) return add([t.length], true);
  if (Array.isArray(t)) {
    const shape = tensorShape(t, path, who);
    if (shape !== null) return add(shape, false);
    return { kind: "array", children: t.map((e, i) => build(e, `${path}[${i}]`, who, acc)) };
  }
  if (isPlainRecord(t)) {
    const keys = Object.keys(t);
    return { kind: "record", keys, children: keys.map((k) => build(t[k], keyPath(path, k), who, acc)) };
  }
  throw badPoint(who, path, `${where(path)} must be a number, an array of numbers, a Float64Array, or a record or array of those, got ${describe(t)}`);
}

/** Calls `f` with every multi-index of `shape` in row-major order (the array is reused). */
export function forEachIndex(shape: readonly number[], f: (ix: readonly number[]) => void): void {
  const n = shape.reduce((p, d) => p * d, 1);
  if (n === 0) return;
  const ix = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    f(ix);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++ix[d]! < shape[d]!) break;
      ix[d] = 0;
    }
  }
}

function nest(v: ArrayLike<number>, offset: number, shape: readonly number[], d: number): number[] | number[][] {
  const len = shape[d]!;
  if (d === shape.length - 1) {
    const row = new Array<number>(len);
    for (let i = 0; i < len; i++) row[i] = v[offset + i]!;
    return row;
  }
  const stride = shape.slice(d + 1).reduce((p, q) => p * q, 1);
  const out = new Array(len);
  for (let i = 0; i < len; i++) out[i] = nest(v, offset + i * stride, shape, d + 1);
  return out;
}

function rebuild(node: Node, v: ArrayLike<number>): Tree {
  if (node.kind === "leaf") {
    const { offset, size, shape } = node.leaf;
    if (node.typed) return Float64Array.from({ length: size }, (_, i) => v[offset + i]!);
    if (shape.length === 0) return v[offset]!;
    return nest(v, offset, shape, 0) as Tree;
  }
  if (node.kind === "array") return node.children.map((c) => rebuild(c, v));
  const out: Record<string, Tree> = {};
  node.keys.forEach((k, i) => (out[k] = rebuild(node.children[i]!, v)));
  return out;
}

/** Copies a numeric nested array of `shape` into out; a mismatch names the entry path. */
function copyTensor(t: unknown, shape: readonly number[], d: number, out: Float64Array, offset: number, path: string, who: string): void {
  const len = shape[d]!;
  if (!Array.isArray(t) && !(d === shape.length - 1 && t instanceof Float64Array)) {
    throw badPoint(who, path, `${where(path)} must be an array of ${len} ${d === shape.length - 1 ? "numbers" : "rows"}, got ${describe(t)}`);
  }
  const a = t as ArrayLike<unknown>;
  if (a.length !== len) throw badPoint(who, path, `${where(path)} must have ${len} entr${len === 1 ? "y" : "ies"} (shape [${shape.slice(d).join(", ")}]), got ${a.length}`, { expected: len, got: a.length });
  if (d === shape.length - 1) {
    for (let i = 0; i < len; i++) {
      const x = a[i];
      if (typeof x !== "number") throw badPoint(who, `${path}[${i}]`, `'${path}[${i}]' must be a number, got ${describe(x)}`);
      out[offset + i] = x;
    }
    return;
  }
  const stride = shape.slice(d + 1).reduce((p, q) => p * q, 1);
  for (let i = 0; i < len; i++) copyTensor(a[i], shape, d + 1, out, offset + i * stride, `${path}[${i}]`, who);
}

function fill(node: Node, t: unknown, out: Float64Array, path: string, who: string): void {
  if (node.kind === "leaf") {
    const { shape, offset } = node.leaf;
    if (shape.length === 0) {
      if (typeof t !== "number") throw badPoint(who, path, `${where(path)} must be a number, got ${describe(t)}`);
      out[offset] = t;
      return;
    }
    if (t instanceof Float64Array && shape.length === 1) {
      if (t.length !== shape[0]) throw badPoint(who, path, `${where(path)} must have ${shape[0]} entries, got ${t.length}`, { expected: shape[0], got: t.length });
      out.set(t, offset);
      return;
    }
    copyTensor(t, shape, 0, out, offset, path, who);
    return;
  }
  if (node.kind === "array") {
    if (!Array.isArray(t)) throw badPoint(who, path, `${where(path)} must be an array of ${node.children.length} subtrees, got ${describe(t)}`);
    if (t.length !== node.children.length) throw badPoint(who, path, `${where(path)} must have ${node.children.length} entries, got ${t.length}`, { expected: node.children.length, got: t.length });
    node.children.forEach((c, i) => fill(c, t[i], out, `${path}[${i}]`, who));
    return;
  }
  if (!isPlainRecord(t)) throw badPoint(who, path, `${where(path)} must be a record with keys {${node.keys.join(", ")}}, got ${describe(t)}`);
  const extra = Object.keys(t).find((k) => !node.keys.includes(k));
  if (extra !== undefined) throw badPoint(who, keyPath(path, extra), `${where(path)} has a key '${extra}' that the parameters do not have (keys: ${node.keys.join(", ")})`);
  node.keys.forEach((k, i) => {
    const p = keyPath(path, k);
    if (!(k in t)) throw badPoint(who, p, `${where(path)} has no value for '${k}' (keys: ${node.keys.join(", ")})`);
    fill(node.children[i]!, t[k], out, p, who);
  });
}

class TreeLayout implements Layout {
  private entryPaths: string[] | undefined;
  constructor(
    private readonly root: Node,
    readonly leaves: readonly Leaf[],
    readonly size: number,
  ) {}
  /** One string per entry, made on first use (a network of 10⁵ weights need not pay for them until asked). */
  get paths(): readonly string[] {
    if (this.entryPaths === undefined) {
      const out: string[] = [];
      for (const l of this.leaves) {
        if (l.shape.length === 0) out.push(l.path);
        else forEachIndex(l.shape, (ix) => out.push(entryPath(l.path, ix)));
      }
      this.entryPaths = out;
    }
    return this.entryPaths;
  }
  unflatten(v: ArrayLike<number>): Tree {
    if (v.length !== this.size) throw new DslError("bad-length", `tree: unflatten needs ${this.size} values, got ${v.length}`, { detail: { expected: this.size, got: v.length } });
    return rebuild(this.root, v);
  }
  flattenInto(t: Tree, out: Float64Array, who = "tree"): void {
    fill(this.root, t, out, "", who);
  }
}

/**
 * The layout of a tree: leaves, entry paths, and the maps to and from one flat Float64Array.
 * @param who who is asking, for messages ("optimize", "gradcheck"); default "tree".
 * @throws DslError "bad-point" naming the path of an entry that is not a number, array, Float64Array or record, or of a ragged array.
 * @example
 * layoutOf({ W: [[1, 2], [3, 4]], b: [0, 0] }).paths; // ["W[0,0]", "W[0,1]", "W[1,0]", "W[1,1]", "b[0]", "b[1]"]
 */
export function layoutOf(t: Tree, who = "tree"): Layout {
  if (typeof who !== "string") who = "tree"; // a public function: its second argument may be anything
  const acc = { leaves: [] as Leaf[], size: 0 };
  const root = build(t, "", who, acc);
  return new TreeLayout(root, acc.leaves, acc.size);
}

/** True when `x` is a valid tree (no error is thrown). */
export function isTree(x: unknown): boolean {
  try {
    layoutOf(x as Tree);
    return true;
  } catch {
    return false;
  }
}
