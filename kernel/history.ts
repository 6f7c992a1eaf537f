/**
 * The kernel's input history, answering `history_request` (tail, range, search) the way the
 * IPython kernel does: entries are `[session, line, input]`, or `[session, line, [input, output]]`
 * when output is asked for; `line` is the execution count; search patterns are globs (`*`, `?`,
 * `[...]`) matched against the whole input, like IPython's SQLite `GLOB`.
 *
 * The history lives in memory for the kernel's lifetime (one session, numbered 1).
 */

/** One stored cell. */
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  /** `text/plain` of the cell's result, if it had one. */
  output: string | null;
}

/** A history reply entry. */
export type HistoryItem = [number, number, string] | [number, number, [string, string | null]];

/** What `history_request` carries (spec names). */
export interface HistoryQuery {
  output?: boolean;
  raw?: boolean;
  hist_access_type?: "range" | "tail" | "search" | string;
  session?: number;
  start?: number;
  stop?: number | null;
  n?: number | null;
  pattern?: string;
  unique?: boolean;
}

export class History {
  /** This kernel's session number (IPython numbers sessions from 1). */
  readonly session = 1;
  private readonly entries: HistoryEntry[] = [];

  /** Stores a cell's input under its execution count. */
  add(line: number, input: string): void {
    this.entries.push({ session: this.session, line, input, output: null });
  }

  /** Records the `text/plain` result of the cell stored under `line`. */
  setOutput(line: number, output: string): void {
    for (let i = this.entries.length - 1; i >= 0; i--) {
      if (this.entries[i]!.line === line) {
        this.entries[i]!.output = output;
        return;
      }
    }
  }

  /** All stored entries, oldest first. */
  all(): readonly HistoryEntry[] {
    return this.entries;
  }

  /** Answers a `history_request`. */
  query(q: HistoryQuery): HistoryItem[] {
    const output = q.output === true;
    let found: HistoryEntry[];
    switch (q.hist_access_type) {
      case "tail":
        found = lastN(this.entries, q.n ?? 10);
        break;
      case "range":
        found = this.range(q.session ?? 0, q.start ?? 0, q.stop ?? null);
        break;
      case "search":
        found = this.search(q.pattern ?? "*", q.n ?? null, q.unique === true);
        break;
      default:
        found = [];
    }
    return found.map((e) => (output ? [e.session, e.line, [e.input, e.output]] : [e.session, e.line, e.input]));
  }

  /** Lines `start <= line < stop` of a session (0 or this session's number: this one; others are empty). */
  private range(session: number, start: number, stop: number | null): HistoryEntry[] {
    if (session !== 0 && session !== this.session) return [];
    return this.entries.filter((e) => e.line >= start && (stop === null || e.line < stop));
  }

  private search(pattern: string, n: number | null, unique: boolean): HistoryEntry[] {
    const re = globToRegExp(pattern);
    let hits = this.entries.filter((e) => re.test(e.input));
    if (unique) {
      const seen = new Set<string>();
      const kept: HistoryEntry[] = [];
      for (let i = hits.length - 1; i >= 0; i--) {
        if (seen.has(hits[i]!.input)) continue;
        seen.add(hits[i]!.input);
        kept.push(hits[i]!);
      }
      hits = kept.reverse();
    }
    return n === null || n === undefined ? hits : lastN(hits, n);
  }
}

function lastN<T>(xs: T[], n: number): T[] {
  return n <= 0 ? [] : xs.slice(Math.max(0, xs.length - n));
}

/** A glob (`*` any run, `?` one character, `[...]` a class, as SQLite GLOB) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += "[\\s\\S]*";
    else if (c === "?") re += "[\\s\\S]";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 2);
      if (end < 0) re += "\\[";
      else {
        let body = glob.slice(i + 1, end);
        if (body.startsWith("^")) body = "^" + body.slice(1).replace(/[\\\]]/g, "\\$&");
        else body = body.replace(/[\\\]^]/g, "\\$&");
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\\]]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}
