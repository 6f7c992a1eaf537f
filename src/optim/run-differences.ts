/**
 * What tells the runs of a comparison apart, for its table ("differs") and legends: the run
 * options that differ between entries (`start=[0, 1]`, `clipNorm=1`, `batch=8`; unset shows as
 * `none`, or `full` for the batch size) and, among runs of one optimizer (the same hyperparameter
 * names), the hyperparameters that differ (`lr=0.1`).
 */
import { distinctDigits, formatNumber } from "../display/numbers.js";

/** What a run contributes: its settings (per-entry run options) and its optimizer's hyperparameters. */
export interface RunLike {
  readonly settings: Readonly<Record<string, unknown>>;
  readonly hyperparameters: Readonly<Record<string, unknown>>;
}

/**
 * Per run, in order: the differing hyperparameters (`hyper`) and run options (`options`), as
 * `label=value` strings.
 */
export function runDifferences(runs: readonly RunLike[]): { hyper: string[][]; options: string[][] } {
  const options = differing(runs.map((r) => r.settings), SETTING_LABELS);
  const sameOptimizer = runs.every((r) => sameKeys(r.hyperparameters, runs[0]!.hyperparameters));
  const hyper = sameOptimizer ? differing(runs.map((r) => r.hyperparameters), Object.keys(runs[0]?.hyperparameters ?? {}).map((k) => [k, k] as const)) : runs.map(() => []);
  return { hyper, options };
}

/** The run options `Comparison.differences` looks at, with their short labels. */
const SETTING_LABELS: readonly (readonly [string, string])[] = [
  ["from", "start"], ["steps", "steps"], ["epochs", "epochs"], ["clipNorm", "clipNorm"], ["clipValue", "clipValue"],
  ["batchSize", "batch"], ["seed", "seed"], ["shuffle", "shuffle"], ["dropLast", "dropLast"], ["validation", "validation"],
  ["patience", "patience"], ["tol", "tol"], ["divergenceFactor", "divergenceFactor"],
];

/** The one number format of tables (src/display/numbers.ts): 5 significant digits, more where values differ beyond them. */
function fmt(v: number, digits = 5): string {
  return formatNumber(v, digits);
}

const fmtPoint = (x: readonly number[]): string => `[${x.map((v) => fmt(v)).join(", ")}]`;

/** A setting's value in a table cell: numbers short, points compact, unset as "none"/"full". */
function fmtSetting(key: string, v: unknown, digits = 5): string {
  if (v === undefined) return key === "batchSize" ? "full" : "none";
  if (typeof v === "number") return fmt(v, digits);
  if (typeof v === "function") return (v as { name?: string }).name || "schedule";
  if (ArrayBuffer.isView(v)) return fmtPoint(Array.from(v as unknown as ArrayLike<number>));
  if (Array.isArray(v) && v.every((x) => typeof x === "number")) return fmtPoint(v);
  if (typeof v === "object" && v !== null) {
    const text = JSON.stringify(v, (_k, x) => (ArrayBuffer.isView(x) ? Array.from(x as unknown as ArrayLike<number>) : typeof x === "number" ? Number(fmt(x)) : x));
    return text.length > 48 ? `${text.slice(0, 45)}...` : text;
  }
  return String(v);
}

/** Per record: `label=value` for each key whose formatted value is not the same in all records. */
function differing(records: readonly Readonly<Record<string, unknown>>[], keys: readonly (readonly [string, string])[]): string[][] {
  const out = records.map(() => [] as string[]);
  if (records.length < 2) return out;
  for (const [key, label] of keys) {
    // numbers get the digits that tell them apart (lr 0.0100001 vs 0.0100002 differ)
    const digits = distinctDigits(records.map((r) => r[key]).filter((v): v is number => typeof v === "number"));
    const cells = records.map((r) => fmtSetting(key, r[key], digits));
    if (cells.every((c) => c === cells[0])) continue;
    cells.forEach((c, i) => out[i]!.push(`${label}=${c}`));
  }
  return out;
}

function sameKeys(a: Readonly<Record<string, unknown>>, b: Readonly<Record<string, unknown>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => k in b);
}
