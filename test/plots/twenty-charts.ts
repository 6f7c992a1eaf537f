/**
 * A notebook of 20 typical charts, as a kernel would save it (nbformat 4, one display_data output
 * per chart with the chart's MIME bundle). Shared by the size test and the browser tests.
 */
import { adam, compare, gd, gradcheck, momentum, newton, objective, optimize, plot, schedules, sgd, theory } from "../../dsl/index.js";
import { format, type MimeBundle } from "../../src/display/index.js";
import { resetColors, resetPlotlyDocument, type Figure } from "../../src/plots/index.js";

/** The 20 figures, with the code a user would type for each. */
export function twentyFigures(): { code: string; fig: Figure }[] {
  resetColors();
  const rosen = objective("(1 - x)^2 + 100*(y - x^2)^2");
  const cmp = compare(rosen, { gd: gd({ lr: 1e-3 }), adam: adam({ lr: 0.02 }), momentum: sgd({ lr: 1e-3, momentum: 0.9 }), newton: newton() }, { from: [-1.2, 1], steps: 500 });
  const q = objective("x^2 + 10*y^2");
  const t = theory(q, { at: [0, 0] });
  const qc = compare(q, { gd: gd({ lr: t.stepSizes.invL }), heavyBall: sgd(t.heavyBall), nesterov: sgd(t.nesterov) }, { from: [1, 1], steps: 200 });
  const long = optimize(rosen, adam({ lr: 0.01 }), { from: [-1.2, 1], steps: 2000 });
  const sched = optimize(rosen, sgd({ lr: schedules.cosine({ lr: 2e-3, tMax: 1000 }), momentum: 0.9 }), { from: [-1.2, 1], steps: 1000 });
  const himmel = objective("(x^2 + y - 11)^2 + (x + y^2 - 7)^2");
  const starts = [[-4, 4], [4, 4], [-4, -4], [4, -4]];
  const hc = Object.fromEntries(starts.map((s, i) => [`start ${i + 1}`, optimize(himmel, momentum({ lr: 2e-3, momentum: 0.8 }), { from: s, steps: 300 })]));
  const beale = objective("(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2");
  const bc = compare(beale, { adam: adam({ lr: 0.05 }), newton: newton() }, { from: [1, 1], steps: 400 });
  const lrs = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1];
  const ms = [0, 0.5, 0.8, 0.9, 0.95, 0.99];
  const z = ms.map((m) => lrs.map((lr) => optimize(q, sgd({ lr, momentum: m }), { from: [1, 1], steps: 100 }).loss));
  const grid = Array.from({ length: 40 }, (_, i) => -5 + (10 * i) / 39);
  const minima = [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]];
  const labels = grid.map((y) => grid.map((x) => {
    const end = optimize(himmel, gd({ lr: 0.01 }), { from: [x, y], steps: 200 }).x;
    const k = minima.findIndex((m) => Math.hypot(m[0]! - end[0]!, m[1]! - end[1]!) < 1e-2);
    return k;
  }));
  const buggy = { f: (p: number[]) => Math.sin(p[0]!) * p[1]! ** 2, grad: (p: number[]) => [Math.cos(p[0]!) * p[1]! ** 2, 2 * Math.sin(p[0]!)] };
  const five = objective("x1^2 + 2*x2^2 + 3*x3^2 - 4*x4^2 + x1*x5 + 5*x5^2");
  return [
    { code: "plot.loss(cmp)", fig: plot.loss(cmp) },
    { code: "plot.contour(rosen, cmp, { minima: [[1, 1]] })", fig: plot.contour(rosen, cmp, { minima: [[1, 1]] }) },
    { code: "plot.surface(rosen, cmp)", fig: plot.surface(rosen, cmp) },
    { code: "plot.hessian(rosen, { at: [1, 1] })", fig: plot.hessian(rosen, { at: [1, 1] }) },
    { code: 'plot.hessian(objective("x^2 - y^2"), { at: [0, 0] })', fig: plot.hessian(objective("x^2 - y^2"), { at: [0, 0] }) },
    { code: "plot.hessian(rosen, cmp.runs.gd)", fig: plot.hessian(rosen, cmp.runs.gd!) },
    { code: "plot.rates(qc, t)", fig: plot.rates(qc, t, { methods: ["gd", "heavyBall", "nesterov"] }) },
    { code: "plot.gradcheck(gradcheck(rosen, { at: [-1.2, 1] }))", fig: plot.gradcheck(gradcheck(rosen, { at: [-1.2, 1] })) },
    { code: "plot.schedule([cosine, step])", fig: plot.schedule([schedules.cosine({ lr: 0.1, tMax: 100 }), schedules.step({ lr: 0.1, stepSize: 30, gamma: 0.5 })], { steps: 150 }) },
    { code: "plot.schedule(oneCycle)", fig: plot.schedule(schedules.oneCycle({ maxLr: 0.1, totalSteps: 500 })) },
    { code: "plot.sweep({ lr × momentum })", fig: plot.sweep({ x: { name: "lr", values: lrs }, y: { name: "momentum", values: ms }, z, zName: "loss after 100 steps" }) },
    { code: "plot.basins({ ... })", fig: plot.basins({ x: grid, y: grid, labels, minima }) },
    { code: "plot.loss(long, { fStar: 0 })", fig: plot.loss(long, { fStar: 0 }) },
    { code: "plot.contour(q, qc)", fig: plot.contour(q, qc, { equalAspect: true }) },
    { code: "plot.loss(qc)", fig: plot.loss(qc) },
    { code: "plot.heatmap(beale, bc)", fig: plot.heatmap(beale, bc, { minima: [[3, 0.5]] }) },
    { code: "plot.loss(sched)", fig: plot.loss(sched) },
    { code: "plot.gradcheck(gradcheck(buggy, { at: [0.5, 2] }))", fig: plot.gradcheck(gradcheck(buggy, { at: [0.5, 2] })) },
    { code: "plot.hessian(five, { at: [0, 0, 0, 0, 0] })", fig: plot.hessian(five, { at: [0, 0, 0, 0, 0] }) },
    { code: "plot.contour(himmel, hc)", fig: plot.contour(himmel, hc, { minima }) },
  ];
}

/** An nbformat-4 notebook whose code cells show the figures, with outputs as a kernel saves them. */
export async function twentyChartNotebook(): Promise<{ notebook: unknown; figures: Figure[] }> {
  resetPlotlyDocument();
  const items = twentyFigures();
  const cells: unknown[] = [];
  for (const [i, { code, fig }] of items.entries()) {
    const bundle: MimeBundle = await format(fig);
    cells.push({
      cell_type: "code", execution_count: i + 1, id: `cell-${i + 1}`, metadata: {}, source: code,
      outputs: [{ output_type: "display_data", data: bundle, metadata: {} }],
    });
  }
  const notebook = {
    cells,
    metadata: { kernelspec: { name: "optlab", display_name: "TypeScript (optlab)", language: "typescript" }, language_info: { name: "typescript" } },
    nbformat: 4, nbformat_minor: 5,
  };
  return { notebook, figures: items.map((x) => x.fig) };
}
