/**
 * The Plotly figure a schedule shows: lr over steps (log axis when it spans more than three
 * decades), and the cycled momentum on a second axis when there is one.
 *
 * Kept as a plain `{ data, layout }` builder so the shared plotting code (src/plots) can reuse or
 * replace it; the offline HTML rendering of figures lives there, not here.
 */

/** A Plotly figure spec (`application/vnd.plotly.v1+json`). */
export interface PlotlyFigure {
  data: Array<Record<string, unknown>>;
  layout: Record<string, unknown>;
}

/** At most this many points per trace; longer series are reduced bucket by bucket (see `decimate`). */
const MAX_POINTS = 2000;

/**
 * Figure of `lr[k]` (and `momentum[k]`) against the step k.
 *
 * @param input.title Shown above the chart (the schedule's signature).
 * @param input.lr Values at steps 0..lr.length-1.
 * @param input.momentum Optional values on a second y axis.
 */
export function scheduleFigure(input: { title: string; lr: number[]; momentum?: number[] | undefined }): PlotlyFigure {
  const lr = decimate(input.lr);
  const data: Array<Record<string, unknown>> = [
    { type: "scatter", mode: "lines", name: "lr", x: lr.x, y: lr.y, line: { shape: "linear" } },
  ];
  const layout: Record<string, unknown> = {
    title: { text: input.title, font: { size: 13 } },
    xaxis: { title: { text: "step" } },
    yaxis: { title: { text: "learning rate" }, ...(spansDecades(input.lr) ? { type: "log", exponentformat: "power" } : {}) },
    height: 280,
    margin: { l: 60, r: input.momentum ? 60 : 20, t: 40, b: 40 },
    showlegend: Boolean(input.momentum),
  };
  if (input.momentum) {
    const m = decimate(input.momentum);
    data.push({ type: "scatter", mode: "lines", name: "momentum", x: m.x, y: m.y, yaxis: "y2", line: { dash: "dot" } });
    layout.yaxis2 = { title: { text: "momentum" }, overlaying: "y", side: "right" };
  }
  return { data, layout };
}

function spansDecades(v: number[]): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of v) {
    if (x <= 0) return false;
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  return hi / lo > 1e3;
}

/**
 * Keeps a long series drawable: splits it into buckets and keeps each bucket's first, smallest,
 * largest and last point, so steps and spikes stay visible (the M4 idea: Jugel et al., "M4: a
 * visualization-oriented time series data aggregation", VLDB 2014).
 */
export function decimate(v: number[]): { x: number[]; y: number[] } {
  if (v.length <= MAX_POINTS) return { x: v.map((_, i) => i), y: v.slice() };
  const buckets = Math.floor(MAX_POINTS / 4);
  const size = v.length / buckets;
  const keep = new Set<number>();
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(v.length, Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (v[i]! < v[lo]!) lo = i;
      if (v[i]! > v[hi]!) hi = i;
    }
    keep.add(from).add(lo).add(hi).add(to - 1);
  }
  const x = [...keep].sort((a, b) => a - b);
  return { x, y: x.map((i) => v[i]!) };
}
