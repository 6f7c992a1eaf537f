/** Arrays of plain records display as HTML tables too (the gallery's measured-against-predicted tables). */
import { describe, expect, test } from "vitest";
import { format, formatSync, plainText, recordColumns, recordsTable, RECORDS_TABLE_LIMITS } from "../../src/display/index.js";

describe("recordsTable", () => {
  test("one row per record, columns in order of first appearance, numbers with every digit, right-aligned", () => {
    const rows = [{ name: "GD", rate: 0.9047619047619048 }, { name: "heavy <ball>", rate: 0.6667, steps: 300 }, { name: "x", betas: [0.9, 0.999], ok: true, none: null }];
    expect(recordColumns(rows)).toEqual(["name", "rate", "steps", "betas", "ok", "none"]);
    const html = recordsTable(rows)!;
    expect(html.startsWith('<table class="optlab-records"><thead><tr><th>name</th><th>rate</th><th>steps</th><th>betas</th><th>ok</th><th>none</th></tr></thead><tbody>')).toBe(true);
    const bodyRows = html.match(/<tr>.*?<\/tr>/g)!.slice(1);
    expect(bodyRows).toHaveLength(3);
    expect(bodyRows[0]).toBe('<tr><td>GD</td><td style="text-align:right">0.9047619047619048</td><td></td><td></td><td></td><td></td></tr>');
    expect(bodyRows[1]).toContain("<td>heavy &lt;ball&gt;</td>");
    expect(bodyRows[2]).toContain("<td>[0.9, 0.999]</td><td>true</td><td>null</td>");
  });

  test("anything else is not a table: empty or long arrays, class instances, nested objects, functions, too many columns", () => {
    class Point { x = 1; }
    const wide = Object.fromEntries(Array.from({ length: RECORDS_TABLE_LIMITS.columns + 1 }, (_, i) => [`c${i}`, i]));
    for (const v of [[], [1, 2], [{ a: 1 }, 2], [new Point()], [{ a: { b: 1 } }], [{ f: () => 1 }], [{ a: [1, 2, 3, 4, 5, 6, 7, 8, 9] }], [wide], { a: 1 }, "text",
      Array.from({ length: RECORDS_TABLE_LIMITS.rows + 1 }, (_, i) => ({ i }))]) {
      expect(recordsTable(v), JSON.stringify(v)?.slice(0, 60)).toBeUndefined();
    }
    expect(recordsTable([Object.assign(Object.create(null), { a: 1 })])).toContain("<td");
  });

  test("format and formatSync add the table next to the util.inspect text; other values keep text alone", async () => {
    const rows = [{ k: 1, e: 2.5e-9 }];
    expect(await format(rows)).toEqual({ "text/plain": plainText(rows), "text/html": recordsTable(rows) });
    expect(formatSync(rows)).toEqual({ "text/plain": plainText(rows), "text/html": recordsTable(rows) });
    expect(await format({ a: 1 })).toEqual({ "text/plain": "{ a: 1 }" });
    expect(formatSync([1, 2])).toEqual({ "text/plain": "[ 1, 2 ]" });
  });
});
