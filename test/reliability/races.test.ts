/**
 * Races, each run many times and counted: against one `rgs serve`, and against two `rgs serve`
 * processes on one store (requests alternate between them), where only the database can keep the
 * rules; on SQLite (one file) and on PostgreSQL (one database). test/integration/concurrency.test.ts runs each race once; this runs them in
 * rounds, adds read-modify-write writers (no lost update) and a delete racing the creates and
 * updates that reference the deleted object (no dangling reference).
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { call, type Reply } from "../helpers/http";
import type { TestDatabase } from "../helpers/postgres";
import { makeTempDir, randomTokens, removeDir, startService, stopAllServices, type RunningService, type Tokens } from "../helpers/service";
import { inspectStore, recordResults, storeOrSkip, type StoreName } from "./support";

/** Rounds of each race per store and process count: 15 on each of the four, where it ran 25 on SQLite's two. */
const ROUNDS = 15;
const RACERS = 8;
const P = "/v1/pools/pool01.contoso.com";

interface Target {
  name: string;
  dataDir: string;
  db?: TestDatabase;
  skipReason?: string;
  tokens: Tokens;
  services: RunningService[];
}

const dirs: string[] = [];
const results: Record<string, Record<string, unknown>> = {};

afterAll(async () => {
  await stopAllServices();
  for (const d of dirs) removeDir(d);
  const totals = { races: 0, requests: 0 };
  for (const r of Object.values(results)) {
    totals.races += Number(r.races ?? 0);
    totals.requests += Number(r.requests ?? 0);
  }
  await recordResults("races", { ...totals, byRace: results });
});

function tally(replies: Reply[]): Record<number, number> {
  const out: Record<number, number> = {};
  for (const r of replies) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
}

function count(key: string, races: number, requests: number, outcomes?: Record<string, number>) {
  const r = (results[key] ??= { races: 0, requests: 0 });
  r.races = Number(r.races) + races;
  r.requests = Number(r.requests) + requests;
  if (outcomes) {
    const o = (r.outcomes ??= {}) as Record<string, number>;
    for (const [k, v] of Object.entries(outcomes)) o[k] = (o[k] ?? 0) + v;
  }
}

describe.each([
  ["one process on SQLite", "sqlite", 1],
  ["two processes, one SQLite file", "sqlite", 2],
  ["one process on PostgreSQL", "postgres", 1],
  ["two processes, one PostgreSQL database", "postgres", 2],
] as [string, StoreName, number][])("%s", (label, store, processes) => {
  const t: Target = { name: label, dataDir: makeTempDir("rgs-races-"), tokens: randomTokens(), services: [] };
  dirs.push(t.dataDir);

  beforeAll(async () => {
    ({ db: t.db, skipReason: t.skipReason } = await storeOrSkip(store));
    if (store === "postgres" && !t.db) return;
    const database = t.db?.url;
    t.services.push(await startService({ dataDir: t.dataDir, tokens: t.tokens, database }));
    if (processes === 2) t.services.push(await startService({ dataDir: t.dataDir, tokens: t.tokens, pools: [], database }));
  });
  beforeEach((ctx) => {
    if (t.services.length === 0) ctx.skip(t.skipReason);
  });
  afterAll(async () => {
    for (const s of t.services) await s.stop();
    await t.db?.drop();
  });

  // The i-th request of a race goes to the i-th process, round robin.
  const op = (i: number, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> =>
    call(t.services[i % t.services.length].url, method, path, { token: t.tokens.operator, body, headers });
  const created = async (path: string, body: unknown): Promise<Record<string, any>> => {
    const r = await op(0, "POST", path, body);
    expect(r.status, r.text).toBe(201);
    return r.body;
  };
  const key = (race: string) => `${race} (${label})`;

  it(`${RACERS} PUTs on one ETag, ${ROUNDS} times: exactly one wins per version`, async () => {
    const ag = await created(`${P}/agent-groups`, { name: `Contended ${label}` });
    let etag = ag.etag as string;
    for (let round = 0; round < ROUNDS; round++) {
      const replies = await Promise.all(
        Array.from({ length: RACERS }, (_, i) =>
          op(i, "PUT", `${P}/agent-groups/${ag.id}`, { name: `Contended ${label}`, agentAlertTime: 10 + round * RACERS + i }, { "if-match": `"${etag}"` }),
        ),
      );
      expect(tally(replies), `round ${round}`).toEqual({ 200: 1, 412: RACERS - 1 });
      const winner = replies.find((r) => r.status === 200)!;
      expect(winner.body.etag).toBe(`v${round + 2}`);
      for (const r of replies.filter((r) => r.status === 412)) expect(r.body.error.code).toBe("etag_mismatch");
      const now = await op(round + 1, "GET", `${P}/agent-groups/${ag.id}`);
      expect(now.body).toEqual(winner.body);
      etag = winner.body.etag;
      count(key("one ETag, many writers"), 1, RACERS);
    }
  });

  it("read-modify-write writers retrying on 412 lose no update", async () => {
    const WRITERS = 6;
    const EACH = 8;
    const ag = await created(`${P}/agent-groups`, { name: `Appended ${label}`, agentsByUri: [] });
    let conflicts = 0;
    let requests = 0;
    const writer = async (w: number) => {
      for (let k = 0; k < EACH; k++) {
        const uri = `sip:w${w}-k${k}@contoso.com`;
        for (let attempt = 0; ; attempt++) {
          expect(attempt, `writer ${w} starved`).toBeLessThan(200);
          const cur = await op(w, "GET", `${P}/agent-groups/${ag.id}`);
          const put = await op(w + 1, "PUT", `${P}/agent-groups/${ag.id}`, { name: cur.body.name, agentsByUri: [...cur.body.agentsByUri, uri] }, {
            "if-match": cur.headers.get("etag")!,
          });
          requests += 2;
          if (put.status === 200) break;
          expect(put.status, put.text).toBe(412);
          conflicts++;
        }
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
    const end = await op(0, "GET", `${P}/agent-groups/${ag.id}`);
    const expected = Array.from({ length: WRITERS }, (_, w) => Array.from({ length: EACH }, (_, k) => `sip:w${w}-k${k}@contoso.com`)).flat();
    expect([...end.body.agentsByUri].sort()).toEqual(expected.sort());
    expect(end.body.etag).toBe(`v${1 + WRITERS * EACH}`);
    count(key("read-modify-write, retry on 412"), WRITERS * EACH, requests, { updates: WRITERS * EACH, conflictsRetried: conflicts });
  });

  it(`${RACERS} creates of one name, ${ROUNDS} times: one object`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const name = `Same name ${round}`;
      const replies = await Promise.all(
        Array.from({ length: RACERS }, (_, i) => op(i, "POST", `${P}/queues`, { name: i % 2 ? name.toUpperCase() : name, timeoutThreshold: 10 + i })),
      );
      expect(tally(replies), `round ${round}`).toEqual({ 201: 1, 409: RACERS - 1 });
      for (const r of replies.filter((r) => r.status === 409)) expect(r.body.error.code).toBe("name_conflict");
      const listed = await op(round, "GET", `${P}/queues?name=${encodeURIComponent(name.toLowerCase())}`);
      expect(listed.body.items.map((q: { id: string }) => q.id)).toEqual([replies.find((r) => r.status === 201)!.body.id]);
      count(key("creates of one name"), 1, RACERS);
    }
  });

  it(`${RACERS} retries with one Idempotency-Key, ${ROUNDS} times: one object`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const k = randomUUID();
      const body = { name: `Keyed ${round}`, agentsByUri: [`sip:keyed${round}@contoso.com`] };
      const replies = await Promise.all(Array.from({ length: RACERS }, (_, i) => op(i, "POST", `${P}/agent-groups`, body, { "idempotency-key": k })));
      expect(tally(replies), `round ${round}`).toEqual({ 201: RACERS });
      expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
      expect(replies.filter((r) => r.headers.get("idempotent-replayed") === "true")).toHaveLength(RACERS - 1);
      const listed = await op(round, "GET", `${P}/agent-groups?name=keyed%20${round}`);
      expect(listed.body.items).toHaveLength(1);
      count(key("retries with one Idempotency-Key"), 1, RACERS);
    }
  });

  it(`deleting an agent group while queues that reference it are created or updated, ${ROUNDS} times: no dangling reference`, async () => {
    const stable = await created(`${P}/agent-groups`, { name: `Stable ${label}` });
    const outcomes: Record<string, number> = {};
    for (let round = 0; round < ROUNDS; round++) {
      const doomed = await created(`${P}/agent-groups`, { name: `Doomed ${round}` });
      const existing = await created(`${P}/queues`, { name: `Repointed ${round}`, agentGroupIds: [stable.id] });
      // Even rounds start the delete first, odd rounds the references, the others a moment later;
      // requests overtake each other either way, and the checks hold for every order.
      const later = <T>(go: () => Promise<T>, late: boolean) =>
        late ? new Promise<T>((res, rej) => setTimeout(() => go().then(res, rej), round % 3)) : go();
      const [del, ...refs] = await Promise.all([
        later(() => op(0, "DELETE", `${P}/agent-groups/${doomed.id}`), round % 2 === 1),
        later(() => op(1, "POST", `${P}/queues`, { name: `Referrer ${round}-a`, agentGroupIds: [stable.id, doomed.id] }), round % 2 === 0),
        later(() => op(2, "POST", `${P}/queues`, { name: `Referrer ${round}-b`, agentGroupIds: [doomed.id] }), round % 2 === 0),
        later(
          () => op(3, "PUT", `${P}/queues/${existing.id}`, { name: `Repointed ${round}`, agentGroupIds: [doomed.id, stable.id] }, { "if-match": `"${existing.etag}"` }),
          round % 2 === 0,
        ),
      ]);
      if (del.status === 204) {
        // Deleted: every reference to it was refused.
        for (const r of refs) expect({ status: r.status, code: r.body?.error?.code }, r.text).toEqual({ status: 422, code: "reference_not_found" });
        outcomes["delete won"] = (outcomes["delete won"] ?? 0) + 1;
      } else {
        expect({ status: del.status, code: del.body?.error?.code }, del.text).toEqual({ status: 409, code: "in_use" });
        // Kept: at least one reference got there first, and the others may have followed.
        expect(refs.some((r) => r.status === 200 || r.status === 201)).toBe(true);
        for (const r of refs) expect([200, 201, 422], r.text).toContain(r.status);
        expect(del.body.error.details.referencedBy.length).toBeGreaterThan(0);
        outcomes["a reference won"] = (outcomes["a reference won"] ?? 0) + 1;
      }
      count(key("delete vs referencing create/update"), 1, 1 + refs.length);
    }

    // The end state: every queue's agentGroupIds resolve.
    const queues = await op(0, "GET", `${P}/queues?limit=1000`);
    let checked = 0;
    for (const q of queues.body.items as { id: string; agentGroupIds: string[] }[]) {
      for (const id of q.agentGroupIds) {
        const g = await op(checked++, "GET", `${P}/agent-groups/${id}`);
        expect(g.status, `queue ${q.id} references ${id}`).toBe(200);
      }
    }
    expect(checked).toBeGreaterThanOrEqual(ROUNDS);
    const report = await inspectStore(t);
    expect(report).toMatchObject({ integrity: "ok", foreignKeyViolations: 0, refsMismatches: [] });
    count(key("delete vs referencing create/update"), 0, 0, { ...outcomes, referencesResolvedAtEnd: checked });
  });
});
