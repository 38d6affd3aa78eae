/**
 * The README's first command: `npm run demo` starts the service and deploys the quickstart.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { makeTempDir, removeDir } from "../helpers/service";
import { pulumiBinDir, ROOT } from "../helpers/pulumi";

const data = makeTempDir("rgs-demo-");
const stack = `demo-${process.pid}`;

afterAll(() => {
  removeDir(data);
  rmSync(join(ROOT, `Pulumi.${stack}.yaml`), { force: true });
});

function demo() {
  return spawnSync(process.execPath, [join(ROOT, "scripts/demo.js"), "--exit"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, RGS_DEMO_DATA: data, RGS_DEMO_STACK: stack, RGS_DEMO_PORT: "0", PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
    timeout: 600_000,
  });
}

it("deploys the quickstart to a local service and lists the objects, then finds nothing to do the second time", () => {
  pulumiBinDir();
  const first = demo();
  expect(first.status, first.stderr).toBe(0);
  expect(first.stdout).toContain("+ 6 to create");
  expect(first.stdout).toContain("+ 6 created");
  for (const row of [/agent-groups\s+Help Desk Tier 1\s+[0-9a-f-]{36}\s+v1/, /queues\s+Help Desk\s/, /workflows\s+Help Desk\s/, /holiday-sets\s+Holidays 2026/, /hours-of-business\s+Office hours/]) {
    expect(first.stdout).toMatch(row);
  }
  const second = demo();
  expect(second.status, second.stderr).toBe(0);
  expect(second.stdout).toContain("6 unchanged");
});
