/**
 * The gradient check's "V curve": the error of the finite-difference derivative against the step
 * h, per coordinate, on log-log axes. Truncation error falls like h^p (p = 2 for central
 * differences) as h shrinks, until rounding error ~ ε·|f|/h takes over: the V's vertex is the
 * best step. A curve with no V (flat, or rising on both sides) points at a wrong gradient or a
 * kink.
 */
import { DslError } from "../errors/index.js";
import { escapeTemplate, fmt } from "./data.js";
import { Figure } from "./figure.js";
import { PALETTE } from "./palette.js";
import { axis, baseLayout, defaultConfig } from "./style.js";
import type { Series, Trace } from "./types.js";

/** A finite-difference scheme. */
export type FdScheme = "central" | "forward" | "richardson" | "complex";

/** One error curve: a coordinate's error per step under one scheme. */
export interface VCurveSeries {
  /** Coordinate name (legend), e.g. "x" or "w[3]". */
  name: string;
  /** `values[k]` is the error at `hs[k]`. */
  values: Series;
  /** Scheme of this curve (default `VCurveData.method`); curves of one coordinate share a colour, schemes differ by dash. */
  method?: FdScheme;
}

/** Error of the finite-difference derivative per step h, per coordinate. */
export interface VCurveData {
  /** The step sizes h (> 0). */
  hs: Series;
  /** The curves. */
  curves: readonly VCurveSeries[];
  /** The step the check used (drawn as a vertical line). */
  chosenH?: number;
  /** Scheme of curves that name none (default "central"). */
  method?: FdScheme;
  /** "absolute" (default) or "relative" error (axis title). */
  errorKind?: "absolute" | "relative";
}

/** Truncation order of each scheme (error ∝ h^p). */
const ORDER = { forward: 1, central: 2, richardson: 4, complex: 2 } as const;
const DASH = { central: "solid", forward: "dash", richardson: "dot", complex: "dashdot" } as const;

/**
 * The V curve of a gradient check, log-log: one colour per coordinate, one dash per scheme,
 * with guide lines of slope −1 (rounding, ∝ ε/h) and +p (truncation, ∝ h^p for each scheme)
 * through the lowest point, and the chosen h marked.
 *
 * @param v the curves; see `VCurveData`.
 * @param o `title` to override the default.
 * @example
 * gradcheckCurve({ hs: [1e-1, 1e-4, 1e-7], curves: [{ name: "x", values: [1e-2, 1e-8, 1e-9] }] });
 */
export function gradcheckCurve(v: VCurveData, o: { title?: string } = {}): Figure {
  const hs = Array.from(v.hs);
  if (hs.length < 2 || hs.some((h) => !(h > 0))) {
    throw new DslError("bad-argument", `plot.gradcheck: expected at least two positive step sizes h, got ${hs.length}`, { path: "plot.gradcheck.hs" });
  }
  const schemes = [...new Set(v.curves.map((c) => c.method ?? v.method ?? "central"))];
  const groups = [...new Set(v.curves.map((c) => c.name))];
  const data: Trace[] = [];
  const byMethod = new Map<FdScheme, (number | null)[][]>();
  for (const c of v.curves) {
    if (c.values.length !== hs.length) {
      throw new DslError("bad-argument", `plot.gradcheck: curve "${c.name}" has ${c.values.length} errors for ${hs.length} step sizes`, { path: "plot.gradcheck.curves" });
    }
    const method = c.method ?? v.method ?? "central";
    const y = Array.from(c.values, (e) => (Number.isFinite(e) && e > 0 ? e : null));
    byMethod.set(method, [...(byMethod.get(method) ?? []), y]);
    const color = PALETTE[groups.indexOf(c.name) % PALETTE.length]!;
    const label = schemes.length > 1 ? `${c.name} (${method})` : c.name;
    data.push({
      type: "scatter", mode: "lines+markers", name: label, legendgroup: c.name, x: hs, y,
      line: { color, width: 2, dash: DASH[method] }, marker: { color, size: 5 },
      hovertemplate: `${escapeTemplate(label)}<br>h = %{x:.2e}<br>error = %{y:.3e}<extra></extra>`,
    });
  }
  // Guides go through the vertex of each scheme's median curve: one coordinate's lucky exact
  // hit (error ~1e-16 at one h) must not decide where the V is.
  const vertex = new Map<FdScheme, { h: number; e: number }>();
  for (const [method, ys] of byMethod) {
    hs.forEach((h, k) => {
      const col = ys.map((y) => y[k]).filter((e): e is number => e !== null && e !== undefined).sort((a, b) => a - b);
      if (col.length === 0) return;
      const med = col[Math.floor((col.length - 1) / 2)]!;
      const b = vertex.get(method);
      if (!b || med < b.e) vertex.set(method, { h, e: med });
    });
  }
  const hLo = Math.min(...hs), hHi = Math.max(...hs);
  // The guides stay within the errors' own range: a truncation line h^p from a tiny vertex error
  // out to large h (a failing check's curves are flat) would otherwise stretch the log axis over
  // twenty decades and squash the curves into a band.
  const ys = data.flatMap((t) => (t.y as (number | null)[]).filter((e): e is number => e !== null));
  const yLo = ys.length ? Math.min(...ys) : 0, yHi = ys.length ? Math.max(...ys) : 0;
  const guide = { color: "#777", width: 1.2, dash: "dash" };
  const main = vertex.get("central") ?? [...vertex.values()][0];
  if (main && schemes.some((m) => m !== "complex") && main.h > hLo) {
    const seg = powerSegment(main, -1, hLo, main.h, yLo, yHi);
    if (seg) data.push({ type: "scatter", mode: "lines", name: "rounding ∝ ε/h", ...seg, line: guide, hoverinfo: "skip" });
  }
  for (const [method, b] of vertex) {
    const p = ORDER[method];
    if (b.h >= hHi) continue;
    const seg = powerSegment(b, p, b.h, hHi, yLo, yHi);
    if (!seg) continue;
    data.push({
      type: "scatter", mode: "lines", name: `truncation ∝ h${p === 1 ? "" : superscript(p)}${schemes.length > 1 ? ` (${method})` : ""}`,
      ...seg, line: { ...guide, dash: "dot" }, hoverinfo: "skip",
    });
  }
  if (v.chosenH !== undefined && ys.length > 0) {
    // A trace rather than a layout shape: traces take data coordinates on log axes.
    data.push({
      type: "scatter", mode: "lines", name: `h used = ${fmt(v.chosenH)}`, x: [v.chosenH, v.chosenH], y: [yLo, yHi],
      line: { color: "#444", width: 1, dash: "dashdot" }, hoverinfo: "skip",
    });
  }
  const kind = v.errorKind === "relative" ? "relative error" : "absolute error";
  const layout = baseLayout(o.title ?? `Gradient check: ${schemes.join(" and ")} differences, error vs step`, {
    height: 440,
    xaxis: axis("step h", { type: "log" }),
    yaxis: axis(`${kind} |numeric − analytic|`, { type: "log" }),
  });
  const summary = `gradient-check V curve (${schemes.join(", ")}) for ${groups.length} coordinate${groups.length === 1 ? "" : "s"}` +
    (main ? `, vertex at h ≈ ${fmt(main.h)} (median error ${fmt(main.e)})` : "");
  return new Figure({ data, layout, config: defaultConfig() }, summary);
}

/**
 * The guide e·(h/h₀)^slope through `at` = (h₀, e) for h in [hFrom, hTo], cut where it leaves
 * [yLo, yHi] (a straight line on log-log axes, so the cut points are exact); null when nothing
 * of it is left.
 */
function powerSegment(at: { h: number; e: number }, slope: number, hFrom: number, hTo: number, yLo: number, yHi: number): { x: number[]; y: number[] } | null {
  const y = (h: number) => at.e * (h / at.h) ** slope;
  // h where the line reaches a given error: h₀·(y/e)^(1/slope)
  const hAt = (target: number) => at.h * (target / at.e) ** (1 / slope);
  let a = hFrom, b = hTo;
  const [hA, hB] = slope > 0 ? [hAt(yLo), hAt(yHi)] : [hAt(yHi), hAt(yLo)];
  if (Number.isFinite(hA)) a = Math.max(a, hA);
  if (Number.isFinite(hB)) b = Math.min(b, hB);
  if (!(a < b)) return null;
  return { x: [a, b], y: [y(a), y(b)] };
}

function superscript(k: number): string {
  return String(k).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]!);
}
