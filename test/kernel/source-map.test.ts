import { describe, expect, test } from "vitest";
import { decodeMappings, SourceMap } from "../../kernel/source-map.js";

describe("source maps", () => {
  test("decodes VLQ mappings (the spec's example segments)", () => {
    // "AAAA" = [0,0,0,0]; ";" = next line; "AACA" = genCol 0, src line +1; "IAAI" = genCol +4, srcCol +4.
    expect(decodeMappings("AAAA;AACA,IAAI")).toEqual([
      [[0, 0, 0]],
      [
        [0, 1, 0],
        [4, 1, 4],
      ],
    ]);
    // Negative deltas: "D" = -1.
    expect(decodeMappings("AAAA,EAAE,CAAD")[0]).toEqual([
      [0, 0, 0],
      [2, 0, 2],
      [3, 0, 1],
    ]);
  });

  test("lookup finds the segment at or before a column", () => {
    const m = new SourceMap(JSON.stringify({ version: 3, mappings: "AAAA,IAAI;AACA" }));
    expect(m.lookup(0, 0)).toEqual({ line: 0, column: 0 });
    expect(m.lookup(0, 6)).toEqual({ line: 0, column: 4 });
    // The source column carries over from the line before (only the generated column resets).
    expect(m.lookup(1, 3)).toEqual({ line: 1, column: 4 });
    expect(m.lookup(5, 0)).toBeNull();
  });
});
