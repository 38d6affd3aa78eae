/**
 * The quickstart through its whole life with the real Pulumi CLI: preview, up, no-op preview, a
 * one-field change, drift found by refresh and undone by up, adoption, destroy.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../sdk/http-client";
import { KIND_NAMES, type KindName } from "../../sdk/model/kind";
import { startService, type RunningService } from "../helpers/service";
import { copyProject, selectStack, stateFilesText, type Project, changedProperties } from "../helpers/pulumi";

const POOL = "pool01.contoso.com";

let service: RunningService;
let project: Project;
let stack: Stack;
let api: HttpBackend;

async function everything(): Promise<{ kind: KindName; name: string; id: string; createdAt: string | null }[]> {
  const out = [];
  for (const kind of KIND_NAMES) {
    for (const o of (await api.list(POOL, kind, { limit: 1000 })).items) {
      out.push({ kind, name: String(o.name), id: o.id, createdAt: o.createdAt });
    }
  }
  return out;
}

function collect(): { events: EngineEvent[]; onEvent: (e: EngineEvent) => void } {
  const events: EngineEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

function planned(events: EngineEvent[]) {
  return events
    .filter((e) => e.resourcePreEvent && e.resourcePreEvent.metadata.type.startsWith("pulumi-nodejs:dynamic/rgs:"))
    .map((e) => e.resourcePreEvent!.metadata);
}

function editProgram(from: string, to: string): void {
  const file = join(project.dir, "quickstart.ts");
  const text = readFileSync(file, "utf8");
  expect(text).toContain(from);
  writeFileSync(file, text.replace(from, to));
}

beforeAll(async () => {
  service = await startService({ pools: [POOL] });
  api = new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 0 });
  project = copyProject("quickstart");
  stack = await selectStack(project, "dev");
  await stack.setConfig("rgs:endpoint", { value: service.url });
  await stack.setConfig("rgs:token", { value: service.tokens.operator, secret: true });
}, 1_800_000);

afterAll(async () => {
  await service?.stop();
  project?.cleanup();
});

describe("the quickstart with the Pulumi CLI", () => {
  it("previews every create on a new stack and changes nothing on the service", async () => {
    const { events, onEvent } = collect();
    const preview = await stack.preview({ onEvent });
    expect(preview.changeSummary.create).toBe(6); // five objects and the stack
    expect(planned(events).map((m) => m.op).sort()).toEqual(["create", "create", "create", "create", "create"]);
    expect(await everything()).toEqual([]);
  });

  it("creates everything, agent groups and queues before the workflow", async () => {
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(up.summary.resourceChanges?.create).toBe(6);
    const objects = await everything();
    expect(objects.map((o) => o.kind).sort()).toEqual(["agent-groups", "holiday-sets", "hours-of-business", "queues", "workflows"]);
    const at = (k: KindName) => String(objects.find((o) => o.kind === k)!.createdAt);
    expect(at("agent-groups") < at("queues")).toBe(true);
    expect(at("queues") < at("workflows")).toBe(true);
    expect(at("hours-of-business") < at("workflows")).toBe(true);
    expect(up.outputs.workflowIdentity.value).toBe(`service:ApplicationServer:${POOL}/${objects.find((o) => o.kind === "workflows")!.id}`);
  });

  it("plans no change on a second preview", async () => {
    const { events, onEvent } = collect();
    const preview = await stack.preview({ onEvent });
    expect(preview.changeSummary).toEqual({ same: 6 });
    expect(planned(events).every((m) => m.op === "same")).toBe(true);
  });

  it("previews one changed field as one in-place update naming it, and applies it", async () => {
    const before = (await api.list(POOL, "queues")).items[0];
    editProgram("timeoutThreshold: 300", "timeoutThreshold: 240");
    const { events, onEvent } = collect();
    const preview = await stack.preview({ onEvent, diff: true });
    expect(preview.changeSummary).toEqual({ same: 5, update: 1 });
    const updates = planned(events).filter((m) => m.op === "update");
    expect(updates).toHaveLength(1);
    expect(updates[0].type).toBe("pulumi-nodejs:dynamic/rgs:Queue");
    expect(changedProperties(preview.stdout)).toEqual(["timeoutThreshold"]);
    expect(preview.stdout).toContain("timeoutThreshold : 300 => 240");

    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ same: 5, update: 1 });
    const after = await api.get(POOL, "queues", before.id);
    expect(after?.timeoutThreshold).toBe(240);
    expect(after?.etag).not.toBe(before.etag);
  });

  it("finds an edit made through the API with refresh and undoes it with up", async () => {
    const queue = (await api.list(POOL, "queues")).items[0];
    await api.update(POOL, "queues", queue.id, { ...queue, timeoutThreshold: 999 } as never, queue.etag);

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.update).toBe(1);
    const preview = await stack.preview({ diff: true });
    expect(preview.changeSummary).toEqual({ same: 5, update: 1 });
    expect(changedProperties(preview.stdout)).toEqual(["timeoutThreshold"]);

    await stack.up();
    expect((await api.get(POOL, "queues", queue.id))?.timeoutThreshold).toBe(240);
  });

  it("drops an object deleted through the API on refresh and creates it again on up", async () => {
    const workflow = (await api.list(POOL, "workflows")).items[0];
    expect(await api.delete(POOL, "workflows", workflow.id)).toBe(true);

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges?.delete).toBe(1);
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    const again = (await api.list(POOL, "workflows")).items;
    expect(again).toHaveLength(1);
    expect(again[0].id).not.toBe(workflow.id);
    expect(again[0].name).toBe("Help Desk");
  });

  it("fails an update of an object edited since the last refresh with a message that says to refresh", async () => {
    const queue = (await api.list(POOL, "queues")).items[0];
    await api.update(POOL, "queues", queue.id, { ...queue, description: "edited in the web tool" } as never, queue.etag);
    editProgram("timeoutThreshold: 240", "timeoutThreshold: 250");
    const err = await stack.up().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain("changed outside Pulumi");
    expect(err?.message).toContain("pulumi refresh");
    expect(err?.message).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
    await stack.refresh();
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    const now = await api.get(POOL, "queues", queue.id);
    expect(now?.timeoutThreshold).toBe(250);
    expect(now?.description).toBeNull();
  });

  it("adopts an object created through the API when adopt is true", async () => {
    const existing = (await api.create(POOL, "agent-groups", { name: "Escalations", agentAlertTime: 45 })).object;
    editProgram(
      "export const workflowIdentity",
      `const escalations = new rgs.AgentGroup("escalations", { name: "Escalations", adopt: true, agentsByUri: ["sip:erin@contoso.com"] });
export const escalationsId = escalations.id;
export const workflowIdentity`,
    );
    const up = await stack.up();
    expect(up.summary.resourceChanges?.create).toBe(1);
    expect(up.outputs.escalationsId.value).toBe(existing.id);
    const now = await api.get(POOL, "agent-groups", existing.id);
    expect(now?.agentsByUri).toEqual(["sip:erin@contoso.com"]);
    expect(now?.agentAlertTime).toBe(20);
    expect((await api.list(POOL, "agent-groups", { name: "escalations" })).items).toHaveLength(1);
  });

  it("keeps the token out of the state files in plaintext", async () => {
    const text = stateFilesText(project);
    expect(text.length).toBeGreaterThan(1000);
    expect(text).toContain("pulumi-nodejs:dynamic/rgs:Workflow");
    expect(text).not.toContain(service.tokens.operator);
    expect(readFileSync(join(project.dir, "Pulumi.dev.yaml"), "utf8")).not.toContain(service.tokens.operator);
  });

  it("destroys everything, workflow first, and leaves the service empty", async () => {
    const logFrom = service.output.stdout.length;
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges?.delete).toBe(7);
    expect(await everything()).toEqual([]);
    const deletes = service.output.stdout
      .slice(logFrom)
      .split("\n")
      .filter((l) => l.includes('"method":"DELETE"'))
      .map((l) => (JSON.parse(l) as { path: string }).path.split("/")[4] as KindName);
    expect(deletes.indexOf("workflows")).toBe(0);
    expect(deletes.lastIndexOf("queues")).toBeLessThan(deletes.indexOf("agent-groups"));
    expect(deletes.filter((k) => k === "agent-groups")).toHaveLength(2);
  });
});
