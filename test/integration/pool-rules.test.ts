/**
 * Rules across objects that Lync's documentation states and the service holds, over HTTP on both
 * stores: line URIs unique across pools, a managed workflow's queues and agent groups serving it
 * alone, and an active workflow whose queues have agents.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "../helpers/http";
import { testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";
import { startService, type RunningService } from "../helpers/service";

const P1 = "/v1/pools/pool01.contoso.com";
const P2 = "/v1/pools/pool02.contoso.com";

interface Obj {
  id: string;
  etag: string;
  name: string;
  [field: string]: unknown;
}

describe.each(["sqlite", "postgres"] as const)("rules across objects on %s", (store) => {
  let svc: RunningService | undefined;
  let db: TestDatabase | undefined;
  let skip: string | undefined;
  let n = 0;

  beforeAll(async () => {
    if (store === "postgres") {
      const r = await testDatabaseOrSkip();
      db = r.db;
      skip = r.skipReason;
      if (!db) return;
    }
    svc = await startService({ pools: ["pool01.contoso.com", "pool02.contoso.com"], database: db?.url });
  });

  afterAll(async () => {
    await svc?.stop();
    await db?.drop();
  });

  const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(svc!.url, method, path, { token: svc!.tokens.operator, body, headers });
  const create = async (path: string, body: Record<string, unknown>): Promise<Obj> => {
    const r = await op("POST", path, body);
    expect(r.status, r.text).toBe(201);
    return r.body as Obj;
  };
  const uniq = (s: string) => `${s} ${++n}`;
  const uri = (s: string) => `sip:${s.toLowerCase().replace(/\W+/g, "-")}-${++n}@contoso.com`;
  const group = (agents = ["sip:ann@contoso.com"]) => create(`${P1}/agent-groups`, { name: uniq("Group"), agentsByUri: agents });
  const queue = async (groups: string[]) => create(`${P1}/queues`, { name: uniq("Queue"), agentGroupIds: groups });
  const hunt = (queueId: string, extra: Record<string, unknown> = {}) => ({
    name: uniq("Hunt"),
    primaryUri: uri("hunt"),
    active: true,
    defaultAction: { action: "TransferToQueue", queueId },
    ...extra,
  });

  it("keeps a line URI to one workflow across pools, compared without regard to case", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    await create(`${P1}/workflows`, { name: uniq("Main line"), primaryUri: uri("main"), lineUri: "tel:+14255550100" });
    const e = expectError(await op("POST", `${P2}/workflows`, { name: uniq("Other line"), primaryUri: uri("other"), lineUri: "TEL:+14255550100" }), 409, "uri_conflict");
    expect(e.message).toMatch(/lineUri tel:\+14255550100 already belongs to workflow .* in pool pool01.contoso.com; a line URI belongs to one workflow/);
    expect(e.details).toEqual([{ path: "lineUri", message: expect.stringMatching(/is taken by/) }]);
  });

  it("refuses an active workflow whose queue has no agent group, and a queue losing its groups under one", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const empty = await queue([]);
    const e = expectError(await op("POST", `${P1}/workflows`, hunt(empty.id)), 400, "validation_failed");
    expect(e.details).toEqual([{ path: "defaultAction.queueId", message: expect.stringMatching(/queue '.*' has no agent groups: on an active workflow/) }]);
    // The same workflow inactive is accepted: it takes no calls.
    await create(`${P1}/workflows`, hunt(empty.id, { active: false }));

    const g = await group();
    const staffed = await queue([g.id]);
    await create(`${P1}/workflows`, hunt(staffed.id));
    const cut = await op("PUT", `${P1}/queues/${staffed.id}`, { name: staffed.name, agentGroupIds: [] }, { "if-match": `"${staffed.etag}"` });
    const e2 = expectError(cut, 400, "validation_failed");
    expect(e2.details).toEqual([{ path: "agentGroupIds", message: expect.stringMatching(/at least one agent group while active workflow/) }]);
  });

  it("gives a managed workflow its queues and agent groups alone", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const g = await group();
    const q = await queue([g.id]);
    const managed = await create(`${P1}/workflows`, hunt(q.id, { managed: true, managersByUri: ["sip:lead@contoso.com"] }));

    // Another workflow on the managed workflow's queue.
    const e1 = expectError(await op("POST", `${P1}/workflows`, hunt(q.id)), 409, "in_use");
    expect(e1.message).toMatch(/belong to a managed workflow/);
    expect(e1.details).toEqual({ referencedBy: [{ kind: "workflows", id: managed.id, name: managed.name }] });

    // Another queue on the managed workflow's agent group, then a workflow on that queue.
    const q2 = await queue([g.id]);
    expectError(await op("POST", `${P1}/workflows`, hunt(q2.id)), 409, "in_use");

    // A managed workflow on a queue another workflow uses.
    const shared = await queue([(await group()).id]);
    const plain = await create(`${P1}/workflows`, hunt(shared.id));
    const e3 = expectError(await op("POST", `${P1}/workflows`, hunt(shared.id, { managed: true })), 409, "in_use");
    expect(e3.message).toMatch(/already serve another workflow/);
    expect(e3.details).toEqual({ referencedBy: [{ kind: "workflows", id: plain.id, name: plain.name }] });
  });

  it("refuses a managed workflow created inactive", async (ctx) => {
    if (!svc) return ctx.skip(skip);
    const q = await queue([(await group()).id]);
    const e = expectError(await op("POST", `${P1}/workflows`, hunt(q.id, { managed: true, active: false })), 400, "validation_failed");
    expect(e.details).toEqual([{ path: "active", message: "must be true when a managed workflow is created (got false)" }]);
  });
});
