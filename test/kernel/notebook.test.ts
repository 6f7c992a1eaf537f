import { describe, expect, test } from "vitest";
import { OutputCollector, splitLines, storedData, type DisplayOutput, type ResultOutput } from "../../kernel/notebook.js";

describe("notebook outputs", () => {
  test("text is stored as lines that keep their newline", () => {
    expect(splitLines("a\nb\n")).toEqual(["a\n", "b\n"]);
    expect(splitLines("a\nb")).toEqual(["a\n", "b"]);
    expect(splitLines("")).toEqual([]);
    expect(storedData({ "text/plain": "x\ny", "application/json": { a: 1 }, "image/png": "AAA" })).toEqual({ "text/plain": ["x\n", "y"], "application/json": { a: 1 }, "image/png": "AAA" });
  });

  test("consecutive streams merge; clear_output with wait clears at the next output", () => {
    const c = new OutputCollector(new Map());
    c.add("stream", { name: "stdout", text: "a" });
    c.add("stream", { name: "stdout", text: "b\n" });
    c.add("stream", { name: "stderr", text: "e" });
    expect(c.stored()).toEqual([
      { output_type: "stream", name: "stdout", text: ["ab\n"] },
      { output_type: "stream", name: "stderr", text: ["e"] },
    ]);
    c.add("clear_output", { wait: true });
    expect(c.outputs.length).toBe(2);
    c.add("execute_result", { execution_count: 3, data: { "text/plain": "1" }, metadata: {} });
    expect(c.stored()).toEqual([{ output_type: "execute_result", execution_count: 3, data: { "text/plain": ["1"] }, metadata: {} }]);
    c.add("clear_output", { wait: false });
    expect(c.outputs).toEqual([]);
  });

  test("update_display_data rewrites every output with that id, in earlier cells too", () => {
    const displays = new Map<string, (DisplayOutput | ResultOutput)[]>();
    const first = new OutputCollector(displays);
    first.add("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } });
    const second = new OutputCollector(displays);
    second.add("display_data", { data: { "text/plain": "0%" }, metadata: {}, transient: { display_id: "p" } });
    second.add("update_display_data", { data: { "text/plain": "100%" }, metadata: { done: true }, transient: { display_id: "p" } });
    for (const c of [first, second]) expect(c.stored()).toEqual([{ output_type: "display_data", data: { "text/plain": ["100%"] }, metadata: { done: true } }]);
  });

  test("errors keep ename, evalue and traceback", () => {
    const c = new OutputCollector(new Map());
    c.add("error", { ename: "TSError", evalue: "bad", traceback: ["TSError: bad"] });
    expect(c.stored()).toEqual([{ output_type: "error", ename: "TSError", evalue: "bad", traceback: ["TSError: bad"] }]);
  });
});
