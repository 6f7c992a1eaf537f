import { describe, expect, test } from "vitest";
import { CellContext } from "../../kernel/cell-context.js";
import { bundleOf, createDisplay, sendBundle } from "../../kernel/display.js";
import { DISPLAY } from "../../src/display/index.js";

function recorder(o: { silent?: boolean } = {}) {
  const sent: [string, Record<string, unknown>][] = [];
  const ctx = new CellContext(null, (t, c) => sent.push([t, c]), o);
  return { ctx, sent };
}

describe("CellContext", () => {
  test("stream text is coalesced, keeps stdout/stderr order, and goes out before other outputs", () => {
    const { ctx, sent } = recorder();
    ctx.write("stdout", "a");
    ctx.write("stdout", "b");
    ctx.write("stderr", "!");
    ctx.write("stdout", "c");
    expect(sent).toEqual([]);
    ctx.publish("display_data", { data: { "text/plain": "d" } });
    expect(sent).toEqual([
      ["stream", { name: "stdout", text: "ab" }],
      ["stream", { name: "stderr", text: "!" }],
      ["stream", { name: "stdout", text: "c" }],
      ["display_data", { data: { "text/plain": "d" } }],
    ]);
  });

  test("buffered text goes out within 50 ms even if nothing else happens", async () => {
    const { ctx, sent } = recorder();
    ctx.write("stdout", "x");
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual([["stream", { name: "stdout", text: "x" }]]);
  });

  test("silent contexts send no output", () => {
    const { ctx, sent } = recorder({ silent: true });
    ctx.write("stdout", "x");
    ctx.publish("display_data", {});
    ctx.flush();
    expect(sent).toEqual([]);
  });

  test("interrupt aborts the signal and rejects abort", async () => {
    const { ctx } = recorder();
    ctx.interrupt();
    expect(ctx.controller.signal.aborted).toBe(true);
    await expect(ctx.abort).rejects.toThrow(/interrupted/);
  });
});

describe("display", () => {
  test("bundles: the display protocol, sync or async, else util.inspect", async () => {
    expect(bundleOf({ a: 1 })).toEqual({ "text/plain": "{ a: 1 }" });
    expect(bundleOf({ [DISPLAY]: () => ({ "text/plain": "mine", "text/html": "<i>m</i>" }) })).toEqual({ "text/plain": "mine", "text/html": "<i>m</i>" });
    await expect(bundleOf({ [DISPLAY]: async () => ({ "text/html": "<i>late</i>" }) })).resolves.toMatchObject({ "text/html": "<i>late</i>", "text/plain": "[object Object]" });
  });

  test("display helpers send their MIME types; ids and updates go in transient", () => {
    const { ctx, sent } = recorder();
    const display = createDisplay(() => ctx, () => {});
    display.html("<b>x</b>");
    display.png(new Uint8Array([1, 2, 3]));
    const id = display.text("first", { displayId: true });
    display.text("second", { displayId: id!, update: true });
    display.clear({ wait: true });
    expect(sent.map(([t]) => t)).toEqual(["display_data", "display_data", "display_data", "update_display_data", "clear_output"]);
    expect(sent[0]![1]).toMatchObject({ data: { "text/html": "<b>x</b>" }, transient: {} });
    expect((sent[1]![1].data as Record<string, unknown>)["image/png"]).toBe("AQID");
    expect(sent[2]![1].transient).toEqual({ display_id: id });
    expect(sent[3]![1]).toMatchObject({ data: { "text/plain": "second" }, transient: { display_id: id } });
    expect(sent[4]![1]).toEqual({ wait: true });
    expect(() => display.text("x", { update: true })).toThrow(/displayId/);
  });

  test("a synchronous display waits behind an earlier asynchronous one", async () => {
    const { ctx, sent } = recorder();
    sendBundle(ctx, new Promise((r) => setTimeout(() => r({ "text/plain": "slow" }), 20)), {});
    sendBundle(ctx, { "text/plain": "fast" }, {});
    await ctx.settle();
    expect(sent.map(([, c]) => (c.data as Record<string, string>)["text/plain"])).toEqual(["slow", "fast"]);
  });

  test("stream text written after an asynchronous display goes out after it, in order with later displays", async () => {
    // display(chart); console.log("between"); display(run); console.log("end") — a chart's bundle is async
    const { ctx, sent } = recorder();
    ctx.write("stdout", "before\n");
    sendBundle(ctx, new Promise((r) => setTimeout(() => r({ "text/plain": "chart" }), 80)), {});
    ctx.write("stdout", "between\n");
    ctx.write("stderr", "warn\n");
    sendBundle(ctx, new Promise((r) => setTimeout(() => r({ "text/plain": "run" }), 10)), {});
    ctx.write("stdout", "end\n");
    await ctx.settle();
    const shown = sent.map(([t, c]) => (t === "stream" ? `${c.name}:${c.text as string}` : (c.data as Record<string, string>)["text/plain"]));
    expect(shown).toEqual(["stdout:before\n", "chart", "stdout:between\n", "stderr:warn\n", "run", "stdout:end\n"]);
  });

  test("a display that fails says so before settle resolves", async () => {
    const { ctx, sent } = recorder();
    sendBundle(ctx, Promise.reject(new Error("no bundle")), {});
    ctx.write("stdout", "after\n");
    await ctx.settle();
    expect(sent).toEqual([["stream", { name: "stderr", text: "display failed: no bundle\n" }], ["stream", { name: "stdout", text: "after\n" }]]);
  });
});

describe("a closed context (an interrupted cell that was answered)", () => {
  test("drops what its leftover work writes or displays, and counts it", () => {
    const { ctx, sent } = recorder();
    ctx.write("stdout", "before\n");
    ctx.close();
    ctx.write("stdout", "after\n");
    ctx.publish("display_data", { data: { "text/plain": "late" } });
    expect(sent).toEqual([["stream", { name: "stdout", text: "before\n" }]]);
    expect(ctx.dropped).toBe(2);
  });
});
