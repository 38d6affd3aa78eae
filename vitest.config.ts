import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end files drive the Pulumi CLI and are heavy; two cores run two files at once.
    maxWorkers: 2,
  },
});
