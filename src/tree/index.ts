/**
 * Parameter trees: the one point type users see (`{ W1, b1 }`, `[{ W, b }, ...]`, vectors,
 * matrices), flattened once into a Float64Array plus a `Layout` for the engine.
 * See ./layout.ts for the rules and path format.
 */
import { describe, DslError } from "../errors/index.js";
import { layoutOf, type Layout, type Tree } from "./layout.js";

export { entryPath, forEachIndex, isTree, keyPath, layoutOf } from "./layout.js";
export { add, globalNorm, map, map2, scale, sub, vdot, zerosLike } from "./ops.js";
export type { Layout, Leaf, Tree } from "./layout.js";

/** A flattened tree. */
export interface Flat {
  /** The entries, in layout order. */
  values: Float64Array;
  /** One path per entry (`W1[0,2]`). */
  paths: string[];
  layout: Layout;
  /** A tree of the same structure holding `v`. */
  unflatten(v: ArrayLike<number>): Tree;
}

/**
 * Flattens a tree into one Float64Array with the paths of its entries.
 * @example
 * const { values, paths, unflatten } = flatten({ W: [[1, 2]], b: 3 });
 * // values = Float64Array [1, 2, 3], paths = ["W[0,0]", "W[0,1]", "b"]
 * unflatten([4, 5, 6]); // { W: [[4, 5]], b: 6 }
 */
export function flatten(t: Tree, who = "tree"): Flat {
  if (typeof who !== "string") who = "tree"; // a public function: its second argument may be anything
  const layout = layoutOf(t, who);
  const values = new Float64Array(layout.size);
  layout.flattenInto(t, values, who);
  return { values, paths: [...layout.paths], layout, unflatten: (v) => layout.unflatten(v) };
}

/** The tree of `layout`'s structure holding `v`. */
export function unflatten(layout: Layout, v: ArrayLike<number>): Tree {
  checkLayout(layout, "tree.unflatten");
  checkFlat(v, layout.size, "tree.unflatten");
  return layout.unflatten(v);
}

/** A `Layout` argument (flatten(t).layout or layoutOf(t)), checked at the edge (issue 16: a TypeError before). */
function checkLayout(layout: unknown, who: string): asserts layout is Layout {
  const l = layout as Partial<Layout> | null;
  if (l === null || typeof l !== "object" || typeof l.unflatten !== "function" || typeof l.flattenInto !== "function" || !Number.isInteger(l.size) || !Array.isArray(l.leaves)) {
    throw new DslError("bad-argument", `${who}: expected a layout (flatten(t).layout or layoutOf(t)) as the first argument, got ${describe(layout)}`, { path: `${who}.layout` });
  }
}

/** A flat vector of `n` numbers. */
function checkFlat(v: unknown, n: number, who: string): void {
  const ok = (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) && (v as ArrayLike<unknown>).length === n && Array.from(v as ArrayLike<unknown>).every((x) => typeof x === "number");
  if (!ok) throw new DslError("bad-argument", `${who}: expected ${n} numbers (the layout's size), got ${describe(v)}`, { path: `${who}.values` });
}

/** The entries of `t` in `layout`'s order (`t` must have that structure). */
export function flatValues(layout: Layout, t: Tree, who = "tree"): Float64Array {
  checkLayout(layout, "tree.flatValues");
  const out = new Float64Array(layout.size);
  layout.flattenInto(t, out, who);
  return out;
}

/** The pairs of leaves of two trees of the same structure: `[path, a-entries, b-entries]` per leaf. */
export function zip(a: Tree, b: Tree): [string, Float64Array, Float64Array][] {
  const fa = flatten(a);
  const vb = flatValues(fa.layout, b);
  return fa.layout.leaves.map((l) => [l.path, fa.values.slice(l.offset, l.offset + l.size), vb.slice(l.offset, l.offset + l.size)]);
}

/**
 * The 2-norm of each leaf of a flat vector laid out by `layout`: `{ "layers[0].W": 0.3, ... }`
 * (per-layer gradient norms). A bare top-level leaf is named "".
 */
export function leafNorms(layout: Layout, flat: ArrayLike<number>): Record<string, number> {
  checkLayout(layout, "tree.leafNorms");
  checkFlat(flat, layout.size, "tree.leafNorms");
  if (flat.length !== layout.size) throw new DslError("bad-length", `tree: leafNorms needs ${layout.size} values, got ${flat.length}`);
  const out: Record<string, number> = {};
  for (const l of layout.leaves) {
    let s = 0;
    for (let i = l.offset; i < l.offset + l.size; i++) s += flat[i]! * flat[i]!;
    out[l.path] = Math.sqrt(s);
  }
  return out;
}

/** Number of entries of a tree. */
export const size = (t: Tree): number => layoutOf(t).size;

export { formatOf, isStructuredPoint, type PointFormat } from "./point-format.js";
