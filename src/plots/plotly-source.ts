/**
 * plotly.js as the chart outputs carry it: the `plotly.js-dist` bundle, minified, gzipped and
 * base64-encoded, loaded lazily on the first chart and cached.
 *
 * Why compressed: plotly.js-dist 4.x is 10 MB as shipped, 4.8 MB minified, 1.5 MB gzipped
 * (2.0 MB in base64). A notebook carries it once; gzip keeps a 20-chart notebook well under
 * 3 MB, and browsers inflate it natively (`DecompressionStream`, Chrome 80+, Firefox 113+,
 * Safari 16.4+).
 *
 * Minification uses esbuild when it resolves (it comes with the dev tools tsx and vitest); without
 * it the unminified bundle is gzipped (2.6 MB in base64) and `plotlySource().minified` says so.
 * Results are cached in memory and on disk (`node_modules/.cache/optlab/`, else the OS temp
 * directory) keyed by plotly's version and file size, so only the first chart on a machine pays
 * the ~1.5 s of minifying and compressing.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";

/** plotly.js, ready to embed. */
export interface PlotlySource {
  /** plotly.js version (from its package.json). */
  version: string;
  /** True when esbuild minified it. */
  minified: boolean;
  /** gzip of the JavaScript, base64: what the first chart output of a document carries. */
  gzipBase64: string;
  /** The JavaScript itself (for the static-image page and plain `<script>` tags). */
  code(): string;
}

let cached: PlotlySource | undefined;

/** plotly.js, loaded (and minified, compressed, cached) on first use. */
export function plotlySource(): PlotlySource {
  cached ??= load();
  return cached;
}

function load(): PlotlySource {
  const require = createRequire(import.meta.url);
  const pkgPath = require.resolve("plotly.js-dist/package.json");
  const version = (JSON.parse(readFileSync(pkgPath, "utf8")) as { version: string }).version;
  const file = join(dirname(pkgPath), "plotly.js");
  const esbuild = tryRequire(require, "esbuild") as { transformSync(code: string, o: object): { code: string } } | undefined;
  const key = createHash("sha1").update(`${version}:${statSync(file).size}:${esbuild ? "min" : "raw"}:1`).digest("hex").slice(0, 12);
  const cacheFile = cacheDirs(pkgPath).map((d) => join(d, `plotly-${version}-${key}.js.gz`));
  for (const f of cacheFile) {
    try {
      const gz = readFileSync(f);
      return source(version, esbuild !== undefined, gz);
    } catch { /* not cached there */ }
  }
  const raw = readFileSync(file, "utf8");
  const code = esbuild ? licenseHeader(raw) + esbuild.transformSync(raw, { minify: true, legalComments: "none" }).code : raw;
  const gz = gzipSync(code, { level: 9 });
  for (const f of cacheFile) if (writeAtomically(f, gz)) break;
  const src = source(version, esbuild !== undefined, gz);
  src.code = () => code;
  return src;
}

function source(version: string, minified: boolean, gz: Buffer): PlotlySource {
  let code: string | undefined;
  return {
    version,
    minified,
    gzipBase64: gz.toString("base64"),
    code: () => (code ??= gunzipSync(gz).toString("utf8")),
  };
}

/** Plotly's copyright comment (the first block comment), kept in the minified bundle. */
function licenseHeader(raw: string): string {
  const m = /^\s*\/\*[\s\S]*?\*\//.exec(raw);
  return m ? m[0] + "\n" : "";
}

function cacheDirs(pkgPath: string): string[] {
  // .../node_modules/plotly.js-dist/package.json → .../node_modules/.cache/optlab
  return [join(dirname(dirname(pkgPath)), ".cache", "optlab"), join(tmpdir(), "optlab-cache")];
}

function writeAtomically(file: string, data: Buffer): boolean {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, data);
    renameSync(tmp, file);
    return true;
  } catch {
    return false;
  }
}

function tryRequire(require: NodeJS.Require, id: string): unknown {
  try {
    return require(id);
  } catch {
    return undefined;
  }
}
