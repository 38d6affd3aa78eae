/**
 * One suite for every store: SQLite and PostgreSQL must keep the same rules the same way.
 * Transactions, each constraint the database holds (as a ConstraintViolation of the same kind),
 * optimistic updates by version, referrers, idempotency records, settings and pagination.
 *
 * The PostgreSQL half runs on a database of its own (test/helpers/postgres.ts); in CI it fails
 * when no server answers, elsewhere it is skipped with the reason.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { DatabaseError } from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { MAX_ATTEMPTS, POSTGRES_MIGRATIONS, PostgresStore } from "../../backend/store/postgres";
import { SQLITE_MIGRATIONS, SqliteStore } from "../../backend/store/sqlite";
import {
  ConstraintViolation,
  type Constraint,
  type NewObject,
  SchemaTooNew,
  type Store,
  StoreUnavailable,
  type StoreTx,
  type UniqueKey,
} from "../../backend/store/store";
import { RgsError } from "../../sdk/errors";
import type { KindName } from "../../sdk/model/kind";
import { makeTempDir, removeDir } from "../helpers/service";
import { createTestDatabase, testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";

const P1 = "pool01.contoso.com";
const P2 = "pool02.contoso.com";
const NOW = "2025-03-01T10:00:00.000Z";
const DEFAULT_SETTINGS = { agentRingbackGracePeriod: 60, disableCallContext: false };

interface Backend {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A store on an empty database; every store it opened is closed after each test. */
  open(ctx: TestContext): Promise<SchemaStore>;
  /** Another store on the same data as the last open(). */
  reopen(): Promise<SchemaStore>;
  /** The version of the last migration this code has. */
  latest: number;
  /** Records the database of the last open() as migrated to `version`, by hand. */
  setSchemaVersion(version: number): Promise<void>;
  /** The version the database of the last open() records, read by hand. */
  rawSchemaVersion(): Promise<number>;
}

type SchemaStore = Store & { schemaVersion(): Promise<number> };

function sqliteBackend(): Backend {
  let dir = "";
  let file = "";
  const opened: Store[] = [];
  return {
    name: "SqliteStore",
    setup: async () => {
      dir = makeTempDir("rgs-store-");
    },
    teardown: async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      removeDir(dir);
    },
    open: async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      file = join(dir, `${randomUUID()}.db`);
      const s = new SqliteStore({ file });
      opened.push(s);
      return s;
    },
    reopen: async () => {
      const s = new SqliteStore({ file });
      opened.push(s);
      return s;
    },
    latest: SQLITE_MIGRATIONS[SQLITE_MIGRATIONS.length - 1].version,
    setSchemaVersion: async (version) => {
      const db = new Database(file);
      db.pragma(`user_version = ${version}`);
      db.close();
    },
    rawSchemaVersion: async () => {
      const db = new Database(file, { readonly: true });
      try {
        return db.pragma("user_version", { simple: true }) as number;
      } finally {
        db.close();
      }
    },
  };
}

let pg: { db?: TestDatabase; skipReason?: string } = {};

function postgresBackend(): Backend {
  const opened: Store[] = [];
  return {
    name: "PostgresStore",
    setup: async () => {
      pg = await testDatabaseOrSkip();
    },
    teardown: async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
      await pg.db?.drop();
    },
    open: async (ctx) => {
      if (!pg.db) ctx.skip(pg.skipReason);
      await Promise.all(opened.splice(0).map((s) => s.close()));
      const s = await PostgresStore.open({ url: pg.db!.url });
      opened.push(s);
      await pg.db!.query("TRUNCATE pools, objects, refs, unique_keys, idempotency, settings RESTART IDENTITY CASCADE");
      return s;
    },
    reopen: async () => {
      const s = await PostgresStore.open({ url: pg.db!.url });
      opened.push(s);
      return s;
    },
    latest: POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version,
    setSchemaVersion: async (version) => {
      await pg.db!.query("DELETE FROM schema_migrations WHERE version > $1", [version]);
      await pg.db!.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'by hand') ON CONFLICT (version) DO NOTHING", [version]);
    },
    rawSchemaVersion: async () => (await pg.db!.query<{ v: number }>("SELECT max(version)::int AS v FROM schema_migrations"))[0].v,
  };
}

function obj(pool: string, kind: KindName, name: string, extra: Partial<NewObject> = {}): NewObject {
  return { id: randomUUID(), pool, kind, name, uniqueKeys: [], body: { name }, now: NOW, ...extra };
}

/** A workflow's primaryUri as the kind registry keys it (sdk/model uniqueKeysOf). */
function primaryUri(uri: string): UniqueKey[] {
  return [{ field: "primaryUri", key: `workflows/primaryUri/${uri.toLowerCase()}` }];
}

async function expectViolation(p: Promise<unknown>, constraint: Constraint, field?: string): Promise<ConstraintViolation> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, `a ${constraint} violation`).toBeInstanceOf(ConstraintViolation);
  expect((e as ConstraintViolation).constraint).toBe(constraint);
  if (field !== undefined) expect((e as ConstraintViolation).field).toBe(field);
  return e as ConstraintViolation;
}

async function pools(s: Store, ...fqdns: string[]): Promise<void> {
  await s.transaction(async (tx) => {
    for (const f of fqdns) await tx.ensurePool(f, NOW, DEFAULT_SETTINGS);
  });
}

describe.each([sqliteBackend(), postgresBackend()])("$name", (backend) => {
  beforeAll(() => backend.setup());
  afterAll(() => backend.teardown());

  let s: SchemaStore;
  const open = async (ctx: TestContext) => {
    s = await backend.open(ctx);
    await pools(s, P1, P2);
    return s;
  };
  const tx = <T>(fn: (tx: StoreTx) => Promise<T>) => s.transaction(fn);

  it("commits a transaction's writes, visible to later transactions and to a reopened store", async (ctx) => {
    await open(ctx);
    const o = obj(P1, "agent-groups", "Tier 1");
    await tx((t) => t.insertObject(o));
    expect((await tx((t) => t.getObject(P1, "agent-groups", o.id)))?.name).toBe("Tier 1");
    const again = await backend.reopen();
    expect((await again.transaction((t) => t.getObject(P1, "agent-groups", o.id)))?.body).toEqual({ name: "Tier 1" });
  });

  it("rolls back every write of a transaction that throws, and passes its error on", async (ctx) => {
    await open(ctx);
    const o = obj(P1, "queues", "Rolled back");
    const boom = new Error("boom");
    await expect(
      tx(async (t) => {
        await t.insertObject(o);
        await t.putIdempotency({ key: "k-rollback", requestHash: "h", status: 201, response: "{}", createdAt: NOW });
        await t.ensurePool("pool03.contoso.com", NOW, DEFAULT_SETTINGS);
        throw boom;
      }),
    ).rejects.toBe(boom);
    await tx(async (t) => {
      expect(await t.getObject(P1, "queues", o.id)).toBeUndefined();
      expect(await t.getIdempotency("k-rollback")).toBeUndefined();
      expect(await t.getPool("pool03.contoso.com")).toBeUndefined();
    });
  });

  it("ensurePool makes a pool and its default settings once; pools list by FQDN", async (ctx) => {
    await open(ctx);
    const first = await tx((t) => t.ensurePool("a-pool.contoso.com", NOW, DEFAULT_SETTINGS));
    const second = await tx((t) => t.ensurePool("a-pool.contoso.com", "2030-01-01T00:00:00.000Z", { agentRingbackGracePeriod: 90 }));
    expect(second).toEqual(first);
    expect(first).toEqual({ fqdn: "a-pool.contoso.com", createdAt: NOW });
    expect((await tx((t) => t.listPools())).map((p) => p.fqdn)).toEqual(["a-pool.contoso.com", P1, P2]);
    expect(await tx((t) => t.getSettings("a-pool.contoso.com"))).toEqual({
      pool: "a-pool.contoso.com",
      body: DEFAULT_SETTINGS,
      version: 1,
      updatedAt: NOW,
    });
  });

  it("keeps an object's body as written: key order, Unicode, nesting", async (ctx) => {
    await open(ctx);
    const body = { name: "Café ☎ 电话", zeta: 1, alpha: [{ b: null, a: "x\ty" }], nested: { "": true, emoji: "👩‍💼" } };
    const o = obj(P1, "workflows", body.name, { body, uniqueKeys: primaryUri("sip:cafe@contoso.com") });
    const row = await tx((t) => t.insertObject(o));
    expect(row).toMatchObject({ id: o.id, pool: P1, kind: "workflows", name: body.name, version: 1, createdAt: NOW, updatedAt: NOW });
    expect(typeof row.seq).toBe("number");
    const read = (await tx((t) => t.getObject(P1, "workflows", o.id)))!;
    expect(read).toEqual(row);
    expect(JSON.stringify(read.body)).toBe(JSON.stringify(body));
    expect(await tx((t) => t.getObject(P2, "workflows", o.id))).toBeUndefined();
    expect(await tx((t) => t.getObject(P1, "queues", o.id))).toBeUndefined();
    expect((await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:cafe@contoso.com")))?.id).toBe(o.id);
  });

  it("name: unique per pool and kind, ignoring case and Unicode spelling", async (ctx) => {
    await open(ctx);
    await tx((t) => t.insertObject(obj(P1, "queues", "Café Line")));
    await expectViolation(tx((t) => t.insertObject(obj(P1, "queues", "CAFÉ LINE"))), "name");
    await expectViolation(tx((t) => t.insertObject(obj(P1, "queues", "cafe\u0301 line"))), "name");
    await tx((t) => t.insertObject(obj(P2, "queues", "Café Line")));
    await tx((t) => t.insertObject(obj(P1, "agent-groups", "Café Line")));
    const other = obj(P1, "queues", "Other");
    await tx((t) => t.insertObject(other));
    await expectViolation(tx((t) => t.updateObject(other.id, 1, { name: "café line", uniqueKeys: [], body: {}, now: NOW })), "name");
    expect((await tx((t) => t.findByName(P1, "queues", "café line")))?.name).toBe("Café Line");
  });

  it("unique: a key is held by one object across pools, the refusal names its field; objects without keys do not collide", async (ctx) => {
    await open(ctx);
    const help = obj(P1, "workflows", "Help", { uniqueKeys: primaryUri("sip:help@contoso.com") });
    await tx((t) => t.insertObject(help));
    const v = await expectViolation(
      tx((t) => t.insertObject(obj(P2, "workflows", "Help 2", { uniqueKeys: primaryUri("sip:help@contoso.com") }))),
      "unique",
      "primaryUri",
    );
    expect(v.message).toContain("workflows/primaryUri/sip:help@contoso.com");
    const w = obj(P2, "workflows", "Sales", { uniqueKeys: primaryUri("sip:sales@contoso.com") });
    await tx((t) => t.insertObject(w));
    await expectViolation(
      tx((t) => t.updateObject(w.id, 1, { name: "Sales", uniqueKeys: primaryUri("sip:help@contoso.com"), body: {}, now: NOW })),
      "unique",
      "primaryUri",
    );
    await tx((t) => t.insertObject(obj(P1, "queues", "Q1")));
    await tx((t) => t.insertObject(obj(P1, "queues", "Q2")));
    expect((await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:help@contoso.com")))?.id).toBe(help.id);
    expect((await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:sales@contoso.com")))?.pool).toBe(P2);
    expect(await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:nobody@contoso.com"))).toBeUndefined();
  });

  it("unique: an object may hold several keys; each refusal names its field and leaves nothing of the write behind", async (ctx) => {
    await open(ctx);
    const lineUri = (tel: string): UniqueKey => ({ field: "lineUri", key: `workflows/lineUri/${tel}` });
    const first = obj(P1, "workflows", "First", { uniqueKeys: [...primaryUri("sip:first@contoso.com"), lineUri("tel:+14255550100")] });
    await tx((t) => t.insertObject(first));
    const second = obj(P2, "workflows", "Second", { uniqueKeys: [...primaryUri("sip:second@contoso.com"), lineUri("tel:+14255550100")] });
    await expectViolation(tx((t) => t.insertObject(second)), "unique", "lineUri");
    expect(await tx((t) => t.getObject(P2, "workflows", second.id))).toBeUndefined();
    expect(await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:second@contoso.com"))).toBeUndefined();
    const third = obj(P2, "workflows", "Third", { uniqueKeys: [...primaryUri("sip:FIRST@contoso.com"), lineUri("tel:+14255550199")] });
    await expectViolation(tx((t) => t.insertObject(third)), "unique", "primaryUri");
    expect(await tx((t) => t.findByUniqueKey("workflows/lineUri/tel:+14255550199"))).toBeUndefined();
    // The same value under another field or kind is another key.
    await tx((t) => t.insertObject(obj(P2, "queues", "Q", { uniqueKeys: [{ field: "lineUri", key: "queues/lineUri/tel:+14255550100" }] })));
    expect((await tx((t) => t.findByUniqueKey("workflows/lineUri/tel:+14255550100")))?.id).toBe(first.id);
  });

  it("unique: an update replaces the object's keys and frees the old ones; a refused or stale update changes nothing; delete frees them", async (ctx) => {
    await open(ctx);
    const w = obj(P1, "workflows", "Moving", { uniqueKeys: primaryUri("sip:a@contoso.com") });
    await tx((t) => t.insertObject(w));
    const moved = await tx((t) => t.updateObject(w.id, 1, { name: "Moving", uniqueKeys: primaryUri("sip:b@contoso.com"), body: { at: "b" }, now: NOW }));
    expect(moved?.version).toBe(2);
    expect(await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:a@contoso.com"))).toBeUndefined();
    expect((await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:b@contoso.com")))?.id).toBe(w.id);
    const other = obj(P2, "workflows", "Took a", { uniqueKeys: primaryUri("sip:a@contoso.com") });
    await tx((t) => t.insertObject(other));

    await expectViolation(
      tx((t) => t.updateObject(w.id, 2, { name: "Moving back", uniqueKeys: primaryUri("sip:a@contoso.com"), body: { at: "a" }, now: NOW })),
      "unique",
      "primaryUri",
    );
    expect(await tx((t) => t.getObject(P1, "workflows", w.id))).toMatchObject({ name: "Moving", version: 2, body: { at: "b" } });
    expect((await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:b@contoso.com")))?.id).toBe(w.id);
    expect(await tx((t) => t.updateObject(w.id, 1, { name: "Stale", uniqueKeys: primaryUri("sip:c@contoso.com"), body: {}, now: NOW }))).toBeUndefined();
    expect(await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:c@contoso.com"))).toBeUndefined();
    expect((await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:b@contoso.com")))?.id).toBe(w.id);

    await tx((t) => t.updateObject(w.id, 2, { name: "Moving", uniqueKeys: [], body: {}, now: NOW }));
    expect(await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:b@contoso.com"))).toBeUndefined();
    expect(await tx((t) => t.deleteObject(other.id))).toBe(true);
    expect(await tx((t) => t.findByUniqueKey("workflows/primaryUri/sip:a@contoso.com"))).toBeUndefined();
    await tx((t) => t.insertObject(obj(P1, "workflows", "Has a now", { uniqueKeys: primaryUri("sip:a@contoso.com") })));
  });

  it("a unique key with NUL, which PostgreSQL cannot store, is refused as bad input naming the field, and nothing is written", async (ctx) => {
    await open(ctx);
    const nul = obj(P1, "workflows", "Nul", { uniqueKeys: primaryUri("sip:a\u0000b@contoso.com") });
    const e = await tx((t) => t.insertObject(nul)).catch((err: unknown) => err);
    expect(RgsError.isRgsError(e), String(e)).toBe(true);
    expect(e).toMatchObject({ code: "validation_failed", details: [{ path: "primaryUri" }] });
    expect((e as Error).message).toMatch(/primaryUri must not contain the NUL character/);
    expect(await tx((t) => t.getObject(P1, "workflows", nul.id))).toBeUndefined();
    const w = obj(P1, "workflows", "Clean", { uniqueKeys: primaryUri("sip:clean@contoso.com") });
    await tx((t) => t.insertObject(w));
    const u = await tx((t) => t.updateObject(w.id, 1, { name: "Clean", uniqueKeys: primaryUri("sip:\u0000@contoso.com"), body: {}, now: NOW })).catch(
      (err: unknown) => err,
    );
    expect(u).toMatchObject({ code: "validation_failed", details: [{ path: "primaryUri" }] });
    expect((await tx((t) => t.getObject(P1, "workflows", w.id)))?.version).toBe(1);
  });

  it("schemaVersion() answers the latest migration", async (ctx) => {
    await open(ctx);
    expect(await s.schemaVersion()).toBe(backend.latest);
    expect(backend.latest).toBe(3);
  });

  it("refuses a database a newer pulumi-rgs migrated, naming both versions, and leaves it as it was", async (ctx) => {
    await open(ctx);
    const future = backend.latest + 1;
    await backend.setSchemaVersion(future);
    try {
      const e = await backend.reopen().catch((err: unknown) => err);
      expect(e).toBeInstanceOf(SchemaTooNew);
      expect(e).not.toBeInstanceOf(StoreUnavailable);
      expect(e).toMatchObject({ found: future, known: backend.latest });
      expect((e as Error).message).toMatch(
        new RegExp(`database .* is at schema version ${future}, newer than this pulumi-rgs knows \\(${backend.latest}\\); upgrade pulumi-rgs`),
      );
      expect(await backend.rawSchemaVersion()).toBe(future);
    } finally {
      await backend.setSchemaVersion(backend.latest);
    }
    expect(await (await backend.reopen()).schemaVersion()).toBe(backend.latest);
  });

  it("reference: a reference must name an object of that kind in the same pool", async (ctx) => {
    await open(ctx);
    const q = obj(P1, "queues", "Q");
    const ag = obj(P1, "agent-groups", "AG");
    const agElsewhere = obj(P2, "agent-groups", "AG");
    await tx(async (t) => {
      await t.insertObject(q);
      await t.insertObject(ag);
      await t.insertObject(agElsewhere);
    });
    await expectViolation(tx((t) => t.setReferences(q.id, P1, [{ toId: randomUUID(), toKind: "agent-groups", exclusive: false }])), "reference");
    await expectViolation(tx((t) => t.setReferences(q.id, P1, [{ toId: agElsewhere.id, toKind: "agent-groups", exclusive: false }])), "reference");
    await expectViolation(tx((t) => t.setReferences(q.id, P1, [{ toId: ag.id, toKind: "queues", exclusive: false }])), "reference");
    await expectViolation(tx((t) => t.insertObject(obj("pool99.contoso.com", "queues", "Nowhere"))), "reference");
    await tx((t) => t.setReferences(q.id, P1, [{ toId: ag.id, toKind: "agent-groups", exclusive: false }]));
    expect(await tx((t) => t.referrers(ag.id))).toEqual([{ id: q.id, kind: "queues", name: "Q" }]);
  });

  it("in_use: an object that is referenced cannot be deleted; deleting the referrer frees it", async (ctx) => {
    await open(ctx);
    const ag = obj(P1, "agent-groups", "AG");
    const q = obj(P1, "queues", "Q");
    await tx(async (t) => {
      await t.insertObject(ag);
      await t.insertObject(q);
      await t.setReferences(q.id, P1, [{ toId: ag.id, toKind: "agent-groups", exclusive: false }]);
    });
    await expectViolation(tx((t) => t.deleteObject(ag.id)), "in_use");
    expect(await tx((t) => t.deleteObject(q.id))).toBe(true);
    expect(await tx((t) => t.referrers(ag.id))).toEqual([]);
    expect(await tx((t) => t.deleteObject(ag.id))).toBe(true);
    expect(await tx((t) => t.deleteObject(ag.id))).toBe(false);
  });

  it("exclusive: a custom schedule is referenced exclusively by one object", async (ctx) => {
    await open(ctx);
    const hours = obj(P1, "hours-of-business", "Custom hours");
    const w1 = obj(P1, "workflows", "W1", { uniqueKeys: primaryUri("sip:w1@contoso.com") });
    const w2 = obj(P1, "workflows", "W2", { uniqueKeys: primaryUri("sip:w2@contoso.com") });
    await tx(async (t) => {
      for (const o of [hours, w1, w2]) await t.insertObject(o);
      await t.setReferences(w1.id, P1, [{ toId: hours.id, toKind: "hours-of-business", exclusive: true }]);
    });
    await expectViolation(tx((t) => t.setReferences(w2.id, P1, [{ toId: hours.id, toKind: "hours-of-business", exclusive: true }])), "exclusive");
    await tx(async (t) => {
      await t.setExclusive(hours.id, false);
      await t.setReferences(w2.id, P1, [{ toId: hours.id, toKind: "hours-of-business", exclusive: false }]);
    });
    await expectViolation(tx((t) => t.setExclusive(hours.id, true)), "exclusive");
    expect((await tx((t) => t.referrers(hours.id))).map((r) => r.name)).toEqual(["W1", "W2"]);
  });

  it("idempotency: one record per key, read back as written, expired by age", async (ctx) => {
    await open(ctx);
    const old = { key: "key-old", requestHash: "h1", status: 201, response: '{"id":"1"}', createdAt: "2025-02-27T10:00:00.000Z" };
    const fresh = { key: "key-fresh", requestHash: "h2", status: 201, response: '{"id":"2"}', createdAt: NOW };
    await tx(async (t) => {
      await t.putIdempotency(old);
      await t.putIdempotency(fresh);
    });
    expect(await tx((t) => t.getIdempotency("key-old"))).toEqual(old);
    await expectViolation(tx((t) => t.putIdempotency({ ...old, requestHash: "other" })), "idempotency");
    await tx((t) => t.expireIdempotency("2025-02-28T10:00:00.000Z"));
    expect(await tx((t) => t.getIdempotency("key-old"))).toBeUndefined();
    expect(await tx((t) => t.getIdempotency("key-fresh"))).toEqual(fresh);
  });

  it("a refused write is undone alone: the transaction goes on and commits its other writes", async (ctx) => {
    await open(ctx);
    const ag = obj(P1, "agent-groups", "AG");
    const q = obj(P1, "queues", "Q");
    const w = obj(P1, "workflows", "W", { uniqueKeys: primaryUri("sip:w@contoso.com") });
    await tx(async (t) => {
      await t.insertObject(ag);
      await t.insertObject(q);
      await t.insertObject(w);
      await t.setReferences(q.id, P1, [{ toId: ag.id, toKind: "agent-groups", exclusive: false }]);
    });
    const kept = obj(P1, "queues", "Kept");
    const refusedMove = obj(P2, "workflows", "W2", { uniqueKeys: primaryUri("sip:w2@contoso.com") });
    const seen = await tx(async (t) => {
      const violations: string[] = [];
      for (const attempt of [
        () => t.insertObject(obj(P1, "queues", "q")),
        () => t.deleteObject(ag.id),
        () => t.setReferences(q.id, P1, [{ toId: randomUUID(), toKind: "agent-groups", exclusive: false }]),
        () => t.putIdempotency({ key: "dup", requestHash: "h", status: 201, response: "{}", createdAt: NOW }),
        () => t.putIdempotency({ key: "dup", requestHash: "h", status: 201, response: "{}", createdAt: NOW }),
        () => t.insertObject(obj(P2, "workflows", "W again", { uniqueKeys: primaryUri("sip:W@contoso.com") })),
        () => t.insertObject(refusedMove),
        () => t.updateObject(refusedMove.id, 1, { name: "W2", uniqueKeys: primaryUri("sip:w@contoso.com"), body: {}, now: NOW }),
      ]) {
        try {
          await attempt();
        } catch (e) {
          if (!(e instanceof ConstraintViolation)) throw e;
          violations.push(e.constraint);
          // Asking again after a refusal is what the service does for in_use.
          await t.referrers(ag.id);
        }
      }
      await t.insertObject(kept);
      return violations;
    });
    expect(seen).toEqual(["name", "in_use", "reference", "idempotency", "unique", "unique"]);
    await tx(async (t) => {
      expect((await t.getObject(P1, "queues", kept.id))?.name).toBe("Kept");
      expect((await t.getObject(P2, "workflows", refusedMove.id))?.version).toBe(1);
      expect((await t.findByUniqueKey("workflows/primaryUri/sip:w2@contoso.com"))?.id).toBe(refusedMove.id);
      expect((await t.findByUniqueKey("workflows/primaryUri/sip:w@contoso.com"))?.id).toBe(w.id);
      expect(await t.getIdempotency("dup")).toBeDefined();
      expect(await t.referrers(ag.id)).toEqual([{ id: q.id, kind: "queues", name: "Q" }]);
    });
  });

  it("updateObject replaces the object only at the expected version", async (ctx) => {
    await open(ctx);
    const o = obj(P1, "agent-groups", "Versioned");
    await tx((t) => t.insertObject(o));
    const later = "2025-03-02T10:00:00.000Z";
    const v2 = await tx((t) => t.updateObject(o.id, 1, { name: "Versioned", uniqueKeys: [], body: { name: "Versioned", agentAlertTime: 30 }, now: later }));
    expect(v2).toMatchObject({ version: 2, body: { name: "Versioned", agentAlertTime: 30 }, createdAt: NOW, updatedAt: later });
    expect(await tx((t) => t.updateObject(o.id, 1, { name: "Stale", uniqueKeys: [], body: { name: "Stale" }, now: later }))).toBeUndefined();
    expect(await tx((t) => t.updateObject(randomUUID(), 1, { name: "Nobody", uniqueKeys: [], body: {}, now: later }))).toBeUndefined();
    expect((await tx((t) => t.getObject(P1, "agent-groups", o.id)))?.body).toEqual({ name: "Versioned", agentAlertTime: 30 });
    const renamed = await tx((t) => t.updateObject(o.id, 2, { name: "Renamed", uniqueKeys: [], body: { name: "Renamed" }, now: later }));
    expect(renamed?.version).toBe(3);
    expect((await tx((t) => t.findByName(P1, "agent-groups", "renamed")))?.id).toBe(o.id);
    expect(await tx((t) => t.findByName(P1, "agent-groups", "versioned"))).toBeUndefined();
  });

  it("concurrent read-modify-write transactions lose no update", async (ctx) => {
    await open(ctx);
    const o = obj(P1, "queues", "Counter", { body: { name: "Counter", overflowThreshold: 0 } });
    await tx((t) => t.insertObject(o));
    const n = 20;
    await Promise.all(
      Array.from({ length: n }, () =>
        tx(async (t) => {
          const cur = (await t.getObject(P1, "queues", o.id))!;
          const count = (cur.body.overflowThreshold as number) + 1;
          const next = await t.updateObject(o.id, cur.version, { name: "Counter", uniqueKeys: [], body: { name: "Counter", overflowThreshold: count }, now: NOW });
          if (!next) throw new Error("the version moved inside a transaction");
        }),
      ),
    );
    const final = (await tx((t) => t.getObject(P1, "queues", o.id)))!;
    expect(final.body.overflowThreshold).toBe(n);
    expect(final.version).toBe(n + 1);
  });

  it("referrers: the objects that reference one, in creation order, itself left out", async (ctx) => {
    await open(ctx);
    const ag = obj(P1, "agent-groups", "AG");
    const qs = ["Q b", "Q a", "Q c"].map((n) => obj(P1, "queues", n));
    await tx(async (t) => {
      await t.insertObject(ag);
      for (const q of qs) {
        await t.insertObject(q);
        await t.setReferences(q.id, P1, [{ toId: ag.id, toKind: "agent-groups", exclusive: false }]);
      }
      await t.setReferences(ag.id, P1, [{ toId: ag.id, toKind: "agent-groups", exclusive: false }]);
    });
    expect((await tx((t) => t.referrers(ag.id))).map((r) => r.name)).toEqual(["Q b", "Q a", "Q c"]);
    await tx((t) => t.setReferences(qs[1].id, P1, []));
    expect((await tx((t) => t.referrers(ag.id))).map((r) => r.name)).toEqual(["Q b", "Q c"]);
  });

  it("settings: read at version 1, written only at the expected version", async (ctx) => {
    await open(ctx);
    const later = "2025-03-02T10:00:00.000Z";
    const v2 = await tx((t) => t.putSettings(P1, { agentRingbackGracePeriod: 120, disableCallContext: true }, 1, later));
    expect(v2).toEqual({ pool: P1, body: { agentRingbackGracePeriod: 120, disableCallContext: true }, version: 2, updatedAt: later });
    expect(await tx((t) => t.putSettings(P1, DEFAULT_SETTINGS, 1, later))).toBeUndefined();
    expect(await tx((t) => t.getSettings(P1))).toEqual(v2);
    expect((await tx((t) => t.getSettings(P2)))?.version).toBe(1);
    expect(await tx((t) => t.getSettings("pool99.contoso.com"))).toBeUndefined();
  });

  it("lists objects of a kind in creation order, a page at a time, or by name key", async (ctx) => {
    await open(ctx);
    const names = Array.from({ length: 7 }, (_, i) => `Group ${String.fromCharCode(90 - i)}`);
    await tx(async (t) => {
      for (const n of names) await t.insertObject(obj(P1, "agent-groups", n));
      await t.insertObject(obj(P1, "queues", "Not a group"));
      await t.insertObject(obj(P2, "agent-groups", "Elsewhere"));
    });
    const seen: string[] = [];
    let after = 0;
    for (;;) {
      const page = await tx((t) => t.listObjects(P1, "agent-groups", { afterSeq: after, limit: 3 }));
      seen.push(...page.map((r) => r.name));
      if (page.length < 3) break;
      expect(page[1].seq).toBeGreaterThan(page[0].seq);
      after = page[page.length - 1].seq;
    }
    expect(seen).toEqual(names);
    const byName = await tx((t) => t.listObjects(P1, "agent-groups", { afterSeq: 0, limit: 10, nameKey: "group x" }));
    expect(byName.map((r) => r.name)).toEqual(["Group X"]);
    expect(await tx((t) => t.listObjects(P1, "holiday-sets", { afterSeq: 0, limit: 10 }))).toEqual([]);
  });

  it("a lookup by a string no row can hold (NUL) finds nothing", async (ctx) => {
    await open(ctx);
    await tx(async (t) => {
      expect(await t.getPool("pool\u0000.contoso.com")).toBeUndefined();
      expect(await t.getObject(P1, "queues", "\u0000")).toBeUndefined();
      expect(await t.findByName(P1, "queues", "a\u0000b")).toBeUndefined();
      expect(await t.findByUniqueKey("workflows/primaryUri/sip:\u0000@contoso.com")).toBeUndefined();
      expect(await t.listObjects(P1, "queues", { afterSeq: 0, limit: 5, nameKey: "\u0000" })).toEqual([]);
      expect(await t.referrers("\u0000")).toEqual([]);
      expect(await t.getIdempotency("\u0000")).toBeUndefined();
      expect(await t.getSettings("\u0000")).toBeUndefined();
    });
  });

  it("answers ping while open; once closed, ping is false and transactions are StoreUnavailable", async (ctx) => {
    await open(ctx);
    expect(await s.ping()).toBe(true);
    await s.close();
    expect(await s.ping()).toBe(false);
    await expect(s.transaction((t) => t.listPools())).rejects.toBeInstanceOf(StoreUnavailable);
  });
});

describe("PostgresStore only", () => {
  let db: TestDatabase | undefined;
  const stores: PostgresStore[] = [];
  const extra: TestDatabase[] = [];
  const need = (ctx: TestContext) => {
    if (!pg.db && !db) ctx.skip(pg.skipReason);
  };

  beforeAll(async () => {
    const r = await testDatabaseOrSkip();
    db = r.db;
    pg.skipReason ??= r.skipReason;
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await Promise.all(extra.map((d) => d.drop()));
    await db?.drop();
  });
  const openOn = async (url: string, options: Partial<Parameters<typeof PostgresStore.open>[0]> = {}) => {
    const s = await PostgresStore.open({ url, ...options });
    stores.push(s);
    return s;
  };

  it("instances that start together on an empty database apply each migration once", async (ctx) => {
    need(ctx);
    const fresh = await createTestDatabase();
    extra.push(fresh);
    const opened = await Promise.all(Array.from({ length: 4 }, () => openOn(fresh.url)));
    for (const s of opened) expect(await s.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
    const rows = await fresh.query<{ version: number; name: string }>("SELECT version, name FROM schema_migrations ORDER BY version");
    expect(rows).toEqual(POSTGRES_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
  });

  it("refuses a database migrated by a newer rgs", async (ctx) => {
    need(ctx);
    const fresh = await createTestDatabase();
    extra.push(fresh);
    await (await openOn(fresh.url)).close();
    await fresh.query("INSERT INTO schema_migrations (version, name) VALUES (999, 'from the future')");
    await expect(PostgresStore.open({ url: fresh.url })).rejects.toThrow(
      /^the PostgreSQL database postgres:\/\/\S+ is at schema version 999, newer than this pulumi-rgs knows \(3\); upgrade pulumi-rgs/,
    );
  });

  it("says which server it could not reach, without the password", async () => {
    const url = "postgres://rgs:hunter2@127.0.0.1:1/rgs";
    const e = await PostgresStore.open({ url, connectTimeoutMs: 2000 }).catch((err: Error) => err);
    expect(e).toBeInstanceOf(Error);
    expect((e as Error).message).toMatch(/^cannot open the PostgreSQL database postgres:\/\/rgs:\*\*\*@127\.0\.0\.1:1\/rgs: .*ECONNREFUSED/);
    expect((e as Error).message).not.toContain("hunter2");
  });

  it("runs a transaction again when it lost a serialization conflict", async (ctx) => {
    need(ctx);
    const s = await openOn(db!.url);
    await s.transaction((t) => t.ensurePool(P1, NOW, DEFAULT_SETTINGS));
    const o = obj(P1, "queues", "Contended");
    await s.transaction((t) => t.insertObject(o));
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((res) => (release = res));
    let runs = 0;
    const bump = () =>
      s.transaction(async (t) => {
        runs++;
        const cur = (await t.getObject(P1, "queues", o.id))!;
        if (++arrived === 2) release();
        await bothRead;
        return t.updateObject(o.id, cur.version, { name: "Contended", uniqueKeys: [], body: { name: "Contended" }, now: NOW });
      });
    const before = s.retries;
    const [a, b] = await Promise.all([bump(), bump()]);
    expect([a?.version, b?.version].sort()).toEqual([2, 3]);
    expect(runs).toBe(3);
    expect(s.retries - before).toBe(1);
  });

  it("read() answers from a snapshot of committed data, without waiting for a write in progress, and writes nothing", async (ctx) => {
    need(ctx);
    const s = await openOn(db!.url);
    await s.transaction((t) => t.ensurePool(P1, NOW, DEFAULT_SETTINGS));
    const o = obj(P1, "queues", "In flight");
    let inserted!: () => void;
    let release!: () => void;
    const didInsert = new Promise<void>((res) => (inserted = res));
    const held = new Promise<void>((res) => (release = res));
    const writing = s.transaction(async (t) => {
      await t.insertObject(o);
      inserted();
      await held;
    });
    await didInsert;
    expect(await s.read((t) => t.getObject(P1, "queues", o.id))).toBeUndefined();
    release();
    await writing;
    expect((await s.read((t) => t.getObject(P1, "queues", o.id)))?.name).toBe("In flight");
    await expect(s.read((t) => t.insertObject(obj(P1, "queues", "Not from a read")))).rejects.toMatchObject({ code: "25006" });
    expect(await s.transaction((t) => t.findByName(P1, "queues", "not from a read"))).toBeUndefined();
  });

  it(`gives up after ${MAX_ATTEMPTS} conflicting attempts with StoreUnavailable`, async (ctx) => {
    need(ctx);
    const retried: number[] = [];
    const s = await openOn(db!.url, { onRetry: ({ attempt }) => retried.push(attempt) });
    let runs = 0;
    const e = await s
      .transaction(async () => {
        runs++;
        const conflict = new DatabaseError("could not serialize access due to read/write dependencies among transactions", 0, "error");
        conflict.code = "40001";
        throw conflict;
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StoreUnavailable);
    expect((e as Error).message).toMatch(/refused the transaction 10 times/);
    expect(runs).toBe(MAX_ATTEMPTS);
    expect(retried).toEqual(Array.from({ length: MAX_ATTEMPTS - 1 }, (_, i) => i + 1));
  });

  it("a connection lost inside a transaction is StoreUnavailable, and the next transaction works", async (ctx) => {
    need(ctx);
    const s = await openOn(db!.url);
    await s.transaction((t) => t.ensurePool(P1, NOW, DEFAULT_SETTINGS));
    const e = await s
      .transaction(async (t) => {
        await t.getPool(P1);
        await db!.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'rgs'");
        // The server's goodbye reaches the connection while no statement is running on it.
        await new Promise((res) => setTimeout(res, 300));
        return t.listPools();
      })
      .catch((err: unknown) => err);
    expect(e).toBeInstanceOf(StoreUnavailable);
    expect((await s.transaction((t) => t.listPools())).map((p) => p.fqdn)).toContain(P1);
    expect(await s.ping()).toBe(true);
  });
});
