/**
 * `optlab install`: writes the Jupyter kernelspec "optlab" (kernel.json + logos) into a standard
 * Jupyter data directory, with no Python needed.
 *
 * Where (as `jupyter kernelspec install` would put it):
 * - `--user` (default): the user's Jupyter data dir — `$JUPYTER_DATA_DIR`, else
 *   `~/Library/Jupyter` (macOS), `%APPDATA%\jupyter` (Windows), `$XDG_DATA_HOME/jupyter` or
 *   `~/.local/share/jupyter` (Linux) — plus `/kernels/optlab`;
 * - `--sys-prefix`: the active virtualenv / conda env (`$VIRTUAL_ENV`, `$CONDA_PREFIX`)
 *   `/share/jupyter/kernels/optlab`;
 * - `--prefix DIR`: `DIR/share/jupyter/kernels/optlab`.
 *
 * Reference: https://jupyter-client.readthedocs.io/en/latest/kernels.html#kernel-specs
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, platform } from "node:os";
import { join, sep } from "node:path";
import { packageRoot, packageVersion } from "./package-root.js";
import { buildSnapshot, snapshotFiles, snapshotSupported, type SnapshotReport } from "./snapshot.js";

/** Where to install. */
export type InstallTarget = { kind: "user" } | { kind: "sys-prefix" } | { kind: "prefix"; dir: string };

export interface InstallOptions {
  target: InstallTarget;
  /** Kernelspec directory name (default "optlab"). */
  name?: string;
  /** Display name (default "TypeScript (optlab)"). */
  displayName?: string;
  /** Environment variables for the kernel process. */
  env?: Record<string, string>;
  /**
   * Build the kernel's start-up snapshot next to kernel.json and start the kernel through its
   * launcher (kernel/snapshot.ts; default true on Linux). A failed build is reported to
   * `onSnapshot` and the kernelspec starts the plain kernel.
   */
  snapshot?: boolean;
  /** Told how the snapshot build went (its report, or the error). */
  onSnapshot?: (r: SnapshotReport | Error) => void;
}

/** The plain kernel's argv (no snapshot). */
export function plainArgv(): string[] {
  return [process.execPath, join(packageRoot(), "dist", "kernel", "cli.js"), "kernel", "-f", "{connection_file}"];
}

/** The kernelspec's kernel.json. */
export function kernelSpec(o: Pick<InstallOptions, "displayName" | "env"> & { argv?: string[] } = {}): Record<string, unknown> {
  return {
    argv: o.argv ?? plainArgv(),
    display_name: o.displayName ?? "TypeScript (optlab)",
    language: "typescript",
    interrupt_mode: "message", // served by the io worker, whatever a cell does with SIGINT (kernel/interrupt.ts)
    ...(o.env && Object.keys(o.env).length ? { env: o.env } : {}),
    metadata: { debugger: false, optlab: { version: packageVersion() } },
  };
}

/** The Jupyter user data directory. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const p = platform();
  if (p === "darwin") return join(homedir(), "Library", "Jupyter");
  if (p === "win32") return join(env.APPDATA ?? join(homedir(), "AppData", "Roaming"), "jupyter");
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "jupyter");
}

/** The `kernels` directory a target stands for. */
export function kernelsDir(target: InstallTarget, env: NodeJS.ProcessEnv = process.env): string {
  switch (target.kind) {
    case "user":
      return join(userDataDir(env), "kernels");
    case "prefix":
      return join(target.dir, "share", "jupyter", "kernels");
    case "sys-prefix": {
      const prefix = env.VIRTUAL_ENV || env.CONDA_PREFIX;
      if (!prefix) throw new Error("optlab install --sys-prefix: no active virtualenv or conda environment ($VIRTUAL_ENV / $CONDA_PREFIX); use --user or --prefix DIR");
      return join(prefix, "share", "jupyter", "kernels");
    }
  }
}

/** Installs the kernelspec; returns its directory. */
export function install(o: InstallOptions): string {
  const dir = join(kernelsDir(o.target), o.name ?? "optlab");
  const cli = join(packageRoot(), "dist", "kernel", "cli.js");
  if (!existsSync(cli)) throw new Error(`optlab install: ${cli} does not exist; build the package first (npm run build)`);
  mkdirSync(dir, { recursive: true });
  let argv = plainArgv();
  const files = snapshotFiles(dir);
  if (o.snapshot !== false && snapshotSupported()) {
    try {
      const report = buildSnapshot(dir);
      argv = ["/bin/sh", files.launcher, "-f", "{connection_file}"];
      o.onSnapshot?.(report);
    } catch (e) {
      o.onSnapshot?.(e instanceof Error ? e : new Error(String(e)));
    }
  }
  if (argv[0] !== "/bin/sh") for (const f of Object.values(files)) rmSync(f, { force: true });
  writeFileSync(join(dir, "kernel.json"), JSON.stringify(kernelSpec({ ...o, argv }), null, 2) + "\n");
  for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
    const src = join(packageRoot(), "kernel", "assets", logo);
    if (existsSync(src)) copyFileSync(src, join(dir, logo));
  }
  return dir;
}

/** npm's cache directory: `$npm_config_cache` (set by npm/npx for what they run), else npm's default. */
export function npmCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.npm_config_cache) return env.npm_config_cache;
  return platform() === "win32" ? join(env.LocalAppData ?? join(homedir(), "AppData", "Local"), "npm-cache") : join(homedir(), ".npm");
}

/**
 * Why installing from this copy of optlab would not last, or null: `npx optlab install` runs
 * optlab from npx's temporary cache (`…/_npx/<hash>/node_modules/optlab`, under npm's cache
 * directory), which npm may clean or replace at any time; a kernelspec pointing there then
 * breaks.
 *
 * @param root the optlab package directory (default: this one).
 * @example
 * ephemeralInstall("/home/me/.npm/_npx/1a2b/node_modules/optlab"); // "optlab runs from npx's temporary cache …"
 */
export function ephemeralInstall(root: string = packageRoot(), env: NodeJS.ProcessEnv = process.env): string | null {
  const cache = npmCacheDir(env);
  const inNpx = root.split(/[\\/]/).includes("_npx");
  if (!inNpx && !(root + sep).startsWith(join(cache, sep))) return null;
  return (
    `optlab runs from ${inNpx ? "npx's temporary cache" : "npm's cache"} (${root}); the kernelspec would point there, ` +
    "and npm may delete that cache at any time, which breaks the kernel. To install for good: " +
    "`npm i -g optlab && optlab install`, or in a project `npm i optlab && npx optlab install`."
  );
}
