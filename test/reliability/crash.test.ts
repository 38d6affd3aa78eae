/**
 * Crash safety of `rgs serve`, on SQLite and on PostgreSQL: a write load (creates with Idempotency-Key, If-Match
 * updates, queues whose references are rows of their own), SIGKILL at a random moment, a restart
 * on the same data, and a check that
 *   - the store is sound (SQLite's integrity_check; foreign keys, every multi-row write whole),
 *     read as the crash left it, before the service opens it again;
 *   - every acknowledged write is there with the acknowledged value;
 *   - an unacknowledged create exists whole or not at all, and its retry with the same key
 *     answers that object or makes it once;
 *   - an unacknowledged update left the old or the new whole body;
 *   - nothing else appeared.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestDatabase } from "../helpers/postgres";
import { makeTempDir, randomTokens, removeDir, startService, stopAllServices, type RunningService } from "../helpers/service";
import { inspectStore, recordResults, rng, seedFrom, send, storeOrSkip, STORES, userFields } from "./support";

/** Kills per store: 16 on each of the two, where the suite ran 24 on SQLite alone. */
const KILLS = 16;
const WORKERS = 4;
const P = "/v1/pools/pool01.contoso.com";
type Kind = "agent-groups" | "queues";
type View = Record<string, unknown> & { id: string; etag: string; name: string };

interface Known {
  kind: Kind;
  view: View;
  /** An update whose answer never came: the object holds `view` or this body at the next version. */
  unanswered?: Record<string, unknown>;
  busy: boolean;
}

interface UnansweredCreate {
  kind: Kind;
  name: string;
  body: Record<string, unknown>;
  key: string;
}

const dirs: string[] = [];
const databases: TestDatabase[] = [];
afterAll(async () => {
  await stopAllServices();
  for (const d of dirs) removeDir(d);
  for (const db of databases) await db.drop();
});

describe.each(STORES)("SIGKILL during a write load on %s", (store) => {
  let db: TestDatabase | undefined;
  let skipReason: string | undefined;
  beforeAll(async () => {
    ({ db, skipReason } = await storeOrSkip(store));
    if (db) databases.push(db);
  });

  it(`keeps every acknowledged write and nothing half-done, over ${KILLS} kills`, async (ctx) => {
    if (store === "postgres" && !db) return ctx.skip(skipReason);
    const database = db?.url;
    const random = rng(seedFrom(`crash-${store}`));
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
    const dataDir = makeTempDir("rgs-crash-");
    dirs.push(dataDir);
    const tokens = randomTokens();
    const known = new Map<string, Known>();
    const unexpected: string[] = [];
    let unansweredCreates: UnansweredCreate[] = [];
    let serial = 0;
    const n = {
      kills: 0,
      ackedCreates: 0,
      ackedUpdates: 0,
      requestsCut: 0,
      unansweredCreatesFound: 0,
      unansweredCreatesAbsent: 0,
      unansweredUpdatesOld: 0,
      unansweredUpdatesNew: 0,
      objectsVerified: 0,
      keyRetriesReplayed: 0,
      keyRetriesCreated: 0,
      integrityChecks: 0,
      writesBeforeKill: [] as number[],
    };

    const agentGroupBody = (name: string) => {
      const agents = Array.from({ length: Math.floor(random() * 6) }, (_, i) => `sip:agent${i}-${Math.floor(random() * 1e6)}@contoso.com`);
      return {
        name,
        // Now and then a few KB, so a commit spans several pages of the WAL.
        description: random() < 0.3 ? `notes ${"x".repeat(Math.floor(random() * 4000))}` : null,
        participationPolicy: pick(["Informal", "Formal"]),
        agentAlertTime: 10 + Math.floor(random() * 590),
        routingMethod: pick(["LongestIdle", "Parallel", "RoundRobin", "Serial", "Attendant"]),
        agentsByUri: agents,
        distributionGroupAddress: null,
      };
    };
    const queueBody = (name: string) => {
      const groups = [...known.values()].filter((k) => k.kind === "agent-groups").map((k) => k.view.id);
      const ids = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(groups)))];
      return {
        name,
        description: null,
        agentGroupIds: ids,
        timeoutThreshold: random() < 0.5 ? null : 10 + Math.floor(random() * 600),
        timeoutAction: random() < 0.5 ? null : { action: "TransferToVoicemailUri", uri: "sip:voicemail@contoso.com" },
        overflowThreshold: random() < 0.5 ? null : Math.floor(random() * 1000),
        overflowCandidate: pick(["NewestCall", "OldestCall"]),
        overflowAction: null,
      };
    };

    let svc: RunningService = await startService({ dataDir, tokens, pools: ["pool01.contoso.com"], database });
    for (let round = 0; round < KILLS; round++) {
      let stopped = false;
      let writes = 0;
      const worker = async () => {
        while (!stopped) {
          const groups = [...known.values()].filter((k) => k.kind === "agent-groups");
          const idle = [...known.values()].filter((k) => !k.busy);
          const r = random();
          if (groups.length < 3 || r < 0.35 || (r >= 0.55 && idle.length === 0)) {
            await create("agent-groups", agentGroupBody(`Crash group ${round}-${serial++}`));
          } else if (r < 0.55) {
            await create("queues", queueBody(`Crash queue ${round}-${serial++}`));
          } else {
            await update(pick(idle));
          }
        }
      };
      const create = async (kind: Kind, body: Record<string, unknown>) => {
        const key = randomUUID();
        const out = await send(svc.url, "POST", `${P}/${kind}`, { token: tokens.operator, body, headers: { "idempotency-key": key } });
        if (!out.ok) {
          n.requestsCut++;
          unansweredCreates.push({ kind, name: String(body.name), body, key });
        } else if (out.reply.status === 201) {
          n.ackedCreates++;
          writes++;
          known.set(out.reply.body.id, { kind, view: out.reply.body, busy: false });
        } else {
          unexpected.push(`POST ${kind}: ${out.reply.status} ${out.reply.text.slice(0, 200)}`);
        }
      };
      const update = async (k: Known) => {
        k.busy = true;
        const body = k.kind === "agent-groups" ? agentGroupBody(k.view.name) : queueBody(k.view.name);
        const out = await send(svc.url, "PUT", `${P}/${k.kind}/${k.view.id}`, {
          token: tokens.operator,
          body,
          headers: { "if-match": `"${k.view.etag}"` },
        });
        if (!out.ok) {
          n.requestsCut++;
          k.unanswered = body;
          // Stays busy: nothing may touch it until the restart settles which body it has.
        } else if (out.reply.status === 200) {
          n.ackedUpdates++;
          writes++;
          k.view = out.reply.body;
          k.busy = false;
        } else {
          unexpected.push(`PUT ${k.kind}: ${out.reply.status} ${out.reply.text.slice(0, 200)}`);
          k.busy = false;
        }
      };

      const load = Promise.all(Array.from({ length: WORKERS }, worker));
      // The kill lands somewhere between the first writes and well into the load.
      await new Promise((r) => setTimeout(r, 20 + Math.floor(random() * 600)));
      stopped = true;
      await svc.kill();
      expect((await svc.exit).signal).toBe("SIGKILL");
      n.kills++;
      await load;
      n.writesBeforeKill.push(writes);

      const report = await inspectStore({ dataDir, db });
      n.integrityChecks++;
      expect(report, `round ${round}`).toMatchObject({ integrity: "ok", foreignKeyViolations: 0, refsMismatches: [], orphanIdempotency: [] });

      svc = await startService({ dataDir, tokens, pools: [], database });
      const actual = new Map<string, View>();
      for (const kind of ["agent-groups", "queues"] as const) {
        for (const o of await listAll(svc, kind)) actual.set(o.id, o);
      }

      for (const [id, k] of known) {
        const now = actual.get(id);
        actual.delete(id);
        if (k.unanswered) {
          const wasNew =
            now !== undefined &&
            now.etag === `v${Number(k.view.etag.slice(1)) + 1}` &&
            isDeepStrictEqual(userFields(now), k.unanswered) &&
            now.createdAt === k.view.createdAt;
          if (!wasNew) expect(now, `object ${id} after an unanswered update, round ${round}`).toEqual(k.view);
          if (wasNew) n.unansweredUpdatesNew++;
          else n.unansweredUpdatesOld++;
          k.view = now!;
          k.unanswered = undefined;
        } else {
          expect(now, `acknowledged object ${id}, round ${round}`).toEqual(k.view);
        }
        k.busy = false;
        n.objectsVerified++;
      }

      const byName = new Map([...actual.values()].map((o) => [o.name.toLowerCase(), o]));
      for (const c of unansweredCreates) {
        const found = byName.get(c.name.toLowerCase());
        if (found) {
          expect(found.etag, `unanswered create '${c.name}'`).toBe("v1");
          expect(userFields(found), `unanswered create '${c.name}'`).toEqual(c.body);
          actual.delete(found.id);
          n.unansweredCreatesFound++;
        } else {
          n.unansweredCreatesAbsent++;
        }
        // What a client does next: retry with the same key. It gets that object, or it makes one.
        const retry = await send(svc.url, "POST", `${P}/${c.kind}`, { token: tokens.operator, body: c.body, headers: { "idempotency-key": c.key } });
        expect(retry.ok && retry.reply.status, `retry of '${c.name}'`).toBe(201);
        if (!retry.ok) continue;
        if (found) {
          expect(retry.reply.body.id).toBe(found.id);
          expect(retry.reply.headers.get("idempotent-replayed")).toBe("true");
          n.keyRetriesReplayed++;
        } else {
          expect(retry.reply.headers.get("idempotent-replayed")).toBeNull();
          n.keyRetriesCreated++;
        }
        known.set(retry.reply.body.id, { kind: c.kind, view: found ?? retry.reply.body, busy: false });
      }
      unansweredCreates = [];
      expect([...actual.keys()], `objects nobody created, round ${round}`).toEqual([]);
      expect(unexpected, `answers other than 201/200 during the load, round ${round}`).toEqual([]);
    }

    // The last state once more after a clean stop, then the numbers.
    await svc.stop();
    expect(await inspectStore({ dataDir, db })).toMatchObject({ integrity: "ok", foreignKeyViolations: 0, refsMismatches: [], orphanIdempotency: [] });
    svc = await startService({ dataDir, tokens, pools: [], database });
    let finalObjects = 0;
    for (const kind of ["agent-groups", "queues"] as const) {
      for (const o of await listAll(svc, kind)) {
        expect(o).toEqual(known.get(o.id)?.view);
        finalObjects++;
      }
    }
    expect(finalObjects).toBe(known.size);
    await svc.stop();

    const { writesBeforeKill, ...counts } = n;
    expect(n.kills).toBe(KILLS);
    // The load must actually have been running when the process died, most of the time.
    expect(n.requestsCut).toBeGreaterThan(KILLS / 2);
    await recordResults(store === "sqlite" ? "crash" : "crashPostgres", {
      store,
      ...counts,
      acknowledgedWrites: n.ackedCreates + n.ackedUpdates,
      finalObjects,
      minWritesBeforeKill: Math.min(...writesBeforeKill),
      maxWritesBeforeKill: Math.max(...writesBeforeKill),
    });
  }, 300_000);
});

async function listAll(svc: RunningService, kind: Kind): Promise<View[]> {
  const out: View[] = [];
  let cursor: string | null = null;
  do {
    const q: string = cursor === null ? "" : `&cursor=${cursor}`;
    const r = await send(svc.url, "GET", `${P}/${kind}?limit=1000${q}`, { token: svc.tokens.reader });
    if (!r.ok || r.reply.status !== 200) throw new Error(`listing ${kind} failed: ${r.ok ? r.reply.text : r.error}`);
    out.push(...(r.reply.body.items as View[]));
    cursor = r.reply.body.nextCursor;
  } while (cursor !== null);
  return out;
}
