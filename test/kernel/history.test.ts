import { describe, expect, test } from "vitest";
import { globToRegExp, History } from "../../kernel/history.js";

function filled(): History {
  const h = new History();
  ["1 + 1", "const a = 2;", "1 + 1", "a * 3", "console.log(a)"].forEach((code, i) => h.add(i + 1, code));
  h.setOutput(1, "2");
  h.setOutput(4, "6");
  return h;
}

describe("History", () => {
  test("tail returns the last n entries as [session, line, input]", () => {
    expect(filled().query({ hist_access_type: "tail", n: 2 })).toEqual([
      [1, 4, "a * 3"],
      [1, 5, "console.log(a)"],
    ]);
  });

  test("output=true pairs each input with its text/plain result (or null)", () => {
    expect(filled().query({ hist_access_type: "tail", n: 2, output: true })).toEqual([
      [1, 4, ["a * 3", "6"]],
      [1, 5, ["console.log(a)", null]],
    ]);
  });

  test("range takes start ≤ line < stop of this session (0 means the current one)", () => {
    const h = filled();
    expect(h.query({ hist_access_type: "range", session: 1, start: 2, stop: 4 }).map((e) => e[1])).toEqual([2, 3]);
    expect(h.query({ hist_access_type: "range", session: 0, start: 4 }).map((e) => e[1])).toEqual([4, 5]);
    expect(h.query({ hist_access_type: "range", session: 7, start: 1 })).toEqual([]);
  });

  test("search matches globs against the whole input; unique keeps the latest; n the last n", () => {
    const h = filled();
    expect(h.query({ hist_access_type: "search", pattern: "1*1" }).map((e) => e[1])).toEqual([1, 3]);
    expect(h.query({ hist_access_type: "search", pattern: "1*1", unique: true }).map((e) => e[1])).toEqual([3]);
    expect(h.query({ hist_access_type: "search", pattern: "*a*", n: 2 }).map((e) => e[1])).toEqual([4, 5]);
    expect(h.query({ hist_access_type: "search", pattern: "a" })).toEqual([]);
  });

  test("globToRegExp: * ? and classes, everything else literal", () => {
    expect(globToRegExp("a?c").test("abc")).toBe(true);
    expect(globToRegExp("a?c").test("abbc")).toBe(false);
    expect(globToRegExp("[ab]x*").test("bx(1+2)")).toBe(true);
    expect(globToRegExp("[^ab]x").test("ax")).toBe(false);
    expect(globToRegExp("f(x).y").test("f(x).y")).toBe(true);
    expect(globToRegExp("f(x).y").test("f(x)zy")).toBe(false);
  });
});
