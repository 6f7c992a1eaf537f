// Bundles the explorables' in-page engine (src/explore/entry.ts: optlab's optimizer transforms,
// schedules, float64 runner and the page runtime) into dist/explore/engine.js, minified, for the
// browser (no Node APIs). Run by `npm run build` and `prepare` after tsc.
//
// These esbuild settings keep it small (under 100 KB: test/explore/bundle-size.test.ts) and browser-safe:
// - every optlab source file is marked side-effect free, so modules the engine reaches only
//   through index files it does not use (tfjs backends, gradient checks) are dropped;
// - `node:util` (src/display uses util.inspect for text/plain of unknown values, never on the
//   engine's path) resolves to a two-line stand-in;
// - the runner's `./run-diagnostics.js` (src/optim/run.ts only) resolves to
//   src/explore/page-diagnostics.ts: the same status code re-exported, without the warning and
//   divergence-hint prose that pulls in the theory helpers and Lanczos (~16 KB); its
//   `./run-resident.js` (steps run in a network engine's own memory, which no page problem has)
//   resolves to src/explore/page-resident.ts.
// `--report` prints the size and the largest inputs (TOP=n of them); `--out=PATH` writes elsewhere.
import { build } from "esbuild";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
// `--out=PATH` writes elsewhere (test/explore/bundle-size.test.ts builds a fresh copy from the sources)
const outArg = process.argv.find((a) => a.startsWith("--out="));
const out = outArg ? outArg.slice("--out=".length) : join(root, "dist/explore/engine.js");
const runTs = join(root, "src/optim/run.ts");
const pageDiagnostics = join(root, "src/explore/page-diagnostics.ts");
const pageResident = join(root, "src/explore/page-resident.ts");

const browserSafe = {
  name: "optlab-browser",
  setup(b) {
    b.onResolve({ filter: /^node:util$/ }, () => ({ path: "node:util", namespace: "optlab-shim" }));
    b.onLoad({ filter: /.*/, namespace: "optlab-shim" }, () => ({
      contents: "export const inspect = (v) => String(v);\nexport default { inspect };",
      loader: "js",
    }));
    b.onResolve({ filter: /^node:|^[a-z@]/ }, (a) => {
      if (a.path === "node:util" || a.namespace === "optlab-shim") return undefined;
      return { errors: [{ text: `the explore engine must not import ${a.path} (from ${a.importer}): it runs in the browser` }] };
    });
    // the runner's diagnostics: the page's slimmer module (same status code, no warning prose)
    b.onResolve({ filter: /^\.\/run-diagnostics\.js$/ }, (a) =>
      a.importer === runTs ? { path: pageDiagnostics, sideEffects: false } : undefined);
    // resident steps (the float32 network engine's own optimizer steps): no page problem has them
    b.onResolve({ filter: /^\.\/run-resident\.js$/ }, (a) =>
      a.importer === runTs ? { path: pageResident, sideEffects: false } : undefined);
    b.onResolve({ filter: /^\.\.?\// }, async (a) => {
      if (a.pluginData === "inner") return undefined;
      const r = await b.resolve(a.path, { resolveDir: a.resolveDir, kind: a.kind, importer: a.importer, pluginData: "inner" });
      return r.errors.length ? r : { ...r, sideEffects: false };
    });
  },
};

const result = await build({
  entryPoints: [join(root, "src/explore/entry.ts")],
  bundle: true,
  minify: true,
  format: "iife",
  platform: "browser",
  target: "es2022",
  legalComments: "none",
  charset: "utf8",
  write: false,
  plugins: [browserSafe],
  logLevel: "warning",
  metafile: process.argv.includes("--report"),
});
// entry.ts itself has the side effect (window.optlabExplore); keep it: entry points always are kept.
const code = result.outputFiles[0].text.replace(/<\/script/gi, "<\\/script");
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, code);
if (process.argv.includes("--report")) console.log(`${outArg ? out : "dist/explore/engine.js"}: ${Buffer.byteLength(code)} bytes minified`);
if (result.metafile) {
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  for (const [k, v] of Object.entries(inputs).sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput).slice(0, Number(process.env.TOP ?? 12))) console.log(`  ${String(v.bytesInOutput).padStart(6)} ${k}`);
}
