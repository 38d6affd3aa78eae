import { defineConfig } from "vitest/config";

// One project per tier, so each can run alone: `npm run test:unit`, `test:integration`, `test:store`,
// `test:reliability`, `test:e2e`; `npm test` runs them all.
const tier = (name: string, timeouts: { testTimeout: number; hookTimeout: number }) => ({
  extends: true as const,
  test: { name, include: [`test/${name}/**/*.test.ts`], ...timeouts },
});

// Generous where the Pulumi CLI or real processes run: CI machines are shared.
const processes = { testTimeout: 300_000, hookTimeout: 120_000 };

export default defineConfig({
  test: {
    pool: "forks",
    // Heavy files (the Pulumi CLI, service processes) on two cores: two files at once.
    maxWorkers: 2,
    projects: [
      tier("unit", { testTimeout: 60_000, hookTimeout: 60_000 }),
      tier("integration", processes),
      tier("store", processes),
      tier("reliability", processes),
      tier("e2e", processes),
    ],
  },
});
