/**
 * The kernel's V8 start-up snapshot: built by `optlab install` next to kernel.json, used by the
 * kernelspec's launcher.
 *
 * A plain kernel start loads TypeScript (8 MB of JavaScript), the DSL, and then parses and binds
 * ~330 declaration files (the lib, `@types/node`, the DSL's) before it can check a first cell:
 * ~1.3 s on this project's CI machine. The snapshot (`node --build-snapshot`, entry
 * kernel/snapshot-entry.ts bundled into dist/kernel/snapshot-entry.cjs) holds all of that already
 * loaded, parsed and bound; a kernel started from it reaches its first result in ~0.5 s. Cells
 * are type-checked exactly as before.
 *
 * A snapshot belongs to one Node.js binary and one build of optlab. The launcher (a POSIX shell
 * script, written with the snapshot) compares the size and modification time of both with the
 * stamp written when the snapshot was built, and starts the plain kernel — saying why on stderr —
 * when they differ (Node.js upgraded, optlab rebuilt): `optlab install` again rebuilds it. It
 * also starts the plain kernel when NODE_OPTIONS is set: V8 refuses a snapshot under other heap
 * options ("built with a different version of V8 or with different V8 configurations").
 * Linux only (the launcher uses GNU `stat`); elsewhere the kernelspec starts the plain kernel.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "./package-root.js";

/** The files of a snapshot in kernelspec directory `dir`. */
export function snapshotFiles(dir: string): { blob: string; stamp: string; launcher: string } {
  return { blob: join(dir, "kernel.blob"), stamp: join(dir, "kernel.blob.stamp"), launcher: join(dir, "start-kernel.sh") };
}

/** The bundle the snapshot is built from. */
export function snapshotBundle(root: string = packageRoot()): string {
  return join(root, "dist", "kernel", "snapshot-entry.cjs");
}

/** What the launcher compares: `stat -L -c %s-%Y NODE BUNDLE`, lines joined by spaces. */
export function snapshotStamp(node: string, bundle: string): string {
  return [node, bundle].map((f) => {
    const s = statSync(f);
    return `${s.size}-${Math.floor(s.mtimeMs / 1000)} `;
  }).join("");
}

/** Whether this platform gets a snapshot (the launcher is a POSIX shell script using GNU stat). */
export function snapshotSupported(): boolean {
  return process.platform === "linux";
}

/** What the snapshot was built from (`node --snapshot-blob BLOB info`). */
export interface SnapshotReport {
  packageRoot: string;
  declarationFiles: number;
  buildMs: number;
  bytes: number;
}

/**
 * Builds the snapshot into `dir` (kernel.blob, its stamp and start-kernel.sh) with Node.js `node`;
 * checks that the blob starts; throws with Node's message when the build fails.
 */
export function buildSnapshot(dir: string, node: string = process.execPath, root: string = packageRoot()): SnapshotReport {
  const f = snapshotFiles(dir);
  const bundle = snapshotBundle(root);
  if (!existsSync(bundle)) throw new Error(`${bundle} does not exist; build the package first (npm run build)`);
  const tmp = `${f.blob}.tmp-${process.pid}`;
  try {
    const built = spawnSync(node, ["--snapshot-blob", tmp, "--build-snapshot", bundle], { cwd: dir, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    const quiet = (built.stderr ?? "").split("\n").filter((l) => l && !/not yet fully verified|It may still work|To request support|trace-warnings|stackTraceLimit/.test(l));
    if (built.status !== 0 || !existsSync(tmp)) throw new Error(`node --build-snapshot failed (exit ${built.status}): ${quiet.join("\n") || built.error?.message || "no message"}`);
    const info = spawnSync(node, ["--snapshot-blob", tmp, "info"], { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } });
    let report: Omit<SnapshotReport, "bytes">;
    try {
      report = JSON.parse(info.stdout) as Omit<SnapshotReport, "bytes">;
    } catch {
      throw new Error(`the snapshot did not start (exit ${info.status}): ${(info.stderr || info.stdout).trim().slice(0, 500)}`);
    }
    renameSync(tmp, f.blob);
    writeFileSync(f.stamp, snapshotStamp(node, bundle));
    writeFileSync(f.launcher, launcherScript(node, f, bundle, join(root, "dist", "kernel", "cli.js")));
    chmodSync(f.launcher, 0o755);
    return { ...report, bytes: statSync(f.blob).size };
  } finally {
    rmSync(tmp, { force: true });
  }
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The kernelspec's launcher: the snapshot when its stamp matches, else the plain kernel. */
function launcherScript(node: string, f: { blob: string; stamp: string }, bundle: string, cli: string): string {
  return `#!/bin/sh
# optlab's kernel launcher, written by \`optlab install\` (kernel/snapshot.ts). Starts the kernel from
# its V8 start-up snapshot when the snapshot was built by this Node.js from this build of optlab
# (size and modification time of both, as recorded in the stamp); otherwise starts it the plain way.
node=${sh(node)}
blob=${sh(f.blob)}
bundle=${sh(bundle)}
cli=${sh(cli)}
# glibc's allocator: at most two arenas, and freed memory above 128 KB at the top of the heap goes
# back to the system (V8's compiler and collector threads otherwise each keep an arena of freed
# memory: RSS over 1000 objective cells grew by ~115 MB, by ~42 MB with these). A value set
# by the user is kept.
MALLOC_ARENA_MAX="\${MALLOC_ARENA_MAX:-2}"
MALLOC_TRIM_THRESHOLD_="\${MALLOC_TRIM_THRESHOLD_:-131072}"
export MALLOC_ARENA_MAX MALLOC_TRIM_THRESHOLD_
# V8 options (NODE_OPTIONS) change the heap's configuration, and V8 then refuses the snapshot.
if [ -n "\${NODE_OPTIONS:-}" ]; then
  echo "optlab: NODE_OPTIONS is set, and a start-up snapshot loads only without V8 options; starting the kernel without it" >&2
elif [ -f "$blob" ] && [ "$(stat -L -c %s-%Y "$node" "$bundle" 2>/dev/null | tr '\\n' ' ')" = "$(cat ${sh(f.stamp)} 2>/dev/null)" ]; then
  exec "$node" --snapshot-blob "$blob" kernel "$@"
else
  echo "optlab: the kernel's start-up snapshot is missing or was built for another Node.js or build of optlab; starting without it (run \\\`optlab install\\\` again to rebuild it)" >&2
fi
exec "$node" "$cli" kernel "$@"
`;
}
