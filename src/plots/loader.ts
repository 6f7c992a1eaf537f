/**
 * The HTML of one chart: a `<div>` and a small script that draws it with `window.Plotly`,
 * loading plotly.js first when this output carries it.
 *
 * The loader contract (every front end runs the same script):
 * - Exactly one output per document (notebook, exported HTML page) carries plotly.js: its script
 *   holds the gzip+base64 bundle. It inflates it (`DecompressionStream`), and runs it through a
 *   `<script>` element inside `function (define, module, exports, require) {...}` so AMD/CommonJS
 *   globals of the page (require.js in classic Notebook and nbconvert pages) are shadowed and
 *   plotly.js sets `window.Plotly`. `window.__optlabPlotlyLoading` guards against loading twice.
 * - Every chart (the carrier too) waits until `window.Plotly` exists (polling every 50 ms, for at
 *   most 30 s), then draws. Order does not matter: a chart rendered before the carrier waits.
 * - If plotly.js never comes (the carrier output was cleared or its cell re-run and the notebook
 *   saved), the chart says so and how to fix it instead of staying blank.
 * - A large spec (> 16 KB of JSON) travels gzipped and base64-encoded, inflated the same way.
 * - The div's placeholder text shows where no JavaScript runs (GitHub, untrusted notebooks).
 * - Nothing is fetched: no network requests.
 */
import { gzipSync } from "node:zlib";
import { escapeHtml } from "../display/index.js";
import type { FigureSpec } from "./types.js";

/** Where a chart without plotly.js points the user. */
const MISSING =
  "optlab: plotly.js is not on this page. optlab embeds it once per kernel session, in the first chart's output, " +
  "and that output is gone (its cell was re-run or cleared before saving). Restart the kernel and run all cells, " +
  "or display plot.plotlyjs() in a cell above.";

/** gzip+base64 → text with the browser's own inflater (shared by both scripts). */
const INFLATE = `function inflate(b){if(typeof DecompressionStream==="undefined")return Promise.reject(new Error("this browser cannot inflate gzip (DecompressionStream: Chrome 80+, Firefox 113+, Safari 16.4+)"));
var s=atob(b),n=s.length,a=new Uint8Array(n);for(var i=0;i<n;i++)a[i]=s.charCodeAt(i);
return new Response(new Blob([a]).stream().pipeThrough(new DecompressionStream("gzip"))).text();}`;

/**
 * Loads plotly.js from the gzip+base64 payload, once per page. ES5 so old webviews parse it.
 * `__ID__` is the element that shows a failure (or null), `__PAYLOAD__` the payload.
 */
const LOAD = `(function(){
var id=__ID__,payload=__PAYLOAD__,w=window,d=document;
function ready(){return !!(w.Plotly&&w.Plotly.newPlot);}
function fail(e){var m="optlab: could not load plotly.js: "+(e&&e.message||e),el=id&&d.getElementById(id);
if(!el){if(w.console)console.error(m);return;}el.innerHTML="";var p=d.createElement("div");p.style.cssText="font:13px sans-serif;padding:8px;color:#b00020";p.textContent=m;el.appendChild(p);}
${INFLATE}
if(ready()||w.__optlabPlotlyLoading)return;
var p=w.__optlabPlotlyLoading=inflate(payload).then(function(code){var s=d.createElement("script");
s.text="(function(define,module,exports,require){"+code+"\\n}).call(window);";(d.head||d.documentElement).appendChild(s);
if(!ready())throw new Error("plotly.js did not define window.Plotly");});
p.then(null,function(e){if(w.__optlabPlotlyLoading===p)w.__optlabPlotlyLoading=null;fail(e);});
})();`;

/**
 * Draws one chart once `window.Plotly` exists. `__ID__`, `__FIG__` (the spec, or `{"gz": ...}`
 * for a gzip+base64 spec), `__MISSING__` are filled per chart.
 */
const DRAW = `(function(){
var id=__ID__,fig=__FIG__,w=window,d=document;
var el=null,n=d.currentScript,k=0;for(n=n&&n.previousElementSibling;n&&k<3&&!el;n=n.previousElementSibling,k++)if(n.id===id)el=n;el=el||d.getElementById(id);
function say(m){el=el&&el.isConnected?el:d.getElementById(id);if(!el)return;el.innerHTML="";var p=d.createElement("div");p.style.cssText="font:13px sans-serif;padding:8px;color:#b00020";p.textContent=m;el.appendChild(p);}
function ready(){return !!(w.Plotly&&w.Plotly.newPlot);}
${INFLATE}
function spec(){return fig.gz?inflate(fig.gz).then(JSON.parse):Promise.resolve(fig);}
function draw(){spec().then(function(f){el=el&&el.isConnected?el:d.getElementById(id);if(!el)return;el.innerHTML="";
return w.Plotly.newPlot(el,f.data,f.layout,f.config);}).then(null,function(e){say("optlab: this chart failed to draw: "+(e&&e.message||e));});}
if(ready())return draw();
var t0=Date.now();(function wait(){if(ready())return draw();if(Date.now()-t0>30000&&!w.__optlabPlotlyLoading)return say(__MISSING__);setTimeout(wait,50);})();
})();`;

/** Specs whose JSON is longer than this travel gzipped inside the HTML (numbers compress ~4×). */
const GZIP_ABOVE = 16_384;

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`, no line separators). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * The HTML fragment of a chart: the div, then (when this output carries plotly.js) the load
 * script, then the draw script.
 *
 * @param fig the figure spec.
 * @param id a document-unique element id.
 * @param payload gzip+base64 plotly.js when this output carries it, else null.
 */
export function chartHtml(fig: FigureSpec, id: string, payload: string | null): string {
  const height = typeof fig.layout.height === "number" ? fig.layout.height : 450;
  const spec = { data: fig.data, layout: fig.layout, config: fig.config ?? {} };
  const json = JSON.stringify(spec);
  const figJs = json.length > GZIP_ABOVE ? JSON.stringify({ gz: gzipSync(json, { level: 9 }).toString("base64") }) : scriptJson(spec);
  const draw = DRAW.replace("__ID__", () => JSON.stringify(id))
    .replace("__FIG__", () => figJs)
    .replace("__MISSING__", () => JSON.stringify(MISSING));
  const placeholder = "Interactive Plotly chart: it draws where JavaScript runs (Jupyter, VS Code, exported HTML).";
  return (
    `<div class="optlab-chart" id="${escapeHtml(id)}" style="width:100%;height:${height}px">` +
    `<div style="font:13px sans-serif;color:#888;padding:8px">${placeholder}</div></div>` +
    (payload === null ? "" : loadScript(payload, id)) +
    `<script type="text/javascript">${draw}</script>`
  );
}

/**
 * The script that loads plotly.js from `payload` (once per page), reporting a failure in the
 * element `id` (or the console when null).
 */
export function loadScript(payload: string, id: string | null): string {
  const load = LOAD.replace("__ID__", () => JSON.stringify(id)).replace("__PAYLOAD__", () => JSON.stringify(payload));
  return `<script type="text/javascript" class="optlab-plotlyjs">${load}</script>`;
}
