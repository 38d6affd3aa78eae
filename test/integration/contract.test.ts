/**
 * The rest of api.md's contract over HTTP: headers, server fields, defaults, paging, If-Match
 * forms, settings and pools.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, expectError } from "../helpers/http";
import { startService, type RunningService } from "../helpers/service";

let svc: RunningService;
const P = "/v1/pools/pool01.contoso.com";
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

beforeAll(async () => {
  svc = await startService();
});

afterAll(async () => {
  await svc?.stop();
});

const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(svc.url, method, path, { token: svc.tokens.operator, body, headers });

describe("objects", () => {
  it("POST answers 201 with ETag, Location and the server fields; the server picks the id", async () => {
    const chosen = randomUUID();
    const r = await op("POST", `${P}/agent-groups`, { name: "Contract agents", id: chosen, etag: "v99", ownerPool: "elsewhere.contoso.com" });
    expect(r.status, r.text).toBe(201);
    const o = r.body;
    expect(o.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(o.id).not.toBe(chosen);
    expect(o).toMatchObject({
      identity: `service:ApplicationServer:pool01.contoso.com/${o.id}`,
      etag: "v1",
      ownerPool: "pool01.contoso.com",
    });
    expect(o.createdAt).toMatch(ISO);
    expect(o.updatedAt).toBe(o.createdAt);
    expect(r.headers.get("etag")).toBe('"v1"');
    expect(r.headers.get("location")).toBe(`${P}/agent-groups/${o.id}`);

    const got = await op("GET", r.headers.get("location")!);
    expect(got.status).toBe(200);
    expect(got.headers.get("etag")).toBe('"v1"');
    expect(got.body).toEqual(o);
    expect((await op("GET", `${P}/agent-groups/${o.id.toUpperCase()}`)).body).toEqual(o);
  });

  it("PUT takes back what GET gave, with a change, and answers a new ETag", async () => {
    const created = (await op("POST", `${P}/queues`, { name: "Round trip", timeoutThreshold: 30, timeoutAction: { action: "Terminate" } })).body;
    const got = await op("GET", `${P}/queues/${created.id}`);
    const r = await op("PUT", `${P}/queues/${created.id}`, { ...got.body, timeoutThreshold: 45 }, { "if-match": got.headers.get("etag")! });
    expect(r.status, r.text).toBe(200);
    expect(r.headers.get("etag")).toBe('"v2"');
    expect(r.body).toEqual({ ...got.body, timeoutThreshold: 45, etag: "v2", updatedAt: r.body.updatedAt });
    expect(r.body.createdAt).toBe(created.createdAt);
  });

  it("PUT replaces the whole object: a field left out goes back to its default", async () => {
    const created = (await op("POST", `${P}/agent-groups`, { name: "Whole", routingMethod: "Serial", agentAlertTime: 60 })).body;
    const r = await op("PUT", `${P}/agent-groups/${created.id}`, { name: "Whole" }, { "if-match": '"v1"' });
    expect(r.body).toMatchObject({ routingMethod: "Parallel", agentAlertTime: 20 });
  });

  it.each([
    ["a weak ETag", 'W/"v1"'],
    ["an unquoted ETag", "v1"],
    ["a list naming the current version", '"v0", W/"v1"'],
    ["*", "*"],
  ])("accepts If-Match with %s", async (_what, ifMatch) => {
    const created = (await op("POST", `${P}/hours-of-business`, { name: `If-Match ${ifMatch}` })).body;
    const r = await op("PUT", `${P}/hours-of-business/${created.id}`, { name: `If-Match ${ifMatch}`, custom: true }, { "if-match": ifMatch });
    expect(r.status, r.text).toBe(200);
  });

  it("DELETE answers 204 with or without a matching If-Match", async () => {
    const a = (await op("POST", `${P}/agent-groups`, { name: "Delete me" })).body;
    const b = (await op("POST", `${P}/agent-groups`, { name: "Delete me too" })).body;
    const r = await op("DELETE", `${P}/agent-groups/${a.id}`, undefined, { "if-match": '"v1"' });
    expect(r.status).toBe(204);
    expect(r.text).toBe("");
    expect((await op("DELETE", `${P}/agent-groups/${b.id}`)).status).toBe(204);
  });
});

describe("lists", () => {
  it("pages with limit and nextCursor, in creation order", async () => {
    const pool = "/v1/pools/pool05.contoso.com";
    expect((await call(svc.url, "PUT", "/v1/pools/pool05.contoso.com", { token: svc.tokens.admin })).status).toBe(201);
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await op("POST", `${pool}/queues`, { name: `Page ${i}` })).body.id);
    const seen: string[] = [];
    let next: string | null = null;
    let pages = 0;
    do {
      const r = await op("GET", `${pool}/queues?limit=3${next ? `&cursor=${next}` : ""}`);
      expect(r.status).toBe(200);
      seen.push(...r.body.items.map((o: { id: string }) => o.id));
      next = r.body.nextCursor;
      pages++;
    } while (next);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    expect((await op("GET", `${pool}/queues`)).body).toMatchObject({ nextCursor: null });
  });

  it("refuses ?name= given twice", async () => {
    const e = expectError(await op("GET", `${P}/queues?name=a&name=b`), 400, "validation_failed");
    expect(e.details).toEqual([{ path: "name", message: "appears more than once" }]);
  });
});

describe("settings and pools", () => {
  it("settings have defaults, an ETag, and are replaced whole by an admin", async () => {
    const admin = svc.tokens.admin;
    const pool = "/v1/pools/pool06.contoso.com";
    await call(svc.url, "PUT", "/v1/pools/pool06.contoso.com", { token: admin });
    const s = await call(svc.url, "GET", `${pool}/settings`, { token: svc.tokens.reader });
    expect(s.body).toMatchObject({
      pool: "pool06.contoso.com",
      identity: "service:ApplicationServer:pool06.contoso.com",
      agentRingbackGracePeriod: 60,
      disableCallContext: false,
      etag: "v1",
    });
    expect(s.headers.get("etag")).toBe('"v1"');
    const r = await call(svc.url, "PUT", `${pool}/settings`, { token: admin, body: { ...s.body, agentRingbackGracePeriod: 90 }, headers: { "if-match": '"v1"' } });
    expect(r.status, r.text).toBe(200);
    expect(r.body).toMatchObject({ agentRingbackGracePeriod: 90, disableCallContext: false, etag: "v2" });
    expect(r.headers.get("etag")).toBe('"v2"');
  });

  it("PUT of a pool is idempotent and lower-cases the FQDN", async () => {
    const admin = svc.tokens.admin;
    const first = await call(svc.url, "PUT", "/v1/pools/Pool08.Contoso.com", { token: admin });
    const again = await call(svc.url, "PUT", "/v1/pools/pool08.contoso.com", { token: admin, body: {} });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual(first.body);
    expect(first.body).toMatchObject({ fqdn: "pool08.contoso.com", identity: "service:ApplicationServer:pool08.contoso.com" });
    expect((await op("GET", "/v1/pools/POOL08.contoso.com/queues")).status).toBe(200);
  });

  it("takes a pool FQDN of any valid length", async () => {
    const fqdn = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(57)}.com`;
    expect(fqdn).toHaveLength(253);
    const made = await call(svc.url, "PUT", `/v1/pools/${fqdn}`, { token: svc.tokens.admin });
    expect(made.status, made.text).toBe(201);
    const q = await op("POST", `/v1/pools/${fqdn}/queues`, { name: "Long pool queue" });
    expect(q.status, q.text).toBe(201);
    expect(q.body.identity).toBe(`service:ApplicationServer:${fqdn}/${q.body.id}`);
    expect((await op("GET", `/v1/pools/${fqdn}/queues/${q.body.id}`)).status).toBe(200);
  });

  it("serves its OpenAPI document with every kind and the error envelope", async () => {
    const r = await call(svc.url, "GET", "/v1/openapi.json", { token: svc.tokens.reader });
    expect(r.status).toBe(200);
    for (const kind of ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"]) {
      expect(Object.keys(r.body.paths)).toContain(`/v1/pools/{pool}/${kind}/{id}`);
    }
    expect(r.body.components.schemas.Error).toBeDefined();
  });
});
