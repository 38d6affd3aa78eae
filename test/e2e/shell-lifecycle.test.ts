/**
 * The quickstart's whole life on a real pool, as far as one can exist here: the real Pulumi CLI
 * drives the shell backend against the cmdlet-level fake agent (test/helpers/fake-agent), once
 * with the provider talking to the agent itself (rgs:shell) and once through `rgs serve --shell`.
 * Edits made "outside" go through a second agent on the same pool, as another administrator's
 * Management Shell would.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KIND_NAMES, type KindName } from "../../sdk/model/kind";
import { ShellBackend } from "../../sdk/shell/index";
import { fakeAgentCommand, type FakeAgentCommand } from "../helpers/fake-agent/spawn";
import { copyProject, selectStack, stateFilesText, type Project, changedProperties } from "../helpers/pulumi";
import { startService, type RunningService } from "../helpers/service";

const POOL = "pool01.contoso.com";

describe.each(["rgs:shell", "rgs serve --shell"] as const)("the quickstart on a pool through %s", (route) => {
  let agent: FakeAgentCommand;
  let outside: ShellBackend;
  let service: RunningService | undefined;
  let project: Project;
  let stack: Stack;

  const editProgram = (from: string, to: string) => {
    const file = join(project.dir, "quickstart.ts");
    const text = readFileSync(file, "utf8");
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
  };
  const everything = async () => {
    const out: { kind: KindName; id: string; name: string }[] = [];
    for (const kind of KIND_NAMES) for (const o of (await outside.list(POOL, kind)).items) out.push({ kind, id: o.id, name: String(o.name) });
    return out;
  };
  // A fresh agent each time, so what is read is the pool now, not a cache.
  const fresh = async <T>(read: (b: ShellBackend) => Promise<T>): Promise<T> => {
    await outside.close();
    outside = new ShellBackend({ command: agent.commandLine, env: agent.env });
    return read(outside);
  };

  beforeAll(async () => {
    agent = fakeAgentCommand({ pools: [POOL] });
    outside = new ShellBackend({ command: agent.commandLine, env: agent.env });
    project = copyProject("quickstart");
    if (route === "rgs serve --shell") {
      service = await startService({ pools: [POOL], shell: agent.commandLine, env: agent.env });
      stack = await selectStack(project, "lab");
      await stack.setConfig("rgs:endpoint", { value: service.url });
      await stack.setConfig("rgs:token", { value: service.tokens.operator, secret: true });
    } else {
      stack = await selectStack(project, "lab", { env: agent.env });
      await stack.setConfig("rgs:shell", { value: agent.commandLine });
    }
  }, 1_800_000);

  afterAll(async () => {
    await outside?.close();
    await service?.stop();
    project?.cleanup();
  });

  it("previews every create and changes nothing in the pool", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary.create).toBe(6);
    expect(await everything()).toEqual([]);
  });

  it("creates everything in the pool", async () => {
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 6 });
    const kinds = (await fresh(() => everything())).map((o) => o.kind).sort();
    expect(kinds).toEqual(["agent-groups", "holiday-sets", "hours-of-business", "queues", "workflows"]);
    expect(up.outputs.workflowIdentity.value).toMatch(new RegExp(`^service:ApplicationServer:${POOL}/[0-9a-f-]{36}$`));
    const workflow = (await outside.list(POOL, "workflows")).items[0];
    expect(workflow).toMatchObject({ name: "Help Desk", active: true, timeZone: "Pacific Standard Time", lineUri: "tel:+14255550100" });
  });

  it("plans no change on a second preview", async () => {
    const preview = await stack.preview();
    expect(preview.changeSummary).toEqual({ same: 6 });
  });

  it("previews and applies one changed field", async () => {
    editProgram("timeoutThreshold: 300", "timeoutThreshold: 240");
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).toEqual({ same: 5, update: 1 });
    expect(changedProperties(preview.stdout)).toEqual(["timeoutThreshold"]);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 5, update: 1 });
    expect((await fresh((b) => b.list(POOL, "queues"))).items[0].timeoutThreshold).toBe(240);
  });

  it("finds an edit made in another Management Shell with refresh and undoes it with up", async () => {
    const queue = (await fresh((b) => b.list(POOL, "queues"))).items[0];
    await outside.update(POOL, "queues", queue.id, { ...queue, timeoutThreshold: 999 } as never, queue.etag);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const preview = await stack.preview({ diff: true });
    expect(changedProperties(preview.stdout)).toEqual(["timeoutThreshold"]);
    await stack.up();
    expect((await fresh((b) => b.get(POOL, "queues", queue.id)))?.timeoutThreshold).toBe(240);
  });

  it("says to refresh when an object changed since the last read", async () => {
    const queue = (await fresh((b) => b.list(POOL, "queues"))).items[0];
    await outside.update(POOL, "queues", queue.id, { ...queue, description: "edited in the shell" } as never, queue.etag);
    editProgram("timeoutThreshold: 240", "timeoutThreshold: 250");
    const err = await stack.up().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("changed outside Pulumi");
    expect(err?.message).toContain("pulumi refresh");
    await stack.refresh();
    expect((await stack.up()).summary.result).toBe("succeeded");
    const now = await fresh((b) => b.get(POOL, "queues", queue.id));
    expect(now).toMatchObject({ timeoutThreshold: 250, description: null });
  });

  it("drops a workflow removed in another Management Shell on refresh and creates it again on up", async () => {
    const workflow = (await fresh((b) => b.list(POOL, "workflows"))).items[0];
    expect(await outside.delete(POOL, "workflows", workflow.id)).toBe(true);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.delete).toBe(1);
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    const again = (await fresh((b) => b.list(POOL, "workflows"))).items;
    expect(again.map((w) => w.name)).toEqual(["Help Desk"]);
    expect(again[0].id).not.toBe(workflow.id);
  });

  it("adopts an agent group made in the shell when adopt is true", async () => {
    const existing = (await outside.create(POOL, "agent-groups", { name: "Escalations", agentAlertTime: 45 })).object;
    editProgram(
      "export const workflowIdentity",
      `const escalations = new rgs.AgentGroup("escalations", { name: "Escalations", adopt: true, agentsByUri: ["sip:erin@contoso.com"] });
export const escalationsId = escalations.id;
export const workflowIdentity`,
    );
    const up = await stack.up();
    expect(up.outputs.escalationsId.value).toBe(existing.id);
    expect(await fresh((b) => b.get(POOL, "agent-groups", existing.id))).toMatchObject({ agentsByUri: ["sip:erin@contoso.com"], agentAlertTime: 20 });
  });

  it("keeps no token and no agent secret in the state", async () => {
    const text = stateFilesText(project);
    expect(text).toContain("pulumi-nodejs:dynamic/rgs:Workflow");
    if (service) expect(text).not.toContain(service.tokens.operator);
  });

  it("destroys everything, leaving the pool empty", async () => {
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges?.delete).toBe(7);
    expect(await fresh(() => everything())).toEqual([]);
  });
});
