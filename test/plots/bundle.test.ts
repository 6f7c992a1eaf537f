import { gunzipSync } from "node:zlib";
import { beforeEach, describe, expect, test } from "vitest";
import {
  chartBundle, chartBundleSync, configurePlots, plotlyjsDisplay, plotlyLoaderHtml, renderChartHtml, resetPlotlyDocument, withChart, withoutPlotlyPayload,
} from "../../src/plots/bundle.js";
import { plotlySource } from "../../src/plots/plotly-source.js";
import { DISPLAY, type MimeBundle } from "../../src/display/index.js";
import type { FigureSpec } from "../../src/plots/types.js";

const small: FigureSpec = { data: [{ type: "scatter", y: [1, 2, 3], name: "a</script><b>" }], layout: { height: 300, title: { text: "t" } } };
const carries = (html: string) => html.includes('class="optlab-plotlyjs"');

describe("chart bundle", () => {
  beforeEach(() => {
    resetPlotlyDocument();
    configurePlots({ staticImage: false });
  });

  test("carries plotly JSON, offline HTML and a one-line text", async () => {
    const b = await chartBundle(small, { summary: "three points" });
    expect(b["application/vnd.plotly.v1+json"]).toEqual({ data: small.data, layout: small.layout, config: {} });
    expect(b["text/plain"]).toBe("three points");
    expect(typeof b["text/html"]).toBe("string");
    expect(b["image/png"]).toBeUndefined();
  });

  test("the first chart of a document carries plotly.js, later ones do not, a new document starts over", () => {
    const first = chartBundleSync(small)["text/html"] as string;
    const second = chartBundleSync(small)["text/html"] as string;
    expect(carries(first)).toBe(true);
    expect(carries(second)).toBe(false);
    expect(first.length - second.length).toBeGreaterThan(1e6);
    resetPlotlyDocument();
    expect(carries(chartBundleSync(small)["text/html"] as string)).toBe(true);
    expect(carries(chartBundleSync(small, { includePlotly: true })["text/html"] as string)).toBe(true);
  });

  test("the embedded payload is plotly.js itself (gzip+base64) and defines window.Plotly", () => {
    const src = plotlySource();
    const code = gunzipSync(Buffer.from(src.gzipBase64, "base64")).toString("utf8");
    // Booleans, not toContain: a failure must not print 5 MB of JavaScript.
    expect(code.slice(0, 40)).toMatch(/plotly\.js v\d+\.\d+\.\d+/);
    expect(/window\.Plotly ?= ?/.test(code)).toBe(true);
    expect(code === src.code()).toBe(true);
    const html = renderChartHtml(small, { includePlotly: true });
    expect(html.includes(JSON.stringify(src.gzipBase64))).toBe(true);
  });

  test("HTML is safe: no raw </script> from data, unique element ids, placeholder text for pages without JavaScript", () => {
    const a = renderChartHtml(small), b = renderChartHtml(small);
    expect(a.match(/<\/script>/g)).toHaveLength(1);
    expect(a).toContain("\\u003c/script\\u003e\\u003cb\\u003e");
    const id = (h: string) => /id="([^"]+)"/.exec(h)![1];
    expect(id(a)).not.toBe(id(b));
    expect(a).toContain("Interactive Plotly chart");
    expect(a).toContain('style="width:100%;height:300px"');
  });

  test("large specs travel gzipped inside the HTML, small ones as JSON", () => {
    const big: FigureSpec = { data: [{ type: "scatter", y: Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 1e-3) }], layout: {} };
    const html = renderChartHtml(big);
    const gz = /fig=\{"gz":"([^"]+)"\}/.exec(html)![1]!;
    expect(JSON.parse(gunzipSync(Buffer.from(gz, "base64")).toString())).toEqual({ ...big, config: {} });
    expect(html.length).toBeLessThan(JSON.stringify(big).length * 0.75);
    expect(renderChartHtml(small)).toMatch(/fig=\{"data":/);
  });

  test("renderChartHtml accepts a saved bundle (for the HTML renderer of optlab run)", () => {
    const b = chartBundleSync(small);
    expect(renderChartHtml(b)).toContain('class="optlab-chart"');
    expect(() => renderChartHtml({ "text/plain": "x" } as MimeBundle)).toThrow(/application\/vnd.plotly.v1\+json/);
  });

  test("withChart keeps the object's text and table and adds the chart", async () => {
    const b = await withChart({ "text/plain": "Run adam", "text/html": "<table></table>" }, small);
    expect(b["text/plain"]).toBe("Run adam");
    expect((b["text/html"] as string).startsWith("<table></table><div class=\"optlab-chart\"")).toBe(true);
    expect(b["application/vnd.plotly.v1+json"]).toBeDefined();
  });

  test("plot.plotlyjs() output carries the payload and counts as the carrier", () => {
    const b = plotlyjsDisplay()[DISPLAY]();
    expect(carries(b["text/html"] as string)).toBe(true);
    expect(b["text/plain"]).toMatch(/^plotly\.js \d/);
    expect(carries(chartBundleSync(small)["text/html"] as string)).toBe(false);
  });
});

describe("in a kernel", () => {
  test("the kernel's once(\"plotly.js\") decides which output carries plotly.js, per document", () => {
    const seen = new Set<string>();
    const hooks = { version: 1, mode: "runner", displayBundle: () => "id", documentId: 1, once: (k: string) => !seen.has(k) && !!seen.add(k) };
    (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")] = hooks;
    try {
      expect(carries(chartBundleSync(small)["text/html"] as string)).toBe(true);
      expect(carries(chartBundleSync(small)["text/html"] as string)).toBe(false);
      seen.clear(); // the runner's next notebook
      expect(carries(chartBundleSync(small)["text/html"] as string)).toBe(true);
      expect([...seen]).toEqual(["plotly.js"]);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[Symbol.for("optlab.kernel")];
    }
  });
});

test("configurePlots checks its options and says what it expected", () => {
  expect(configurePlots({ imageSize: { width: 640 } }).imageSize).toEqual({ width: 640 });
  expect(() => configurePlots({ staticImage: "yes" as never })).toThrow(expect.objectContaining({ code: "bad-option", message: 'plot.configure: staticImage must be true, false or "auto", got "yes"' }));
  expect(() => configurePlots({ imageSize: { width: -1 } })).toThrow(/imageSize\.width must be a positive number, got -1/);
  expect(() => configurePlots({ colour: 1 } as never)).toThrow(/colour must be one of staticImage/);
  configurePlots({ imageSize: {} });
});

describe("plotly.js for a page that loads it once itself (optlab run --html)", () => {
  const fig: FigureSpec = { data: [{ type: "scatter", y: [1, 2] }], layout: {} };

  test("plotlyLoaderHtml is the loader script with the payload, reporting to the console", () => {
    const html = plotlyLoaderHtml();
    expect(html.match(/<script type="text\/javascript" class="optlab-plotlyjs">/g)?.length).toBe(1);
    expect(html).toContain(plotlySource().gzipBase64);
    expect(html).toContain("var id=null,payload=");
  });

  test("withoutPlotlyPayload takes the payload out of a carrier output and leaves the chart and other HTML", () => {
    const carrier = `<table><tr><td>run</td></tr></table>${renderChartHtml(fig, { includePlotly: true })}`;
    const stripped = withoutPlotlyPayload(carrier);
    expect(stripped).not.toContain("optlab-plotlyjs");
    expect(stripped).not.toContain(plotlySource().gzipBase64.slice(0, 200));
    expect(stripped).toContain("<table><tr><td>run</td></tr></table>");
    expect(stripped).toMatch(/<div class="optlab-chart" id="[^"]+"[^>]*>.*<\/div><script type="text\/javascript">\(function\(\)\{\nvar id=/s);
    expect(stripped.length).toBeLessThan(20_000);
    const plain = renderChartHtml(fig, { includePlotly: false });
    expect(withoutPlotlyPayload(plain)).toBe(plain);
    expect(withoutPlotlyPayload("<b>no chart</b>")).toBe("<b>no chart</b>");
  });
});
