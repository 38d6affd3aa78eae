/**
 * Writes that race: optimistic concurrency on ETags, unique names under concurrent creates, and
 * Idempotency-Key replays. Against one real service, and against two service processes sharing
 * one SQLite file, where only the database's own constraints can keep the rules.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError, type Reply } from "../helpers/http";
import { makeTempDir, randomTokens, removeDir, startInProcessService, startService, type RunningService } from "../helpers/service";

const P1 = "/v1/pools/pool01.contoso.com";
const P2 = "/v1/pools/pool02.contoso.com";
const N = 12;

function statuses(replies: Reply[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of replies) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

describe("one service", () => {
  let svc: RunningService;
  beforeAll(async () => {
    svc = await startService({ pools: ["pool01.contoso.com", "pool02.contoso.com"] });
  });
  afterAll(async () => {
    await svc?.stop();
  });
  const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
    call(svc.url, method, path, { token: svc.tokens.operator, body, headers });

  it("concurrent PUTs on one ETag: exactly one wins, the others get 412", async () => {
    const ag = await op("POST", `${P1}/agent-groups`, { name: "Contended" });
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        op("PUT", `${P1}/agent-groups/${ag.body.id}`, { name: "Contended", agentAlertTime: 30 + i }, { "if-match": ag.headers.get("etag")! }),
      ),
    );
    expect(statuses(replies)).toEqual({ 200: 1, 412: N - 1 });
    for (const r of replies.filter((r) => r.status === 412)) expectError(r, 412, "etag_mismatch");
    const winner = replies.find((r) => r.status === 200)!;
    const now = await op("GET", `${P1}/agent-groups/${ag.body.id}`);
    expect(now.body).toEqual(winner.body);
    expect(now.body.etag).toBe("v2");
  });

  it("concurrent creates of one name: one object, the others get 409 name_conflict", async () => {
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => op("POST", `${P1}/queues`, { name: i % 2 ? "Race queue" : "RACE QUEUE", timeoutThreshold: 10 + i })),
    );
    expect(statuses(replies)).toEqual({ 201: 1, 409: N - 1 });
    for (const r of replies.filter((r) => r.status === 409)) expectError(r, 409, "name_conflict");
    const listed = await op("GET", `${P1}/queues?name=race%20queue`);
    expect(listed.body.items.map((q: { id: string }) => q.id)).toEqual([replies.find((r) => r.status === 201)!.body.id]);
  });

  it("concurrent creates of one primaryUri in two pools: one workflow", async () => {
    const replies = await Promise.all(
      Array.from({ length: N }, (_, i) => op("POST", `${i % 2 ? P1 : P2}/workflows`, { name: `Racer ${i}`, primaryUri: "sip:race@contoso.com" })),
    );
    expect(statuses(replies)).toEqual({ 201: 1, 409: N - 1 });
    for (const r of replies.filter((r) => r.status === 409)) expectError(r, 409, "uri_conflict");
  });

  it("a repeated Idempotency-Key with the same body answers the first object again, also concurrently", async () => {
    const key = randomUUID();
    const body = { name: "Idempotent agents", agentsByUri: ["sip:ann@contoso.com"] };
    const replies = await Promise.all(Array.from({ length: N }, () => op("POST", `${P1}/agent-groups`, body, { "idempotency-key": key })));
    expect(statuses(replies)).toEqual({ 201: N });
    const ids = new Set(replies.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(N - 1);
    for (const r of replies) expect(r.body).toEqual(replies[0].body);
    const listed = await op("GET", `${P1}/agent-groups?name=idempotent%20agents`);
    expect(listed.body.items).toHaveLength(1);

    // Later, after the object changed, the key still answers the first response and makes nothing.
    const put = await op("PUT", `${P1}/agent-groups/${replies[0].body.id}`, { ...body, agentAlertTime: 45 }, { "if-match": '"v1"' });
    expect(put.status).toBe(200);
    const again = await op("POST", `${P1}/agent-groups`, body, { "idempotency-key": key });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(replies[0].body.id);
    expect((await op("GET", `${P1}/agent-groups?name=idempotent%20agents`)).body.items).toHaveLength(1);
  });

  it("a repeated Idempotency-Key with another body or kind is 422 and makes nothing", async () => {
    const key = randomUUID();
    const first = await op("POST", `${P1}/holiday-sets`, {
      name: "Keyed holidays",
      holidays: [{ name: "Day", startDate: "2026-05-01T00:00:00", endDate: "2026-05-02T00:00:00" }],
    }, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const other = [
      op("POST", `${P1}/holiday-sets`, { name: "Keyed holidays", holidays: [] }, { "idempotency-key": key }),
      op("POST", `${P1}/queues`, { name: "Keyed holidays" }, { "idempotency-key": key }),
    ];
    for (const r of await Promise.all(other)) expectError(r, 422, "idempotency_key_reused");
    expect((await op("GET", `${P1}/queues?name=keyed%20holidays`)).body.items).toEqual([]);
  });

  it("keeps Idempotency-Keys apart per pool and per token: another's key is a new key, and reveals nothing", async () => {
    const key = randomUUID();
    const body = { name: "Scoped key", holidays: [{ name: "Day", startDate: "2026-05-01T00:00:00", endDate: "2026-05-02T00:00:00" }] };
    const first = await op("POST", `${P1}/holiday-sets`, body, { "idempotency-key": key });
    expect(first.status).toBe(201);
    const otherPool = await op("POST", `${P2}/holiday-sets`, body, { "idempotency-key": key });
    expect(otherPool.status, otherPool.text).toBe(201);
    expect(otherPool.headers.get("idempotent-replayed")).toBeNull();
    const admin = await call(svc.url, "POST", `${P1}/holiday-sets`, { token: svc.tokens.admin, body: { ...body, name: "Scoped key 2" }, headers: { "idempotency-key": key } });
    expect(admin.status, admin.text).toBe(201);
    expect(admin.body.id).not.toBe(first.body.id);
    const again = await op("POST", `${P1}/holiday-sets`, body, { "idempotency-key": key });
    expect(again.body.id).toBe(first.body.id);
  });

  it("the same body with the same key but keys in another order is the same request", async () => {
    const key = randomUUID();
    const a = await call(svc.url, "POST", `${P1}/agent-groups`, {
      token: svc.tokens.operator,
      rawBody: '{"name":"Ordered","agentAlertTime":25}',
      contentType: "application/json",
      headers: { "idempotency-key": key },
    });
    const b = await call(svc.url, "POST", `${P1}/agent-groups`, {
      token: svc.tokens.operator,
      rawBody: '{ "agentAlertTime": 25, "name": "Ordered" }',
      contentType: "application/json",
      headers: { "idempotency-key": key },
    });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.id).toBe(a.body.id);
  });
});

describe("two service processes on one SQLite file", () => {
  const dataDir = makeTempDir();
  const tokens = randomTokens();
  let a: RunningService;
  let b: RunningService;
  beforeAll(async () => {
    a = await startService({ dataDir, tokens });
    b = await startService({ dataDir, tokens, pools: [] });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    removeDir(dataDir);
  });
  const on = (i: number) => (i % 2 ? a : b);

  it("keep names unique, ETags exclusive and idempotency keys single-use between them", async () => {
    const creates = await Promise.all(
      Array.from({ length: N }, (_, i) => call(on(i).url, "POST", `${P1}/agent-groups`, { token: tokens.operator, body: { name: "Shared name" } })),
    );
    expect(statuses(creates)).toEqual({ 201: 1, 409: N - 1 });
    const id = creates.find((r) => r.status === 201)!.body.id;

    const puts = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        call(on(i).url, "PUT", `${P1}/agent-groups/${id}`, {
          token: tokens.operator,
          body: { name: "Shared name", agentAlertTime: 40 + i },
          headers: { "if-match": '"v1"' },
        }),
      ),
    );
    expect(statuses(puts)).toEqual({ 200: 1, 412: N - 1 });

    const key = randomUUID();
    const keyed = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        call(on(i).url, "POST", `${P1}/queues`, { token: tokens.operator, body: { name: "Keyed across" }, headers: { "idempotency-key": key } }),
      ),
    );
    expect(statuses(keyed)).toEqual({ 201: N });
    expect(new Set(keyed.map((r) => r.body.id)).size).toBe(1);
    const listed = await call(a.url, "GET", `${P1}/queues?name=keyed%20across`, { token: tokens.reader });
    expect(listed.body.items).toHaveLength(1);
  });
});

describe("idempotency keys", () => {
  it("live 24 hours, by the service's clock", async () => {
    let now = new Date("2026-03-01T09:00:00.000Z");
    const svc = await startInProcessService({ clock: () => now });
    try {
      const key = randomUUID();
      const post = (name: string) => call(svc.url, "POST", `${P1}/queues`, { token: svc.tokens.operator, body: { name }, headers: { "idempotency-key": key } });
      const first = await post("Day one");
      expect(first.status).toBe(201);

      now = new Date("2026-03-02T08:59:00.000Z");
      expectError(await post("Day two"), 422, "idempotency_key_reused");
      expect((await post("Day one")).body.id).toBe(first.body.id);

      now = new Date("2026-03-02T09:00:01.000Z");
      const later = await post("Day two");
      expect(later.status, later.text).toBe(201);
      expect(later.body.id).not.toBe(first.body.id);
      expect(later.headers.get("idempotent-replayed")).toBeNull();
    } finally {
      await svc.stop();
    }
  });
});
