/**
 * A small, dependency-free SVG line chart for live progress: cheap enough to redraw a few times
 * a second, and plain HTML, so every front end redraws it on `update_display_data` (JupyterLab
 * does not redraw Plotly JSON on update). Not interactive; the run ends with the Plotly chart.
 */
import { escapeHtml } from "../display/index.js";
import { fmt } from "./data.js";

/** One line. */
export interface SvgSeries {
  name: string;
  color: string;
  x: readonly number[];
  /** null = gap (non-finite or non-positive on a log axis). */
  y: readonly (number | null)[];
}

export interface SvgChartOptions {
  title: string;
  /** A second line under the title (status, step counts). */
  subtitle?: string;
  xLabel?: string;
  yLabel?: string;
  /** Log₁₀ y axis. */
  log?: boolean;
  /** Right end of the x axis (default the largest x; e.g. the planned step count). */
  xMax?: number;
  width?: number;
  height?: number;
}

const FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif";

/**
 * An SVG document fragment with the series as polylines, axes with ticks, a legend at the right.
 *
 * @param series the lines.
 * @param o options; see `SvgChartOptions`.
 */
export function lineChartSvg(series: readonly SvgSeries[], o: SvgChartOptions): string {
  const W = o.width ?? 760, H = o.height ?? 320;
  const m = { l: 64, r: 170, t: o.subtitle ? 50 : 34, b: 40 };
  const pw = W - m.l - m.r, ph = H - m.t - m.b;
  const tf = (v: number) => (o.log ? Math.log10(v) : v);
  let x1 = o.xMax ?? 0, y0 = Infinity, y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      x1 = Math.max(x1, s.x[i]!);
      const v = s.y[i];
      if (v === null || v === undefined || !Number.isFinite(v) || (o.log && v <= 0)) continue;
      y0 = Math.min(y0, tf(v)); y1 = Math.max(y1, tf(v));
    }
  }
  if (!(y0 <= y1)) { y0 = 0; y1 = 1; }
  if (y1 - y0 < 1e-12) { y0 -= 0.5; y1 += 0.5; }
  x1 = Math.max(x1, 1);
  const X = (x: number) => m.l + (x / x1) * pw;
  const Y = (v: number) => m.t + ph - ((tf(v) - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="#fff" stroke="#bbb"/>`);
  for (const t of ticks(0, x1)) {
    parts.push(`<line x1="${X(t).toFixed(1)}" x2="${X(t).toFixed(1)}" y1="${m.t}" y2="${m.t + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${X(t).toFixed(1)}" y="${m.t + ph + 15}" text-anchor="middle">${escapeHtml(fmt(t))}</text>`);
  }
  const yt = o.log ? logTicks(y0, y1) : ticks(y0, y1);
  for (const t of yt) {
    const y = m.t + ph - ((t - y0) / (y1 - y0)) * ph;
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${(y + 4).toFixed(1)}" text-anchor="end">${escapeHtml(o.log ? fmt(10 ** t) : fmt(t))}</text>`);
  }
  series.forEach((s, k) => {
    let d = "", pen = false;
    for (let i = 0; i < s.x.length; i++) {
      const v = s.y[i];
      if (v === null || v === undefined || !Number.isFinite(v) || (o.log && v <= 0)) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${X(s.x[i]!).toFixed(1)},${Y(v).toFixed(1)}`;
      pen = true;
    }
    parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2" stroke-linejoin="round"/>`);
    const ly = m.t + 8 + k * 18;
    parts.push(`<line x1="${W - m.r + 12}" x2="${W - m.r + 32}" y1="${ly}" y2="${ly}" stroke="${s.color}" stroke-width="3"/>`);
    parts.push(`<text x="${W - m.r + 38}" y="${ly + 4}">${escapeHtml(clip(s.name, 22))}</text>`);
  });
  parts.push(`<text x="8" y="18" font-size="14" fill="#222">${escapeHtml(o.title)}</text>`);
  if (o.subtitle) parts.push(`<text x="8" y="36" fill="#666">${escapeHtml(o.subtitle)}</text>`);
  if (o.xLabel) parts.push(`<text x="${m.l + pw / 2}" y="${H - 6}" text-anchor="middle">${escapeHtml(o.xLabel)}</text>`);
  if (o.yLabel) parts.push(`<text transform="translate(14,${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(o.yLabel)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" style="${FONT};font-size:11px;fill:#444;max-width:100%;height:auto">${parts.join("")}</svg>`;
}

/** About five round ticks in [a, b]. */
function ticks(a: number, b: number): number[] {
  const span = b - a;
  const raw = span / 5;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * p).find((s) => span / s <= 6) ?? 10 * p;
  const out: number[] = [];
  for (let t = Math.ceil(a / step) * step; t <= b + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** Integer decades in [a, b] (log₁₀ units), thinned to at most six. */
function logTicks(a: number, b: number): number[] {
  const lo = Math.ceil(a), hi = Math.floor(b);
  if (hi < lo) return ticks(a, b);
  const every = Math.max(1, Math.ceil((hi - lo + 1) / 6));
  const out: number[] = [];
  for (let k = lo; k <= hi; k += every) out.push(k);
  return out;
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : s.slice(0, n - 1) + "…";
}
