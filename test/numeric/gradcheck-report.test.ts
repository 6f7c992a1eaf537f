import { describe, expect, test } from "vitest";
import { DISPLAY, formatSync } from "../../src/display/index.js";
import type { Problem } from "../../src/problem/index.js";
import { checkGradient } from "../../src/numeric/check-gradient.js";
import { checkHessian } from "../../src/numeric/check-hessian.js";
import { GradcheckReport } from "../../src/numeric/gradcheck-report.js";
import { STEP } from "../../src/numeric/step-size.js";
import { extendedRosenbrock, mixed, problemOf, withBug, type TestFn } from "./corpus.js";

function report(fn: TestFn | Problem, at: number[], o: { hessian?: boolean; names?: string[] } = {}): GradcheckReport {
  const p = "valueAt" in fn ? fn : problemOf(fn);
  const x = Float64Array.from(at);
  const names = o.names ?? p.names;
  const r = checkGradient(p, x, { method: "central", rtol: 1e-6, atol: "auto", h: STEP.central, directions: 0, seed: 1, refine: true, names });
  const h = o.hessian ? checkHessian(p, x, { rtol: 1e-6, atol: "auto", h: STEP.central, refine: true, names }) : undefined;
  return new GradcheckReport(r, p, x, names, h, 1.25);
}

const at = [0.3, -1.1, 2.5];

describe("GradcheckReport display", () => {
  test("a passing report: text/plain and an HTML table, with the verdict line", () => {
    const b = formatSync(report(mixed, at));
    expect(Object.keys(b).sort()).toEqual(["text/html", "text/plain"]);
    const text = b["text/plain"];
    // the verdict once, with the message; the settings on the next line without a second verdict
    expect(text.split("\n")[0]).toMatch(/^gradcheck PASS: 3 coordinates agree \(central differences, max relative error .* ≤ rtol 1e-6\)$/);
    expect(text.split("\n")[1]).toBe("  central, rtol 1e-6, atol auto, 3 coordinates, 7 evaluations of f, 1.3 ms");
    expect(text.match(/pass/gi)!.length).toBe(1);
    expect(text).toMatch(/^#\s+name\s+analytic\s+numeric\s+rel error\s+ok\s+note$/m);
    expect(text).toMatch(/^1\s+y\s+-?\d\.\d+/m);
    const html = b["text/html"] as string;
    expect(html).toMatch(/^<div class="optlab-gradcheck">/);
    expect(html).toContain("✓ gradcheck PASS: 3 coordinates agree");
    expect(html.match(/pass/gi)!.length).toBe(1);
    expect(html.match(/<tr/g)!.length).toBe(4); // header + 3 rows
    expect(html).not.toContain("#ffebe9");
  });

  test("failing rows are highlighted and the verdict is red", () => {
    const bug = withBug(mixed, "sign", (g) => [g[0]!, -g[1]!, g[2]!]);
    const html = formatSync(report(bug, at))["text/html"] as string;
    expect(html).toContain('color:#cf222e">✗ gradcheck FAIL: relative error');
    // one verdict: not a headline, a FAIL line and the message again
    expect(html.match(/fail/gi)!.length).toBe(1);
    const text = formatSync(report(bug, at))["text/plain"];
    expect(text.match(/fail/gi)!.length).toBe(1);
    const rows = html.split("<tr").slice(2);
    expect(rows[1]).toContain('style="background:#ffebe9"');
    expect(rows[0]).not.toContain("background");
    expect(rows[1]).toContain("sign flipped?");
  });

  test("kink rows are marked and highlighted in yellow", () => {
    const p: Problem = { n: 1, names: ["x"], valueAt: (x) => Math.abs(x[0]!), valueAndGradInto: (x, g) => ((g[0] = Math.sign(x[0]!)), 0) };
    const b = formatSync(report(p, [0]));
    expect(b["text/html"]).toContain("⚠ gradcheck KINK: 1 coordinate: no bug found");
    expect(b["text/html"]).toContain("background:#fff8c5");
    expect(b["text/plain"]).toMatch(/kink: left -1.000, right 1.000/);
  });

  test("names are escaped in HTML", () => {
    const html = formatSync(report(mixed, at, { names: ["<b>", "y", "z"] }))["text/html"] as string;
    expect(html).toContain("&lt;b&gt;");
    expect(html).not.toContain("<b>");
  });

  test("large reports show the failing rows first and say how many are hidden", () => {
    const n = 100;
    const bug = withBug(extendedRosenbrock(n), "one", (g) => ((g[77] = 2 * g[77]!), g));
    const r = report(bug, Array.from({ length: n }, (_, i) => Math.cos(i)));
    const b = formatSync(r);
    expect(b["text/plain"]).toMatch(/^77\s+x\[77\]/m);
    expect(b["text/plain"]).toContain("… 60 more rows, all passing");
    expect(b["text/html"]).toContain("… 60 more rows, all passing");
  });

  test("with the Hessian check the display adds its table", () => {
    const b = formatSync(report(mixed, at, { hessian: true }));
    expect(b["text/html"]).toContain("✓ Hessian check: pass");
    expect(b["text/plain"]).toMatch(/^Hessian: pass — max relative error .* over 6 entries$/m);
  });

  test("the display method is the DISPLAY symbol and toString is the plain text", () => {
    const r = report(mixed, at);
    expect(typeof r[DISPLAY]).toBe("function");
    expect(String(r)).toBe(formatSync(r)["text/plain"]);
  });
});

describe("GradcheckReport fields", () => {
  test("a failing Hessian makes the whole report fail", () => {
    const fn: TestFn = { ...mixed, hess: (x) => mixed.hess!(x).map((row) => row.map((v) => 2 * v)) };
    const r = report(fn, at, { hessian: true });
    expect(r.ok).toBe(false);
    expect(r.verdict).toBe("fail");
    expect(r.hessian!.ok).toBe(false);
    expect(r.message).toMatch(/^gradcheck: pass .*\. hessian: \d of 6 entries fail/);
  });

  test("when the gradient fails too, the message says to fix the gradient first; the HTML shows each message once", () => {
    const bug = withBug(mixed, "sign", (g) => [g[0]!, -g[1]!, g[2]!]);
    const r = report(bug, at, { hessian: true });
    expect(r.hessian!.ok).toBe(false);
    expect(r.message).toMatch(/fix the gradient first\)$/);
    expect(r.gradientMessage).toMatch(/^gradcheck: relative error .* at y/);
    const html = formatSync(r)["text/html"] as string;
    expect(html.split("hessian: ").length).toBe(2);
  });

  test("vcurve() defaults to the failing coordinates against the analytic gradient", () => {
    const bug = withBug(mixed, "z", (g) => [g[0]!, g[1]!, 2 * g[2]!]);
    const v = report(bug, at).vcurve();
    expect(v.series.map((s) => [s.index, s.name, s.method])).toEqual([
      [2, "z", "forward"],
      [2, "z", "central"],
    ]);
    expect(v.reference).toBe("analytic");
  });

  test("vcurve() on a passing report covers the first coordinates and takes options", () => {
    const r = report(mixed, at);
    expect(r.vcurve().series).toHaveLength(6);
    expect(r.vcurve({ indices: [1], methods: ["central"], reference: "complex" }).series).toHaveLength(1);
  });
});
