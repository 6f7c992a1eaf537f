import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Two cores in CI: forks keep tfjs/webgpu native state out of each other's way.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
