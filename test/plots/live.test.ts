import { afterEach, describe, expect, test, vi } from "vitest";
import { LiveChart, liveDisplayAvailable, setDisplayHook, wasShownLive } from "../../src/plots/live.js";
import { lossCurves } from "../../src/plots/loss.js";
import { configurePlots } from "../../src/plots/bundle.js";
import type { MimeBundle } from "../../src/display/index.js";

type Call = { bundle: MimeBundle; displayId: string; update: boolean };

describe("LiveChart", () => {
  afterEach(() => {
    setDisplayHook(null);
    vi.useRealTimers();
  });

  test("without a kernel hook it displays nothing", async () => {
    expect(liveDisplayAvailable()).toBe(false);
    const c = new LiveChart();
    expect(c.active).toBe(false);
    c.progress({ name: "a", losses: [1, 0.5] });
    await c.finish(lossCurves([{ name: "a", losses: [1, 0.5] }]));
  });

  test("first progress displays, later ones update the same display at most every throttleMs, finish ends with the interactive chart", async () => {
    vi.useFakeTimers();
    configurePlots({ staticImage: false });
    const calls: Call[] = [];
    setDisplayHook((bundle, o) => void calls.push({ bundle, ...o }));
    expect(liveDisplayAvailable()).toBe(true);
    const run = { name: "adam", losses: [4, 2, 1] as number[], status: "running" };
    const c = new LiveChart({ title: "adam on f", throttleMs: 250, totalSteps: 100 });
    c.progress(run);
    run.losses.push(0.5);
    c.progress(run); // within 250 ms: skipped
    vi.advanceTimersByTime(300);
    run.losses.push(0.25);
    c.progress(run);
    expect(calls.map((k) => k.update)).toEqual([false, true]);
    expect(new Set(calls.map((k) => k.displayId)).size).toBe(1);
    const html = calls[1]!.bundle["text/html"] as string;
    expect(html).toContain("<svg");
    expect(html).toContain("adam: step 4/100, loss 0.25");
    expect(calls[1]!.bundle["application/vnd.plotly.v1+json"]).toBeUndefined();
    const result = { losses: run.losses };
    await c.finish(lossCurves([{ name: "adam", losses: run.losses }]), result);
    const last = calls.at(-1)!;
    expect(last.update).toBe(true);
    expect(last.bundle["text/html"]).toMatch(/class="optlab-chart"/);
    // JupyterLab does not redraw Plotly JSON on update: the offline HTML draws the final chart.
    expect(last.bundle["application/vnd.plotly.v1+json"]).toBeUndefined();
    expect(wasShownLive(result)).toBe(true);
  });

  test("a run too short to be shown live displays nothing at the end either", async () => {
    const calls: Call[] = [];
    setDisplayHook((bundle, o) => void calls.push({ bundle, ...o }));
    const c = new LiveChart();
    const result = {};
    await c.finish(lossCurves([{ name: "a", losses: [1, 0.5] }]), result);
    expect(calls).toHaveLength(0);
    expect(wasShownLive(result)).toBe(false);
  });

  test("a failing display turns live updates off without stopping the run", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    setDisplayHook(() => {
      throw new Error("iopub closed");
    });
    const c = new LiveChart({ throttleMs: 0 });
    c.progress({ name: "a", losses: [1] });
    c.progress({ name: "a", losses: [1, 0.5] });
    expect(c.active).toBe(false);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();
  });
});

test("inside a Jupyter kernel, live charts display through the kernel's hooks; not under optlab run", () => {
  const sent: { displayId?: string; update?: boolean }[] = [];
  const hooks = { version: 1, mode: "kernel" as string, displayBundle: (_b: unknown, o: { displayId?: string; update?: boolean }) => (sent.push(o), "id"), once: () => true, documentId: 1 };
  (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")] = hooks;
  try {
    expect(liveDisplayAvailable()).toBe(true);
    const c = new LiveChart({ throttleMs: 0 });
    c.progress({ name: "a", losses: [1, 0.5] });
    c.progress({ name: "a", losses: [1, 0.5, 0.25] });
    expect(sent.map((o) => o.update)).toEqual([false, true]);
    expect(sent[0]!.displayId).toBe(c.displayId);
    hooks.mode = "runner";
    expect(liveDisplayAvailable()).toBe(false);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")];
  }
});

test("a live chart fed a run with no losses yet says so (no step -1, no 'loss undefined')", () => {
  const calls: Call[] = [];
  setDisplayHook((bundle, o) => void calls.push({ bundle, displayId: o.displayId!, update: !!o.update }));
  try {
    const c = new LiveChart({ title: "t", throttleMs: 0 });
    c.progress({ name: "a", losses: [] });
    expect(calls[0]!.bundle["text/plain"]).toMatch(/^t: a: step 0, no loss yet \(\d+\.\d s\)$/);
  } finally {
    setDisplayHook(null);
  }
});
