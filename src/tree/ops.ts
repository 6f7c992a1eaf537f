/**
 * Entry-wise arithmetic on trees (`map`, `map2`, `add`, `scale`, `vdot`, `globalNorm`, ...),
 * written as one recursive walk of the tree(s) rather than flatten → compute → unflatten: a user's
 * `grad: (p) => tree.scale(p, 2)` runs once per optimizer step, so these avoid building a layout
 * (a user model `{ f: (p) => tree.vdot(p, p), grad: (p) => tree.scale(p, 2) }` on a 110-entry
 * tree took 9.1× the time of the same model on flat arrays when these went through `flatten`
 * (one run), 2.2–2.8× as walks (three runs); 5000 Adam steps on a busy 2-core machine).
 *
 * Structure: the result has the structure of the first tree (number[] stays number[],
 * Float64Array stays Float64Array). Two trees must have the same structure; a difference is a
 * DslError "bad-point" naming the path. Leaves that are not numbers are errors as in `layoutOf`.
 */
import { describe, DslError } from "../errors/index.js";
import { keyPath, type Tree } from "./layout.js";

const where = (path: string): string => (path === "" ? "the tree" : `'${path}'`);

function bad(path: string, message: string): DslError {
  return new DslError("bad-point", `tree: ${message}`, { path });
}

function isRecord(x: unknown): x is Readonly<Record<string, unknown>> {
  if (typeof x !== "object" || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

const indexPath = (path: string, i: number): string => `${path}[${i}]`;

/** `f` on every entry of `t` (with the entry's path when `f` takes two arguments). */
export function map(t: Tree, f: (x: number, path: string) => number): Tree {
  if (typeof f !== "function") throw new DslError("bad-argument", `tree.map: the second argument must be a function (x, path) => number, got ${describe(f)}`, { path: "tree.map.f" });
  try {
    return walk1(t, f, f.length > 1, "");
  } catch (e) {
    // The fast walk keeps no paths: find the bad entry again, naming it (f is not called again).
    if (e instanceof DslError && f.length <= 1) sum1(t, () => 0, "");
    throw e;
  }
}

function walk1(t: unknown, f: (x: number, path: string) => number, paths: boolean, path: string): Tree {
  if (typeof t === "number") return f(t, path);
  if (t instanceof Float64Array) {
    const out = new Float64Array(t.length);
    for (let i = 0; i < t.length; i++) out[i] = f(t[i]!, paths ? indexPath(path, i) : "");
    return out;
  }
  if (Array.isArray(t)) {
    const out = new Array<Tree>(t.length);
    for (let i = 0; i < t.length; i++) out[i] = walk1(t[i], f, paths, paths ? indexPath(path, i) : "");
    return out;
  }
  if (isRecord(t)) {
    const out: Record<string, Tree> = {};
    for (const k of Object.keys(t)) out[k] = walk1(t[k], f, paths, paths ? keyPath(path, k) : "");
    return out;
  }
  throw bad(path, `${where(path)} must be a number, an array of numbers, a Float64Array, or a record or array of those, got ${describe(t)}`);
}

/** `f(a, b)` entry-wise over two trees of the same structure (shaped like `a`). */
export function map2(a: Tree, b: Tree, f: (x: number, y: number, path: string) => number): Tree {
  if (typeof f !== "function") throw new DslError("bad-argument", `tree.map2: the third argument must be a function (x, y, path) => number, got ${describe(f)}`, { path: "tree.map2.f" });
  return walk2(a, b, f, "");
}

function walk2(a: unknown, b: unknown, f: (x: number, y: number, path: string) => number, path: string): Tree {
  if (typeof a === "number") {
    if (typeof b !== "number") throw bad(path, `${where(path)} is a number in the first tree but ${describe(b)} in the second`);
    return f(a, b, path);
  }
  if (a instanceof Float64Array || Array.isArray(a)) {
    if (!(b instanceof Float64Array || Array.isArray(b))) throw bad(path, `${where(path)} is an array in the first tree but ${describe(b)} in the second`);
    if (a.length !== b.length) throw bad(path, `${where(path)} has ${a.length} entries in the first tree but ${b.length} in the second`);
    if (a instanceof Float64Array) {
      const out = new Float64Array(a.length);
      for (let i = 0; i < a.length; i++) {
        const y = b[i];
        if (typeof y !== "number") throw bad(indexPath(path, i), `${where(indexPath(path, i))} must be a number, got ${describe(y)}`);
        out[i] = f(a[i]!, y, indexPath(path, i));
      }
      return out;
    }
    const out = new Array<Tree>(a.length);
    for (let i = 0; i < a.length; i++) out[i] = walk2(a[i], b[i], f, indexPath(path, i));
    return out;
  }
  if (isRecord(a)) {
    if (!isRecord(b)) throw bad(path, `${where(path)} is a record in the first tree but ${describe(b)} in the second`);
    const keys = Object.keys(a);
    const extra = Object.keys(b).find((k) => !(k in a));
    if (extra !== undefined) throw bad(keyPath(path, extra), `the second tree has a key '${extra}' that the first does not have`);
    const out: Record<string, Tree> = {};
    for (const k of keys) {
      if (!(k in b)) throw bad(keyPath(path, k), `the second tree has no value for '${keyPath(path, k)}'`);
      out[k] = walk2(a[k], b[k], f, keyPath(path, k));
    }
    return out;
  }
  throw bad(path, `${where(path)} must be a number, an array of numbers, a Float64Array, or a record or array of those, got ${describe(a)}`);
}

/** A fold over the entries of one tree. */
function sum1(t: unknown, f: (x: number) => number, path: string): number {
  if (typeof t === "number") return f(t);
  if (t instanceof Float64Array) {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += f(t[i]!);
    return s;
  }
  if (Array.isArray(t)) {
    let s = 0;
    for (let i = 0; i < t.length; i++) s += sum1(t[i], f, indexPath(path, i));
    return s;
  }
  if (isRecord(t)) {
    let s = 0;
    for (const k of Object.keys(t)) s += sum1(t[k], f, keyPath(path, k));
    return s;
  }
  throw bad(path, `${where(path)} must be a number, an array of numbers, a Float64Array, or a record or array of those, got ${describe(t)}`);
}

/** A tree of zeros with `t`'s structure. */
export const zerosLike = (t: Tree): Tree => map(t, () => 0);
/** a + b, entry-wise. */
export const add = (a: Tree, b: Tree): Tree => map2(a, b, (x, y) => x + y);
/** a − b, entry-wise. */
export const sub = (a: Tree, b: Tree): Tree => map2(a, b, (x, y) => x - y);
/** s·t. */
export const scale = (t: Tree, s: number): Tree => {
  if (typeof s !== "number") throw new DslError("bad-argument", `tree.scale: the factor must be a number, got ${describe(s)}`, { path: "tree.scale.s" });
  return map(t, (x) => s * x);
};

/** ⟨a, b⟩ = Σᵢ aᵢ bᵢ over all entries (the trees must have the same structure). */
export function vdot(a: Tree, b: Tree): number {
  let s = 0;
  map2(a, b, (x, y) => ((s += x * y), 0));
  return s;
}

/** ‖t‖₂ over all entries (optax's `global_norm`). */
export function globalNorm(t: Tree): number {
  return Math.sqrt(sum1(t, (x) => x * x, ""));
}
