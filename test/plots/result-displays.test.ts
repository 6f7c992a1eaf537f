import { expect, test } from "vitest";
import { compare, gd, adam, gradcheck, objective, schedules } from "../../dsl/index.js";
import { configurePlots, gradcheckDisplay, runDisplay, scheduleDisplay } from "../../src/plots/index.js";
import { LiveChart, setDisplayHook } from "../../src/plots/live.js";
import { lossCurves } from "../../src/plots/loss.js";
import type { MimeBundle } from "../../src/display/index.js";

const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
const own: MimeBundle = { "text/plain": "Run gd", "text/html": "<table></table>" };
const fig = (b: MimeBundle | Promise<MimeBundle>) => (b as MimeBundle)["application/vnd.plotly.v1+json"] as { data: { name: string; yaxis?: string }[] };

test("runDisplay adds the loss chart to a run's or a comparison's own bundle, synchronously while static images are off", () => {
  configurePlots({ staticImage: false });
  const c = compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }) }, { from: [-1.2, 1], steps: 50 });
  const b = runDisplay(c, own) as MimeBundle;
  expect(b["text/plain"]).toBe("Run gd");
  expect((b["text/html"] as string).startsWith("<table></table><div class=\"optlab-chart\"")).toBe(true);
  expect(fig(b).data.filter((t) => t.yaxis === "y").map((t) => t.name)).toEqual(["gd (lr=0.001)", "adam (lr=0.02)"]);
  expect(fig(runDisplay(c.runs.gd!, own)).data).toHaveLength(2); // loss and gradient norm
});

test("a run that a live chart already ended with displays without a second chart", async () => {
  const c = compare(f, { gd: gd({ lr: 1e-3 }) }, { from: [-1.2, 1], steps: 20 });
  const run = c.runs.gd!;
  setDisplayHook(() => undefined);
  try {
    const live = new LiveChart({ throttleMs: 0 });
    live.progress(run);
    await live.finish(lossCurves([run]), run);
  } finally {
    setDisplayHook(null);
  }
  expect(runDisplay(run, own)).toBe(own);
});

test("scheduleDisplay charts a schedule and its cycled momentum", () => {
  const oc = schedules.oneCycle({ maxLr: 0.1, totalSteps: 100 });
  const b = scheduleDisplay(oc, { "text/plain": String(oc) }) as MimeBundle;
  expect(fig(b).data).toHaveLength(2);
  expect(b["text/plain"]).toBe(String(oc));
});

test("gradcheckDisplay adds the V curve only to a report that did not pass", () => {
  const pass = gradcheck(f, { at: [-1.2, 1] });
  expect(gradcheckDisplay(pass, own)).toBe(own);
  const bad = gradcheck({ f: (p: number[]) => p[0]! ** 3, grad: (p: number[]) => [2 * p[0]! ** 2] }, { at: [1.5] });
  expect(bad.verdict).toBe("fail");
  const b = gradcheckDisplay(bad, own) as MimeBundle;
  expect(fig(b).data.map((t) => t.name).slice(0, 2)).toEqual(["x[0] (forward)", "x[0] (central)"]);
});
