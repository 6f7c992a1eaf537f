/**
 * Hessian eigenvalues: the spectrum at a point (with the critical-point classification), and
 * the eigenvalues along a trajectory with the sharpness λ_max and the optimizer's stability limit
 * (2/η for gradient descent, 2(1+β)/η for heavy ball, ...: `stabilityThreshold` of
 * src/optim/theory.ts, the formulas `theory()` uses).
 */
import { DslError } from "../errors/index.js";
import { escapeTemplate, fmt, fmtPoint } from "./data.js";
import { Figure } from "./figure.js";
import { stabilityThreshold, type StabilitySubject } from "../optim/theory.js";
import { SIGN_COLORS, colorOf } from "./palette.js";
import { axis, baseLayout, defaultConfig, note, stackDomains } from "./style.js";
import type { Layout, Series, Trace } from "./types.js";

/** What the eigenvalues say about a point. */
export type Curvature = "minimum" | "maximum" | "saddle" | "degenerate";


/**
 * The classification a point's Hessian gives, assuming the gradient vanishes there:
 * all λ > tol → minimum, all λ < −tol → maximum, both signs → saddle, otherwise (some |λ| ≤ tol
 * and no sign change) degenerate (the second-order test is inconclusive).
 *
 * @param eigenvalues the Hessian's eigenvalues (any order).
 * @param tol the zero threshold (default 1e-8 · max(1, max|λ|)).
 */
export function classifyCurvature(eigenvalues: Series, tol?: number): Curvature {
  let big = 0;
  for (let i = 0; i < eigenvalues.length; i++) big = Math.max(big, Math.abs(eigenvalues[i]!));
  const t = tol ?? 1e-8 * Math.max(1, big);
  let pos = 0, neg = 0;
  for (let i = 0; i < eigenvalues.length; i++) {
    const l = eigenvalues[i]!;
    if (l > t) pos++;
    else if (l < -t) neg++;
  }
  if (pos > 0 && neg > 0) return "saddle";
  if (pos === eigenvalues.length) return "minimum";
  if (neg === eigenvalues.length) return "maximum";
  return "degenerate";
}

export interface SpectrumOptions {
  /** The point (shown in the title). */
  point?: ArrayLike<number>;
  /** ‖∇f‖ there: when it is not ~0 the point is not critical and the title says "convex/concave/indefinite" instead. */
  gradNorm?: number;
  /** Zero threshold for the classification (see `classifyCurvature`). */
  tol?: number;
  /** The classification when the caller has one (e.g. from `theory`); default `classifyCurvature`. */
  classification?: Curvature;
  title?: string;
  /**
   * "auto" (default): linear while the nonzero |λ| span at most two decades; beyond, "log" when
   * every eigenvalue is positive, else "symlog". "linear", "log" (positive spectra only) or
   * "symlog": sign(λ)·log₁₀(1 + |λ|/c), linear near 0 and logarithmic beyond c (the smallest
   * nonzero |λ|), so negative, small and large eigenvalues all show.
   */
  yScale?: "auto" | "linear" | "log" | "symlog";
}

/** Above this many eigenvalues the markers lose their value labels and the x axis its λᵢ ticks. */
const LABELLED = 20;

/**
 * The Hessian's eigenvalues at a point as a stem plot (a marker per eigenvalue on a stem from 0),
 * ascending, coloured by sign, with the classification (minimum / maximum / saddle / degenerate)
 * and, at a minimum, κ = λ_max/λ_min. Markers, not bars: a bar's length means nothing on a log
 * axis. When the magnitudes span more than two decades the axis is logarithmic (every λ > 0,
 * markers only) or symmetric-logarithmic (signs mixed: linear near 0, so λ = 1 does not vanish
 * beside λ = 1000 and negative eigenvalues stay visible); hover shows the exact values.
 *
 * @param eigenvalues the eigenvalues (any order; sorted here).
 * @param o options; see `SpectrumOptions`.
 * @example
 * hessianSpectrum([2, -1], { point: [0, 0] }); // "saddle point (1 negative eigenvalue)"
 */
export function hessianSpectrum(eigenvalues: Series, o: SpectrumOptions = {}): Figure {
  if (eigenvalues.length === 0) throw new DslError("bad-argument", "plot.hessian: expected at least one eigenvalue", { path: "plot.hessian" });
  const bad = Array.from(eigenvalues).findIndex((l) => !Number.isFinite(l));
  if (bad >= 0) throw new DslError("bad-argument", `plot.hessian: eigenvalue ${bad} is ${eigenvalues[bad]} (expected finite numbers: the Hessian is not finite there)`, { path: "plot.hessian" });
  const eig = Array.from(eigenvalues).sort((a, b) => a - b);
  const kind = o.classification ?? classifyCurvature(eig, o.tol);
  const big = Math.max(...eig.map(Math.abs));
  const tol = o.tol ?? 1e-8 * Math.max(1, big);
  const colors = eig.map((l) => (l > tol ? SIGN_COLORS.positive : l < -tol ? SIGN_COLORS.negative : SIGN_COLORS.zero));
  const labelled = eig.length <= LABELLED;
  const idx = eig.map((_, i) => i + 1);
  const scale = spectrumScale(eig, tol, o.yScale ?? "auto");
  const c = symlogConstant(eig, tol);
  const y = scale === "symlog" ? eig.map((l) => symlog(l, c)) : eig;
  const data: Trace[] = [];
  if (scale !== "log") {
    // The stems: one trace of segments from 0 to each value (0 maps to 0 under symlog too).
    data.push({
      type: "scatter", mode: "lines", name: "stems", showlegend: false, hoverinfo: "skip",
      x: idx.flatMap((i) => [i, i, null]), y: y.flatMap((v) => [0, v, null]), line: { color: "#b0b0b0", width: 1.5 },
    });
  }
  data.push({
    type: "scatter", mode: labelled ? "markers+text" : "markers", name: "eigenvalues", x: idx, y,
    marker: { color: colors, size: labelled ? 10 : 6, line: { color: "#333", width: 0.5 } },
    customdata: eig, hovertemplate: `λ<sub>%{x}</sub> = %{customdata:.6g}${scale === "symlog" ? `<br>(axis: sign(λ)·log₁₀(1 + |λ|/${fmt(c)}))` : ""}<extra></extra>`,
    ...(labelled ? { text: eig.map(fmt), textposition: eig.map((l) => (l < 0 ? "bottom center" : "top center")), cliponaxis: false } : {}),
  });
  const verdict = describeCurvature(kind, eig, tol, o.gradNorm);
  const where = o.point ? ` at ${fmtPoint(o.point)}` : "";
  const yTitle = scale === "symlog" ? "eigenvalue λ (symmetric log)" : "eigenvalue λ (curvature)";
  const pad = 0.6;
  const yaxis = scale === "log"
    ? axis(yTitle, { type: "log", range: [Math.log10(eig[0]!) - pad, Math.log10(eig[eig.length - 1]!) + pad] })
    : scale === "symlog"
      ? { ...axis(yTitle, { type: "linear", range: [Math.min(0, ...y) - pad, Math.max(0, ...y) + pad] }), ...symlogTicks(eig, c) }
      : axis(yTitle, { type: "linear" });
  const layout = baseLayout(o.title ?? `Hessian eigenvalues${where}: ${verdict}`, {
    height: 380,
    showlegend: false,
    xaxis: labelled
      ? { ...axis("eigenvalue λᵢ, ascending", { type: "linear", range: [0.4, eig.length + 0.6] }), tickvals: idx, ticktext: idx.map((i) => `λ${subscript(i)}`) }
      : axis("index i (eigenvalues ascending)", { type: "linear" }),
    yaxis,
    shapes: scale === "log" ? [] : [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0, y1: 0, line: { color: "#555", width: 1 } }],
  });
  return new Figure({ data, layout, config: defaultConfig() }, `Hessian eigenvalues${where}: ${eig.map(fmt).join(", ")} → ${verdict}`);
}

/** The y treatment of a spectrum: see `SpectrumOptions.yScale`. */
function spectrumScale(eig: number[], tol: number, mode: "auto" | "linear" | "log" | "symlog"): "linear" | "log" | "symlog" {
  const positive = eig[0]! > 0;
  if (mode === "log") return positive ? "log" : "symlog";
  if (mode !== "auto") return mode;
  const mags = eig.map(Math.abs).filter((a) => a > tol);
  if (mags.length === 0) return "linear";
  const span = Math.max(...mags) / Math.min(...mags);
  if (span <= 100) return "linear";
  return positive ? "log" : "symlog";
}

/** The symlog's linear half-width c: the smallest nonzero |λ| (at least 1e-6·max|λ|). */
function symlogConstant(eig: number[], tol: number): number {
  const mags = eig.map(Math.abs);
  const big = Math.max(...mags);
  const small = mags.filter((a) => a > tol);
  return Math.max(small.length ? Math.min(...small) : 1, big * 1e-6, Number.MIN_VALUE);
}

/** sign(λ)·log₁₀(1 + |λ|/c). */
export function symlog(l: number, c: number): number {
  return Math.sign(l) * Math.log10(1 + Math.abs(l) / c);
}

/** Ticks of a symlog axis at 0 and ±10ᵏ (k from ⌊log₁₀ c⌋ to ⌈log₁₀ max|λ|⌉), labelled with the true values. */
function symlogTicks(eig: number[], c: number): { tickvals: number[]; ticktext: string[] } {
  const big = Math.max(...eig.map(Math.abs));
  // powers of ten from c up (below c the axis is linear: ticks there would crowd around 0)
  const k0 = Math.ceil(Math.log10(c) - 1e-12), k1 = Math.ceil(Math.log10(big));
  const vals = [0], text = ["0"];
  const neg = eig[0]! < 0, pos = eig[eig.length - 1]! > 0;
  for (let k = k0; k <= k1; k++) {
    const v = 10 ** k;
    if (pos) { vals.push(symlog(v, c)); text.push(powerOfTen(k)); }
    if (neg) { vals.push(symlog(-v, c)); text.push(`−${powerOfTen(k)}`); }
  }
  return { tickvals: vals, ticktext: text };
}

/** 10ᵏ as text: 1, 10, 100 for small k, else 10 with a superscript exponent. */
function powerOfTen(k: number): string {
  if (k >= 0 && k <= 2) return String(10 ** k);
  if (k === -1) return "0.1";
  return `10${String(k).replace("-", "⁻").replace(/\d/g, (d) => "⁰¹²³⁴⁵⁶⁷⁸⁹"[Number(d)]!)}`;
}

function describeCurvature(kind: Curvature, eig: number[], tol: number, gradNorm?: number): string {
  const neg = eig.filter((l) => l < -tol).length;
  const critical = gradNorm === undefined || gradNorm <= 1e-6 * Math.max(1, Math.max(...eig.map(Math.abs)));
  if (!critical) {
    const shape = kind === "minimum" ? "locally convex" : kind === "maximum" ? "locally concave" : kind === "saddle" ? "indefinite" : "singular";
    return `not a critical point (‖∇f‖ = ${fmt(gradNorm!)}), ${shape}`;
  }
  if (kind === "minimum") return `minimum (κ = ${fmt(eig[eig.length - 1]! / eig[0]!)})`;
  if (kind === "maximum") return "maximum";
  if (kind === "saddle") return `saddle point (${neg} negative eigenvalue${neg === 1 ? "" : "s"})`;
  return "degenerate (a zero eigenvalue: the second-order test is inconclusive)";
}

/** Eigenvalues along one run. */
export interface EigenTrack {
  /** Legend name of the run. */
  name: string;
  /** Step of each sample. */
  steps: Series;
  /** eigenvalues[k] = the Hessian's eigenvalues at steps[k] (any order; sorted here). */
  eigenvalues: readonly Series[];
  /**
   * Learning rate per sample (or one number): draws the line where the optimizer loses stability
   * on a quadratic (`stabilityThreshold`: 2/η for GD, 2(1+β)/η for heavy ball, 2(1+β)/((1+2β)η)
   * for Nesterov).
   */
  lr?: number | Series;
  /**
   * The run's optimizer (`{ name, hyperparameters }`, or the `Run` itself): which threshold to
   * draw. Without it a track with `lr` is read as plain gradient descent (2/η).
   */
  optimizer?: StabilitySubject;
}

export interface EigenAlongOptions {
  title?: string;
  /** "all" eigenvalues (default for one run with n ≤ 12) or only the "sharpness" λ_max (default otherwise). */
  show?: "all" | "sharpness";
  /** Zero threshold for the curvature strip. */
  tol?: number;
}

/**
 * Hessian eigenvalues along trajectories: every eigenvalue of one run (λ_max bold: the
 * sharpness), or the sharpness of several runs, with the optimizer's stability limit dashed
 * (gradient descent with step η is unstable along directions where λ > 2/η, heavy ball with
 * momentum β where λ > 2(1+β)/η, Nesterov where λ > 2(1+β)/((1+2β)η); see `stabilityThreshold`;
 * cf. Cohen et al., "Gradient Descent on Neural Networks Typically Occurs at the Edge of
 * Stability", ICLR 2021, arXiv:2103.00065). Adam's limit bounds the preconditioned sharpness, so
 * it is named in a note, not drawn against λ_max(∇²f). Under the chart,
 * it a strip classifying the local curvature per step (convex / indefinite / concave).
 *
 * @param tracks one or more runs' eigenvalue samples.
 * @param o options; see `EigenAlongOptions`.
 * @example
 * hessianAlong([{ name: "gd", steps: [0, 1], eigenvalues: [[1, 3], [1, 2.5]], lr: 0.5 }]);
 */
export function hessianAlong(tracks: readonly EigenTrack[], o: EigenAlongOptions = {}): Figure {
  if (tracks.length === 0) throw new DslError("bad-argument", "plot.hessian: expected at least one run", { path: "plot.hessian" });
  for (const t of tracks) {
    if (t.steps.length !== t.eigenvalues.length) {
      throw new DslError("bad-argument", `plot.hessian: run "${t.name}" has ${t.steps.length} steps but ${t.eigenvalues.length} eigenvalue samples`, { path: "plot.hessian" });
    }
  }
  const n = tracks[0]!.eigenvalues[0]?.length ?? 0;
  const show = o.show ?? (tracks.length === 1 && n <= 12 ? "all" : "sharpness");
  const data: Trace[] = [];
  const notes: string[] = [];
  // the curvature strip has a row per run: taller with more runs, so their labels do not overlap
  const [top, strip] = stackDomains(2, 0.9 - Math.min(0.25, 0.045 * tracks.length + 0.035), 0.08);
  for (const t of tracks) {
    const color = colorOf(t.name);
    const steps = Array.from(t.steps);
    const sorted = t.eigenvalues.map((e) => Array.from(e).sort((a, b) => a - b));
    const sharp = sorted.map((e) => e[e.length - 1] ?? null);
    if (show === "all") {
      for (let i = 0; i < n - 1; i++) {
        data.push({
          type: "scatter", mode: "lines", name: `λ${subscript(i + 1)}`, x: steps, y: sorted.map((e) => e[i] ?? null),
          line: { color: shade(i, n), width: 1.5 }, hovertemplate: `λ${subscript(i + 1)} at step %{x} = %{y:.6g}<extra></extra>`,
        });
      }
    }
    data.push({
      type: "scatter", mode: "lines", name: show === "all" ? `λ_max (sharpness)` : `${t.name}: λ_max`, legendgroup: t.name,
      x: steps, y: sharp, line: { color, width: 3 }, hovertemplate: `${t.name} λ_max at step %{x} = %{y:.6g}<extra></extra>`,
    });
    if (t.lr !== undefined) {
      const lr = typeof t.lr === "number" ? steps.map(() => t.lr as number) : Array.from(t.lr);
      const subject: StabilitySubject = t.optimizer ?? { name: "gd", hyperparameters: {} };
      const limits = lr.map((v, k) => stabilityThreshold(subject, { lr: v, step: steps[k]! }));
      const first = limits.find((l) => l !== undefined);
      if (first && first.of === "sharpness") {
        data.push({
          type: "scatter", mode: "lines", name: `${first.label} (${t.name})`, legendgroup: t.name, x: steps,
          y: limits.map((l) => (l && Number.isFinite(l.value) ? l.value : null)),
          line: { color, width: 1.5, dash: "dash" }, hovertemplate: `stability limit ${escapeTemplate(first.formula)} = %{y:.6g}<extra></extra>`,
        });
      } else {
        notes.push(first
          ? `${t.name}: limit ${first.formula} = ${fmt(first.value)} bounds the preconditioned λ_max(P⁻¹∇²f), not drawn`
          : `${t.name}: no closed-form stability limit for this optimizer`);
      }
    }
    data.push(curvatureStrip(t, steps, sorted, o.tol));
  }
  // Legend entries for the strip's colours (only the classes that occur).
  const present = new Set(tracks.flatMap((t) => t.eigenvalues.map((e) => classifyCurvature(e, o.tol))));
  for (const k of ["minimum", "saddle", "maximum", "degenerate"] as const) {
    if (!present.has(k)) continue;
    data.push({
      type: "scatter", mode: "markers", name: `curvature: ${STRIP_LABEL[k]}`, x: [null], y: [null], xaxis: "x2", yaxis: "y2",
      marker: { symbol: "square", size: 10, color: STRIP_COLOR[k] }, hoverinfo: "skip",
    });
  }
  const layout: Layout = baseLayout(o.title ?? (show === "all" ? `Hessian eigenvalues along ${tracks[0]!.name}` : "Sharpness λ_max along the runs"), {
    height: 460,
    xaxis: axis("", { anchor: "y", showTickLabels: false }),
    yaxis: axis("eigenvalue λ", { domain: top }),
    xaxis2: axis("step t (iterations)", { anchor: "y2", matches: "x" }),
    yaxis2: { ...axis("", { domain: strip, anchor: "x2" }), type: "category", showgrid: false, tickfont: { size: 10 } },
    shapes: [{ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: 0, y1: 0, line: { color: "#777", width: 1, dash: "dot" } }],
    ...(notes.length ? { annotations: notes.map((text, i) => ({ ...note(text), y: 1, yshift: 18 + 16 * i })) } : {}),
  });
  return new Figure({ data, layout, config: defaultConfig() }, `Hessian eigenvalues along ${tracks.length} run${tracks.length === 1 ? "" : "s"} (${tracks.map((t) => t.name).join(", ")}), ${show}`);
}

const STRIP_LABEL = { minimum: "convex", maximum: "concave", saddle: "indefinite", degenerate: "singular" } as const;
const STRIP_COLOR = { minimum: SIGN_COLORS.positive, maximum: SIGN_COLORS.maximum, saddle: SIGN_COLORS.negative, degenerate: SIGN_COLORS.zero } as const;

function curvatureStrip(t: EigenTrack, steps: number[], sorted: number[][], tol?: number): Trace {
  const kinds = sorted.map((e) => classifyCurvature(e, tol));
  const label = STRIP_LABEL, color = STRIP_COLOR;
  return {
    type: "scatter", mode: "markers", name: `${t.name}: curvature`, showlegend: false, xaxis: "x2", yaxis: "y2",
    x: steps, y: kinds.map(() => t.name), text: kinds.map((k) => label[k]),
    marker: { symbol: "square", size: 9, color: kinds.map((k) => color[k]) },
    hovertemplate: `${t.name} at step %{x}: %{text}<extra></extra>`,
  };
}

/** Greys from light (smallest λ) to dark, for the non-sharpness eigenvalues. */
function shade(i: number, n: number): string {
  const g = Math.round(165 - (90 * i) / Math.max(1, n - 2));
  return `rgb(${g},${g},${g})`;
}

function subscript(k: number): string {
  return String(k).replace(/\d/g, (d) => "₀₁₂₃₄₅₆₇₈₉"[Number(d)]!);
}
