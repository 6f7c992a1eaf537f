/**
 * Just enough of Source Map v3 to map a position in a compiled cell back to the cell: decode
 * the `mappings` (base64 VLQ) and look a generated position up. The kernel's compiler emits a
 * cell as CommonJS with one inline map (kernel/ts-host.ts); `CellMap` reads it.
 *
 * Reference: Source Map Revision 3 Proposal, https://sourcemaps.info/spec.html
 */

/** One mapping segment: generated column, original line, original column (0-based). */
type Segment = [genCol: number, srcLine: number, srcCol: number];

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_INDEX = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_INDEX[B64.charCodeAt(i)] = i;

/** Decodes a `mappings` string into segments per generated line (sorted by column). */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line: Segment[] = [];
  let srcLine = 0;
  let srcCol = 0;
  let genCol = 0;
  let i = 0;
  const fields: number[] = [];
  while (i <= mappings.length) {
    const c = mappings[i];
    if (c === ";" || c === undefined) {
      line.sort((a, b) => a[0] - b[0]);
      lines.push(line);
      line = [];
      genCol = 0;
      i++;
      if (c === undefined) break;
      continue;
    }
    if (c === ",") {
      i++;
      continue;
    }
    fields.length = 0;
    while (i < mappings.length && mappings[i] !== "," && mappings[i] !== ";") {
      let value = 0;
      let shift = 0;
      let digit: number;
      do {
        digit = B64_INDEX[mappings.charCodeAt(i++)]!;
        if (digit < 0) throw new Error("source map: bad base64 digit");
        value += (digit & 31) << shift;
        shift += 5;
      } while (digit & 32);
      fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
    }
    genCol += fields[0]!;
    if (fields.length >= 4) {
      srcLine += fields[2]!;
      srcCol += fields[3]!;
      line.push([genCol, srcLine, srcCol]);
    }
  }
  return lines;
}

/** A decoded map with lookup. */
export class SourceMap {
  private readonly lines: Segment[][];

  constructor(json: string) {
    const raw = JSON.parse(json) as { mappings?: string };
    this.lines = decodeMappings(raw.mappings ?? "");
  }

  /** The original position of a generated one (0-based), or null when the line has no mapping. */
  lookup(line: number, column: number): { line: number; column: number } | null {
    const segs = this.lines[line];
    if (!segs || segs.length === 0) return null;
    let lo = 0;
    let hi = segs.length - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (segs[mid]![0] <= column) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const s = segs[best]!;
    return { line: s[1], column: s[2] };
  }
}

/**
 * Maps positions in the executed CommonJS of a cell to the cell's TypeScript, through the map
 * the compiler emitted with it (base64, decoded on the first lookup). `lineOffset` is subtracted
 * from the TypeScript line (tslab prefixes each cell with one line of its own).
 */
export class CellMap {
  private map: SourceMap | null = null;

  constructor(private readonly raw: { base64: string }, private readonly lineOffset: number) {}

  /** Cell position (0-based) of an executed position (0-based), or null if unknown. */
  lookup(line: number, column: number): { line: number; column: number } | null {
    this.map ??= new SourceMap(Buffer.from(this.raw.base64, "base64").toString("utf8"));
    const src = this.map.lookup(line, column);
    if (!src) return null;
    const l = src.line - this.lineOffset;
    return l < 0 ? null : { line: l, column: src.column };
  }
}
