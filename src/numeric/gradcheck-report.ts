/**
 * The gradient-check report: the plain result of `checkGradient` (and `checkHessian`), plus a rich
 * display (an HTML table with failing rows highlighted, and text; with the chart code loaded, the
 * V curve of a check that did not pass, through the display registry's "gradcheck" renderer) and
 * the V-curve data on demand.
 */
import type { Problem } from "../problem/index.js";
import { DISPLAY, escapeHtml, renderWith, type MimeBundle } from "../display/index.js";
import type { FdMethod } from "./fd-gradient.js";
import type { GradCheckResult, GradRow, Verdict } from "./check-gradient.js";
import type { HessianCheckResult, HessianRow } from "./check-hessian.js";
import { fmt, sci } from "./gradcheck-message.js";
import { vCurve, type VCurve, type VCurveOptions } from "./v-curve.js";

/** Rows shown in a display; failing and kink rows are shown first. */
const SHOWN = 40;

const VERDICT_STYLE: Record<Verdict, { color: string; mark: string; bg: string }> = {
  pass: { color: "#1a7f37", mark: "✓", bg: "" },
  fail: { color: "#cf222e", mark: "✗", bg: "#ffebe9" },
  kink: { color: "#9a6700", mark: "⚠", bg: "#fff8c5" },
};

/**
 * What `gradcheck` returns. All fields are plain data (see `GradCheckResult`); with the Hessian
 * check, `hessian` holds its result and `ok`/`verdict`/`message` cover both.
 */
export class GradcheckReport implements GradCheckResult {
  readonly ok: boolean;
  readonly verdict: Verdict;
  readonly method: FdMethod;
  readonly rtol: number;
  readonly atol: number | "auto";
  readonly h: number;
  readonly rows: GradRow[];
  readonly maxRelError: number;
  readonly failures: number[];
  readonly kinks: number[];
  readonly value: number;
  readonly gradient: Float64Array;
  readonly evaluations: number;
  readonly directions: number;
  readonly seed: number;
  readonly message: string;
  readonly warnings: string[];
  /** The Hessian check, when asked for (`hessian: true`). */
  readonly hessian?: HessianCheckResult;
  /** Wall time of the check in milliseconds. */
  readonly timeMs: number;
  readonly #problem: Problem;
  readonly #at: Float64Array;
  readonly #names: readonly string[];
  readonly #gradientMessage: string;

  constructor(r: GradCheckResult, problem: Problem, at: Float64Array, names: readonly string[], hessian: HessianCheckResult | undefined, timeMs: number) {
    const hessFails = hessian !== undefined && !hessian.ok;
    this.ok = r.ok && !hessFails;
    this.verdict = hessFails ? "fail" : r.verdict;
    this.method = r.method;
    this.rtol = r.rtol;
    this.atol = r.atol;
    this.h = r.h;
    this.rows = r.rows;
    this.maxRelError = r.maxRelError;
    this.failures = r.failures;
    this.kinks = r.kinks;
    this.value = r.value;
    this.gradient = r.gradient;
    this.evaluations = r.evaluations;
    this.directions = r.directions;
    this.seed = r.seed;
    const note = hessFails && r.verdict === "fail" ? " (the Hessian check differentiates the analytic gradient, which fails: fix the gradient first)" : "";
    this.message = hessian ? `${r.message}. ${hessian.message}${note}` : r.message;
    this.#gradientMessage = r.message;
    this.warnings = r.warnings;
    if (hessian) this.hessian = hessian;
    this.timeMs = timeMs;
    this.#problem = problem;
    this.#at = at;
    this.#names = names;
  }

  /**
   * The error-versus-step data ("V curve") at the checked point: forward and central quotients
   * of each coordinate for h = 1e-1 … 1e-13 against the analytic gradient (or `reference`).
   * Computed on demand (3 evaluations per step, coordinate and method).
   *
   * @param opts.indices coordinates (default the failing ones, else the first 10).
   * @example
   * const v = report.vcurve(); // { h, reference, series: [{ index, name, method, error, relError }] }
   */
  vcurve(opts: VCurveOptions = {}): VCurve {
    // Jacobian rows name their input by `inputIndex` (their `index` is the entry's position).
    const inputOf = (r: GradRow) => ((r as { inputIndex?: number }).inputIndex ?? r.index);
    const jac = this.rows.length > 0 && "inputIndex" in this.rows[0]!;
    const failing = jac ? [...new Set(this.failures.map((k) => inputOf(this.rows[k]!)).filter((i) => i >= 0))] : this.directions === 0 ? this.failures.map((k) => this.rows[k]!.index) : [];
    const indices = opts.indices ?? (failing.length > 0 ? failing.slice(0, 10) : undefined);
    return vCurve(this.#problem, this.#at, { names: this.#names, ...opts, ...(indices ? { indices } : {}) });
  }

  /** The message of the gradient check alone (without the Hessian check's). */
  get gradientMessage(): string {
    return this.#gradientMessage;
  }

  /** The text/plain rendering. */
  toString(): string {
    return plain(this);
  }

  /** The table (text and HTML); with the chart code loaded, a failing check adds its V curve. */
  [DISPLAY](): MimeBundle | Promise<MimeBundle> {
    return renderWith("gradcheck", this, this.tableBundle());
  }

  /** The display without the chart: text and the HTML table. */
  tableBundle(): MimeBundle {
    return { "text/plain": plain(this), "text/html": html(this) };
  }
}

function shownRows<R>(rows: R[], bad: (r: R) => boolean): { shown: R[]; hidden: number } {
  if (rows.length <= SHOWN) return { shown: rows, hidden: 0 };
  const picked = new Set<number>();
  rows.forEach((r, k) => picked.size < SHOWN && bad(r) && picked.add(k));
  for (let k = 0; k < rows.length && picked.size < SHOWN; k++) picked.add(k);
  const shown = [...picked].sort((a, b) => a - b).map((k) => rows[k]!);
  return { shown, hidden: rows.length - shown.length };
}

function note(r: GradRow): string {
  if (r.kink) return `kink: left ${fmt(r.left!, 4)}, right ${fmt(r.right!, 4)}`;
  const parts: string[] = [];
  if (r.hint) parts.push(r.hint);
  if (r.refined) parts.push("refined at h/4");
  if (r.uncertain) parts.push(`uncertain (±${sci(r.numericError)})`);
  return parts.join("; ");
}

function summaryLine(r: GradcheckReport): string {
  const jac = r.rows.length > 0 && "output" in r.rows[0]!;
  const what = jac
    ? `${r.rows.length} Jacobian entries${r.directions > 0 ? ` of random products (seed ${r.seed})` : ""}`
    : r.directions > 0
      ? `${r.rows.length} random directions (fast mode, seed ${r.seed})`
      : `${r.rows.length} coordinates`;
  return `${r.method}, rtol ${sci(r.rtol)}, atol ${r.atol === "auto" ? "auto" : sci(r.atol)}, ${what}, ${r.evaluations} evaluations of f, ${r.timeMs.toFixed(1)} ms`;
}

/**
 * The verdict, said once: `gradcheck FAIL: relative error 3.3e-1 at x[0] ...`. The message's own
 * `gradcheck: ` (and `pass — ` / `kink — `) prefix gives way to the verdict in capitals.
 */
function headline(r: GradcheckReport, message: string): string {
  const m = /^(gradcheck(?: \([^)]*\))?): (?:(?:pass|kink) — )?/.exec(message);
  const who = m ? m[1]! : "gradcheck";
  return `${who} ${r.verdict.toUpperCase()}: ${m ? message.slice(m[0].length) : message}`;
}

function plain(r: GradcheckReport): string {
  const lines = [headline(r, r.message), `  ${summaryLine(r)}`, ...r.warnings.map((w) => `warning: ${w}`)];
  const { shown, hidden } = shownRows(r.rows, (x) => !x.ok || x.kink);
  const table = [["#", "name", "analytic", "numeric", "rel error", "ok", "note"]];
  for (const x of shown) table.push([String(x.index), x.name, fmt(x.analytic, 10), fmt(x.numeric, 10), sci(x.relError), x.kink ? "kink" : x.ok ? "✓" : "✗", note(x)]);
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  for (const row of table) lines.push(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
  if (hidden > 0) lines.push(`… ${hidden} more rows, all passing`);
  if (r.hessian) lines.push(`Hessian: ${r.hessian.ok ? "pass" : "FAIL"} — max relative error ${sci(r.hessian.maxRelError)} over ${r.hessian.rows.length} entries`);
  return lines.join("\n");
}

function html(r: GradcheckReport): string {
  const st = VERDICT_STYLE[r.verdict];
  const td = 'style="padding:2px 8px;text-align:right;font-family:monospace"';
  const tdl = 'style="padding:2px 8px;text-align:left"';
  const { shown, hidden } = shownRows(r.rows, (x) => !x.ok || x.kink);
  const body = shown
    .map((x) => {
      const bg = !x.ok ? VERDICT_STYLE.fail.bg : x.kink ? VERDICT_STYLE.kink.bg : "";
      const mark = x.kink ? `<span style="color:${VERDICT_STYLE.kink.color}">kink</span>` : x.ok ? `<span style="color:${VERDICT_STYLE.pass.color}">✓</span>` : `<b style="color:${VERDICT_STYLE.fail.color}">✗</b>`;
      return (
        `<tr${bg ? ` style="background:${bg}"` : ""}><td ${td}>${x.index}</td><td ${tdl}>${escapeHtml(x.name)}</td>` +
        `<td ${td}>${fmt(x.analytic, 10)}</td><td ${td}>${fmt(x.numeric, 10)}</td><td ${td}>${sci(x.absError)}</td><td ${td}>${sci(x.relError)}</td>` +
        `<td ${tdl}>${mark}</td><td ${tdl}>${escapeHtml(note(x))}</td></tr>`
      );
    })
    .join("");
  const head = ["#", "name", "analytic", "numeric", "abs error", "rel error", "ok", "note"].map((h) => `<th ${tdl}>${h}</th>`).join("");
  const more = hidden > 0 ? `<tr><td colspan="8" ${tdl}>… ${hidden} more rows, all passing</td></tr>` : "";
  const warnings = r.warnings.map((w) => `<div style="color:${VERDICT_STYLE.kink.color}">warning: ${escapeHtml(w)}</div>`).join("");
  return (
    `<div class="optlab-gradcheck">` +
    `<div style="font-weight:bold;color:${st.color}">${st.mark} ${escapeHtml(headline(r, r.gradientMessage))}</div>` +
    `<div style="color:#57606a;font-size:90%">${escapeHtml(summaryLine(r))}</div>${warnings}` +
    `<table style="border-collapse:collapse;margin-top:4px"><thead><tr>${head}</tr></thead><tbody>${body}${more}</tbody></table>` +
    (r.hessian ? hessianHtml(r.hessian, td, tdl) : "") +
    `</div>`
  );
}

function hessianHtml(h: HessianCheckResult, td: string, tdl: string): string {
  const st = VERDICT_STYLE[h.ok ? "pass" : "fail"];
  const { shown, hidden } = shownRows(h.rows, (x: HessianRow) => !x.ok);
  const body = shown
    .map((x) => `<tr${x.ok ? "" : ` style="background:${VERDICT_STYLE.fail.bg}"`}><td ${tdl}>${escapeHtml(x.name)}</td><td ${td}>${fmt(x.analytic, 10)}</td><td ${td}>${fmt(x.numeric, 10)}</td><td ${td}>${sci(x.relError)}</td><td ${tdl}>${x.ok ? "✓" : "✗"}</td></tr>`)
    .join("");
  const more = hidden > 0 ? `<tr><td colspan="5" ${tdl}>… ${hidden} more entries, all passing</td></tr>` : "";
  return (
    `<div style="margin-top:8px;font-weight:bold;color:${st.color}">${st.mark} Hessian check: ${h.ok ? "pass" : "fail"}</div><div>${escapeHtml(h.message)}</div>` +
    `<table style="border-collapse:collapse"><thead><tr><th ${tdl}>entry</th><th ${tdl}>analytic</th><th ${tdl}>numeric</th><th ${tdl}>rel error</th><th ${tdl}>ok</th></tr></thead><tbody>${body}${more}</tbody></table>`
  );
}
