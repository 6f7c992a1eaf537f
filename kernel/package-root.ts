/** Where this package lives (the directory of optlab's package.json), from source or from dist/. */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The optlab package directory. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "optlab") return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("optlab: cannot find the package directory (no package.json named optlab above the kernel)");
    dir = up;
  }
}

/** optlab's version. */
export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}
