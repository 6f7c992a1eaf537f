/**
 * Variable names and their order.
 *
 * Default order: first appearance, except that indexed names of one base (`x[1]`, `x[2]`, …)
 * are grouped where the base first appears and sorted by index, so the extended Rosenbrock
 * `sum(… x[2i] … x[2i-1] …)` gets x[1], x[2], …, x[n]. A declared variable list may use ranges:
 * `"x[1..50]"` stands for x[1], …, x[50].
 */

/** Base and integer indices of a name: `x[2,3]` → ["x", [2, 3]], `x` → ["x", null]. */
export function parseIndexed(name: string): [string, number[] | null] {
  const m = /^([A-Za-z_$][\w$]*)\[(-?\d+(?:,-?\d+)*)\]$/.exec(name);
  if (!m) return [name, null];
  return [m[1]!, m[2]!.split(",").map(Number)];
}

function compareIndices(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** Orders names: first appearance, indexed names grouped by base and sorted by index. */
export function orderNames(appearance: readonly string[]): string[] {
  const groups = new Map<string, string[]>();
  const out: (string | { base: string })[] = [];
  for (const name of appearance) {
    const [base, idx] = parseIndexed(name);
    if (idx === null) {
      out.push(name);
      continue;
    }
    let g = groups.get(base);
    if (g === undefined) {
      groups.set(base, (g = []));
      out.push({ base });
    }
    g.push(name);
  }
  return out.flatMap((o) => {
    if (typeof o === "string") return [o];
    return groups.get(o.base)!.sort((a, b) => compareIndices(parseIndexed(a)[1]!, parseIndexed(b)[1]!));
  });
}

/** Expands ranges in a declared variable list: `x[1..3]` → x[1], x[2], x[3]. Null for a malformed range. */
export function expandRanges(names: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const name of names) {
    const m = /^([A-Za-z_$][\w$]*)\[(-?\d+)\s*\.\.\s*(-?\d+)\]$/.exec(name.trim());
    if (!m) {
      out.push(name.trim().replace(/\s+/g, ""));
      continue;
    }
    const lo = Number(m[2]);
    const hi = Number(m[3]);
    if (hi < lo || hi - lo > 1e7) return null;
    for (let k = lo; k <= hi; k++) out.push(`${m[1]}[${k}]`);
  }
  return out;
}
