/**
 * The words of a gradient check: the one-line verdict message naming the coordinates at fault,
 * hints at the likely kind of bug, warnings, and number formatting shared with the report.
 */
import type { CheckSettings, GradRow, Verdict } from "./check-gradient.js";

const METHOD_WORDS: Record<CheckSettings["method"], string> = {
  forward: "forward differences",
  central: "central differences",
  richardson: "Richardson extrapolation",
  complex: "complex step",
};

/** How many failing rows the message names before "and N more". */
const NAMED = 4;

/**
 * Builds the message and warnings of a check, and sets `hint` on failing rows.
 * Example message: `gradcheck: relative error 3.2e-2 at x[1] (analytic 4.00, numeric 3.87) is above tol 1e-6`.
 */
export function describeFailures(
  rows: GradRow[],
  failures: number[],
  kinks: number[],
  s: CheckSettings,
  verdict: Verdict,
  maxRelError: number,
  words: { unit?: string; who?: string } = {},
): { message: string; warnings: string[] } {
  for (const k of failures) rows[k]!.hint = hintFor(rows, k, failures);
  const common = commonFactorHint(rows, failures);
  if (common) for (const k of failures) rows[k]!.hint = common;
  const perm = common ? undefined : permutationHint(rows, failures);
  const what = words.unit
    ? `${rows.length} ${words.unit}`
    : s.directions > 0
      ? `${rows.length} random direction${rows.length === 1 ? "" : "s"}`
      : `${rows.length} coordinate${rows.length === 1 ? "" : "s"}`;
  const who = words.who ?? "gradcheck";
  const parts: string[] = [];
  if (verdict === "pass") {
    parts.push(`${who}: pass — ${what} ${rows.length === 1 ? "agrees" : "agree"} (${METHOD_WORDS[s.method]}, max relative error ${sci(maxRelError)} ≤ rtol ${sci(s.rtol)})`);
  } else if (failures.length > 0) {
    const named = failures.slice(0, NAMED).map((k) => failureText(rows[k]!, s.rtol));
    const head = failures.length === 1 ? `${who}: ` : `${who}: ${failures.length} of ${what} fail (${METHOD_WORDS[s.method]}): `;
    let text = head + named.join("; ");
    if (failures.length > NAMED) text += `; and ${failures.length - NAMED} more (${failures.slice(NAMED, NAMED + 8).map((k) => rows[k]!.name).join(", ")}${failures.length > NAMED + 8 ? ", …" : ""})`;
    if (failures.length === 1) text += ` (${METHOD_WORDS[s.method]})`;
    parts.push(text);
    if (common) parts.push(`every failing entry has the same ratio: ${common}`);
    if (perm) parts.push(perm);
    if (s.directions > 0 && !words.unit) parts.push("fast mode checks random directions, not coordinates: run without `fast` to name the coordinates at fault");
  } else {
    parts.push(`${who}: kink — ${what}: no bug found, but f has no derivative at the point along ${kinks.map((k) => rows[k]!.name).join(", ")}`);
  }
  if (kinks.length > 0) parts.push(kinks.slice(0, NAMED).map((k) => kinkText(rows[k]!)).join("; ") + (kinks.length > NAMED ? `; and ${kinks.length - NAMED} more` : ""));
  const warnings: string[] = [];
  const uncertain = rows.filter((r) => r.uncertain && r.ok);
  if (uncertain.length > 0) {
    const r = uncertain[0]!;
    warnings.push(
      `the numeric derivative is less accurate than rtol at ${uncertain.length === 1 ? r.name : `${uncertain.length} ${s.directions > 0 ? "directions" : "coordinates"} (e.g. ${r.name})`} ` +
        `(estimated error ${sci(r.numericError)} vs |numeric| ${fmt(Math.abs(r.numeric), 3)}): the check is weaker there; ` +
        (r.noise !== undefined
          ? `f scatters by ±${sci(r.noise)} per evaluation (measured), far more than its value's rounding: it is built from larger terms that cancel, so no step resolves the derivative better`
          : accuracyAdvice(s.method)),
    );
  }
  // A pass resting on numeric derivatives less accurate than rtol is weak evidence: the message
  // says so too, not only the warnings (a report read by `r.message` alone must not look clean).
  if (verdict === "pass" && uncertain.length > 0) parts[0] += `, but weak: ${warnings[0]}`;
  const reduced = rows.filter((r) => r.reducedStep && Number.isFinite(r.numeric));
  if (reduced.length > 0) warnings.push(`f is not finite at x ± h along ${reduced.slice(0, NAMED).map((r) => r.name).join(", ")}${reduced.length > NAMED ? ", …" : ""} (the edge of its domain?): the step was reduced there (h = ${sci(reduced[0]!.h)} for ${reduced[0]!.name})`);
  const nonFinite = rows.filter((r) => !Number.isFinite(r.numeric));
  if (nonFinite.length > 0) warnings.push(`f is not finite at a perturbed point along ${nonFinite.slice(0, NAMED).map((r) => r.name).join(", ")} (is the point at the edge of f's domain? try a smaller h)`);
  return { message: parts.join(". "), warnings };
}

function failureText(r: GradRow, rtol: number): string {
  if (Number.isNaN(r.analytic)) return `the analytic derivative at ${r.name} is NaN (numeric ${fmt(r.numeric, 4)})`;
  if (!Number.isFinite(r.numeric)) return `the numeric derivative at ${r.name} is ${r.numeric} (f is not finite at a perturbed point)`;
  const digits = Math.max(3, Math.min(17, Math.ceil(-Math.log10(Math.max(r.relError, 1e-17))) + 1));
  const hint = r.hint ? `; ${r.hint}` : "";
  if (r.kink) return `at ${r.name} f has a kink (one-sided derivatives ${fmt(r.left!, 3)} and ${fmt(r.right!, 3)}) and the analytic ${fmt(r.analytic, 3)} is not between them`;
  return `relative error ${sci(r.relError)} at ${r.name} (analytic ${fmt(r.analytic, digits)}, numeric ${fmt(r.numeric, digits)}${hint}) is above tol ${sci(rtol)}`;
}

function kinkText(r: GradRow): string {
  return `kink at ${r.name}: one-sided derivatives ${fmt(r.left!, 3)} (left) and ${fmt(r.right!, 3)} (right) differ; analytic ${fmt(r.analytic, 3)} ${r.ok ? "lies between them (a valid choice, not a bug)" : "does not lie between them"}`;
}

/**
 * A factor common to every failing entry (at least 2) and to every entry with a clear numeric
 * value: `analytic = c·numeric` for one constant c — a missing 1/N of a mean, a λ, a step size.
 */
export function commonFactorHint(rows: readonly GradRow[], failures: readonly number[]): string | undefined {
  if (failures.length < 2) return undefined;
  const ratios = failures.map((k) => rows[k]!).filter((r) => Number.isFinite(r.analytic) && Number.isFinite(r.numeric) && !r.kink && Math.abs(r.numeric) > r.tol && r.analytic !== 0);
  if (ratios.length !== failures.length) return undefined;
  // The ratios agree to 1e-4, or to the numeric values' own accuracy where that is coarser (float32).
  const spread = ratios.reduce((m, r) => Math.max(m, (2 * r.numericError) / Math.abs(r.numeric)), 1e-4);
  const c = ratios[0]!.analytic / ratios[0]!.numeric;
  if (ratios.some((r) => Math.abs(r.analytic / r.numeric - c) > spread * Math.abs(c))) return undefined;
  // Entries that pass while their numeric value is clearly nonzero would not share the factor.
  if (rows.some((r, k) => r.ok && !r.kink && Math.abs(r.numeric) > 10 * r.tol && !failures.includes(k))) return undefined;
  return factorWords(c, spread);
}

function factorWords(c: number, spread = 1e-4): string {
  const near = (v: number) => Math.abs(v - Math.round(v)) < spread * Math.abs(v) && Math.round(v) !== 0;
  const sign = c < 0 ? "−" : "";
  const a = Math.abs(c);
  if (Math.abs(c + 1) < 1e-4) return "analytic = −numeric everywhere: the sign is flipped";
  if (a > 1 && near(a)) return `analytic = ${sign}${Math.round(a)}× the numeric in every entry: a factor 1/${Math.round(a)} missing (a mean over ${Math.round(a)} samples taken as a sum?)${c < 0 ? " and the sign flipped" : ""}`;
  if (a < 1 && near(1 / a)) return `analytic = ${sign}1/${Math.round(1 / a)} of the numeric in every entry: a factor ${Math.round(1 / a)} too few (a sum over ${Math.round(1 / a)} samples divided by N, or a factor ${Math.round(1 / a)} dropped?)${c < 0 ? " and the sign flipped" : ""}`;
  return `analytic = ${fmt(c, 6)}× the numeric in every entry: a constant factor (a λ, a scale, a step size?)`;
}

/**
 * Failing entries whose analytic values are the numeric values of other failing entries (a
 * permutation): names the first pair, and a transpose when every pair of a leaf `W[i,j]`
 * maps as W[i,j] ↔ (the entry a [cols][rows] array would put there).
 */
export function permutationHint(rows: readonly GradRow[], failures: readonly number[]): string | undefined {
  if (failures.length < 2) return undefined;
  const used = new Set<number>();
  const pairs: [GradRow, GradRow][] = [];
  for (const k of failures) {
    const r = rows[k]!;
    const j = failures.find((j) => j !== k && !used.has(j) && close(r.analytic, rows[j]!.numeric, Math.max(r.tol, rows[j]!.tol)));
    if (j === undefined) return undefined;
    used.add(j);
    pairs.push([r, rows[j]!]);
  }
  if (pairs.every(([a, b]) => isSwap(a.name, b.name))) return `the failing entries are transposed: analytic at ${pairs[0]![0].name} is the numeric at ${pairs[0]![1].name} (a weight's gradient transposed?)`;
  const t = transposeShape(pairs);
  if (t) return `the failing entries of ${t.base} are a transposed [${t.cols}][${t.rows}] array read as [${t.rows}][${t.cols}]: analytic at ${pairs[0]![0].name} is the numeric at ${pairs[0]![1].name} (the gradient of a [${t.rows}][${t.cols}] weight computed as its transpose?)`;
  return `the failing entries are permuted: analytic at ${pairs[0]![0].name} is the numeric at ${pairs[0]![1].name}${pairs.length > 1 ? `, at ${pairs[1]![0].name} the numeric at ${pairs[1]![1].name}` : ""} (indices mixed up?)`;
}

const ENTRY = /^(.*)\[(\d+),(\d+)\]$/;

function isSwap(a: string, b: string): boolean {
  const x = ENTRY.exec(a);
  const y = ENTRY.exec(b);
  return !!x && !!y && x[1] === y[1] && x[2] === y[3] && x[3] === y[2];
}

/** Every pair within one leaf `base[i,j]` of shape [R][C] maps flat k = i·C + j to the transpose read row-major. */
function transposeShape(pairs: [GradRow, GradRow][]): { base: string; rows: number; cols: number } | undefined {
  const m0 = ENTRY.exec(pairs[0]![0].name);
  if (!m0) return undefined;
  const base = m0[1]!;
  let R = 0;
  let C = 0;
  const parsed = pairs.map(([a, b]) => [ENTRY.exec(a.name), ENTRY.exec(b.name)] as const);
  for (const [a, b] of parsed) {
    if (!a || !b || a[1] !== base || b[1] !== base) return undefined;
    R = Math.max(R, Number(a[2]) + 1, Number(b[2]) + 1);
    C = Math.max(C, Number(a[3]) + 1, Number(b[3]) + 1);
  }
  // analytic flat index k = i·C + j holds Tᵀ read row-major: k = i'·R + j' ↔ numeric at (j', i').
  const ok = parsed.every(([a, b]) => {
    const k = Number(a![2]) * C + Number(a![3]);
    const i2 = Math.floor(k / R);
    const j2 = k % R;
    return Number(b![2]) === j2 && Number(b![3]) === i2;
  });
  return ok ? { base, rows: R, cols: C } : undefined;
}

/** A guess at what kind of bug makes row k fail. */
function hintFor(rows: GradRow[], k: number, failures: number[]): string | undefined {
  const r = rows[k]!;
  const a = r.analytic;
  const d = r.numeric;
  if (!Number.isFinite(a) || !Number.isFinite(d) || r.kink) return undefined;
  for (const j of failures) {
    const o = rows[j]!;
    if (j !== k && close(a, o.numeric, o.tol) && close(o.analytic, d, r.tol)) return `looks swapped with ${o.name}`;
  }
  if (d === 0 || Math.abs(d) <= r.tol) return a === 0 ? undefined : "numeric ≈ 0: a spurious term?";
  if (a === 0) return "analytic is 0: a missing term?";
  const ratio = a / d;
  if (Math.abs(ratio + 1) < 1e-3) return "sign flipped?";
  for (const f of [2, 3, 4, 0.5]) {
    if (Math.abs(ratio - f) < 1e-3 * f) return `analytic is ${f === 0.5 ? "half" : `${f}×`} the numeric: a factor ${f === 0.5 ? "2 missing" : `${f} too many`}?`;
    if (Math.abs(ratio + f) < 1e-3 * f) return `analytic is −${f === 0.5 ? "1/2" : f}× the numeric: sign and factor?`;
  }
  return undefined;
}

function close(u: number, v: number, tol: number): boolean {
  return Math.abs(u - v) <= Math.max(tol, 1e-9 * Math.max(Math.abs(u), Math.abs(v)));
}

/** `3.2e-2` style: one decimal of mantissa, no `+` in the exponent. */
export function sci(v: number): string {
  if (v === 0) return "0";
  if (!Number.isFinite(v)) return String(v);
  const [m, e] = v.toExponential(1).split("e");
  const exp = Number(e);
  if (exp === 0) return m!.endsWith(".0") ? m!.slice(0, -2) : m!;
  return `${m!.endsWith(".0") ? m!.slice(0, -2) : m}e${exp}`;
}

/** A number with `digits` significant digits, fixed notation for moderate magnitudes. */
export function fmt(v: number, digits: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e6) {
    const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
    return v.toFixed(Math.min(decimals, 20));
  }
  return v.toExponential(digits - 1);
}

/** What to try when the numeric derivative is less accurate than rtol: never the method already in use (issue 16). */
function accuracyAdvice(method: CheckSettings["method"]): string {
  if (method === "richardson") return 'Richardson extrapolation is already in use: try method "complex" (for f made of functions that extend to complex numbers) or a larger rtol';
  if (method === "complex") return "the complex step is already in use (exact up to rounding): a larger rtol, or check f's value for cancellation";
  return 'try method "richardson" or "complex"';
}
