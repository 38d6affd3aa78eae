/**
 * Two `rgs serve --database postgres://…` processes on one PostgreSQL database, with concurrent
 * writers split across them. Only the database can keep the rules between two processes: names
 * and primary URIs stay unique, references resolve, an ETag admits one write, no update is lost
 * and an Idempotency-Key makes one object.
 *
 * Every request is counted; the counts go to test/results/postgres.json (docs/reliability.md
 * quotes them). A 503 is the service saying "retry" (a transaction that kept losing serialization
 * conflicts); writers retry it as the HTTP client does, and it is counted. A 500 fails the test.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { call, expectError, type Reply } from "../helpers/http";
import { testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";
import { randomTokens, startService, type RunningService } from "../helpers/service";

const POOLS = ["pool01.contoso.com", "pool02.contoso.com"];
const P1 = `/v1/pools/${POOLS[0]}`;
const P2 = `/v1/pools/${POOLS[1]}`;
/** Concurrent requests in one race. */
const RACERS = 8;
/** Races per scenario. */
const ROUNDS = 10;
/** Writers and the increments each makes in the lost-update test. */
const WRITERS = 8;
const INCREMENTS = 6;
const RESULTS = join(__dirname, "../results/postgres.json");

interface Tally {
  races: number;
  requests: number;
  statuses: Record<string, number>;
  /** 503 answers, each retried. */
  retried503: number;
  ms: number;
}

const tallies: Record<string, Tally> = {};
const checks: Record<string, unknown> = {};

function tally(name: string): Tally {
  return (tallies[name] ??= { races: 0, requests: 0, statuses: {}, retried503: 0, ms: 0 });
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

describe("two rgs serve processes on one PostgreSQL database", () => {
  let pg: { db?: TestDatabase; skipReason?: string } = {};
  const tokens = randomTokens();
  let a: RunningService;
  let b: RunningService;
  const started = Date.now();

  beforeAll(async () => {
    pg = await testDatabaseOrSkip();
    if (!pg.db) return;
    // Started together on an empty database: the migration and the pools are made once.
    [a, b] = await Promise.all([0, 1].map(() => startService({ database: pg.db!.url, pools: POOLS, tokens })));
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    if (pg.db && Object.keys(tallies).length > 0) {
      const retriedInStore = [a, b].map((s) => (s?.output.stdout.match(/"msg":"transaction retried"/g) ?? []).length);
      const version = (await pg.db.query<{ server_version: string }>("SHOW server_version"))[0].server_version;
      const figures = {
        postgresql: version,
        instances: 2,
        racersPerRace: RACERS,
        writers: WRITERS,
        incrementsPerWriter: INCREMENTS,
        scenarios: tallies,
        totals: {
          races: Object.values(tallies).reduce((n, t) => n + t.races, 0),
          requests: Object.values(tallies).reduce((n, t) => n + t.requests, 0),
          retried503: Object.values(tallies).reduce((n, t) => n + t.retried503, 0),
          status500: Object.values(tallies).reduce((n, t) => n + (t.statuses["500"] ?? 0), 0),
          transactionsRetriedInStore: retriedInStore[0] + retriedInStore[1],
        },
        checks,
        durationMs: Date.now() - started,
        recordedAt: new Date().toISOString(),
      };
      mkdirSync(join(RESULTS, ".."), { recursive: true });
      writeFileSync(RESULTS, `${JSON.stringify(figures, null, 2)}\n`);
      process.stdout.write(`PostgreSQL two-instance figures (${RESULTS}):\n${JSON.stringify(figures.totals)}\n`);
    }
    await pg.db?.drop();
  });

  const need = (ctx: TestContext) => {
    if (!pg.db) ctx.skip(pg.skipReason);
  };
  const on = (i: number) => (i % 2 === 0 ? a : b);

  /** One request, sent again while the answer is 503; every answer is counted in `t`. */
  async function send(t: Tally, svc: RunningService, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      const r = await call(svc.url, method, path, { token: tokens.operator, body, headers });
      t.requests++;
      t.statuses[r.status] = (t.statuses[r.status] ?? 0) + 1;
      expect(r.status, `${method} ${path}: ${r.text}`).not.toBe(500);
      if (r.status !== 503 || attempt === 20) return r;
      t.retried503++;
      await sleep(20 * attempt);
    }
  }

  async function timed(name: string, run: (t: Tally) => Promise<void>) {
    const t = tally(name);
    const t0 = Date.now();
    await run(t);
    t.ms += Date.now() - t0;
  }

  it("both came up on the one database, which has the schema and the pools once", async (ctx) => {
    need(ctx);
    for (const s of [a, b]) expect((await call(s.url, "GET", "/healthz")).status).toBe(200);
    expect(await pg.db!.query("SELECT version FROM schema_migrations ORDER BY version")).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }]);
    expect((await pg.db!.query("SELECT fqdn FROM pools ORDER BY fqdn")).map((r) => r.fqdn)).toEqual(POOLS);
    // What one instance writes, the other reads.
    const made = await send(tally("warm-up"), a, "POST", `${P1}/agent-groups`, { name: "Seen by both" });
    expect(made.status).toBe(201);
    expect((await send(tally("warm-up"), b, "GET", `${P1}/agent-groups/${made.body.id}`)).body).toEqual(made.body);
  });

  it("racing creates of one name make exactly one object", async (ctx) => {
    need(ctx);
    await timed("create one name", async (t) => {
      for (let round = 0; round < ROUNDS; round++) {
        t.races++;
        const name = `Race ${round}`;
        const replies = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            send(t, on(i), "POST", `${P1}/queues`, { name: i % 2 ? name.toUpperCase() : name.toLowerCase(), timeoutThreshold: 10 + i }),
          ),
        );
        const won = replies.filter((r) => r.status === 201);
        expect(won, `round ${round}: ${replies.map((r) => r.status)}`).toHaveLength(1);
        for (const r of replies.filter((r) => r.status !== 201)) expectError(r, 409, "name_conflict");
        for (const s of [a, b]) {
          const listed = await send(t, s, "GET", `${P1}/queues?name=${encodeURIComponent(name)}`);
          expect(listed.body.items.map((q: { id: string }) => q.id)).toEqual([won[0].body.id]);
        }
      }
    });
  });

  it("racing PUTs with one ETag: exactly one 200 per version", async (ctx) => {
    need(ctx);
    await timed("one ETag", async (t) => {
      const made = await send(t, a, "POST", `${P1}/agent-groups`, { name: "Contended" });
      for (let round = 0; round < ROUNDS; round++) {
        t.races++;
        const current = await send(t, on(round), "GET", `${P1}/agent-groups/${made.body.id}`);
        const etag = current.headers.get("etag")!;
        expect(etag).toBe(`"v${round + 1}"`);
        const replies = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            send(t, on(i), "PUT", `${P1}/agent-groups/${made.body.id}`, { name: "Contended", agentAlertTime: 20 + round * RACERS + i }, { "if-match": etag }),
          ),
        );
        const won = replies.filter((r) => r.status === 200);
        expect(won, `round ${round}: ${replies.map((r) => r.status)}`).toHaveLength(1);
        for (const r of replies.filter((r) => r.status !== 200)) expectError(r, 412, "etag_mismatch");
        const after = await send(t, on(round + 1), "GET", `${P1}/agent-groups/${made.body.id}`);
        expect(after.body).toEqual(won[0].body);
        expect(after.body.etag).toBe(`v${round + 2}`);
      }
    });
  });

  it("read-modify-write writers on both instances lose no update", async (ctx) => {
    need(ctx);
    let conflicts = 0;
    let increments = 0;
    const versions: string[] = [];
    await timed("counter", async (t) => {
      t.races = 1;
      const made = await send(t, a, "POST", `${P1}/queues`, { name: "Counter", overflowThreshold: 0 });
      const path = `${P1}/queues/${made.body.id}`;
      await Promise.all(
        Array.from({ length: WRITERS }, async (_, w) => {
          for (let done = 0, op = 0; done < INCREMENTS; op++) {
            const svc = on(w + op);
            const cur = await send(t, svc, "GET", path);
            const next = { name: "Counter", overflowThreshold: cur.body.overflowThreshold + 1 };
            const put = await send(t, on(w + op + 1), "PUT", path, next, { "if-match": cur.headers.get("etag")! });
            if (put.status === 412) {
              conflicts++;
              continue;
            }
            expect(put.status, put.text).toBe(200);
            versions.push(put.body.etag);
            increments++;
            done++;
          }
        }),
      );
      const final = await send(t, b, "GET", path);
      expect(increments).toBe(WRITERS * INCREMENTS);
      expect(final.body.overflowThreshold).toBe(increments);
      expect(final.body.etag).toBe(`v${increments + 1}`);
      expect(new Set(versions).size).toBe(increments);
    });
    checks.counter = { increments, finalValueEqualsIncrements: true, conflicts412: conflicts, distinctVersionsWritten: versions.length };
  });

  it("racing creates of one primaryUri in two pools make one workflow", async (ctx) => {
    need(ctx);
    await timed("one primaryUri across pools", async (t) => {
      for (let round = 0; round < ROUNDS; round++) {
        t.races++;
        const uri = `sip:race-${round}@contoso.com`;
        const replies = await Promise.all(
          Array.from({ length: RACERS }, (_, i) =>
            send(t, on(i >> 1), "POST", `${i % 2 ? P1 : P2}/workflows`, { name: `Racer ${round}.${i}`, primaryUri: i % 3 ? uri : uri.toUpperCase().replace("SIP:", "sip:") }),
          ),
        );
        const won = replies.filter((r) => r.status === 201);
        expect(won, `round ${round}: ${replies.map((r) => r.status)}`).toHaveLength(1);
        for (const r of replies.filter((r) => r.status !== 201)) expectError(r, 409, "uri_conflict");
      }
      const rows = await pg.db!.query<{ n: string }>("SELECT count(*) AS n FROM unique_keys WHERE key LIKE 'workflows/primaryUri/sip:race-%'");
      expect(Number(rows[0].n)).toBe(ROUNDS);
    });
  });

  it("a delete racing a write that references the object never leaves a dangling reference", async (ctx) => {
    need(ctx);
    const outcomes: Record<string, number> = {};
    await timed("delete vs reference", async (t) => {
      for (let round = 0; round < 2 * ROUNDS; round++) {
        t.races++;
        const t0 = Date.now();
        const ag = await send(t, on(round), "POST", `${P1}/agent-groups`, { name: `Doomed ${round}` });
        const writeMs = Date.now() - t0;
        // Half the rounds create a queue that references the group, half add the reference to an existing queue.
        const viaPut = round % 2 === 1;
        const queue = viaPut ? await send(t, on(round), "POST", `${P1}/queues`, { name: `Referrer ${round}` }) : undefined;
        const write = () =>
          viaPut
            ? send(t, on(round + 1), "PUT", `${P1}/queues/${queue!.body.id}`, { name: `Referrer ${round}`, agentGroupIds: [ag.body.id] }, { "if-match": `"${queue!.body.etag}"` })
            : send(t, on(round + 1), "POST", `${P1}/queues`, { name: `Referrer ${round}`, agentGroupIds: [ag.body.id] });
        const del = () => send(t, on(round), "DELETE", `${P1}/agent-groups/${ag.body.id}`);
        // A DELETE is done sooner than a write that validates and resolves references. The write
        // gets a head start of up to 1.5 times what a write just took, varied by round, so that
        // either one may reach the database first and often both are in flight at once.
        const writeDelay = Math.round(writeMs * (((round * 7) % 20) / 10 - 1.5));
        const [w, d] = await Promise.all([sleep(Math.max(0, writeDelay)).then(write), sleep(Math.max(0, -writeDelay)).then(del)]);
        const key = `${viaPut ? "PUT" : "POST"} ${w.status} / DELETE ${d.status}`;
        outcomes[key] = (outcomes[key] ?? 0) + 1;
        if (d.status === 204) {
          expectError(w, 422, "reference_not_found");
        } else {
          expectError(d, 409, "in_use");
          expect(w.status).toBe(viaPut ? 200 : 201);
          expect((await send(t, on(round + 1), "GET", `${P1}/agent-groups/${ag.body.id}`)).status).toBe(200);
        }
      }
    });
    const dangling = await pg.db!.query<{ n: string }>("SELECT count(*) AS n FROM refs r LEFT JOIN objects o ON o.id = r.to_id WHERE o.id IS NULL");
    expect(Number(dangling[0].n)).toBe(0);
    checks.deleteVsReference = { outcomes, danglingReferences: 0 };
  });

  it("racing requests with one Idempotency-Key make one object, answered to all", async (ctx) => {
    need(ctx);
    let replayed = 0;
    await timed("one Idempotency-Key", async (t) => {
      for (let round = 0; round < ROUNDS; round++) {
        t.races++;
        const key = randomUUID();
        const body = { name: `Keyed ${round}`, agentsByUri: ["sip:ann@contoso.com"] };
        const replies = await Promise.all(Array.from({ length: RACERS }, (_, i) => send(t, on(i), "POST", `${P2}/agent-groups`, body, { "idempotency-key": key })));
        expect(replies.map((r) => r.status), replies.map((r) => r.text).join("\n")).toEqual(Array(RACERS).fill(201));
        expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
        replayed += replies.filter((r) => r.headers.get("idempotent-replayed") === "true").length;
        expect(replies.filter((r) => r.headers.get("idempotent-replayed") !== "true")).toHaveLength(1);
        const listed = await send(t, on(round + 1), "GET", `${P2}/agent-groups?name=${encodeURIComponent(body.name)}`);
        expect(listed.body.items).toHaveLength(1);
      }
    });
    checks.idempotency = { keys: ROUNDS, objectsMade: ROUNDS, replayed };
  });

  it("afterwards the database holds the rules: one name per pool and kind, one owner per primaryUri, every reference resolved", async (ctx) => {
    need(ctx);
    const q = async (sql: string) => Number((await pg.db!.query<{ n: string }>(sql))[0].n);
    const result = {
      objects: await q("SELECT count(*) AS n FROM objects"),
      references: await q("SELECT count(*) AS n FROM refs"),
      duplicateNames: await q("SELECT count(*) AS n FROM (SELECT 1 FROM objects GROUP BY pool, kind, name_key HAVING count(*) > 1) d"),
      // A key is the table's primary key; what is counted is an object holding two primary URIs.
      duplicateUris: await q("SELECT count(*) AS n FROM (SELECT 1 FROM unique_keys WHERE field = 'primaryUri' GROUP BY object_id HAVING count(*) > 1) d"),
      danglingReferences: await q("SELECT count(*) AS n FROM refs r LEFT JOIN objects o ON o.id = r.to_id AND o.pool = r.pool AND o.kind = r.to_kind WHERE o.id IS NULL"),
    };
    expect(result).toMatchObject({ duplicateNames: 0, duplicateUris: 0, danglingReferences: 0 });
    // Both instances list the same objects.
    for (const kind of ["agent-groups", "queues", "workflows"]) {
      for (const p of [P1, P2]) {
        const [la, lb] = await Promise.all([a, b].map((s) => call(s.url, "GET", `${p}/${kind}?limit=1000`, { token: tokens.reader })));
        expect(la.body).toEqual(lb.body);
      }
    }
    checks.final = result;
  });
});
