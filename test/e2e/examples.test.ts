/**
 * The examples as users run them: multi-env's two stacks to two pools, and the hunt-group and IVR
 * programs deployed and destroyed. Connection settings come from the environment here, as in CI.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../sdk/http-client";
import { KIND_NAMES } from "../../sdk/model/kind";
import { startService, type RunningService } from "../helpers/service";
import { copyProject, selectStack, stateFilesText, type Project } from "../helpers/pulumi";

const LAB = "lab-pool.contoso.com";
const PROD = "pool01.contoso.com";

let service: RunningService;
let api: HttpBackend;
const projects: Project[] = [];

function env(): Record<string, string> {
  return { RGS_ENDPOINT: service.url, RGS_TOKEN: service.tokens.operator };
}

async function count(pool: string): Promise<number> {
  let n = 0;
  for (const kind of KIND_NAMES) n += (await api.list(pool, kind, { limit: 1000 })).items.length;
  return n;
}

beforeAll(async () => {
  service = await startService({ pools: [LAB, PROD] });
  api = new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 0 });
}, 1_800_000);

afterAll(async () => {
  await service?.stop();
  for (const p of projects) p.cleanup();
});

describe("examples/multi-env", () => {
  let project: Project;
  let dev: Stack;
  let prod: Stack;

  it("deploys dev and prod to their own pools", async () => {
    project = copyProject("examples/multi-env");
    projects.push(project);
    dev = await selectStack(project, "dev", { env: env() });
    prod = await selectStack(project, "prod", { env: env() });
    expect((await dev.up()).outputs.pool.value).toBe(LAB);
    expect(await count(LAB)).toBe(4);
    expect(await count(PROD)).toBe(0);
    expect((await prod.up()).outputs.pool.value).toBe(PROD);
    expect(await count(PROD)).toBe(4);
    const labAgents = (await api.list(LAB, "agent-groups")).items[0].agentsByUri;
    const prodAgents = (await api.list(PROD, "agent-groups")).items[0].agentsByUri;
    expect(labAgents).toEqual(["sip:tester1@lab.contoso.com"]);
    expect(prodAgents).toHaveLength(3);
    expect((await api.list(PROD, "workflows")).items[0].primaryUri).toBe("sip:servicedesk@contoso.com");
  });

  it("changes dev without touching prod", async () => {
    const prodBefore = await Promise.all(KIND_NAMES.map((k) => api.list(PROD, k)));
    await dev.setConfig("rgs-multi-env:closeTime", { value: "20:00" });
    const up = await dev.up();
    expect(up.summary.resourceChanges).toEqual({ same: 4, update: 1 });
    expect((await api.list(LAB, "hours-of-business")).items[0].mondayHours1).toEqual({ openTime: "07:00", closeTime: "20:00" });
    const prodAfter = await Promise.all(KIND_NAMES.map((k) => api.list(PROD, k)));
    expect(prodAfter).toEqual(prodBefore);
    expect((await prod.preview()).changeSummary).toEqual({ same: 5 });
  });

  it("destroys one environment and leaves the other", async () => {
    await dev.destroy();
    expect(await count(LAB)).toBe(0);
    expect(await count(PROD)).toBe(4);
    await prod.destroy();
    expect(await count(PROD)).toBe(0);
    expect(stateFilesText(project)).not.toContain(service.tokens.operator);
  });
});

describe.each([
  ["examples/hunt-group" as const, 7],
  ["examples/ivr" as const, 11],
])("%s", (source, objects) => {
  it(`deploys ${objects} objects, plans no change after, and destroys them`, async () => {
    const project = copyProject(source);
    projects.push(project);
    const stack = await selectStack(project, "dev", { env: { ...env(), RGS_POOL: PROD } });
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(objects + 1);
    expect(await count(PROD)).toBe(objects);
    expect((await stack.preview()).changeSummary).toEqual({ same: objects + 1 });
    await stack.destroy();
    expect(await count(PROD)).toBe(0);
  });
});
