/**
 * Hessian eigenvalues: the spectrum at a point (with the critical-point classification), and
 * the eigenvalues along a trajectory with the sharpness λ_max and the 2/η stability line.
 */
import { DslError } from "../errors/index.js";
import { fmt, fmtPoint } from "./data.js";
import { Figure } from "./figure.js";
import { colorOf } from "./palette.js";
import { axis, baseLayout, defaultConfig, stackDomains } from "./style.js";
import type { Layout, Series, Trace } from "./types.js";

/** What the eigenvalues say about a point. */
export type Curvature = "minimum" | "maximum" | "saddle" | "degenerate";

const SIGN_COLORS = { positive: "#2a9d8f", negative: "#d1495b", zero: "#9a9a9a" } as const;

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
  /** "auto" (default: log when every eigenvalue is positive and κ > 100), "linear" or "log" (positive spectra only). */
  yScale?: "auto" | "linear" | "log";
}

/**
 * The Hessian's eigenvalues at a point as bars, ascending, coloured by sign, with the
 * classification (minimum / maximum / saddle / degenerate) and, at a minimum, κ = λ_max/λ_min.
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
  const many = eig.length > 60;
  const labels = eig.map((_, i) => `λ${subscript(i + 1)}`);
  const trace: Trace = many
    ? { type: "scatter", mode: "markers", name: "eigenvalues", x: eig.map((_, i) => i + 1), y: eig, marker: { color: colors, size: 5 }, hovertemplate: "λ_%{x} = %{y:.6g}<extra></extra>" }
    : { type: "bar", name: "eigenvalues", x: labels, y: eig, marker: { color: colors }, text: eig.map(fmt), textposition: "outside", cliponaxis: false, hovertemplate: "%{x} = %{y:.6g}<extra></extra>" };
  const verdict = describeCurvature(kind, eig, tol, o.gradNorm);
  const where = o.point ? ` at ${fmtPoint(o.point)}` : "";
  const layout = baseLayout(o.title ?? `Hessian eigenvalues${where}: ${verdict}`, {
    height: 380,
    showlegend: false,
    xaxis: axis(many ? "index i (ascending)" : "eigenvalue (ascending)"),
    // Log bars grow from 0, which autorange would chase to 1e-300: fix the range around the values.
    yaxis: logScale(eig, o.yScale ?? "auto")
      ? axis("eigenvalue λ (curvature)", { type: "log", range: [Math.log10(eig[0]!) - 0.6, Math.log10(eig[eig.length - 1]!) + 0.6] })
      : axis("eigenvalue λ (curvature)", { type: "linear" }),
    shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, y0: 0, y1: 0, line: { color: "#555", width: 1 } }],
  });
  return new Figure({ data: [trace], layout, config: defaultConfig() }, `Hessian eigenvalues${where}: ${eig.map(fmt).join(", ")} → ${verdict}`);
}

function logScale(eig: number[], mode: "auto" | "linear" | "log"): boolean {
  if (mode === "linear" || !(eig[0]! > 0)) return false;
  return mode === "log" || eig[eig.length - 1]! / eig[0]! > 100;
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
  /** Learning rate per sample (or one number): draws the 2/η line where GD loses stability. */
  lr?: number | Series;
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
 * sharpness), or the sharpness of several runs, with 2/η dashed (gradient descent with step η
 * is unstable along directions where λ > 2/η; cf. Cohen et al., "Gradient Descent on Neural
 * Networks Typically Occurs at the Edge of Stability", ICLR 2021, arXiv:2103.00065), and under
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
  const [top, strip] = stackDomains(2, 0.82, 0.08);
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
      data.push({
        type: "scatter", mode: "lines", name: `2/η (${t.name})`, legendgroup: t.name, x: steps, y: lr.map((v) => (v > 0 ? 2 / v : null)),
        line: { color, width: 1.5, dash: "dash" }, hovertemplate: "2/η = %{y:.6g}<extra></extra>",
      });
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
  });
  return new Figure({ data, layout, config: defaultConfig() }, `Hessian eigenvalues along ${tracks.length} run${tracks.length === 1 ? "" : "s"} (${tracks.map((t) => t.name).join(", ")}), ${show}`);
}

const STRIP_LABEL = { minimum: "convex", maximum: "concave", saddle: "indefinite", degenerate: "singular" } as const;
const STRIP_COLOR = { minimum: SIGN_COLORS.positive, maximum: "#6a4c93", saddle: SIGN_COLORS.negative, degenerate: SIGN_COLORS.zero } as const;

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
