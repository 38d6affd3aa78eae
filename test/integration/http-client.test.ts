/**
 * sdk/http-client.ts (HttpBackend) against the real service, and against a scripted server for the
 * answers the service gives rarely: 503 and 429 with Retry-After, silence, lost answers.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeError, RgsError } from "../../sdk/errors";
import { HttpBackend } from "../../sdk/http-client";
import { startScriptedServer, type Answer, type Recorded, type ScriptedServer } from "../helpers/scripted-server";
import { startService, type RunningService } from "../helpers/service";

const POOL = "pool01.contoso.com";
const fast = { baseDelayMs: 5, maxDelayMs: 20 };

async function caught(p: Promise<unknown>): Promise<RgsError> {
  try {
    await p;
  } catch (e) {
    expect(RgsError.isRgsError(e), String(e)).toBe(true);
    return e as RgsError;
  }
  throw new Error("expected the call to fail");
}

describe("against the real service", () => {
  let svc: RunningService;
  let client: HttpBackend;
  beforeAll(async () => {
    svc = await startService();
    client = new HttpBackend({ endpoint: `${svc.url}/`, token: svc.tokens.operator, ...fast });
  });
  afterAll(async () => {
    await svc?.stop();
  });

  it("creates, reads, lists, updates and deletes", async () => {
    const ag = (await client.create(POOL, "agent-groups", { name: "Client agents", routingMethod: "Serial" })).object;
    expect(ag).toMatchObject({ name: "Client agents", routingMethod: "Serial", agentAlertTime: 20, etag: "v1", ownerPool: POOL });
    expect(ag.identity).toBe(`service:ApplicationServer:${POOL}/${ag.id}`);
    expect(await client.get(POOL, "agent-groups", ag.id)).toEqual(ag);
    expect(await client.findByName(POOL, "agent-groups", "CLIENT AGENTS")).toEqual(ag);
    expect(await client.findByName(POOL, "agent-groups", "Nobody")).toBeUndefined();

    const updated = await client.update(POOL, "agent-groups", ag.id, { name: "Client agents", routingMethod: "RoundRobin" }, ag.etag);
    expect(updated).toMatchObject({ routingMethod: "RoundRobin", etag: "v2" });

    expect(await client.delete(POOL, "agent-groups", ag.id)).toBe(true);
    expect(await client.delete(POOL, "agent-groups", ag.id)).toBe(false);
    expect(await client.get(POOL, "agent-groups", ag.id)).toBeUndefined();
  });

  it("pages through a list", async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await client.create(POOL, "holiday-sets", {
      name: `Paged ${i}`,
      holidays: [{ name: "Day", startDate: "2026-01-01T00:00:00", endDate: "2026-01-02T00:00:00" }],
    })).object.id);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.list(POOL, "holiday-sets", { limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((o) => o.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(made);
  });

  it("replays a create with the same idempotency key", async () => {
    const a = await client.create(POOL, "queues", { name: "Keyed by client" }, { requestKey: "client-key-1" });
    const b = await client.create(POOL, "queues", { name: "Keyed by client" }, { requestKey: "client-key-1" });
    expect(b.object.id).toBe(a.object.id);
    expect([a.replayed, b.replayed]).toEqual([false, true]);
    const reused = await caught(client.create(POOL, "queues", { name: "Other" }, { requestKey: "client-key-1" }));
    expect(reused.code).toBe("idempotency_key_reused");
    expect(reused.status).toBe(422);
  });

  it("raises typed errors with the service's code, message, field problems and request id", async () => {
    const invalid = await caught(client.create(POOL, "queues", { name: "Bad", timeoutThreshold: 5, overflowCandidate: "Newest" as "NewestCall" }));
    expect(invalid).toMatchObject({ code: "validation_failed", status: 400, name: "RgsError" });
    expect(invalid.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(invalid.fieldProblems).toEqual([
      { path: "timeoutThreshold", message: "must be from 10 to 65535 seconds, or null for no timeout (got 5)" },
      { path: "overflowCandidate", message: 'must be one of NewestCall, OldestCall (got "Newest")' },
    ]);
    expect(describeError(invalid)).toContain("  timeoutThreshold: must be from 10 to 65535 seconds");

    const ag = (await client.create(POOL, "agent-groups", { name: "Held agents" })).object;
    await client.create(POOL, "queues", { name: "Holding queue", agentGroupIds: [ag.id] });
    const inUse = await caught(client.delete(POOL, "agent-groups", ag.id));
    expect(inUse.code).toBe("in_use");
    expect(inUse.referencedBy).toEqual([expect.objectContaining({ kind: "queues", name: "Holding queue" })]);

    const stale = await caught(client.update(POOL, "agent-groups", ag.id, { name: "Held agents" }, "v9"));
    expect(stale.code).toBe("etag_mismatch");

    const missing = await caught(client.update(POOL, "agent-groups", "0f8fad5b-d9cb-469f-a165-70867728950e", { name: "Ghost" }, "v1"));
    expect(missing.code).toBe("not_found");
  });

  it("does not retry a refusal of its token", async () => {
    const stranger = new HttpBackend({ endpoint: svc.url, token: "tok-unknown-0000", ...fast });
    expect((await caught(stranger.listPools())).code).toBe("unauthorized");
    const reader = new HttpBackend({ endpoint: svc.url, token: svc.tokens.reader, ...fast });
    expect((await caught(reader.create(POOL, "queues", { name: "Not mine" }))).code).toBe("forbidden");
  });

  it("reads and writes settings and pools with an admin token", async () => {
    const admin = new HttpBackend({ endpoint: svc.url, token: svc.tokens.admin, ...fast });
    const s = await admin.getSettings(POOL);
    expect(s).toMatchObject({ pool: POOL, agentRingbackGracePeriod: 60, disableCallContext: false });
    const changed = await admin.updateSettings(POOL, { agentRingbackGracePeriod: 120, disableCallContext: true }, s.etag);
    expect(changed).toMatchObject({ agentRingbackGracePeriod: 120, disableCallContext: true });
    expect((await caught(admin.updateSettings(POOL, { agentRingbackGracePeriod: 90 }, s.etag))).code).toBe("etag_mismatch");
    const pool = await admin.putPool("Pool07.Contoso.com");
    expect(pool).toMatchObject({ fqdn: "pool07.contoso.com", identity: "service:ApplicationServer:pool07.contoso.com" });
    expect((await admin.listPools()).map((p) => p.fqdn)).toEqual(["pool01.contoso.com", "pool07.contoso.com"]);
  });
});

describe("against a scripted server", () => {
  let server: ScriptedServer | undefined;
  afterAll(async () => {
    await server?.close();
  });
  async function serve(answer: (req: Recorded, n: number) => Answer | Promise<Answer>): Promise<ScriptedServer> {
    await server?.close();
    server = await startScriptedServer(answer);
    return server;
  }
  const envelope = (code: string, message = `scripted ${code}`) => ({ error: { code, message, requestId: "00000000-0000-4000-8000-000000000000" } });
  const agentGroup = { id: "0f8fad5b-d9cb-469f-a165-70867728950e", name: "Scripted", etag: "v1" };

  it("retries 503 and 429, waiting as long as Retry-After says", async () => {
    const s = await serve((_req, n) =>
      n === 0
        ? { status: 503, headers: { "retry-after": "1" }, body: envelope("unavailable") }
        : n === 1
          ? { status: 429, headers: { "retry-after": "1" }, body: envelope("rate_limited") }
          : { status: 200, body: { items: [], nextCursor: null } },
    );
    const client = new HttpBackend({ endpoint: s.url, token: "t", ...fast });
    expect(await client.list(POOL, "queues")).toEqual({ items: [], nextCursor: null });
    expect(s.requests).toHaveLength(3);
    // Retry-After is a floor on the wait (the 5-20 ms backoff alone would retry at once).
    expect(s.requests[1].at - s.requests[0].at).toBeGreaterThanOrEqual(950);
    expect(s.requests[2].at - s.requests[1].at).toBeGreaterThanOrEqual(950);
  });

  it("gives up after maxRetries with the last error, typed", async () => {
    const s = await serve(() => ({ status: 429, headers: { "retry-after": "0" }, body: envelope("rate_limited", "slow down") }));
    const client = new HttpBackend({ endpoint: s.url, token: "t", maxRetries: 2, ...fast });
    const e = await caught(client.listPools());
    expect(e).toMatchObject({ code: "rate_limited", message: "slow down", retryAfterSeconds: 0, status: 429 });
    expect(s.requests).toHaveLength(3);
  });

  it("does not retry other errors", async () => {
    const s = await serve(() => ({ status: 500, body: envelope("internal") }));
    const client = new HttpBackend({ endpoint: s.url, token: "t", ...fast });
    expect((await caught(client.listPools())).code).toBe("internal");
    expect(s.requests).toHaveLength(1);
  });

  it("sends an Idempotency-Key on create, the same one on every retry", async () => {
    const s = await serve((_req, n) => (n < 2 ? { status: 503, headers: { "retry-after": "0" }, body: envelope("unavailable") } : { status: 201, body: agentGroup }));
    const client = new HttpBackend({ endpoint: s.url, token: "secret-token", ...fast });
    expect(await client.create(POOL, "agent-groups", { name: "Scripted" })).toEqual({ object: agentGroup, replayed: false });
    const keys = s.requests.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(3);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(keys).size).toBe(1);
    expect(s.requests[0]).toMatchObject({ method: "POST", url: `/v1/pools/${POOL}/agent-groups` });
    expect(s.requests[0].headers).toMatchObject({ authorization: "Bearer secret-token", "content-type": "application/json" });
    expect(JSON.parse(s.requests[0].body)).toEqual({ name: "Scripted" });

    await client.create(POOL, "agent-groups", { name: "Scripted" });
    expect(s.requests[3].headers["idempotency-key"]).not.toBe(keys[0]);
  });

  it("sends If-Match on update, quoting a bare version, and none on delete", async () => {
    const s = await serve((req) => (req.method === "DELETE" ? { status: 204 } : { status: 200, body: agentGroup }));
    const client = new HttpBackend({ endpoint: s.url, token: "t", ...fast });
    await client.update(POOL, "agent-groups", agentGroup.id, { name: "Scripted" }, "v1");
    await client.update(POOL, "agent-groups", agentGroup.id, { name: "Scripted" }, '"v2"');
    expect(await client.delete(POOL, "agent-groups", agentGroup.id)).toBe(true);
    expect(s.requests.map((r) => [r.method, r.headers["if-match"]])).toEqual([
      ["PUT", '"v1"'],
      ["PUT", '"v2"'],
      ["DELETE", undefined],
    ]);
    expect(s.requests[0].url).toBe(`/v1/pools/${POOL}/agent-groups/${agentGroup.id}`);
  });

  it("times out a silent server, and retries the attempt", async () => {
    const s = await serve(() => "hang");
    const once = new HttpBackend({ endpoint: s.url, token: "t", timeoutMs: 200, maxRetries: 0, ...fast });
    const e = await caught(once.listPools());
    expect(e.code).toBe("timeout");
    expect(e.message).toMatch(/GET .*\/v1\/pools got no answer within 200 ms/);
    expect(s.requests).toHaveLength(1);

    const twice = new HttpBackend({ endpoint: s.url, token: "t", timeoutMs: 200, maxRetries: 1, ...fast });
    expect((await caught(twice.listPools())).code).toBe("timeout");
    expect(s.requests).toHaveLength(3);
  });

  it("times out a body that never ends", async () => {
    const stalled = await startStalledBodyServer();
    try {
      const client = new HttpBackend({ endpoint: stalled.url, token: "t", timeoutMs: 200, maxRetries: 0, ...fast });
      expect((await caught(client.listPools())).code).toBe("timeout");
    } finally {
      await stalled.close();
    }
  });

  it("reports a refused connection as connection_failed", async () => {
    const s = await serve(() => ({ status: 200, body: {} }));
    const url = s.url;
    await s.close();
    server = undefined;
    const client = new HttpBackend({ endpoint: url, token: "t", maxRetries: 1, ...fast });
    const e = await caught(client.listPools());
    expect(e.code).toBe("connection_failed");
    expect(e.message).toContain(`cannot reach the Response Group service at ${url}`);
  });

  it("reports answers that are not the service's as bad_response", async () => {
    const s = await serve((_req, n) => (n === 0 ? { status: 502, body: "<html>Bad gateway</html>" } : { status: 200, body: "not json" }));
    const client = new HttpBackend({ endpoint: s.url, token: "t", ...fast });
    const gateway = await caught(client.listPools());
    expect(gateway).toMatchObject({ code: "bad_response" });
    expect(gateway.message).toMatch(/failed with HTTP 502/);
    const garbled = await caught(client.listPools());
    expect(garbled.code).toBe("bad_response");
    expect(garbled.message).toMatch(/not JSON/);
  });
});

describe("an update whose answer was lost", () => {
  let svc: RunningService;
  let proxy: ScriptedServer;
  beforeAll(async () => {
    svc = await startService();
  });
  afterAll(async () => {
    await proxy?.close();
    await svc?.stop();
  });

  it("is recognised as the client's own write when the retry meets 412", async () => {
    let puts = 0;
    // Forwards to the real service, but holds back the answer to the first PUT past the client's timeout.
    proxy = await startScriptedServer(async (req) => {
      const res = await fetch(`${svc.url}${req.url}`, {
        method: req.method,
        headers: Object.fromEntries(Object.entries(req.headers).filter(([k]) => !["host", "connection", "content-length"].includes(k))) as Record<string, string>,
        body: req.body === "" ? undefined : req.body,
      });
      const text = await res.text();
      if (req.method === "PUT" && puts++ === 0) await new Promise((r) => setTimeout(r, 1500));
      return { status: res.status, headers: { "content-type": "application/json" }, body: text };
    });
    const client = new HttpBackend({ endpoint: proxy.url, token: svc.tokens.operator, timeoutMs: 1000, ...fast });
    const q = (await client.create(POOL, "queues", { name: "Lost answer" })).object;
    const updated = await client.update(POOL, "queues", q.id, { name: "Lost answer", timeoutThreshold: 90 }, q.etag);
    expect(updated).toMatchObject({ id: q.id, timeoutThreshold: 90, etag: "v2" });
    // The PUT was sent again after its answer was lost, met 412, and the client read the object.
    const after = proxy.requests.map((r) => r.method).slice(proxy.requests.findIndex((r) => r.method === "PUT"));
    expect(after).toEqual(["PUT", "PUT", "GET"]);

    // Someone else's change in between is not mistaken for ours.
    const other = new HttpBackend({ endpoint: svc.url, token: svc.tokens.operator, ...fast });
    await other.update(POOL, "queues", q.id, { name: "Lost answer", timeoutThreshold: 120 }, "v2");
    puts = 0;
    const e = await caught(client.update(POOL, "queues", q.id, { name: "Lost answer", timeoutThreshold: 30 }, "v2"));
    expect(e.code).toBe("etag_mismatch");
  });
});

/** A server that sends the status line and headers of a 200, then nothing more. */
async function startStalledBodyServer(): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
    res.write('{"items":');
  });
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((res) => server.listen(0, "127.0.0.1", res));
  return {
    url: `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
