/**
 * The chart style guide (docs/readme/charts.md), rule by rule, on the figure JSON of one example
 * of every chart type: number format, subscripts, log axes, legends, colour bars, palette.
 */
import { describe, expect, test } from "vitest";
import { adam, compare, lbfgs, gd, momentum, newton, nesterov, objective, optimize, plot, rmsprop, sgd } from "../../dsl/index.js";
import { activationStatsChart, colorDistance, colorOf, gradNormsChart, resetColors, type Figure, type Trace } from "../../src/plots/index.js";
import { applyStyle, baseLayout, exprLabel, legendEntries, mathLabel, MAX_INLINE_LEGEND } from "../../src/plots/style.js";
import { twentyFigures } from "./twenty-charts.js";

type Obj = Record<string, unknown>;

function allFigures(): { code: string; fig: Figure }[] {
  const figs = twentyFigures();
  const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const heavy = optimize(objective("x^2 + 10*y^2"), sgd({ lr: 0.05, momentum: 0.9 }), { from: [1, 1], steps: 60 });
  figs.push(
    { code: "plot.contour(rosen)", fig: plot.contour(rosen) },
    { code: "plot.surface(objective(\"x^2 - y^2\"))", fig: plot.surface(objective("x^2 - y^2")) },
    { code: "plot.hessian(q, heavy, { show: 'sharpness' })", fig: plot.hessian(objective("x^2 + 10*y^2"), heavy, { show: "sharpness" }) },
    { code: "gradNormsChart", fig: gradNormsChart([{ name: "sgd", norms: { "[0].W": [1e-6, 1e-5, 1e-4, 1e-3], "[0].b": [0.1, 0.2, 0.3, 0.2], "[1].W": [10, 5, 2, 1] } }]) },
    { code: "activationStatsChart", fig: activationStatsChart([{ layer: 0, activation: "tanh", std: 0.5, saturated: 0.1, dead: 0 }, { layer: 1, activation: "relu", std: 0.2, saturated: 0, dead: 0.3 }]) },
  );
  return figs;
}

const figures = allFigures();

/** Every label-like string of a figure with where it is. */
function texts(fig: Figure): [string, string][] {
  const out: [string, string][] = [];
  const L = fig.layout as Obj;
  const title = (v: unknown) => (typeof v === "string" ? v : (v as Obj | undefined)?.text);
  const add = (where: string, v: unknown) => { if (typeof v === "string" && v) out.push([where, v]); };
  add("title", title(L.title));
  for (const [k, v] of Object.entries(L)) {
    if (/^[xy]axis\d*$/.test(k)) {
      add(`${k}.title`, title((v as Obj).title));
      for (const t of ((v as Obj).ticktext as string[] | undefined) ?? []) add(`${k}.ticktext`, t);
    }
    if (/^scene\d*$/.test(k)) for (const a of ["xaxis", "yaxis", "zaxis"]) add(`${k}.${a}.title`, title(((v as Obj)[a] as Obj | undefined)?.title));
  }
  for (const a of (L.annotations as Obj[] | undefined) ?? []) add("annotation", a.text);
  for (const t of fig.data) {
    add(`trace ${t.name}`, t.name);
    const cb = t.colorbar as Obj | undefined;
    if (cb) {
      add("colorbar.title", title(cb.title));
      for (const x of (cb.ticktext as string[] | undefined) ?? []) add("colorbar.ticktext", x);
    }
  }
  return out;
}

describe("one number format", () => {
  test.each(figures.map((f) => [f.code, f.fig] as const))("%s: no computer notation (1e-7) in any label, every axis writes powers", (_code, fig) => {
    for (const [where, text] of texts(fig)) expect(`${where}: ${text}`).not.toMatch(/\d(\.\d+)?e[+-]?\d/);
    const L = fig.layout as Obj;
    for (const [k, v] of Object.entries(L)) {
      if (/^[xy]axis\d*$/.test(k)) expect((v as Obj).exponentformat, k).toBe("power");
      if (/^scene\d*$/.test(k)) for (const a of ["xaxis", "yaxis", "zaxis"]) expect(((v as Obj)[a] as Obj).exponentformat).toBe("power");
    }
    for (const t of fig.data) if (t.colorbar) expect((t.colorbar as Obj).exponentformat).toBe("power");
    // hover text: the axis's own format for x, y, z (d3's .4g writes 2.346e-7)
    for (const t of fig.data) if (typeof t.hovertemplate === "string") expect(t.hovertemplate).not.toMatch(/%\{[xyz]:\.\d+~?[gef]\}/);
  });
});

describe("labels", () => {
  test.each(figures.map((f) => [f.code, f.fig] as const))("%s: no literal underscores (x_t, λ_max, f_min), no unexplained δ", (_code, fig) => {
    for (const [where, text] of texts(fig)) {
      expect(`${where}: ${text}`).not.toMatch(/(^|[^A-Za-z0-9_])[A-Za-zα-ωΑ-Ω]_[A-Za-z0-9{]/);
      expect(`${where}: ${text}`).not.toMatch(/δ/);
    }
    for (const t of fig.data) if (typeof t.hovertemplate === "string") expect(t.hovertemplate).not.toMatch(/f_min|δ|(^|[^A-Za-z0-9_%{])[a-zλ]_[a-z0-9]/);
  });

  test("mathLabel writes subscripts for single-letter math, keeps names such as my_run", () => {
    expect(mathLabel("f(x_t) − f*")).toBe("f(x<sub>t</sub>) − f*");
    expect(mathLabel("λ_max (sharpness)")).toBe("λ<sub>max</sub> (sharpness)");
    expect(mathLabel("e_{k+1}")).toBe("e<sub>k+1</sub>");
    expect(mathLabel("my_run and x_0")).toBe("my_run and x<sub>0</sub>");
    expect(mathLabel("snake_case_name")).toBe("snake_case_name");
  });
});

describe("log axes", () => {
  test("the loss of a long run (decades) is on a log axis labelled at powers of ten only", () => {
    const fig = figures.find((f) => f.code === "plot.loss(long, { fStar: 0 })")!.fig;
    const y = (fig.layout as Obj).yaxis as Obj;
    expect(y.type).toBe("log");
    expect(Number.isInteger(y.dtick)).toBe(true);
    expect(y.dtick).toBeGreaterThanOrEqual(1);
  });

  test.each(figures.map((f) => [f.code, f.fig] as const))("%s: a log axis over two decades or more has whole-decade ticks (no crowded 2 and 5 labels)", (_code, fig) => {
    for (const [k, v] of Object.entries(fig.layout as Obj)) {
      const a = v as Obj;
      if (!/^[xy]axis\d*$/.test(k) || a.type !== "log" || a.tickvals) continue;
      const values = fig.data.filter((t) => ((t[`${k[0]}axis`] as string | undefined) ?? k[0]) === k[0] + k.slice(5))
        .flatMap((t) => (Array.isArray(t[k[0]!]) ? (t[k[0]!] as unknown[]) : [])).filter((x): x is number => typeof x === "number" && x > 0);
      const span = Array.isArray(a.range) ? Math.abs((a.range as number[])[1]! - (a.range as number[])[0]!) : values.length ? Math.log10(Math.max(...values) / Math.min(...values)) : 0;
      if (span >= 2) expect(Number.isInteger(a.dtick), `${k} spans ${span.toFixed(1)} decades`).toBe(true);
    }
  });

  test("the rates chart (errors over decades against steps) is log y", () => {
    const fig = figures.find((f) => f.code === "plot.rates(qc, t)")!.fig;
    expect(((fig.layout as Obj).yaxis as Obj).type).toBe("log");
  });
});

describe("legends", () => {
  test("beyond five entries the legend is outside, below the plot, in rows, and scrolls past 30% of the height", () => {
    const names = Array.from({ length: 8 }, (_, i) => `run ${i}`);
    const spec = applyStyle({ data: names.map((name) => ({ type: "scatter", name, y: [1, 2] })), layout: baseLayout("t") });
    expect(legendEntries(spec.data)).toHaveLength(8);
    expect(spec.layout.legend).toMatchObject({ orientation: "h", yref: "container", y: 0, yanchor: "bottom", maxheight: 0.3 });
    // and the same for a builder that put its legend inside the plot
    const inside = applyStyle({ data: names.map((name) => ({ type: "scatter", name, y: [1, 2] })), layout: baseLayout("t", { legend: { x: 0.98, y: 0.98, xanchor: "right" } }) });
    expect(inside.layout.legend).toMatchObject({ orientation: "h", x: 0, xanchor: "left", yref: "container", y: 0 });
  });

  test.each(figures.map((f) => [f.code, f.fig] as const))("%s: more than five entries → horizontal below; no name repeated", (_code, fig) => {
    const entries = legendEntries(fig.data);
    if ((fig.layout as Obj).showlegend !== false && entries.length > MAX_INLINE_LEGEND) {
      expect((fig.layout as Obj).legend).toMatchObject({ orientation: "h", yref: "container", maxheight: 0.3 });
    }
    expect(new Set(entries).size).toBe(entries.length);
  });

  test("runs of one optimizer from different starts are told apart by their start", () => {
    resetColors();
    const f = objective("(x^2 + y - 11)^2 + (x + y^2 - 7)^2");
    const runs = [[-4, 4], [4, 4], [-4, -4]].map((from) => optimize(f, gd({ lr: 0.01 }), { from, steps: 20 }));
    const names = plot.loss(runs).data.filter((t) => t.showlegend !== false && t.legendgroup !== undefined || t.showlegend === true).map((t) => t.name);
    const entries = legendEntries(plot.loss(runs).data);
    expect(entries).toEqual(["gd from (-4, 4)", "gd from (4, 4)", "gd from (-4, -4)"]);
    expect(((plot.loss(runs).layout as Obj).title as Obj).text).toBe("Loss: gd (lr=0.01), 3 starts");
    expect(((plot.contour(f, runs).layout as Obj).title as Obj).text).toMatch(/: gd \(lr=0.01\), 3 starts$/);
    expect(names.length).toBeGreaterThan(0);
    const colors = runs.map((_, i) => colorOf(entries[i]!));
    expect(new Set(colors).size).toBe(3);
  });
});

describe("colours", () => {
  test("a 5-run comparison (adam and lbfgs included): every pair of line colours ΔE₀₀ ≥ 20", () => {
    resetColors();
    const f = objective("(1 - x)^2 + 100*(y - x^2)^2");
    const c = compare(f, { gd: gd({ lr: 1e-3 }), momentum: momentum({ lr: 1e-3, momentum: 0.9 }), adam: adam({ lr: 0.02 }), lbfgs: lbfgs(), newton: newton() }, { from: [-1.2, 1], steps: 50 });
    const fig = plot.loss(c, { panels: [] });
    const colors = fig.data.filter((t) => String(t.mode).startsWith("lines") && t.showlegend !== false).map((t) => (t.line as Obj).color as string);
    expect(colors).toHaveLength(5);
    for (let i = 0; i < colors.length; i++) for (let j = i + 1; j < colors.length; j++) expect(colorDistance(colors[i]!, colors[j]!), `${colors[i]} vs ${colors[j]}`).toBeGreaterThanOrEqual(20);
  });

  test("ten optimizers in one session get ten distinct colours, pairwise ΔE₀₀ ≥ 15", () => {
    resetColors();
    const names = ["gd", "momentum", "nesterov", "adam", "adamw", "rmsprop", "lbfgs", "newton", "adagrad", "adamax"];
    const colors = names.map(colorOf);
    expect(new Set(colors).size).toBe(10);
    for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++) expect(colorDistance(colors[i]!, colors[j]!), `${names[i]} vs ${names[j]}`).toBeGreaterThanOrEqual(15);
    expect(colorDistance(colorOf("adam"), colorOf("lbfgs"))).toBeGreaterThanOrEqual(30);
    void [rmsprop, nesterov];
  });
});

describe("colour bars", () => {
  /** 1, 2, 5 (or 1.5, 3, 7) times a power of ten, 0, or a word: a round label. */
  const round = (s: string) => /^-?(0|1|1\.5|2|3|5|7)$|^-?(0\.0*[1-9]|[1-9]0*|1\.5|1\.5?0*)$/.test(s.replace(/×?10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+$/, "") || "1") || /[a-z(]/i.test(s);

  test.each(figures.map((f) => [f.code, f.fig] as const))("%s: explicit colour-bar ticks are round numbers of what is coloured", (_code, fig) => {
    for (const t of fig.data) {
      const cb = t.colorbar as Obj | undefined;
      if (!cb?.tickvals) continue;
      const text = cb.ticktext as string[];
      expect(text).toHaveLength((cb.tickvals as unknown[]).length);
      for (const s of text) expect(round(s), `tick "${s}"`).toBe(true);
    }
  });

  test("the 3-D surface: z is f itself or a log written out in full, the colour bar measures z, no saw-tooth grid", () => {
    for (const { code, fig } of figures.filter((f) => f.code.startsWith("plot.surface"))) {
      const s = fig.data.find((t) => t.type === "surface") as Trace;
      const zTitle = ((((fig.layout as Obj).scene as Obj).zaxis as Obj).title as Obj).text as string;
      expect(zTitle, code).toMatch(/^(f|log₁₀\(f( [−+] [\d.]+)? \+ [\d⁻⁰¹²³⁴⁵⁶⁷⁸⁹×.]+\))$/);
      expect(((s.colorbar as Obj).title as Obj).text).toBe(zTitle);
      expect((s.colorbar as Obj).tickvals).toBeUndefined();
      const z = (s.z as (number | null)[][]).flat().filter((v): v is number => v !== null);
      const [lo, hi] = [Math.min(...z), Math.max(...z)];
      expect(Math.abs((s.cmin as number) - lo)).toBeLessThanOrEqual(1e-3 * (hi - lo));
      expect(Math.abs((s.cmax as number) - hi)).toBeLessThanOrEqual(1e-3 * (hi - lo));
      expect((s.x as number[]).length).toBeGreaterThanOrEqual(80);
    }
  });
});

describe("adjustable charts", () => {
  test("fig.with sets title, ranges (data units, also on log axes), log axes and size, returning a new Figure", () => {
    const fig = figures[0]!.fig;
    const g = fig.with({ title: "Rosenbrock", yRange: [1e-8, 10], xRange: [0, 100], width: 640, height: 300 });
    expect(g).not.toBe(fig);
    const L = g.layout as Obj;
    expect((L.title as Obj).text).toBe("Rosenbrock");
    expect((L.yaxis as Obj).range).toEqual([-8, 1]);
    expect((L.xaxis as Obj).range).toEqual([0, 100]);
    expect([L.width, L.height, L.autosize]).toEqual([640, 300, false]);
    expect(((fig.layout as Obj).title as Obj).text).not.toBe("Rosenbrock");
    const lin = g.with({ logY: false, logX: true });
    expect(((lin.layout as Obj).yaxis as Obj).type).toBe("linear");
    expect(((lin.layout as Obj).xaxis as Obj).type).toBe("log");
    expect(g.summary).toBe(fig.summary);
  });

  test("fig.with on a 3-D chart adjusts the scene axes; bad adjustments are DslErrors that say what was expected", () => {
    const s = figures.find((f) => f.code.startsWith("plot.surface(rosen"))!.fig.with({ xRange: [-1, 1] });
    expect((((s.layout as Obj).scene as Obj).xaxis as Obj).range).toEqual([-1, 1]);
    const fig = figures[0]!.fig;
    expect(() => fig.with({ xRange: [2, 1] })).toThrow(expect.objectContaining({ code: "bad-option", path: "fig.with.xRange", message: expect.stringMatching(/\[lo, hi\] with finite lo < hi, got/) }));
    expect(() => fig.with({ ylog: true } as never)).toThrow(expect.objectContaining({ code: "unknown-option", message: expect.stringMatching(/logY/) }));
    expect(() => fig.with({ yRange: [0, 1] })).toThrow(/on a log axis must be positive/);
  });

  test("plot.contour(f) and plot.surface(f) without runs: a view around the minimiser; [] counts as no runs", () => {
    const q = objective("(x - 3)^2 + (y + 1)^2");
    for (const fig of [plot.contour(q), plot.contour(q, []), plot.surface(q), plot.heatmap(q)]) {
      const [x, y] = fig.layout.scene ? [((fig.layout.scene as Obj).xaxis as Obj), ((fig.layout.scene as Obj).yaxis as Obj)] : [fig.layout.xaxis as Obj, fig.layout.yaxis as Obj];
      void x; void y;
      const t = fig.data[0]!;
      const xs = t.x as number[], ys = t.y as number[];
      expect(xs[0]).toBeLessThan(3);
      expect(xs.at(-1)).toBeGreaterThan(3);
      expect(ys[0]).toBeLessThan(-1);
      expect(ys.at(-1)).toBeGreaterThan(-1);
      expect(xs.at(-1)! - xs[0]!).toBeLessThanOrEqual(16);
    }
    const r = plot.contour(objective("(1 - x)^2 + 100*(y - x^2)^2"), { xRange: [-2, 2], yRange: [-1, 3] });
    expect((r.data[0]!.x as number[])[0]).toBe(-2);
    expect((r.data[0]!.y as number[]).at(-1)).toBe(3);
    // one range given, the other by default
    const half = plot.contour(q, { xRange: [0, 6] });
    expect((half.data[0]!.x as number[])[0]).toBe(0);
    expect((half.data[0]!.y as number[])[0]).toBeLessThan(-1);
  });
});

describe("trace modes", () => {
  const find = (code: string) => figures.find((f) => f.code === code)!.fig;
  test("loss curves are lines (markers only on short runs), paths over contours lines with markers, start/end/minimum markers only", () => {
    const loss = find("plot.loss(cmp)");
    for (const t of loss.data.filter((t) => t.type === "scatter" && t.showlegend !== false && t.legendgroup)) expect(["lines", "lines+markers"]).toContain(t.mode);
    expect(loss.data.filter((t) => t.mode === "lines").length).toBeGreaterThan(0); // 500 steps: lines
    const c = find("plot.contour(rosen, cmp, { minima: [[1, 1]] })");
    expect(c.data[0]!.type).toBe("contour");
    const paths = c.data.filter((t) => t.mode === "lines+markers");
    expect(paths.map((t) => t.name)).toEqual(legendEntries(loss.data).filter((n) => !/^(start|end)/.test(n)));
    expect(c.data.filter((t) => t.mode === "markers").map((t) => (t.marker as Obj).symbol)).toEqual(expect.arrayContaining(["circle-open", "x", "star"]));
    const s = find("plot.surface(rosen, cmp)");
    expect(s.data.map((t) => t.type)).toEqual(["surface", ...Array(s.data.length - 1).fill("scatter3d")]);
  });

  test("fig.with({ logY: true }) on a linear chart: a log axis with decade ticks (the style applies again)", () => {
    const fig = plot.loss(optimize(objective("x^2 + 10*y^2"), gd({ lr: 0.05 }), { from: [1, 1], steps: 200 }), { yScale: "linear", panels: [] });
    expect(((fig.layout as Obj).yaxis as Obj).type).toBe("linear");
    const y = ((fig.with({ logY: true }).layout as Obj).yaxis as Obj);
    expect(y.type).toBe("log");
    expect(Number.isInteger(y.dtick)).toBe(true);
  });
});

describe("exprLabel: expressions in titles", () => {
  test("integer powers as superscripts, a minus sign, a middle dot for *", () => {
    expect(exprLabel("(1 - x)^2 + 100*(y - x^2)^2")).toBe("(1 − x)² + 100·(y − x²)²");
    expect(exprLabel("x^-12 + y^n")).toBe("x⁻¹² + yⁿ");
  });
  test("other powers and unary minus stay as written", () => {
    expect(exprLabel("x^(1/2) + x^y - -z")).toBe("x^(1/2) + x^y − -z");
    expect(exprLabel("x^2.5")).toBe("x^2.5");
  });
});
