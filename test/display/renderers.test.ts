/**
 * The display registry without the chart code: this file imports src/ only (never dsl/, which
 * registers optlab's chart renderers), so result objects show their own text and tables, and
 * renderers registered here enhance them. (With dsl/plot loaded: test/plots/result-displays.test.ts.)
 */
import { afterEach, describe, expect, test } from "vitest";
import { DISPLAY, format, formatSync, hasRenderer, registerRenderer, renderWith, type MimeBundle } from "../../src/display/index.js";
import { checkGradient } from "../../src/numeric/check-gradient.js";
import { GradcheckReport } from "../../src/numeric/gradcheck-report.js";
import { Comparison, adam, cosine, gd, runSync, theory } from "../../src/optim/index.js";
import { rosenbrock } from "../support/problems.js";

const own: MimeBundle = { "text/plain": "thing", "text/html": "<table></table>" };
const removers: (() => void)[] = [];
const register: typeof registerRenderer = (kind, fn) => {
  const off = registerRenderer(kind, fn);
  removers.push(off);
  return off;
};
afterEach(() => {
  while (removers.length) removers.pop()!();
});

describe("without dsl/plot: the engine's objects show text and tables only", () => {
  test("no renderer is registered for optlab's kinds", () => {
    for (const kind of ["run", "comparison", "schedule", "gradcheck", "theory"]) expect(hasRenderer(kind), kind).toBe(false);
  });

  test("Run, Comparison, schedule, gradcheck report and theory: their own bundles, synchronously", () => {
    const run = runSync(rosenbrock, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 20 });
    const c = new Comparison({ adam: run }, rosenbrock);
    const x = Float64Array.from([-1.2, 1]);
    const report = new GradcheckReport(checkGradient(rosenbrock, x, { method: "central", rtol: 1e-6, atol: "auto", h: 1e-5, directions: 0, seed: 1, refine: true, names: ["x", "y"] }), rosenbrock, x, ["x", "y"], undefined, 1);
    const cases: [object & { tableBundle?: () => MimeBundle }, string[]][] = [
      [run, ["text/html", "text/plain"]],
      [c, ["text/html", "text/plain"]],
      [cosine({ lr: 0.1, tMax: 10 }), ["text/plain"]],
      [report, ["text/html", "text/plain"]],
      [theory([[1, 0], [0, 100]]), ["text/html", "text/plain"]],
    ];
    for (const [obj, keys] of cases) {
      const b = formatSync(obj);
      expect(Object.keys(b).sort()).toEqual(keys);
      if (obj.tableBundle) expect(b).toEqual(obj.tableBundle());
    }
  });
});

describe("registerRenderer / renderWith", () => {
  test("a registered renderer enhances the object's own bundle; removing it restores the plain display", () => {
    const run = runSync(rosenbrock, gd({ lr: 1e-4 }), { from: [-1.2, 1], steps: 5 });
    const off = register("run", (r: { steps: number }, b) => ({ ...b, "text/html": `${b["text/html"]}<p>${r.steps} steps</p>`, "application/x-test": r.steps }));
    expect(hasRenderer("run")).toBe(true);
    const b = formatSync(run);
    expect(b["application/x-test"]).toBe(5);
    expect(b["text/html"]).toBe(`${run.tableBundle()["text/html"]}<p>5 steps</p>`);
    expect(b["text/plain"]).toBe(run.tableBundle()["text/plain"]);
    off();
    expect(hasRenderer("run")).toBe(false);
    expect(formatSync(run)).toEqual(run.tableBundle());
  });

  test("asynchronous renderers make the display asynchronous", async () => {
    register("schedule", async (_s, b) => ({ ...b, "image/png": "AAAA" }));
    const s = cosine({ lr: 0.1, tMax: 10 });
    expect(s[DISPLAY]()).toBeInstanceOf(Promise);
    expect(await format(s)).toEqual({ "text/plain": "cosine(lr=0.1, tMax=10, etaMin=0): 0.1 → 0 over 10 steps", "image/png": "AAAA" });
  });

  test("a renderer that throws, rejects or returns no bundle leaves the own bundle, saying why its chart is missing", async () => {
    register("a", () => {
      throw new Error("no plotly here\nsecond line");
    });
    expect(renderWith("a", {}, own)).toEqual({
      "text/plain": "thing\n(no a chart: no plotly here)",
      "text/html": '<table></table><div style="color:#888;font-size:90%">no a chart: no plotly here</div>',
    });
    register("b", async () => Promise.reject(new Error("<b>bad</b>")));
    expect(await renderWith("b", {}, own)).toEqual({
      "text/plain": "thing\n(no b chart: <b>bad</b>)",
      "text/html": '<table></table><div style="color:#888;font-size:90%">no b chart: &#60;b&#62;bad&#60;/b&#62;</div>',
    });
    register("c", () => null as never);
    expect((renderWith("c", {}, { "text/plain": "x" }) as MimeBundle)["text/plain"]).toBe("x\n(no c chart: the renderer returned null, not a MIME bundle)");
    expect(renderWith("unknown-kind", {}, own)).toBe(own);
  });

  test("a later registration replaces an earlier one, and the earlier remover does not remove it", () => {
    const off1 = register("d", (_v, b) => ({ ...b, n: 1 }));
    register("d", (_v, b) => ({ ...b, n: 2 }));
    off1();
    expect((renderWith("d", {}, own) as MimeBundle).n).toBe(2);
  });

  test("the table is shared through globalThis, so two copies of the module see the same renderers", () => {
    register("e", (_v, b) => ({ ...b, shared: true }));
    const table = (globalThis as Record<symbol, Map<string, unknown>>)[Symbol.for("optlab.display.renderers")]!;
    expect(table.has("e")).toBe(true);
  });
});
