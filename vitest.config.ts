import { configDefaults, defineConfig } from "vitest/config";

/**
 * Two projects, run as separate stages by `npm test` (test/run-all.sh):
 * - `unit`: everything under test/ but the browser and pack tests (`npx vitest run --project unit`);
 * - `browser`: test/browser, headless Chromium and classic Notebook servers (`--project browser`);
 * - `pack`: test/pack, the packed tarball installed into an empty project, globally and via npx.
 * A plain `npx vitest run FILE…` runs the named files whichever project they belong to.
 *
 * Timeouts are hang detectors, not speed checks: CI runs on a 2-core machine that may be busy with
 * other work, where a test can take several times as long as on a quiet one. Speed is measured in
 * test/bench/, never asserted here.
 */
export default defineConfig({
  test: {
    // Two cores in CI: forks keep tfjs/webgpu native state out of each other's way.
    pool: "forks",
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Closing workers that hold kernels, browsers and notebook servers can be slow under load.
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["test/**/*.test.ts"], exclude: [...configDefaults.exclude, "test/browser/**", "test/pack/**"] },
      },
      {
        extends: true,
        // Install without a clone: `npm pack` of a fresh copy, installed from the tarball (needs the
        // npm registry; minutes of npm installs), its own stage so the unit stage stays short.
        test: { name: "pack", include: ["test/pack/**/*.test.ts"], fileParallelism: false },
      },
      {
        extends: true,
        // One browser-test file at a time: each starts Chromium and Jupyter servers or kernels, and
        // two at once on two cores only make each other slow.
        test: { name: "browser", include: ["test/browser/**/*.test.ts"], fileParallelism: false },
      },
    ],
  },
});
