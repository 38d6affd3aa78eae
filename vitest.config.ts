import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    // Generous: end-to-end steps drive the Pulumi CLI, and CI machines are shared.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // End-to-end files drive the Pulumi CLI and are heavy; two cores run two files at once.
    maxWorkers: 2,
  },
});
