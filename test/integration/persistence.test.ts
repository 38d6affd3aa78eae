/**
 * Data survives a restart of the real `rgs serve` process: a clean stop (SIGTERM) and a crash
 * (SIGKILL right after a write was answered).
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { SQLITE_MIGRATIONS, SqliteStore } from "../../backend/store/sqlite";
import { call, expectError } from "../helpers/http";
import { makeTempDir, removeDir, startService, stopAllServices } from "../helpers/service";

const P = "/v1/pools/pool01.contoso.com";
const dirs: string[] = [];

afterAll(async () => {
  await stopAllServices();
  for (const d of dirs) removeDir(d);
});

function tempDir(): string {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}

describe("rgs serve keeps its data across restarts", () => {
  it("after a clean stop: every object, the settings, the pools and idempotency keys", async () => {
    const dataDir = tempDir();
    const first = await startService({ dataDir, tokens: "generated", pools: ["pool01.contoso.com", "pool02.contoso.com"] });
    const admin = first.tokens.admin;
    const post = async (kind: string, body: unknown, headers?: Record<string, string>) => {
      const r = await call(first.url, "POST", `${P}/${kind}`, { token: admin, body, headers });
      expect(r.status, r.text).toBe(201);
      return r.body;
    };
    const ag = await post("agent-groups", { name: "Persistent agents", agentsByUri: ["sip:ann@contoso.com", "sip:bob@contoso.com"], routingMethod: "Serial" });
    const q = await post("queues", { name: "Persistent queue", agentGroupIds: [ag.id], timeoutThreshold: 60, timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:vm@contoso.com" } });
    const h = await post("hours-of-business", { name: "Persistent hours", custom: true, mondayHours1: { openTime: "08:00", closeTime: "12:00" }, mondayHours2: { openTime: "13:00", closeTime: "17:00" } });
    const hs = await post("holiday-sets", { name: "Persistent holidays", holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }] });
    const key = randomUUID();
    const wfBody = {
      name: "Persistent workflow",
      primaryUri: "sip:persist@contoso.com",
      active: true,
      language: "de-DE",
      timeZone: "W. Europe Standard Time",
      businessHoursId: h.id,
      holidaySetIds: [hs.id],
      defaultAction: { action: "TransferToQueue", queueId: q.id, prompt: { textToSpeech: "Willkommen." } },
      nonBusinessHoursAction: { action: "Terminate", prompt: { textToSpeech: "Geschlossen." } },
    };
    const wf = await post("workflows", wfBody, { "idempotency-key": key });
    const changed = await call(first.url, "PUT", `${P}/queues/${q.id}`, {
      token: admin,
      body: { name: "Persistent queue", agentGroupIds: [ag.id], overflowThreshold: 0 },
      headers: { "if-match": `"${q.etag}"` },
    });
    expect(changed.status).toBe(200);
    const settings = await call(first.url, "PUT", `${P}/settings`, { token: admin, body: { agentRingbackGracePeriod: 300, disableCallContext: true } });
    expect(settings.status).toBe(200);

    const before: Record<string, unknown> = {};
    for (const kind of ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows", "settings"]) {
      before[kind] = (await call(first.url, "GET", `${P}/${kind}`, { token: admin })).body;
    }
    await first.stop();
    expect(await first.exit).toEqual({ code: 0, signal: null });
    expect(first.output.stdout).toMatch(/"msg":"stopped"/);

    // Restarted without --pool: the pools are in the database; the admin token file is reused.
    const second = await startService({ dataDir, tokens: "generated", pools: [] });
    expect(second.tokens.admin).toBe(admin);
    expect(second.url).not.toBe(first.url);
    for (const [kind, body] of Object.entries(before)) {
      expect((await call(second.url, "GET", `${P}/${kind}`, { token: admin })).body, kind).toEqual(body);
    }
    const pools = await call(second.url, "GET", "/v1/pools", { token: admin });
    expect(pools.body.items.map((p: { fqdn: string }) => p.fqdn)).toEqual(["pool01.contoso.com", "pool02.contoso.com"]);

    const replay = await call(second.url, "POST", `${P}/workflows`, { token: admin, body: wfBody, headers: { "idempotency-key": key } });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(wf);
    expectError(await call(second.url, "POST", `${P}/agent-groups`, { token: admin, body: { name: "PERSISTENT AGENTS" } }), 409, "name_conflict");
    expectError(await call(second.url, "DELETE", `${P}/queues/${q.id}`, { token: admin }), 409, "in_use");
    const next = await call(second.url, "PUT", `${P}/queues/${q.id}`, {
      token: admin,
      body: { name: "Persistent queue", agentGroupIds: [ag.id] },
      headers: { "if-match": '"v2"' },
    });
    expect(next.body.etag).toBe("v3");
    await second.stop();
  });

  it("after a crash: every write that was answered is there, and the file is sound", async () => {
    const dataDir = tempDir();
    const svc = await startService({ dataDir });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await call(svc.url, "POST", `${P}/agent-groups`, { token: svc.tokens.operator, body: { name: `Crash ${i}` } });
      expect(r.status).toBe(201);
      ids.push(r.body.id);
    }
    await svc.kill();
    expect((await svc.exit).signal).toBe("SIGKILL");

    const store = new SqliteStore({ file: join(dataDir, "rgs.db") });
    try {
      expect(store.integrityCheck()).toBe("ok");
    } finally {
      await store.close();
    }
    const again = await startService({ dataDir, tokens: svc.tokens, pools: [] });
    const listed = await call(again.url, "GET", `${P}/agent-groups?limit=1000`, { token: svc.tokens.reader });
    expect(listed.body.items.map((o: { id: string }) => o.id)).toEqual(ids);
    await again.stop();
  });

  it("starts on a new file while another service is still creating its tables", async () => {
    const dataDir = tempDir();
    // A peer's first migration, in flight: tables made, not yet committed.
    const peer = new Database(join(dataDir, "rgs.db"));
    peer.pragma("journal_mode = WAL");
    peer.exec("BEGIN IMMEDIATE");
    for (const m of SQLITE_MIGRATIONS) {
      peer.exec(m.sql);
      peer.pragma(`user_version = ${m.version}`);
    }
    const starting = startService({ dataDir });
    await new Promise((r) => setTimeout(r, 1000));
    peer.exec("COMMIT");
    peer.close();

    const svc = await starting;
    const r = await call(svc.url, "POST", `${P}/queues`, { token: svc.tokens.operator, body: { name: "After the peer" } });
    expect(r.status, r.text).toBe(201);
    await svc.stop();
  });
});
