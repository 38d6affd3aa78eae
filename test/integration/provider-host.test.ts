/**
 * The provider's methods against a running service, and the serialized provider as Pulumi's
 * provider process loads it.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "../../provider/connection";
import { create, read, remove, update } from "../../provider/lifecycle";
import { shimFor } from "../../provider/dynamic";
import { HttpBackend } from "../../sdk/http-client";
import { startService, type RunningService } from "../helpers/service";

const POOL = "pool01.contoso.com";
let service: RunningService;
let conn: Connection;
let api: HttpBackend;

beforeAll(async () => {
  service = await startService({ pools: [POOL] });
  conn = { endpoint: service.url, token: service.tokens.operator, pool: POOL };
  api = new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 0 });
});

afterAll(async () => {
  await service?.stop();
});

async function failure(p: Promise<unknown>): Promise<Error & { id?: string; properties?: Record<string, unknown>; reasons?: string[] }> {
  return p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: Error) => e,
  );
}

describe("provider methods against the service", () => {
  it("creates, reads, updates and deletes, with outputs carrying defaults, identity, etag and pool", async () => {
    const created = await create("agent-groups", conn, { name: "Lifecycle", pool: POOL, agentsByUri: ["sip:a@contoso.com"] });
    expect(created.outs).toMatchObject({
      name: "Lifecycle",
      agentAlertTime: 20,
      routingMethod: "Parallel",
      identity: `service:ApplicationServer:${POOL}/${created.id}`,
      etag: "v1",
      pool: POOL,
    });

    const r1 = await read("agent-groups", conn, created.id, created.outs!);
    expect(r1.id).toBe(created.id);
    expect(r1.props).toEqual(created.outs);
    expect(r1.inputs).not.toHaveProperty("etag");
    expect(r1.inputs).toMatchObject({ name: "Lifecycle", pool: POOL });

    const updated = await update("agent-groups", conn, created.id, created.outs!, { ...r1.inputs, agentAlertTime: 40 });
    expect(updated.outs).toMatchObject({ agentAlertTime: 40, etag: "v2" });

    await remove("agent-groups", conn, created.id, updated.outs!);
    expect(await read("agent-groups", conn, created.id, updated.outs!)).toEqual({});
    // Already gone is done.
    await remove("agent-groups", conn, created.id, updated.outs!);
  });

  it("fails an update of an object changed elsewhere with a message that says to refresh", async () => {
    const created = await create("queues", conn, { name: "Stale", pool: POOL });
    const current = (await api.get(POOL, "queues", created.id))!;
    await api.update(POOL, "queues", created.id, { ...current, timeoutThreshold: 30 } as never, current.etag);
    const e = await failure(update("queues", conn, created.id, created.outs!, { name: "Stale", pool: POOL, overflowThreshold: 5 }));
    expect(e.message).toMatch(/queue 'Stale' changed outside Pulumi.*pulumi refresh/);
    expect(e.stack).toBe("");
  });

  it("says an object deleted elsewhere needs a refresh", async () => {
    const created = await create("agent-groups", conn, { name: "Vanished", pool: POOL });
    await api.delete(POOL, "agent-groups", created.id);
    const e = await failure(update("agent-groups", conn, created.id, created.outs!, { name: "Vanished", pool: POOL, agentAlertTime: 30 }));
    expect(e.message).toMatch(/deleted outside Pulumi.*pulumi refresh/);
  });

  it("refuses a name taken in the pool unless adopt is true, then takes the object over", async () => {
    const existing = (await api.create(POOL, "agent-groups", { name: "Existing", agentAlertTime: 60 })).object;
    const e = await failure(create("agent-groups", conn, { name: "existing", pool: POOL }));
    expect(e.message).toMatch(/cannot create agent group 'existing'.*already has an agent group named 'existing'/s);
    const adopted = await create("agent-groups", conn, { name: "Existing", pool: POOL, adopt: true, agentAlertTime: 25 });
    expect(adopted.id).toBe(existing.id);
    expect(adopted.outs).toMatchObject({ agentAlertTime: 25, etag: "v2" });
  });

  it("keeps the id of an adopted object whose update failed, so the engine tracks it", async () => {
    await api.create(POOL, "workflows", { name: "Taken", primaryUri: "sip:taken@contoso.com" });
    const target = (await api.create(POOL, "workflows", { name: "Adoptee", primaryUri: "sip:adoptee@contoso.com" })).object;
    const e = await failure(create("workflows", conn, { name: "Adoptee", pool: POOL, adopt: true, primaryUri: "sip:taken@contoso.com" }));
    expect(e.id).toBe(target.id);
    expect(e.properties).toMatchObject({ name: "Adoptee", primaryUri: "sip:adoptee@contoso.com", pool: POOL });
    expect(e.reasons?.[0]).toMatch(/primaryUri sip:taken@contoso.com already belongs/);
  });

  it("finds the object of an earlier create of the same resource whose answer was lost, and creates anew once it is gone", async () => {
    const inputs = { name: "Replayed", pool: POOL, agentAlertTime: 30, __key: "rgs-test/dev/agent-groups/replayed" };
    const first = await create("agent-groups", conn, inputs);
    const again = await create("agent-groups", conn, inputs);
    expect(again.id).toBe(first.id);
    expect((await api.list(POOL, "agent-groups", { name: "Replayed" })).items).toHaveLength(1);

    await api.delete(POOL, "agent-groups", first.id);
    const fresh = await create("agent-groups", conn, inputs);
    expect(fresh.id).not.toBe(first.id);
    expect((await api.get(POOL, "agent-groups", fresh.id))?.agentAlertTime).toBe(30);
    expect(fresh.outs).not.toHaveProperty("__key");
  });

  it("names the setting to fix when no endpoint or token is configured", async () => {
    const e1 = await failure(create("agent-groups", { pool: POOL }, { name: "x", pool: POOL }));
    expect(e1.message).toMatch(/rgs:endpoint.*RGS_ENDPOINT.*rgs:shell.*RGS_SHELL/);
    const e2 = await failure(create("agent-groups", { endpoint: service.url, pool: POOL }, { name: "x", pool: POOL }));
    expect(e2.message).toMatch(/rgs:token.*RGS_TOKEN/);
    const both = await failure(create("agent-groups", { ...conn, shell: "powershell.exe -File rgs-agent.ps1" }, { name: "x", pool: POOL }));
    expect(both.message).toMatch(/both rgs:endpoint \(or RGS_ENDPOINT\) and rgs:shell \(or RGS_SHELL\) are set/);
    const e3 = await failure(create("agent-groups", { ...conn, token: "not-a-token" }, { name: "x", pool: POOL }));
    expect(e3.message).toMatch(/unauthorized|not one this service knows/);
    expect(e3.message).toMatch(/check rgs:token/);
  });

  it("explains a delete refused while the object is in use", async () => {
    const group = await create("agent-groups", conn, { name: "Busy", pool: POOL });
    await api.create(POOL, "queues", { name: "Uses Busy", agentGroupIds: [group.id] });
    const e = await failure(remove("agent-groups", conn, group.id, group.outs!));
    expect(e.message).toMatch(/cannot delete agent group 'Busy'.*queue 'Uses Busy'/s);
  });
});

describe("the serialized provider", () => {
  it("is small, carries no credential, and works when loaded the way Pulumi's provider process loads it", async () => {
    // As the SDK serializes a dynamic provider into state: the provider object behind a closure.
    const shim = shimFor("agent-groups");
    const sf = await pulumi.runtime.serializeFunction(() => shim, { allowSecrets: true });
    expect(sf.text.length).toBeLessThan(2560);
    expect(sf.containsSecrets).toBe(false);
    expect(sf.text).not.toContain(service.tokens.operator);
    expect(sf.text).toContain('require("pulumi-rgs/provider-host")');

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const requireFromString = require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };
    const provider = requireFromString(sf.text).handler();
    const config = { "rgs:endpoint": service.url, "rgs:token": service.tokens.operator, "rgs:pool": POOL } as Record<string, string>;
    await provider.configure!({ config: { get: (k: string) => config[k], require: (k: string) => config[k] } });
    const checked = await provider.check!({}, { name: "Serialized" });
    expect(checked.failures).toEqual([]);
    const created = await provider.create(checked.inputs);
    expect((await api.get(POOL, "agent-groups", created.id))?.name).toBe("Serialized");
  });
});
