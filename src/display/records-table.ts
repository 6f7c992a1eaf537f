/**
 * A cell's value that is an array of plain records — `runs.map((r) => ({ name, measured, theory }))`,
 * the way a notebook tabulates measured against predicted numbers — also displays as an HTML
 * table (one row per record, one column per key, in order of first appearance), next to the
 * `util.inspect` text. Anything else (class instances, nested objects, long arrays, records with
 * many keys) keeps the text display alone.
 */

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** At most this many rows and columns make a table; larger arrays stay text. */
export const RECORDS_TABLE_LIMITS = { rows: 500, columns: 24, cellArray: 8 } as const;

type Cell = number | string | boolean | bigint | null | undefined | readonly (number | string)[];

const isPlain = (v: unknown): v is Record<string, unknown> => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

const isCell = (v: unknown): v is Cell =>
  v === null || v === undefined || ["number", "string", "boolean", "bigint"].includes(typeof v) ||
  (Array.isArray(v) && v.length <= RECORDS_TABLE_LIMITS.cellArray && v.every((x) => typeof x === "number" || typeof x === "string"));

/** The columns of `value` when it is a non-empty array of plain records of simple values, else undefined. */
export function recordColumns(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > RECORDS_TABLE_LIMITS.rows) return undefined;
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const row of value) {
    if (!isPlain(row)) return undefined;
    for (const [k, v] of Object.entries(row)) {
      if (!isCell(v)) return undefined;
      if (!seen.has(k)) {
        seen.add(k);
        columns.push(k);
      }
    }
  }
  return columns.length > 0 && columns.length <= RECORDS_TABLE_LIMITS.columns ? columns : undefined;
}

const text = (v: Cell): string => (Array.isArray(v) ? `[${v.map(String).join(", ")}]` : v === undefined ? "" : String(v));

/**
 * The HTML table of an array of plain records, or undefined when `value` is not one (see the file
 * comment). Numbers print as JavaScript prints them (every digit the value has), right-aligned.
 *
 * @example
 * recordsTable([{ k: 1, rate: 0.9048 }, { k: 2, rate: 0.8187 }]); // "<table class=\"optlab-records\">…"
 */
export function recordsTable(value: unknown): string | undefined {
  const columns = recordColumns(value);
  if (!columns) return undefined;
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = (value as Record<string, Cell>[]).map((row) => {
    const cells = columns.map((c) => {
      const v = row[c];
      const numeric = typeof v === "number" || typeof v === "bigint";
      return `<td${numeric ? ' style="text-align:right"' : ""}>${escapeHtml(text(v))}</td>`;
    });
    return `<tr>${cells.join("")}</tr>`;
  });
  return `<table class="optlab-records"><thead><tr>${head}</tr></thead><tbody>${body.join("")}</tbody></table>`;
}

/**
 * The bundle of a value without a display method: its `util.inspect` text (`plain`), and the HTML
 * table when it is an array of plain records.
 */
export function plainBundle(value: unknown, plain: (v: unknown) => string): { "text/plain": string; "text/html"?: string } {
  const table = recordsTable(value);
  return table === undefined ? { "text/plain": plain(value) } : { "text/plain": plain(value), "text/html": table };
}
