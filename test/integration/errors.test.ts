/**
 * Every row of api.md's error table, produced over HTTP by the real service, with the one
 * envelope {error: {code, message, requestId, details?}}.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError, expectRetryAfter } from "../helpers/http";
import { startService, type RunningService } from "../helpers/service";

let svc: RunningService;
const P1 = "/v1/pools/pool01.contoso.com";
const P2 = "/v1/pools/pool02.contoso.com";

beforeAll(async () => {
  svc = await startService({ pools: ["pool01.contoso.com", "pool02.contoso.com"] });
});

afterAll(async () => {
  await svc?.stop();
});

const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(svc.url, method, path, { token: svc.tokens.operator, body, headers });

async function created(path: string, body: unknown): Promise<{ id: string; etag: string }> {
  const r = await op("POST", path, body);
  expect(r.status, r.text).toBe(201);
  return { id: r.body.id, etag: r.body.etag };
}

describe("400 validation_failed", () => {
  it("lists every problem of a body with its path", async () => {
    const r = await op("POST", `${P1}/agent-groups`, { name: "", agentAlertTime: 5, routingMethod: "Random" });
    const e = expectError(r, 400, "validation_failed");
    expect(e.message).toMatch(/agent group is not valid: 3 problems/);
    expect(e.details).toEqual([
      { path: "name", message: 'must not be empty (got "")' },
      { path: "agentAlertTime", message: "must be from 10 to 600 seconds (got 5)" },
      { path: "routingMethod", message: 'must be one of LongestIdle, Parallel, RoundRobin, Serial, Attendant (got "Random")' },
    ]);
  });

  it.each([
    ["malformed JSON", { rawBody: '{"name":', contentType: "application/json" }, /not valid JSON/],
    ["an empty JSON body", { rawBody: "", contentType: "application/json" }, /body is empty/],
    ["JSON that is not an object", { body: ["Sales"] }, /must be a JSON object describing an agent group/],
    ["JSON null", { rawBody: "null", contentType: "application/json" }, /must be a JSON object/],
    ["a __proto__ key", { rawBody: '{"name":"Proto","__proto__":{"admin":true}}', contentType: "application/json" }, /not valid JSON/],
  ])("refuses %s", async (_what, options, message) => {
    const r = await call(svc.url, "POST", `${P1}/agent-groups`, { token: svc.tokens.operator, ...options });
    const e = expectError(r, 400, "validation_failed");
    expect(e.message).toMatch(message);
    expect(e.details.length).toBeGreaterThan(0);
  });

  it("refuses a body nested deeper than any valid object", async () => {
    let deep: unknown = "x";
    for (let i = 0; i < 300; i++) deep = { a: deep };
    const e = expectError(await op("POST", `${P1}/queues`, { name: "Deep", description: deep }), 400, "validation_failed");
    expect(e.message).toMatch(/nested more than 256 levels/);
  });

  it("refuses bad paging and a bad Idempotency-Key", async () => {
    const limit = expectError(await op("GET", `${P1}/queues?limit=0`), 400, "validation_failed");
    expect(limit.details).toEqual([{ path: "limit", message: 'must be from 1 to 1000 (got "0")' }]);
    const cursor = expectError(await op("GET", `${P1}/queues?cursor=bogus`), 400, "validation_failed");
    expect(cursor.details[0].path).toBe("cursor");
    const key = expectError(await op("POST", `${P1}/queues`, { name: "Keyed" }, { "idempotency-key": "k".repeat(256) }), 400, "validation_failed");
    expect(key.details[0].path).toBe("Idempotency-Key");
  });

  it("refuses a path that is not valid percent-encoding, in the envelope", async () => {
    const e = expectError(await call(svc.url, "GET", "/v1/pools/%E0%A4%A/queues", { token: svc.tokens.reader }), 400, "validation_failed");
    expect(e.message).toMatch(/not valid percent-encoding/);
  });

  it("refuses a pool FQDN that is not one", async () => {
    const r = await call(svc.url, "PUT", "/v1/pools/not_a_pool", { token: svc.tokens.admin });
    const e = expectError(r, 400, "validation_failed");
    expect(e.details).toEqual([{ path: "fqdn", message: 'must be a pool FQDN such as pool01.contoso.com (got "not_a_pool")' }]);
  });
});

describe("401 unauthorized", () => {
  it.each([
    ["no Authorization header", {}],
    ["an unknown token", { authorization: "Bearer tok-nobody-0123456789" }],
    ["another scheme", { authorization: `Basic ${Buffer.from("admin:admin").toString("base64")}` }],
    ["an empty bearer", { authorization: "Bearer " }],
  ])("refuses %s", async (_what, headers) => {
    const r = await call(svc.url, "GET", "/v1/pools", { headers: headers as Record<string, string> });
    const e = expectError(r, 401, "unauthorized");
    expect(e.message).not.toMatch(/tok-nobody/);
  });

  it.each(["/healthz", "/healthz?probe=liveness"])("lets %s through without a token", async (path) => {
    const r = await call(svc.url, "GET", path);
    expect(r.status, r.text).toBe(200);
    expect(r.body).toEqual({ status: "ok" });
  });
});

describe("403 forbidden", () => {
  it.each([
    ["a reader creates", "reader", "POST", `${P1}/agent-groups`, { name: "Readers may not" }],
    ["a reader deletes", "reader", "DELETE", `${P1}/agent-groups/${randomUUID()}`, undefined],
    ["an operator provisions a pool", "operator", "PUT", "/v1/pools/pool09.contoso.com", {}],
    ["an operator changes settings", "operator", "PUT", `${P1}/settings`, { agentRingbackGracePeriod: 90 }],
  ] as const)("refuses %s", async (_what, role, method, path, body) => {
    const r = await call(svc.url, method, path, { token: svc.tokens[role], body });
    const e = expectError(r, 403, "forbidden");
    expect(e.message).toMatch(new RegExp(`role \\(${role}\\) cannot do that; it needs (operator|admin)`));
  });

  it("lets a reader read", async () => {
    expect((await call(svc.url, "GET", `${P1}/queues`, { token: svc.tokens.reader })).status).toBe(200);
  });
});

describe("404 not_found", () => {
  it.each([
    ["an unknown pool", "GET", "/v1/pools/pool77.contoso.com/queues", /no pool pool77.contoso.com/],
    ["an unknown object", "GET", `${P1}/queues/${randomUUID()}`, /no queue with id .* in pool pool01.contoso.com/],
    ["an id that is not a GUID", "GET", `${P1}/workflows/help-desk`, /no workflow with id help-desk/],
    ["an unknown kind", "GET", `${P1}/hunt-groups`, /no collection 'hunt-groups'; the kinds are agent-groups, queues/],
    ["an unknown route", "GET", "/v2/pools", /no route GET \/v2\/pools/],
    ["the settings of an unknown pool", "GET", "/v1/pools/pool77.contoso.com/settings", /no pool/],
  ])("answers %s", async (_what, method, path, message) => {
    const e = expectError(await call(svc.url, method, path, { token: svc.tokens.admin }), 404, "not_found");
    expect(e.message).toMatch(message);
  });

  it("answers an id far too long to be one, in the envelope", async () => {
    const e = expectError(await op("GET", `${P1}/queues/${"x".repeat(2000)}`), 404, "not_found");
    expect(e.message).not.toContain("x".repeat(100));
  });

  it("answers a delete of an object that is gone", async () => {
    const q = await created(`${P1}/queues`, { name: "Short lived" });
    expect((await op("DELETE", `${P1}/queues/${q.id}`)).status).toBe(204);
    expectError(await op("DELETE", `${P1}/queues/${q.id}`), 404, "not_found");
  });

  it("does not find an object through another pool", async () => {
    const q = await created(`${P1}/queues`, { name: "Pool one only" });
    expectError(await op("GET", `${P2}/queues/${q.id}`), 404, "not_found");
  });
});

describe("409 conflicts", () => {
  it("name_conflict: a second object of a kind with the same name, in another case", async () => {
    const first = await created(`${P1}/holiday-sets`, {
      name: "Public holidays",
      holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }],
    });
    const r = await op("POST", `${P1}/holiday-sets`, {
      name: "PUBLIC HOLIDAYS",
      holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }],
    });
    const e = expectError(r, 409, "name_conflict");
    expect(e.message).toMatch(/already has a holiday set named 'PUBLIC HOLIDAYS' \(id .*\); names are unique per pool and kind, ignoring case/);
    expect(e.details).toEqual([{ path: "name", message: `'PUBLIC HOLIDAYS' is taken by ${first.id}` }]);
  });

  it("uri_conflict: a workflow primaryUri already used in another pool", async () => {
    const first = await created(`${P1}/workflows`, { name: "Help desk", primaryUri: "sip:helpdesk@contoso.com" });
    const e = expectError(await op("POST", `${P2}/workflows`, { name: "Help desk", primaryUri: "sip:HelpDesk@contoso.com" }), 409, "uri_conflict");
    expect(e.message).toMatch(/primaryUri sip:HelpDesk@contoso.com already belongs to workflow 'Help desk' in pool pool01.contoso.com/);
    expect(e.details).toEqual([{ path: "primaryUri", message: `sip:HelpDesk@contoso.com is taken by ${first.id}` }]);
  });

  it("in_use: a delete of an object something references", async () => {
    const ag = await created(`${P1}/agent-groups`, { name: "Referenced agents" });
    const q = await created(`${P1}/queues`, { name: "Referencing queue", agentGroupIds: [ag.id] });
    const e = expectError(await op("DELETE", `${P1}/agent-groups/${ag.id}`), 409, "in_use");
    expect(e.message).toMatch(/agent group 'Referenced agents' is still used by queue 'Referencing queue'/);
    expect(e.details).toEqual({ referencedBy: [{ kind: "queues", id: q.id, name: "Referencing queue" }] });
  });
});

describe("412 etag_mismatch", () => {
  it("refuses a PUT, a DELETE and a settings PUT at an old version", async () => {
    const ag = await created(`${P1}/agent-groups`, { name: "Versioned" });
    const v2 = await op("PUT", `${P1}/agent-groups/${ag.id}`, { name: "Versioned", agentAlertTime: 30 }, { "if-match": `"${ag.etag}"` });
    expect(v2.status).toBe(200);
    expect(v2.headers.get("etag")).toBe('"v2"');
    const put = expectError(await op("PUT", `${P1}/agent-groups/${ag.id}`, { name: "Versioned" }, { "if-match": '"v1"' }), 412, "etag_mismatch");
    expect(put.message).toMatch(/agent group 'Versioned' changed since it was read; it is now at v2/);
    expectError(await op("PUT", `${P1}/agent-groups/${ag.id}`, { name: "Versioned" }, { "if-match": "garbage" }), 412, "etag_mismatch");
    expectError(await op("DELETE", `${P1}/agent-groups/${ag.id}`, undefined, { "if-match": '"v1"' }), 412, "etag_mismatch");
    const settings = await call(svc.url, "PUT", `${P2}/settings`, { token: svc.tokens.admin, body: {}, headers: { "if-match": '"v7"' } });
    expectError(settings, 412, "etag_mismatch");
    // The refused writes changed nothing.
    const now = await op("GET", `${P1}/agent-groups/${ag.id}`);
    expect(now.body).toMatchObject({ agentAlertTime: 30, etag: "v2" });
  });
});

describe("413 payload_too_large", () => {
  it("refuses a body over the limit", async () => {
    const r = await op("POST", `${P1}/queues`, { name: "Huge", description: "x".repeat(1024 * 1024 + 1) });
    const e = expectError(r, 413, "payload_too_large");
    expect(e.message).toMatch(/larger than the service accepts/);
  });
});

describe("415 unsupported_media_type", () => {
  it.each([
    ["text/plain", "text/plain", '{"name":"Plain"}'],
    ["XML", "application/xml", "<queue><name>X</name></queue>"],
    ["a form", "application/x-www-form-urlencoded", "name=Form"],
  ])("refuses a %s body", async (_what, contentType, rawBody) => {
    const r = await call(svc.url, "POST", `${P1}/queues`, { token: svc.tokens.operator, rawBody, contentType });
    const e = expectError(r, 415, "unsupported_media_type");
    expect(e.message).toMatch(/Content-Type: application\/json/);
  });

  it("accepts JSON with a charset", async () => {
    const r = await call(svc.url, "POST", `${P1}/queues`, {
      token: svc.tokens.operator,
      rawBody: '{"name":"Charset"}',
      contentType: "application/json; charset=utf-8",
    });
    expect(r.status, r.text).toBe(201);
  });
});

describe("422", () => {
  it("reference_not_found: an id that does not resolve in the pool, every one listed", async () => {
    const missing = randomUUID();
    const ag = await created(`${P1}/agent-groups`, { name: "Real agents" });
    const r = await op("POST", `${P1}/queues`, {
      name: "Dangling",
      agentGroupIds: [ag.id, missing],
      timeoutThreshold: 30,
      timeoutAction: { action: "TransferToQueue", queueId: missing },
    });
    const e = expectError(r, 422, "reference_not_found");
    expect(e.message).toMatch(/references objects that do not exist in pool pool01.contoso.com/);
    expect(e.details).toEqual([
      { path: "agentGroupIds.1", message: `no agent group with id ${missing} in pool pool01.contoso.com` },
      { path: "timeoutAction.queueId", message: `no queue with id ${missing} in pool pool01.contoso.com` },
    ]);
    expect((await op("GET", `${P1}/queues?name=Dangling`)).body.items).toEqual([]);
  });

  it("idempotency_key_reused: the same key with another body", async () => {
    const key = randomUUID();
    expect((await op("POST", `${P1}/agent-groups`, { name: "Keyed once" }, { "idempotency-key": key })).status).toBe(201);
    const e = expectError(await op("POST", `${P1}/agent-groups`, { name: "Keyed twice" }, { "idempotency-key": key }), 422, "idempotency_key_reused");
    expect(e.message).toContain(`Idempotency-Key '${key}' was first used`);
    expect((await op("GET", `${P1}/agent-groups?name=Keyed twice`)).body.items).toEqual([]);
  });
});

describe("428 precondition_required", () => {
  it("refuses a PUT without If-Match", async () => {
    const q = await created(`${P1}/queues`, { name: "Unguarded" });
    const e = expectError(await op("PUT", `${P1}/queues/${q.id}`, { name: "Unguarded", timeoutThreshold: 60 }), 428, "precondition_required");
    expect(e.message).toMatch(/If-Match/);
    expect((await op("GET", `${P1}/queues/${q.id}`)).body.timeoutThreshold).toBeNull();
  });
});

describe("429 rate_limited", () => {
  let limited: RunningService;
  beforeAll(async () => {
    limited = await startService({ rateLimit: "1/3" });
  });
  afterAll(async () => {
    await limited?.stop();
  });

  it("refuses a token over its rate with Retry-After, and not other tokens", async () => {
    // A burst of 3, then 1 more a second: however slow the machine, no more pass than that allows.
    const started = performance.now();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => call(limited.url, "GET", "/v1/pools", { token: limited.tokens.operator })),
    );
    const seconds = (performance.now() - started) / 1000;
    const passed = replies.filter((r) => r.status === 200).length;
    const refused = replies.filter((r) => r.status === 429);
    expect(passed + refused.length).toBe(20);
    expect(passed).toBeGreaterThanOrEqual(3);
    expect(passed).toBeLessThanOrEqual(3 + Math.ceil(seconds));
    expect(refused.length).toBeGreaterThan(0);
    for (const r of refused) {
      const e = expectError(r, 429, "rate_limited");
      expect(e.message).toMatch(/too many requests for this token; retry in \d+ s/);
      expectRetryAfter(r);
    }
    expect((await call(limited.url, "GET", "/v1/pools", { token: limited.tokens.reader })).status).toBe(200);
  });
});
