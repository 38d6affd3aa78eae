/**
 * One transaction per request: a write that fails part-way leaves nothing behind, and the failure
 * is a 500 in the envelope with a generic message, its detail only in the log.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp, type RgsApp } from "../../backend/app";
import { parseTokens } from "../../backend/auth";
import { SqliteStore } from "../../backend/store/sqlite";
import type { Store, StoreTx } from "../../backend/store/store";
import { call, expectError } from "../helpers/http";
import { makeTempDir, randomTokens, removeDir, tokenSpec } from "../helpers/service";

const P = "/v1/pools/pool01.contoso.com";
const dir = makeTempDir();
const tokens = randomTokens();
const sqlite = new SqliteStore({ file: join(dir, "rgs.db") });
const logs: Record<string, unknown>[] = [];
let failNext: keyof StoreTx | undefined;
let app: RgsApp;
let url: string;

// The real store, except that the next call of `failNext` throws after the calls before it wrote.
const store: Store = {
  transaction: (fn) =>
    sqlite.transaction((tx) =>
      fn(
        new Proxy(tx, {
          get(target, prop: keyof StoreTx) {
            if (prop !== failNext) return target[prop];
            failNext = undefined;
            return async () => {
              throw new Error("disk controller on fire");
            };
          },
        }),
      ),
    ),
  ping: () => sqlite.ping(),
  close: () => sqlite.close(),
};

beforeAll(async () => {
  app = buildApp({ store, tokens: parseTokens(tokenSpec(tokens)), log: (e) => logs.push(e) });
  await app.service.putPool("pool01.contoso.com");
  url = await app.fastify.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await app?.fastify.close();
  await sqlite.close();
  removeDir(dir);
});

const op = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  call(url, method, path, { token: tokens.operator, body, headers });

describe("a write that fails part-way", () => {
  it("create: the object, its references and its idempotency key are all rolled back", async () => {
    const ag = (await op("POST", `${P}/agent-groups`, { name: "Atomic agents" })).body;
    failNext = "putIdempotency";
    const body = { name: "Half made", agentGroupIds: [ag.id] };
    const r = await op("POST", `${P}/queues`, body, { "idempotency-key": "atomic-1" });
    const e = expectError(r, 500, "internal");
    expect(e.message).toMatch(/the request id identifies it in the service's log/);
    expect(r.text).not.toContain("disk controller");
    expect(logs).toContainEqual(expect.objectContaining({ level: "error", msg: "unexpected error", requestId: e.requestId }));
    expect(JSON.stringify(logs.find((l) => l.requestId === e.requestId && l.msg === "unexpected error"))).toContain("disk controller on fire");

    expect((await op("GET", `${P}/queues?name=half%20made`)).body.items).toEqual([]);
    // Nothing references the agent group, and the name and the key are free.
    expect((await op("DELETE", `${P}/agent-groups/${ag.id}`)).status).toBe(204);
    const again = await op("POST", `${P}/queues`, { name: "Half made" }, { "idempotency-key": "atomic-1" });
    expect(again.status, again.text).toBe(201);
  });

  it("update: the old body, version and references stay", async () => {
    const a = (await op("POST", `${P}/agent-groups`, { name: "Old member" })).body;
    const b = (await op("POST", `${P}/agent-groups`, { name: "New member" })).body;
    const q = (await op("POST", `${P}/queues`, { name: "Steady", agentGroupIds: [a.id] })).body;
    failNext = "setReferences";
    expectError(await op("PUT", `${P}/queues/${q.id}`, { name: "Steady", agentGroupIds: [b.id] }, { "if-match": '"v1"' }), 500, "internal");
    expect((await op("GET", `${P}/queues/${q.id}`)).body).toEqual(q);
    expectError(await op("DELETE", `${P}/agent-groups/${a.id}`), 409, "in_use");
    expect((await op("DELETE", `${P}/agent-groups/${b.id}`)).status).toBe(204);
  });
});
