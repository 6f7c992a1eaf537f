/**
 * A point's format: how a user's point (a tree: `[1, 2]`, `{ x: 1, y: 2 }`, `{ W: [[..]], b: [..] }`)
 * maps to the engine's flat vector, and back — so that results (a run's final point, a gradient)
 * come back in the caller's structure.
 *
 * The map from the tree's entries (layout order) to the flat vector is a permutation that the
 * caller's own parser defines (a symbolic objective orders variables its way, a record may list
 * them in any order). It is read off by parsing a probe tree whose entries are 1, 2, …, m: the
 * flat vector then says which tree entry went where. One extra parse per format, none per step.
 */
import { layoutOf, type Layout, type Tree } from "./layout.js";

/** How a point tree maps to a flat vector and back. */
export interface PointFormat {
  readonly layout: Layout;
  /** flat index of tree entry k (layout order); null when it is the identity. */
  readonly perm: Int32Array | null;
  /** A tree of the point's structure holding the flat vector `x` (length n). */
  toTree(x: ArrayLike<number>): Tree;
  /** The tree's paths reordered to flat order (names of the flat coordinates). */
  readonly flatPaths: readonly string[];
}

/**
 * The format of `point` as `parse` reads it (`parse` must accept any tree of the point's
 * structure, as the point itself was accepted); null when the parse is not a one-to-one
 * placement of the tree's entries (a format cannot then be inverted).
 */
export function formatOf(point: Tree, parse: (t: Tree) => Float64Array): PointFormat | null {
  const layout = layoutOf(point);
  const m = layout.size;
  const probe = layout.unflatten(Float64Array.from({ length: m }, (_, i) => i + 1));
  let x: Float64Array;
  try {
    x = parse(probe);
  } catch {
    return null;
  }
  if (x.length !== m) return null;
  const perm = new Int32Array(m);
  const seen = new Uint8Array(m);
  let identity = true;
  for (let j = 0; j < m; j++) {
    const k = x[j]! - 1;
    if (!Number.isInteger(k) || k < 0 || k >= m || seen[k] === 1) return null;
    seen[k] = 1;
    perm[k] = j;
    if (k !== j) identity = false;
  }
  const buf = new Float64Array(m);
  let flatPaths: string[] | undefined;
  return {
    layout,
    perm: identity ? null : perm,
    get flatPaths(): readonly string[] {
      if (flatPaths === undefined) {
        flatPaths = new Array<string>(m);
        for (let k = 0; k < m; k++) flatPaths[perm[k]!] = layout.paths[k]!;
      }
      return flatPaths;
    },
    toTree(v: ArrayLike<number>): Tree {
      if (identity) return layout.unflatten(v);
      for (let k = 0; k < m; k++) buf[k] = v[perm[k]!]!;
      return layout.unflatten(buf);
    },
  };
}

/** True for a point given as a tree with tensor leaves (a record or array holding arrays), rather than a flat list or a record of numbers. */
export function isStructuredPoint(x: unknown): boolean {
  if (x === null || typeof x !== "object" || ArrayBuffer.isView(x)) return false;
  const vals = Array.isArray(x) ? x : Object.values(x);
  if (Array.isArray(x) && vals.every((v) => typeof v === "number")) return false;
  return vals.some((v) => Array.isArray(v) || ArrayBuffer.isView(v) || (v !== null && typeof v === "object"));
}
