import { beforeAll, describe, expect, test } from "vitest";
import { isComplete } from "../../kernel/is-complete.js";
import { packageRoot } from "../../kernel/package-root.js";
import { loadTsHost, type TsModule } from "../../kernel/ts-host.js";

let ts: TsModule;
beforeAll(() => {
  ts = loadTsHost(packageRoot()).ts;
});

describe("isComplete", () => {
  test.each(["1 + 1", "const x = 1;", "function f(a: number) {\n  return a;\n}", "", "// just a comment", "<T>(x: T) => x"])("complete: %j", (code) => {
    expect(isComplete(ts, code)).toEqual({ status: "complete" });
  });

  test.each([
    ["function f() {", "  "],
    ["const xs = [1, 2,", ""],
    ["if (ok) {\n  call(", "    "],
    ["const s = `open template", ""],
    ["/* open comment", ""],
    ["1 +", ""],
  ])("incomplete: %j (indent %j)", (code, indent) => {
    expect(isComplete(ts, code)).toEqual({ status: "incomplete", indent });
  });

  test.each(["1 +* 2)", "let = ;", "}", "const 1x = 2;", 'const s = "unterminated'])("invalid: %j", (code) => {
    expect(isComplete(ts, code)).toEqual({ status: "invalid" });
  });

  test("a blank line at the end runs incomplete code anyway (the user insists), not invalid code", () => {
    expect(isComplete(ts, "function f() {\n\n")).toEqual({ status: "complete" });
    expect(isComplete(ts, "1 +* 2)\n\n")).toEqual({ status: "invalid" });
  });
});
