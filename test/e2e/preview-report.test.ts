/**
 * `pulumi preview` of the quickstart says, beyond the engine's diff, what sdk/flow finds: policy
 * warnings on the declared objects, and what changes for callers in call-flow terms.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyProject, selectStack, type Project } from "../helpers/pulumi";
import { startService, type RunningService } from "../helpers/service";

let service: RunningService;
let project: Project;
let stack: Stack;

function editProgram(from: string, to: string): void {
  const file = join(project.dir, "quickstart.ts");
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(async () => {
  service = await startService({ pools: ["pool01.contoso.com"] });
  project = copyProject("quickstart");
  stack = await selectStack(project, "dev");
  await stack.setConfig("rgs:endpoint", { value: service.url });
  await stack.setConfig("rgs:token", { value: service.tokens.operator, secret: true });
}, 1_800_000);

afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

describe("the preview report", () => {
  it("warns about an agent alert time Lync clients reject, naming the object and field, before anything exists", async () => {
    editProgram('routingMethod: "LongestIdle",', 'routingMethod: "LongestIdle",\n  agentAlertTime: 200,');
    const preview = await stack.preview();
    expect(preview.stdout).toMatch(/agent group 'Help Desk Tier 1', agentAlertTime: .*180/);
    expect(preview.changeSummary.create).toBe(6);
  });

  it("says nothing of call flows when nothing changes for callers", async () => {
    editProgram("  agentAlertTime: 200,\n", "");
    await stack.up();
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 6 });
    expect(preview.stdout).not.toContain("call flows in pool01.contoso.com");
    expect(preview.stdout).not.toMatch(/agentAlertTime: .*180/);
  });

  it("describes a changed closing time in call-flow terms", async () => {
    editProgram('fridayHours1: { openTime: "08:00", closeTime: "16:00" }', 'fridayHours1: { openTime: "08:00", closeTime: "17:30" }');
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 5, update: 1 });
    expect(preview.stdout).toContain("call flows in pool01.contoso.com");
    expect(preview.stdout).toMatch(/Office hours \(Help Desk\): closes 17:30 on Fridays \(was 16:00\)/);
  });
});
