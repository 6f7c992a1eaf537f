/**
 * Stack frames of the kernel's start-up snapshot name the module their code came from.
 *
 * In the snapshot (kernel/snapshot-entry.ts) the kernel and the DSL are one bundled file,
 * dist/kernel/snapshot-entry.cjs, so every frame of optlab's code names that file. Tracebacks tell
 * the kernel's frames (dropped) from the DSL's (collapsed into "… n frames inside optlab") by
 * file; scripts/bundle-kernel.mjs records where each module starts in the bundle
 * (snapshot-entry.modules.json) and `originalFrameFile` gives a frame's module back.
 */
import { join } from "node:path";

let table: { file: string; root: string; starts: number[]; modules: string[] } | null = null;

/** Registers the bundle `file` and its modules (`[first line, path relative to root]`, in order). */
export function setBundleModules(file: string, root: string, entries: [number, string][]): void {
  table = { file, root, starts: entries.map((e) => e[0]), modules: entries.map((e) => e[1]) };
}

/** The module file a frame at `line` of `file` belongs to (`file` itself outside the bundle). */
export function originalFrameFile(file: string, line: number): string {
  if (!table || file !== table.file) return file;
  const { starts, modules } = table;
  let lo = 0;
  let hi = starts.length - 1;
  if (hi < 0 || line < starts[0]!) return file;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= line) lo = mid;
    else hi = mid - 1;
  }
  return join(table.root, modules[lo]!);
}
