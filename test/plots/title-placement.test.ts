/**
 * Chart titles never run into the rotated y-axis title (a failing gradcheck's V curve rendered
 * "Ğradient check…": the title started at the page's left edge, over the y title's top end).
 * The house style puts every title in the top margin, left-aligned with the plot area.
 */
import { expect, test } from "vitest";
import { gradcheck, plot } from "../../dsl/index.js";
import { Figure } from "../../src/plots/index.js";
import { baseLayout } from "../../src/plots/style.js";
import { twentyFigures } from "./twenty-charts.js";

type Obj = Record<string, unknown>;

const place = { xref: "paper", x: 0, xanchor: "left", yref: "container", y: 1, yanchor: "top" };

test("a failing gradcheck's V curve: the title starts at the plot area, right of the y-axis title", () => {
  const bad = { f: (p: number[]) => p[0]! ** 2 + p[1]! ** 2, grad: (p: number[]) => [3 * p[0]!, 2 * p[1]!] };
  const fig = plot.gradcheck(gradcheck(bad, { at: [1, 2] }));
  const title = fig.layout.title as Obj;
  expect(title.text).toMatch(/^Gradient check/);
  expect(title).toMatchObject(place);
  // the y title sits left of the plot area (x < 0 in paper units): a title at paper x = 0 cannot reach it
  expect((fig.layout.yaxis as Obj).title).toMatchObject({ text: expect.stringContaining("error") });
});

test("every house-style chart's title is placed the same way, also after fig.with / withLayout", () => {
  for (const { code, fig } of twentyFigures()) {
    const t = fig.layout.title as Obj | undefined;
    if (!t || !t.text) continue;
    expect(t, code).toMatchObject(place);
  }
  const base = new Figure({ data: [], layout: baseLayout("a") }, "a");
  expect(base.with({ title: "renamed" }).layout.title).toMatchObject({ ...place, text: "renamed" });
  // a builder's own title keys (x = 0.01 of the page) are put back in place, its font kept
  const own = new Figure({ data: [], layout: baseLayout("b", { title: { text: "own", x: 0.01, font: { size: 20 } } }) }, "b");
  expect(own.layout.title).toMatchObject({ ...place, text: "own", font: { size: 20 } });
  const str = new Figure({ data: [], layout: baseLayout("c", { title: "as a string" as never }) }, "c");
  expect(str.layout.title).toMatchObject({ ...place, text: "as a string" });
});

test("a y-axis title longer than its panel is tall is broken into two lines (it stuck out into the title's row)", () => {
  const bad = { f: (p: number[]) => p[0]! ** 2 + p[1]! ** 2, grad: (p: number[]) => [3 * p[0]!, 2 * p[1]!] };
  const fig = plot.gradcheck(gradcheck(bad, { at: [1, 2] }));
  expect(((fig.layout.yaxis as Obj).title as Obj).text).toBe("absolute error |numeric − analytic|");
  const short = fig.with({ height: 300 });
  expect(((short.layout.yaxis as Obj).title as Obj).text).toBe("absolute error<br>|numeric − analytic|");
  // subscript tags are not split
  const sub = new Figure({ data: [], layout: baseLayout("t", { height: 200, yaxis: { title: { text: "λ_max of the preconditioned Hessian P⁻¹∇²f" } } }) }, "t");
  const text = ((sub.layout.yaxis as Obj).title as Obj).text as string;
  expect(text).toContain("<br>");
  expect(text).toContain("λ<sub>max</sub>");
});
