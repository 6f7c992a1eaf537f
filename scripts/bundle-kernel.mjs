// Bundles the kernel and the DSL (dist/kernel/snapshot-entry.js and everything it imports from
// dist/) into one CommonJS file, dist/kernel/snapshot-entry.cjs: the entry of the kernel's V8
// start-up snapshot (kernel/snapshot-entry.ts, kernel/snapshot.ts). Run by `npm run build` after tsc.
//
// - `import.meta.url` of each module becomes the URL of its own file under dist/, computed from the
//   bundle's location when it runs (so paths to workers, plotly.js, the explore engine hold);
// - packages that cannot or need not be in a snapshot stay outside (native ZeroMQ, TensorFlow.js,
//   WebGPU, Playwright, ts-morph, TypeScript and tslab, which kernel/cjs-loader.ts loads), and the
//   bundle's `require` serves built-ins itself and sends everything else to Node's `createRequire`
//   once the snapshot runs (`globalThis.__optlabRuntimeRequire`, set by the entry);
// - `import()` becomes `require` (a deserialized snapshot has no dynamic import in Node 20).
import { build } from "esbuild";
import { readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
const outArg = process.argv.find((a) => a.startsWith("--out="));
const out = outArg ? outArg.slice("--out=".length) : join(dist, "kernel/snapshot-entry.cjs");

const external = ["zeromq", "@tensorflow/*", "webgpu", "playwright-core", "ts-morph", "tslab", "@tslab/*", "mathjs", "mathjs/*", "katex", "plotly.js-dist"];

const metaUrl = {
  name: "optlab-import-meta-url",
  setup(b) {
    b.onLoad({ filter: /\.js$/ }, async (a) => {
      if (!a.path.startsWith(dist + "/")) return undefined;
      const text = await readFile(a.path, "utf8");
      if (!text.includes("import.meta.url")) return undefined;
      const rel = relative(dist, a.path).split("\\").join("/");
      return { contents: text.split("import.meta.url").join(`__optlabUrl(${JSON.stringify(rel)})`), loader: "js" };
    });
  },
};

// worker_threads and inspector are loaded on first use, after the snapshot is deserialized: loaded
// while it is built (where SharedArrayBuffer is off) they leave workers a broken cwd counter.
const banner = [
  "var __optlabBundleFile = __filename;",
  'var __optlabBuilding = process.getBuiltinModule("node:v8").startupSnapshot.isBuildingSnapshot();',
  "var __optlabLazy = (id) => {",
  "  let m;",
  "  const get = () => (m ??= process.getBuiltinModule(id));",
  "  return new Proxy({}, { get: (_, k) => get()[k], has: (_, k) => k in get(), ownKeys: () => Reflect.ownKeys(get()),",
  "    getOwnPropertyDescriptor: (_, k) => { const d = Object.getOwnPropertyDescriptor(get(), k); return d && { ...d, configurable: true }; } });",
  "};",
  "var require = ((builtin) => (id) => {",
  "  if (__optlabBuilding && /^(node:)?(worker_threads|inspector)$/.test(id)) return __optlabLazy(id);",
  "  const b = process.getBuiltinModule(id);",
  "  if (b) return b;",
  "  const r = globalThis.__optlabRuntimeRequire;",
  "  if (r) return r(id);",
  '  throw new Error("optlab snapshot: " + id + " cannot be loaded while the snapshot is built (mark it external and load it lazily)");',
  "})(require);",
  'var __optlabUrl = (rel) => require("node:url").pathToFileURL(require("node:path").join(__dirname, "..", rel)).href;',
].join("\n");

await build({
  absWorkingDir: root,
  entryPoints: [join(dist, "kernel/snapshot-entry.js")],
  outfile: out,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  external,
  supported: { "dynamic-import": false },
  banner: { js: banner },
  plugins: [metaUrl],
  logLevel: "warning",
  legalComments: "none",
});

// Where each module starts in the bundle (esbuild writes `// dist/kernel/executor.js` above each):
// kernel/bundle-frames.ts names a stack frame's module from it.
const lines = (await readFile(out, "utf8")).split("\n");
const modules = [];
lines.forEach((l, i) => {
  const m = /^\/\/ ((?:dist|node_modules)\/\S+\.(?:js|cjs|mjs|json))$/.exec(l);
  if (m) modules.push([i + 1, m[1]]);
});
await writeFile(out.replace(/\.cjs$/, ".modules.json"), JSON.stringify(modules) + "\n");
