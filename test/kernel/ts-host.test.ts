/**
 * The compiler layer under tslab's converter (kernel/ts-host.ts): a rebuild per cell without
 * file-system watchers or timers of TypeScript's own (those made tslab fail with "Unexpected
 * pending rebuildTimer" when a watched directory changed between cells), and local modules that
 * are compiled again when their file changes.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadTsHost, programCount, rootParseCount } from "../../kernel/ts-host.js";

const root = join(import.meta.dirname, "../..");
const dir = join(root, "test/artifacts/ts-host-modules");
const rel = "./test/artifacts/ts-host-modules";

describe("the compiler under tslab's converter", () => {
  const host = loadTsHost(root);
  const c = host.createConverter();
  afterAll(() => {
    c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a never-seen cell is checked and compiled; a type error is reported at the cell's line", () => {
    const ok = c.convert("", "const a: number = 2;\na * 21");
    expect(ok.diagnostics).toEqual([]);
    expect(ok.output).toContain("exports.a = a");
    expect(ok.declOutput).toContain("declare const a: number;");
    expect(ok.lastExpressionVar).toBeDefined();
    const bad = c.convert(ok.declOutput!, "const s: string = a;");
    expect(bad.diagnostics.map((d) => [d.code, d.start.line])).toEqual([[2322, 0]]);
  });

  test("one program per cell, also for a cell that declares names (tslab reads its names from a parse of the cell)", () => {
    let before = programCount();
    const d = c.convert("", "const one = 1;\nfunction two() { return 2; }\none + two()");
    expect(d.diagnostics).toEqual([]);
    expect(d.output).toContain("exports.one = one");
    expect(programCount() - before).toBe(1);
    before = programCount();
    const e = c.convert(d.declOutput!, "one + 1");
    expect(e.diagnostics).toEqual([]);
    expect(programCount() - before).toBe(1);
    // the declarations file tslab edited while printing what remains is parsed again, not reused
    const shadow = c.convert(d.declOutput!, "const one = 5;");
    expect(shadow.declOutput).toContain("declare const one = 5;");
    const kept = c.convert(d.declOutput!, "const three = 3;");
    expect(kept.declOutput).toContain("declare const one = 1;");
    expect(kept.declOutput).toContain("two(): number");
    expect(kept.declOutput).toContain("declare const three = 3;");
  });

  test("cells that leave the declarations unchanged do not parse them again; a cell that shadows a name drops it from them", () => {
    const d = c.convert("", "const x = 2;\nimport { basename, dirname } from \"node:path\";\nfunction g(s: string) { return basename(dirname(s)); }");
    expect(d.diagnostics).toEqual([]);
    const before = rootParseCount();
    for (let i = 0; i < 5; i++) {
      const r = c.convert(d.declOutput!, `x * ${i} + g("/a/b").length`);
      expect(r.diagnostics).toEqual([]);
      expect(r.declOutput).toBe(d.declOutput);
    }
    // one parse of the declarations (their text is new to this converter), one of each cell
    expect(rootParseCount() - before).toBe(6);
    // tslab drops `x` and `basename` from the parse while printing what remains; the next cell with
    // the old declarations still sees them, with their types
    const shadow = c.convert(d.declOutput!, "const x = 'now a string';\nconst basename = 1;");
    expect(shadow.declOutput).toContain("declare const x = \"now a string\";");
    expect(shadow.declOutput).toContain("import { dirname }");
    const again = c.convert(d.declOutput!, "const n: number = x + basename(dirname('/p/q')).length;");
    expect(again.diagnostics).toEqual([]);
    expect(again.declOutput).toContain("import { basename, dirname }");
    expect(again.declOutput).toContain("declare const x = 2;");
    expect(c.convert(d.declOutput!, "const s: string = x;").diagnostics.map((e) => e.code)).toEqual([2322]);
  });

  test("names that start with two underscores are declared and kept like any other", () => {
    const r = c.convert("", "const __hidden = 2;\n__hidden * 2");
    expect(r.diagnostics).toEqual([]);
    expect(r.output).toContain("exports.__hidden = __hidden");
    expect(r.declOutput).toContain("declare const __hidden = 2;");
    expect(c.convert(r.declOutput!, "const ___three: number = __hidden;").diagnostics).toEqual([]);
  });

  test("a changed directory between cells does not disturb the compiler (no watchers)", () => {
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 5; i++) {
      writeFileSync(join(dir, `noise-${i}.ts`), `export const n = ${i};\n`);
      expect(c.convert("", `${i} + 1`).diagnostics).toEqual([]);
    }
    const kinds = process.getActiveResourcesInfo();
    expect(kinds.filter((k) => k === "FSEventWrap" || k === "StatWatcher")).toEqual([]);
  });

  test("a local module is compiled again after its file changes", () => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "mod.ts");
    const cell = `import { v } from "${rel}/mod";\nv`;
    writeFileSync(file, "export const v: number = 1;\n");
    const first = c.convert("", cell);
    expect(first.diagnostics).toEqual([]);
    const out1 = first.sideOutputs?.find((o) => o.path.endsWith("mod.js"));
    expect(out1?.data).toContain("v = 1");
    // The same module unchanged is not compiled again.
    const again = c.convert("", cell + ";");
    expect(again.sideOutputs ?? []).toEqual([]);
    writeFileSync(file, "export const v: string = 'two';\n");
    const second = c.convert("", cell);
    expect(second.diagnostics).toEqual([]);
    expect(second.sideOutputs?.find((o) => o.path.endsWith("mod.js"))?.data).toContain("'two'");
    // Its new type reaches the cell's check.
    const typed = c.convert("", `import { v } from "${rel}/mod";\nconst k: number = v;`);
    expect(typed.diagnostics.map((d) => d.code)).toEqual([2322]);
  });
});
