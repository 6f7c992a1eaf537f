/**
 * The kernel's V8 start-up snapshot (`node --build-snapshot`, see kernel/snapshot.ts).
 *
 * Bundled by scripts/bundle-kernel.mjs into dist/kernel/snapshot-entry.cjs (one CommonJS file:
 * the kernel, the DSL, mathjs; TypeScript and tslab's converter are loaded by
 * kernel/cjs-loader.ts). While the snapshot is built it loads all of that, and type-checks a
 * first cell against the prelude's declarations in two directories — the package's own (its
 * `@types/node`) and one without `node_modules` (tslab's `@types/node`) — so that the lib, Node's
 * declarations and the DSL's are parsed and bound in the snapshot. A kernel started from it
 * (`node --snapshot-blob kernel.blob kernel -f FILE`) only connects its sockets and checks
 * cells: no module loading, no parsing of declaration files.
 *
 * What cannot live in a snapshot is loaded after it is deserialized: ZeroMQ (a native addon),
 * the io and timeout workers, TensorFlow.js and anything else a cell or the DSL `require`s later
 * (through Node's real `createRequire`).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as v8 from "node:v8";
import * as dsl from "../dsl/index.js";
import { setBundleModules } from "./bundle-frames.js";
import { createMiniLoader } from "./cjs-loader.js";
import { startKernel } from "./main.js";
import { packageRoot } from "./package-root.js";
import { loadPrelude, setBundledDsl } from "./prelude.js";
import { loadTsHost, stableSourceFileCount } from "./ts-host.js";

declare const __optlabBundleFile: string | undefined;
const globals = globalThis as { __optlabRuntimeRequire?: NodeJS.Require; __optlabSnapshotInfo?: SnapshotInfo };

/** What the snapshot was built from (printed by the build, kept for `--snapshot-info`). */
interface SnapshotInfo {
  packageRoot: string;
  declarationFiles: number;
  buildMs: number;
}

async function build(): Promise<void> {
  const t0 = performance.now();
  const loader = createMiniLoader((id) => process.getBuiltinModule(id));
  setBundledDsl(dsl as unknown as Record<string, unknown>);
  const root = packageRoot();
  const host = loadTsHost(root, (file) => loader.requireFrom(file));
  const api = { display: () => undefined, prompt: () => null, comms: {} };
  const prelude = await loadPrelude(root, host.ts, api);
  if (prelude.loadError) throw new Error(`optlab snapshot: the DSL did not load: ${prelude.loadError}`);
  const here = process.cwd();
  const bare = mkdtempSync(join(tmpdir(), "optlab-snapshot-"));
  try {
    for (const dir of [root, bare]) {
      process.chdir(dir);
      const c = host.createConverter();
      const r = c.convert(prelude.declaration, "const optlabWarm = 1 + 1;");
      if (r.diagnostics.length) throw new Error(`optlab snapshot: the warm-up cell did not type-check: ${r.diagnostics.map((d) => d.messageText).join("; ")}`);
      c.close();
    }
  } finally {
    process.chdir(here);
    rmSync(bare, { recursive: true, force: true });
  }
  const bundle = typeof __optlabBundleFile === "string" ? __optlabBundleFile : fileURLToPath(import.meta.url);
  const modules = JSON.parse(readFileSync(bundle.replace(/\.cjs$/, ".modules.json"), "utf8")) as [number, string][];
  setBundleModules(bundle, root, modules);
  globals.__optlabSnapshotInfo = { packageRoot: root, declarationFiles: stableSourceFileCount(), buildMs: Math.round(performance.now() - t0) };
  loader.setFallback((file) => createRequire(file));
  v8.startupSnapshot.setDeserializeMainFunction(() => {
    // Node takes Error.stackTraceLimit out of a snapshot; give stack traces their frames back.
    if (typeof Error.stackTraceLimit !== "number" || !(Error.stackTraceLimit >= 10)) Error.stackTraceLimit = 10;
    globals.__optlabRuntimeRequire = createRequire(bundle);
    void run(process.argv.slice(1));
  });
}

async function run(args: string[]): Promise<void> {
  const fail = (m: string) => {
    process.stderr.write(`optlab kernel (snapshot): ${m}\n`);
    process.exit(2);
  };
  if (args[0] === "info") {
    process.stdout.write(JSON.stringify(globals.__optlabSnapshotInfo) + "\n");
    return;
  }
  const f = args.indexOf("-f");
  if (args[0] !== "kernel" || f < 0 || !args[f + 1]) return fail(`expected "kernel -f CONNECTION_FILE", got ${JSON.stringify(args)}`);
  try {
    await startKernel(args[f + 1]!);
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
  }
}

if (!v8.startupSnapshot.isBuildingSnapshot()) {
  process.stderr.write("optlab: dist/kernel/snapshot-entry.cjs is the entry of `node --build-snapshot` (see kernel/snapshot.ts); start the kernel with `optlab kernel`\n");
  process.exit(2);
}
build().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
