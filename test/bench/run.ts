/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` (or those whose name contains one of the
 * command-line arguments) and prints one table of measured figures and ratios.
 *
 * A bench module's default export is `async () => BenchRow[]`. Every figure in a row is measured
 * in this run; a ratio compares two measurements taken side by side (never a stored number).
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface BenchRow {
  /** What was measured, e.g. "extended Rosenbrock n=50: derive+compile grad & Hessian". */
  name: string;
  /** Our figure. */
  ours: number;
  /** Unit of `ours` and `reference` ("ms", "µs", "steps/s", ...). */
  unit: string;
  /** The reference's figure in the same unit, when there is one. */
  reference?: number;
  /** Who the reference is ("SymPy 1.11", "hand-written JS loop", "torch 1.13 eager"). */
  referenceName?: string;
  /** The goal, in words ("≤ 3× f alone", "< 50 ms"). */
  goal?: string;
  /** Whether the goal is met, when it can be judged mechanically. */
  met?: boolean;
  note?: string;
}

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();

const rows: BenchRow[] = [];
for (const f of files) {
  process.stderr.write(`running ${f} ...\n`);
  const mod = (await import(pathToFileURL(join(here, f)).href)) as { default: () => Promise<BenchRow[]> };
  for (const r of await mod.default()) {
    rows.push(r);
    process.stderr.write(`  ${r.name}: ${fmt(r.ours)} ${r.unit}\n`);
  }
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "";
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v); // counts (runs, steps)
  const a = Math.abs(v);
  return a >= 1000 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 0.01 ? v.toFixed(3) : v.toExponential(2);
}

const header = ["benchmark", "optlab", "reference", "ratio", "goal", "met"];
const table = rows.map((r) => [
  r.name,
  `${fmt(r.ours)} ${r.unit}`,
  r.reference === undefined ? "" : `${fmt(r.reference)} ${r.unit} (${r.referenceName ?? "?"})`,
  r.reference === undefined ? "" : `${fmt(r.ours / r.reference)}×`,
  r.goal ?? "",
  r.met === undefined ? "" : r.met ? "yes" : "NO",
]);
console.log(`| ${header.join(" | ")} |`);
console.log(`|${header.map(() => "---").join("|")}|`);
for (const t of table) console.log(`| ${t.join(" | ")} |`);
const notes = rows.filter((r) => r.note);
if (notes.length > 0) {
  console.log("\nNotes:");
  for (const r of notes) console.log(`- ${r.name.trim()}: ${r.note}`);
}
