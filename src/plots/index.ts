/**
 * Charts: builders that turn plain data (number arrays, `{ name, losses }` records, a function
 * `(x, y) => number` or a `Problem`) into Plotly figures that display themselves, plus the chart
 * MIME bundle, the offline plotly.js loader, static images and live progress charts.
 *
 * Builders do no I/O; a `Figure`'s display reads plotly.js (lazily, once) and may start Chromium.
 */
export type { FigureSpec, Layout, PlotConfig, Points, Series, Trace } from "./types.js";
export { Figure, type FigureAdjustments } from "./figure.js";
export { PALETTE, colorDistance, colorOf, deltaE2000, hexToLab, resetColors } from "./palette.js";
export { lossCurves, type LossCurveOptions, type LossPanel, type RunSeries } from "./loss.js";
export { landscape, surface3d, type LandscapeOptions, type PathSeries, type Surface2, type SurfaceOptions } from "./landscape.js";
export { classifyCurvature, hessianAlong, hessianSpectrum, type Curvature, type EigenAlongOptions, type EigenTrack, type SpectrumOptions } from "./hessian.js";
export { convergenceRates, type ErrorSeries, type RatesOptions, type TheoryRate } from "./rates.js";
export { gradcheckCurve, type FdScheme, type VCurveData, type VCurveSeries } from "./gradcheck.js";
export { scheduleChart, type LrSeries, type ScheduleOptions } from "./schedule.js";
export { basinsMap, sweepHeatmap, type BasinsGrid, type SweepAxis, type SweepGrid } from "./sweep.js";
export {
  chartBundle, chartBundleSync, configurePlots, plotSettings, plotlyjsDisplay, plotlyLoaderHtml, renderChartHtml, resetPlotlyDocument, withChart, withChartSync, withoutPlotlyPayload,
  type ChartBundleOptions, type PlotSettings,
} from "./bundle.js";
export { plotlySource, type PlotlySource } from "./plotly-source.js";
export { exprLabel } from "./style.js";
export { chromiumPath, closeStaticRenderer, renderPng, staticImageStatus, CHROMIUM_ARGS, type ImageSize } from "./static-image.js";
export { LiveChart, liveDisplayAvailable, setDisplayHook, wasShownLive, type DisplayHook, type LiveChartOptions, type LiveRun } from "./live.js";
export { lineChartSvg, type SvgChartOptions, type SvgSeries } from "./svg.js";
export { legendName, runSeries, runsOf, type RunsInput } from "./runs.js";
export { decodeArray, encodeArrays, type TypedArraySpec } from "./encode.js";
export { kernelHooks, type KernelHooksLike } from "./kernel-hooks.js";
export { attach, gradcheckDisplay, resultChart, runDisplay, scheduleDisplay } from "./result-displays.js";
export { sideBySide, type SideBySideOptions } from "./compose.js";
export { gradNormsChart, type GradNormsOptions, type LeafNormSeries } from "./grad-norms.js";
export { activationStatsChart, type LayerStatsRow } from "./activation-stats.js";
