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
import { axis, baseLayout, defaultConfig, legendAllowance, legendEntries } from "./style.js";
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
  /**
   * The size of the derivatives checked (default 1; 1 for relative errors): where the curves
   * show no V (a wrong gradient's flat error floor), the guides are drawn where a correct
   * gradient's V would lie, bottoming out near ε^(2/3)·scale (central) or ε^(1/2)·scale (forward).
   */
  scale?: number;
}

/** Double-precision machine epsilon. */
const EPS = 2 ** -52;
/** The median curve must fall by this factor somewhere to count as a V (a wrong gradient's error is flat). */
const V_DEPTH = 100;
/** Decades the y axis shows at least, so a flat curve does not fill the height. */
const MIN_DECADES = 4;

/** Truncation order of each scheme (error ∝ h^p). */
const ORDER = { forward: 1, central: 2, richardson: 4, complex: 2 } as const;
const DASH = { central: "solid", forward: "dash", richardson: "dot", complex: "dashdot" } as const;

/**
 * The V curve of a gradient check, log-log: one colour per coordinate, one dash per scheme,
 * with guide lines of slope −1 (rounding, ∝ ε/h) and +p (truncation, ∝ h^p for each scheme)
 * through the lowest point of the median curve, and the chosen h marked. When the curves have no
 * V (a wrong gradient: the error is flat at the size of the bug), the guides show where a correct
 * gradient's V would lie (vertex near h = ε^(1/3), error ε^(2/3)·scale for central differences),
 * so the chart says how far above it the error floor is. The y axis is set to cover the curves
 * and the guides over at least four decades: autoscaling to a flat error (0.4–0.9) would collapse
 * the guides into spikes at the edge.
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
  // Guides go through the vertex of each scheme's median curve, smoothed over three neighbouring
  // steps: a lucky exact hit (error ~1e-16 at one h, of one coordinate) must not decide where
  // the V is. The upper median: of two coordinates, the one without the lucky hit decides.
  const vertex = new Map<FdScheme, { h: number; e: number }>();
  const smoothed = new Map<FdScheme, (number | undefined)[]>();
  for (const [method, ys] of byMethod) {
    const med = hs.map((_, k) => median(ys.map((y) => y[k]).filter((e): e is number => e !== null && e !== undefined)));
    // half a decade apart (the default sweep), a lucky cancellation can span two steps: five wide
    const w = hs.length >= 15 ? 2 : 1;
    const s = med.map((m, k) => (m === undefined ? undefined : median(med.slice(Math.max(0, k - w), k + w + 1).filter((v): v is number => v !== undefined))));
    smoothed.set(method, s);
    let best = -1;
    s.forEach((e, k) => {
      if (e === undefined) return;
      if (best < 0 || e < s[best]! || (e === s[best]! && med[k]! < med[best]!)) best = k;
    });
    // the vertex's error: the median curve's there, unless that is an isolated dip
    if (best >= 0) vertex.set(method, { h: hs[best]!, e: med[best]! < s[best]! / 10 ? s[best]! : med[best]! });
  }
  const hLo = Math.min(...hs), hHi = Math.max(...hs);
  const ys = data.flatMap((t) => (t.y as (number | null)[]).filter((e): e is number => e !== null));
  const yLo = ys.length ? Math.min(...ys) : 1e-12, yHi = ys.length ? Math.max(...ys) : 1;
  // No V: the median curve never falls two decades below its top (a wrong gradient). The guides
  // then show a correct gradient's V, from the textbook optimum of each scheme.
  const flat = [...smoothed.values()].every((s) => {
    const finite = s.filter((e): e is number => e !== undefined);
    return finite.length === 0 || Math.max(...finite) / Math.min(...finite) < V_DEPTH;
  });
  const scale = v.errorKind === "relative" ? 1 : Math.abs(v.scale ?? 1) || 1;
  if (flat) {
    vertex.clear();
    for (const method of byMethod.keys()) {
      if (method === "complex") continue;
      const p = ORDER[method];
      // rounding ε·s/h = truncation s·h^p at h* = ε^(1/(p+1)), error ≈ s·ε^(p/(p+1))
      const h = EPS ** (1 / (p + 1));
      vertex.set(method, { h: Math.min(hHi, Math.max(hLo, h)), e: scale * EPS ** (p / (p + 1)) });
    }
  }
  // The window the guides may use: the data, and the expected V below a flat floor; never more
  // than a decade above the data (a truncation line from a tiny vertex out to h = 0.1 would
  // stretch the axis over twenty decades and squash the curves into a band).
  const anchorLo = Math.min(...[...vertex.values()].map((b) => b.e), yLo);
  const winLo = anchorLo / 10, winHi = yHi * 10;
  const guide = { color: "#777", width: 1.2, dash: "dash" };
  const expected = flat ? "correct gradient's V: " : "";
  const main = vertex.get("central") ?? [...vertex.values()][0];
  const guideYs: number[] = [];
  if (main && schemes.some((m) => m !== "complex") && main.h > hLo) {
    const seg = powerSegment(main, -1, hLo, main.h, winLo, winHi);
    if (seg) {
      data.push({ type: "scatter", mode: "lines", name: `${expected}rounding ∝ ε/h`, ...seg, line: guide, hoverinfo: "skip" });
      guideYs.push(...seg.y);
    }
  }
  for (const [method, b] of vertex) {
    const p = ORDER[method];
    if (b.h >= hHi) continue;
    const seg = powerSegment(b, p, b.h, hHi, winLo, winHi);
    if (!seg) continue;
    guideYs.push(...seg.y);
    data.push({
      type: "scatter", mode: "lines", name: `${expected}truncation ∝ h${p === 1 ? "" : superscript(p)}${schemes.length > 1 ? ` (${method})` : ""}`,
      ...seg, line: { ...guide, dash: "dot" }, hoverinfo: "skip",
    });
  }
  // The y range: the curves and the guides, at least MIN_DECADES decades, a margin either side.
  let lo = Math.log10(Math.min(yLo, ...guideYs)), hi = Math.log10(Math.max(yHi, ...guideYs));
  if (hi - lo < MIN_DECADES) {
    const mid = (hi + lo) / 2;
    lo = mid - MIN_DECADES / 2;
    hi = mid + MIN_DECADES / 2;
  }
  const yRange: [number, number] = [lo - 0.3, hi + 0.3];
  if (v.chosenH !== undefined && ys.length > 0) {
    // A trace rather than a layout shape: traces take data coordinates on log axes.
    data.push({
      type: "scatter", mode: "lines", name: `h used = ${fmt(v.chosenH)}`, x: [v.chosenH, v.chosenH], y: [10 ** lo, 10 ** hi],
      line: { color: "#444", width: 1, dash: "dashdot" }, hoverinfo: "skip",
    });
  }
  const kind = v.errorKind === "relative" ? "relative error" : "absolute error";
  const layout = baseLayout(o.title ?? `Gradient check: ${schemes.join(" and ")} differences, error vs step`, {
    // the legend's rows below the plot get their own room: the plot keeps its height
    height: 440 + legendAllowance(legendEntries(data)),
    xaxis: axis("step h", { type: "log" }),
    yaxis: axis(`${kind} |numeric − analytic|`, { type: "log", range: yRange }),
  });
  const summary = `gradient-check V curve (${schemes.join(", ")}) for ${groups.length} coordinate${groups.length === 1 ? "" : "s"}` +
    (flat ? `, no V: the error stays between ${fmt(yLo)} and ${fmt(yHi)} at every step (a correct gradient's V would bottom out near ${fmt(main?.e ?? NaN)})`
      : main ? `, vertex at h ≈ ${fmt(main.h)} (median error ${fmt(main.e)})` : "");
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

/** The median of a list (undefined when empty). */
function median(xs: number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function superscript(k: number): string {
  return String(k).replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]!);
}
