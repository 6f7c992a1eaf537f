import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { install, kernelsDir, kernelSpec, userDataDir } from "../../kernel/install.js";
import { packageRoot } from "../../kernel/package-root.js";

describe("optlab install", () => {
  test("the kernelspec runs this package's CLI with node, interrupts by signal", () => {
    const spec = kernelSpec();
    expect(spec.argv).toEqual([process.execPath, join(packageRoot(), "dist", "kernel", "cli.js"), "kernel", "-f", "{connection_file}"]);
    expect(spec.display_name).toBe("TypeScript (optlab)");
    expect(spec.language).toBe("typescript");
    expect(spec.interrupt_mode).toBe("signal");
  });

  test("targets map to Jupyter's data directories", () => {
    expect(kernelsDir({ kind: "prefix", dir: "/opt/x" })).toBe("/opt/x/share/jupyter/kernels");
    expect(kernelsDir({ kind: "sys-prefix" }, { VIRTUAL_ENV: "/venv" })).toBe("/venv/share/jupyter/kernels");
    expect(() => kernelsDir({ kind: "sys-prefix" }, {})).toThrow(/virtualenv/);
    expect(userDataDir({ JUPYTER_DATA_DIR: "/data" })).toBe("/data");
    if (process.platform === "linux") expect(userDataDir({ XDG_DATA_HOME: "/xdg" })).toBe("/xdg/jupyter");
  });

  test("--prefix writes kernel.json and both logos", () => {
    const dir = mkdtempSync(join(tmpdir(), "optlab-install-"));
    try {
      const where = install({ target: { kind: "prefix", dir } });
      expect(where).toBe(join(dir, "share", "jupyter", "kernels", "optlab"));
      const spec = JSON.parse(readFileSync(join(where, "kernel.json"), "utf8"));
      expect(spec.argv[1]).toBe(join(packageRoot(), "dist", "kernel", "cli.js"));
      for (const logo of ["logo-32x32.png", "logo-64x64.png"]) {
        const png = readFileSync(join(where, logo));
        expect(png.subarray(1, 4).toString()).toBe("PNG");
        const size = Number(logo.match(/(\d+)x/)![1]);
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
      }
      expect(existsSync(join(packageRoot(), "dist", "kernel", "cli.js"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
