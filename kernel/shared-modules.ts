/**
 * One TensorFlow.js per kernel: a cell that imports `@tensorflow/tfjs` (or `-core`, a backend
 * package, `-layers`, ...) gets the copy optlab itself runs on, with the backends optlab has
 * registered and started, wherever the notebook lives: in a directory without `node_modules`
 * (where the import would fail) or with its own copy (where it would load a second TensorFlow.js,
 * whose tensors optlab's `tensorMemory()` and runs never see).
 *
 * Two places resolve a cell's imports, and both are pointed at optlab's packages:
 * - type checking: `paths` compiler options for the package names (`compilerPaths`, used by
 *   ts-host.ts), so the declarations match the code that runs;
 * - running: the cell's `require` asks `sharedModule(id)` first (executor.ts).
 *
 * Loading `@tensorflow/tfjs` or `-core` from a cell does what optlab's own loader does
 * (src/backends/tfjs.ts `loadTf`): production mode (no console banner), the `cpu` backend and the
 * gradients of the full bundle; then, when no backend is active yet, the best registered one is
 * started, so `tf.getBackend()` answers at once, as it does after any tfjs op.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The packages a cell shares with optlab (and their subpaths, e.g. `@tensorflow/tfjs-core/dist/...`). */
export const SHARED_PACKAGES: readonly string[] = [
  "@tensorflow/tfjs",
  "@tensorflow/tfjs-core",
  "@tensorflow/tfjs-backend-cpu",
  "@tensorflow/tfjs-backend-wasm",
  "@tensorflow/tfjs-backend-webgl",
  "@tensorflow/tfjs-backend-webgpu",
  "@tensorflow/tfjs-converter",
  "@tensorflow/tfjs-data",
  "@tensorflow/tfjs-layers",
];

/** The shared package `id` names (itself or a subpath), or undefined. */
export function sharedPackageOf(id: string): string | undefined {
  if (!id.startsWith("@tensorflow/")) return undefined;
  const parts = id.split("/");
  const pkg = `${parts[0]}/${parts[1]}`;
  return SHARED_PACKAGES.includes(pkg) ? pkg : undefined;
}

/** The directory of each shared package installed with optlab (packages not installed are left out). */
export function sharedPackageDirs(packageRoot: string): Map<string, string> {
  const req = createRequire(join(packageRoot, "package.json"));
  const dirs = new Map<string, string>();
  for (const pkg of SHARED_PACKAGES) {
    try {
      dirs.set(pkg, dirname(req.resolve(`${pkg}/package.json`)));
    } catch {
      /* not installed with optlab: a cell resolves it as any other package */
    }
  }
  return dirs;
}

/**
 * TypeScript `paths` that resolve the shared packages (and their subpaths) to optlab's copies,
 * for the compiler options of the cells' type checker.
 */
export function compilerPaths(packageRoot: string): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const [pkg, dir] of sharedPackageDirs(packageRoot)) {
    const d = dir.replace(/\\/g, "/");
    paths[pkg] = [d];
    paths[`${pkg}/*`] = [`${d}/*`];
  }
  return paths;
}

/** What a cell's `require` asks first: optlab's copy of a shared package, or undefined for any other id. */
export type SharedRequire = (id: string) => unknown;

/** A `SharedRequire` over the packages installed with optlab at `packageRoot`. */
export function createSharedRequire(packageRoot: string): SharedRequire {
  const req = createRequire(join(packageRoot, "package.json"));
  const installed = sharedPackageDirs(packageRoot);
  let prepared = false;
  return (id) => {
    const pkg = sharedPackageOf(id);
    if (pkg === undefined || !installed.has(pkg)) return undefined;
    if (!prepared && (pkg === "@tensorflow/tfjs" || pkg === "@tensorflow/tfjs-core")) {
      prepared = true;
      prepareTf(req);
    }
    return req(id);
  };
}

interface TfCore {
  enableProdMode(): void;
  getBackend(): string | null | undefined;
  engine(): { backend: unknown };
}

/** As src/backends/tfjs.ts `loadTf` (same modules, so the same instances), then a backend. */
function prepareTf(req: NodeJS.Require): void {
  const tf = req("@tensorflow/tfjs-core") as TfCore;
  tf.enableProdMode();
  req("@tensorflow/tfjs-backend-cpu");
  req("@tensorflow/tfjs");
  if (tf.getBackend()) return;
  try {
    void tf.engine().backend; // starts the best registered backend (cpu, synchronously)
  } catch {
    /* a backend is still starting (async): tfjs picks one at the first op */
  }
}
