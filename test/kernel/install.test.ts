import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ephemeralInstall, install, kernelsDir, kernelSpec, npmCacheDir, userDataDir } from "../../kernel/install.js";
import { packageRoot } from "../../kernel/package-root.js";

describe("optlab install", () => {
  test("the kernelspec runs this package's CLI with node, interrupts by signal", () => {
    const spec = kernelSpec();
    expect(spec.argv).toEqual([process.execPath, join(packageRoot(), "dist", "kernel", "cli.js"), "kernel", "-f", "{connection_file}"]);
    expect(spec.display_name).toBe("TypeScript (optlab)");
    expect(spec.language).toBe("typescript");
    expect(spec.interrupt_mode).toBe("message");
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
      const where = install({ target: { kind: "prefix", dir }, snapshot: false });
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

describe("installing from npx's temporary cache", () => {
  const env = { npm_config_cache: "/home/me/.npm" };
  test("a package under _npx, or under npm's cache, gets a warning that says how to install for good", () => {
    const npx = ephemeralInstall("/home/me/.npm/_npx/1a2b3c/node_modules/optlab", env);
    expect(npx).toMatch(/^optlab runs from npx's temporary cache \(\/home\/me\/\.npm\/_npx\/1a2b3c\/node_modules\/optlab\); the kernelspec would point there, and npm may delete that cache/);
    expect(npx).toContain("npm i -g optlab && optlab install");
    expect(npx).toContain("npm i optlab && npx optlab install");
    // a custom cache location (npm config set cache …), and npx on Windows
    expect(ephemeralInstall("/srv/cache/_npx/9/node_modules/optlab", env)).toMatch(/npx's temporary cache/);
    expect(ephemeralInstall("C:\\Users\\me\\AppData\\Local\\npm-cache\\_npx\\9\\node_modules\\optlab", env)).toMatch(/npx's temporary cache/);
    expect(ephemeralInstall("/home/me/.npm/other/node_modules/optlab", env)).toMatch(/^optlab runs from npm's cache/);
  });

  test("a global or project install gets none", () => {
    expect(ephemeralInstall("/usr/lib/node_modules/optlab", env)).toBeNull();
    expect(ephemeralInstall("/home/me/project/node_modules/optlab", env)).toBeNull();
    expect(ephemeralInstall("/home/me/.npmrc-stuff/optlab", env)).toBeNull();
    expect(ephemeralInstall(packageRoot(), env)).toBeNull();
  });

  test("npm's cache directory: $npm_config_cache, else npm's default", () => {
    expect(npmCacheDir(env)).toBe("/home/me/.npm");
    if (process.platform !== "win32") expect(npmCacheDir({})).toMatch(/\.npm$/);
  });
});
