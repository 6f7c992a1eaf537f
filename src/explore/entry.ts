/**
 * The esbuild entry of dist/explore/engine.js: defines `window.optlabExplore` (the engine and the
 * page runtime) once per page. Mount scripts call `optlabExplore.mount(root)` once plotly.js is
 * there (see dsl/explore.ts).
 */
import { CONSTRUCTORS, Experiment, SCHEDULES, optimizerFactory, problemOf } from "./engine.js";
import { exploreFigure } from "./figure.js";
import { mount, sliderValue } from "./page.js";

const g = globalThis as unknown as { optlabExplore?: unknown; Plotly?: unknown };
g.optlabExplore ??= {
  version: 1,
  Experiment,
  problemOf,
  optimizerFactory,
  exploreFigure,
  sliderValue,
  constructors: CONSTRUCTORS,
  schedules: SCHEDULES,
  mount: (root: HTMLElement) => mount(root, g.Plotly as never),
};
