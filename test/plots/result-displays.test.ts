/**
 * Charts as the default display of result objects: with dsl/ loaded (as `import "optlab"` does),
 * dsl/plot.ts registers the renderers of the display registry, and runs, comparisons, schedules,
 * gradient checks and theory results display their table followed by their chart. (Without the
 * chart code: test/display/renderers.test.ts.)
 */
import { expect, test } from "vitest";
import { adam, compare, gd, gradcheck, newton, objective, optimize, schedules, sgd, theory } from "../../dsl/index.js";
import { formatSync, hasRenderer, type MimeBundle } from "../../src/display/index.js";
import { configurePlots, gradcheckDisplay, runDisplay, scheduleDisplay } from "../../src/plots/index.js";
import { LiveChart, setDisplayHook } from "../../src/plots/live.js";
import { lossCurves } from "../../src/plots/loss.js";

configurePlots({ staticImage: false });
const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
const own: MimeBundle = { "text/plain": "Run gd", "text/html": "<table></table>" };
type Spec = { data: { type: string; name: string; xaxis?: string; yaxis?: string; showlegend?: boolean; legendgroup?: string }[]; layout: Record<string, any> };
const fig = (b: MimeBundle | Promise<MimeBundle>) => (b as MimeBundle)["application/vnd.plotly.v1+json"] as Spec;

test("importing optlab registers a renderer for every kind of result", () => {
  for (const kind of ["run", "comparison", "schedule", "gradcheck", "theory"]) expect(hasRenderer(kind), kind).toBe(true);
});

test("a run displays its table, then its loss curve with the gradient-norm panel", () => {
  const run = optimize(f, adam({ lr: 0.02 }), { from: [-1.2, 1], steps: 100 });
  const b = formatSync(run);
  const table = run.tableBundle();
  expect(b["text/plain"]).toBe(table["text/plain"]);
  expect((b["text/html"] as string).startsWith(`${table["text/html"]}<div class="optlab-chart"`)).toBe(true);
  const spec = fig(b);
  expect(spec.data.map((t) => [t.name, t.yaxis])).toEqual([["adam (lr=0.02)", "y"], ["adam (lr=0.02)", "y2"]]);
  expect(spec.layout.yaxis.type).toBe("log");
});

test("a comparison of a 2-variable objective: trajectories over contours on the left, loss curves on the right, one legend entry per run", () => {
  const c = compare(f, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }), newton: newton() }, { from: [-1.2, 1], steps: 200 });
  expect(c.objective).toBe(f);
  const spec = fig(formatSync(c));
  const contour = spec.data.find((t) => t.type === "contour")!;
  expect(contour.xaxis).toBe("x");
  const names = ["gd (lr=0.001)", "adam (lr=0.02)", "newton (lr=1)"];
  const paths = spec.data.filter((t) => t.xaxis === "x" && names.includes(t.name));
  const losses = spec.data.filter((t) => t.xaxis !== "x" && t.yaxis === "y2" && names.includes(t.name));
  expect(paths.map((t) => t.name)).toEqual(names);
  expect(losses.map((t) => t.name)).toEqual(names);
  // the loss panels' axes moved to the right column, after the contour's
  expect(spec.layout.xaxis.domain[1]).toBeLessThan(0.4);
  expect(spec.layout.xaxis2.domain[0]).toBeGreaterThan(0.5);
  expect(spec.layout.yaxis2.anchor).toBe("x2");
  // every run once in the legend (the path's entry; its loss curve is in the same legend group)
  const shown = spec.data.filter((t) => t.showlegend !== false && names.includes(t.name)).map((t) => t.name);
  expect(shown).toEqual(names);
  expect(losses.every((t) => t.legendgroup === t.name && t.showlegend === false)).toBe(true);
  expect(formatSync(c)["text/plain"]).toBe(c.tableBundle()["text/plain"]);
});

test("a comparison with more than two variables, or of a large data-backed objective, shows the loss curves only", () => {
  const g = objective("x^2 + 2*y^2 + 3*z^2");
  const spec = fig(formatSync(compare(g, { gd: gd({ lr: 0.1 }), sgd: sgd({ lr: 0.1, momentum: 0.5 }) }, { from: [1, 1, 1], steps: 30 })));
  expect(spec.data.some((t) => t.type === "contour")).toBe(false);
  expect(spec.layout.title.text).toBe("Loss");
  const xs = Array.from({ length: 5000 }, (_, i) => i / 5000);
  const fit = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs, y: xs.map((x) => 2 * x + 1) } });
  const big = fig(formatSync(compare(fit, { gd: gd({ lr: 0.1 }) }, { from: [0, 0], steps: 5 })));
  expect(big.data.some((t) => t.type === "contour")).toBe(false); // 5000 rows × a 30×30 grid would pass the budget
  expect(JSON.stringify(big.layout.annotations)).toMatch(/no contours: 5000 data rows are too many/);
  const small = objective("(w*x + b - y)^2", { params: ["w", "b"], data: { x: xs.slice(0, 100), y: xs.slice(0, 100) } });
  expect(fig(formatSync(compare(small, { gd: gd({ lr: 0.1 }) }, { from: [0, 0], steps: 5 }))).data.some((t) => t.type === "contour")).toBe(true);
});

test("a comparison of a slow hand-written model skips the contours and says why (a grid would cost seconds)", () => {
  let calls = 0;
  const slow = {
    f: (p: number[]) => { calls++; const t = performance.now(); while (performance.now() - t < 1) { /* a costly model */ } return p[0]! ** 2 + p[1]! ** 2; },
    grad: (p: number[]) => [2 * p[0]!, 2 * p[1]!],
  };
  const c = compare(slow, { gd: gd({ lr: 0.1 }) }, { from: [1, 1], steps: 3 });
  calls = 0;
  const spec = fig(formatSync(c));
  expect(spec.data.some((t) => t.type === "contour")).toBe(false);
  expect(JSON.stringify(spec.layout.annotations)).toMatch(/no contours: f takes [\d.]+ ms per evaluation, too slow for a grid here/);
  expect(calls).toBeLessThanOrEqual(6);
  // a fast one of the same shape draws them
  const fast = compare({ f: (p: number[]) => p[0]! ** 2 + p[1]! ** 2, grad: (p: number[]) => [2 * p[0]!, 2 * p[1]!] }, { gd: gd({ lr: 0.1 }) }, { from: [1, 1], steps: 3 });
  expect(fig(formatSync(fast)).data.some((t) => t.type === "contour")).toBe(true);
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
  expect(formatSync(run)).toEqual(run.tableBundle());
});

test("a schedule displays its line of text and its lr chart (log axis for a decay over decades, momentum panel when it cycles one)", () => {
  const cos = schedules.cosine({ lr: 0.1, tMax: 50 });
  const b = formatSync(cos);
  expect(b["text/plain"]).toBe("cosine(lr=0.1, tMax=50, etaMin=0): 0.1 → 0 over 50 steps");
  expect(fig(b).data).toHaveLength(1);
  expect(fig(b).layout.yaxis.type).toBe("linear");
  expect(fig(formatSync(schedules.exponential({ lr: 1, gamma: 0.5 }))).layout.yaxis.type).toBe("log");
  const oc = schedules.oneCycle({ maxLr: 0.1, totalSteps: 100 });
  expect(fig(scheduleDisplay(oc, { "text/plain": String(oc) })).data).toHaveLength(2);
});

test("a gradient check shows its V curve only when it did not pass", () => {
  const pass = gradcheck(f, { at: [-1.2, 1] });
  expect(formatSync(pass)).toEqual(pass.tableBundle());
  expect(gradcheckDisplay(pass, own)).toBe(own);
  const bad = gradcheck({ f: (p: number[]) => p[0]! ** 3, grad: (p: number[]) => [2 * p[0]! ** 2] }, { at: [1.5] });
  expect(bad.verdict).toBe("fail");
  const b = formatSync(bad);
  expect(fig(b).data.map((t) => t.name).slice(0, 2)).toEqual(["x[0] (forward)", "x[0] (central)"]);
  expect((b["text/html"] as string).startsWith(bad.tableBundle()["text/html"] as string)).toBe(true);
});

test("a theory result shows the eigenvalue spectrum with its classification", () => {
  const t = theory(f, { at: [1, 1] });
  const spec = fig(formatSync(t));
  // eigenvalues as markers (a stem plot), never bars
  expect(spec.data.some((t) => t.type === "bar")).toBe(false);
  expect((spec.data.find((t) => t.name === "eigenvalues") as { mode?: string }).mode).toMatch(/markers/);
  expect(JSON.stringify(spec.layout)).toMatch(/minimum/);
});
