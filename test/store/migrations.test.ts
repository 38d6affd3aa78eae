/**
 * Databases written by pulumi-rgs at schema version 1 open with today's code without loss: every
 * row reads back as it was, workflows' primary URIs (objects.uri_key) now held in unique_keys,
 * and the rules still hold against the migrated rows. The v1 schema below is a copy of the
 * migration as it shipped; a migrated database must end up with the same schema as a new one.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { POSTGRES_MIGRATIONS, PostgresStore } from "../../backend/store/postgres";
import { SQLITE_MIGRATIONS, SqliteStore } from "../../backend/store/sqlite";
import { ConstraintViolation, type Store } from "../../backend/store/store";
import { makeTempDir, removeDir } from "../helpers/service";
import { createTestDatabase, testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";

const SQLITE_V1 = `
      CREATE TABLE pools (
        fqdn TEXT PRIMARY KEY,
        created_at TEXT NOT NULL
      );
      CREATE TABLE objects (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        pool TEXT NOT NULL REFERENCES pools(fqdn),
        kind TEXT NOT NULL CHECK (kind IN ('agent-groups','queues','hours-of-business','holiday-sets','workflows')),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        uri_key TEXT UNIQUE,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (pool, kind, name_key),
        UNIQUE (id, pool, kind)
      );
      CREATE TABLE refs (
        from_id TEXT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
        pool TEXT NOT NULL,
        to_id TEXT NOT NULL,
        to_kind TEXT NOT NULL,
        exclusive INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (from_id, to_id),
        FOREIGN KEY (to_id, pool, to_kind) REFERENCES objects(id, pool, kind)
      );
      CREATE INDEX refs_to ON refs(to_id);
      CREATE UNIQUE INDEX refs_exclusive ON refs(to_id) WHERE exclusive = 1;
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE INDEX idempotency_created ON idempotency(created_at);
      CREATE TABLE settings (
        pool TEXT PRIMARY KEY REFERENCES pools(fqdn),
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
    `;

const POSTGRES_V1 = `
      CREATE TABLE pools (
        fqdn TEXT COLLATE "C" PRIMARY KEY,
        created_at TEXT NOT NULL
      );
      CREATE TABLE objects (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL CONSTRAINT objects_id_unique UNIQUE,
        pool TEXT COLLATE "C" NOT NULL REFERENCES pools(fqdn),
        kind TEXT NOT NULL CHECK (kind IN ('agent-groups','queues','hours-of-business','holiday-sets','workflows')),
        name TEXT NOT NULL,
        name_key TEXT NOT NULL,
        uri_key TEXT CONSTRAINT objects_uri_unique UNIQUE,
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CONSTRAINT objects_name_unique UNIQUE (pool, kind, name_key),
        CONSTRAINT objects_identity_unique UNIQUE (id, pool, kind)
      );
      CREATE TABLE refs (
        from_id TEXT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
        pool TEXT COLLATE "C" NOT NULL,
        to_id TEXT NOT NULL,
        to_kind TEXT NOT NULL,
        exclusive BOOLEAN NOT NULL DEFAULT false,
        PRIMARY KEY (from_id, to_id),
        CONSTRAINT refs_target_exists FOREIGN KEY (to_id, pool, to_kind) REFERENCES objects(id, pool, kind)
      );
      CREATE INDEX refs_to ON refs(to_id);
      CREATE UNIQUE INDEX refs_exclusive ON refs(to_id) WHERE exclusive;
      CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        request_hash TEXT NOT NULL,
        status INTEGER NOT NULL,
        response TEXT NOT NULL,
        created_at TEXT COLLATE "C" NOT NULL
      );
      CREATE INDEX idempotency_created ON idempotency(created_at);
      CREATE TABLE settings (
        pool TEXT COLLATE "C" PRIMARY KEY REFERENCES pools(fqdn),
        body TEXT NOT NULL,
        version INTEGER NOT NULL,
        updated_at TEXT NOT NULL
      );
    `;

const P1 = "pool01.contoso.com";
const P2 = "pool02.contoso.com";
const T1 = "2025-01-10T08:00:00.000Z";
const T2 = "2025-01-11T09:30:00.000Z";

interface V1Object {
  id: string;
  pool: string;
  kind: string;
  name: string;
  uriKey: string | null;
  body: Record<string, unknown>;
  version: number;
}

const agents: V1Object = { id: randomUUID(), pool: P1, kind: "agent-groups", name: "Help Desk Agents", uriKey: null, body: { name: "Help Desk Agents", agentAlertTime: 20 }, version: 1 };
const queue: V1Object = { id: randomUUID(), pool: P1, kind: "queues", name: "Help Desk", uriKey: null, body: { name: "Help Desk", agentGroupIds: [agents.id] }, version: 3 };
const hours: V1Object = { id: randomUUID(), pool: P1, kind: "hours-of-business", name: "Help hours", uriKey: null, body: { name: "Help hours", custom: true }, version: 1 };
const help: V1Object = {
  id: randomUUID(),
  pool: P1,
  kind: "workflows",
  name: "Café Help",
  uriKey: "sip:help@contoso.com",
  body: { name: "Café Help", primaryUri: "sip:Help@contoso.com", businessHoursId: hours.id, note: "☎ 电话" },
  version: 2,
};
const sales: V1Object = { id: randomUUID(), pool: P2, kind: "workflows", name: "Sales", uriKey: "sip:sales@contoso.com", body: { name: "Sales", primaryUri: "sip:sales@contoso.com" }, version: 1 };
const OBJECTS = [agents, queue, hours, help, sales];
const IDEMPOTENCY = { key: "idem-1", requestHash: "abc", status: 201, response: JSON.stringify({ id: agents.id }), createdAt: T1 };
const SETTINGS = { agentRingbackGracePeriod: 45, disableCallContext: true };

const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The rows as pulumi-rgs at schema version 1 wrote them. */
function v1Rows(dialect: "sqlite" | "postgres"): string[] {
  const bool = (b: boolean) => (dialect === "sqlite" ? (b ? "1" : "0") : String(b));
  return [
    ...[P1, P2].map((p) => `INSERT INTO pools (fqdn, created_at) VALUES (${q(p)}, ${q(T1)})`),
    `INSERT INTO settings (pool, body, version, updated_at) VALUES (${q(P1)}, ${q(JSON.stringify(SETTINGS))}, 4, ${q(T2)})`,
    `INSERT INTO settings (pool, body, version, updated_at) VALUES (${q(P2)}, ${q(JSON.stringify(SETTINGS))}, 1, ${q(T1)})`,
    ...OBJECTS.map(
      (o) =>
        `INSERT INTO objects (id, pool, kind, name, name_key, uri_key, body, version, created_at, updated_at) VALUES
         (${q(o.id)}, ${q(o.pool)}, ${q(o.kind)}, ${q(o.name)}, ${q(o.name.normalize("NFC").toLowerCase())}, ${o.uriKey === null ? "NULL" : q(o.uriKey)},
          ${q(JSON.stringify(o.body))}, ${o.version}, ${q(T1)}, ${q(T2)})`,
    ),
    `INSERT INTO refs (from_id, pool, to_id, to_kind, exclusive) VALUES (${q(queue.id)}, ${q(P1)}, ${q(agents.id)}, 'agent-groups', ${bool(false)})`,
    `INSERT INTO refs (from_id, pool, to_id, to_kind, exclusive) VALUES (${q(help.id)}, ${q(P1)}, ${q(hours.id)}, 'hours-of-business', ${bool(true)})`,
    `INSERT INTO idempotency (key, request_hash, status, response, created_at) VALUES
     (${q(IDEMPOTENCY.key)}, ${q(IDEMPOTENCY.requestHash)}, ${IDEMPOTENCY.status}, ${q(IDEMPOTENCY.response)}, ${q(IDEMPOTENCY.createdAt)})`,
  ];
}

interface Upgrade {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A database at schema version 1 holding v1Rows, left closed. */
  createV1(ctx: TestContext): Promise<void>;
  open(): Promise<Store & { schemaVersion(): Promise<number> }>;
  /** uri_key of every object, read by hand. */
  uriKeys(): Promise<(string | null)[]>;
  /** The schema of the upgraded database, and of a new one, as comparable text. */
  schemas(): Promise<{ upgraded: string[]; fresh: string[] }>;
}

function sqliteUpgrade(): Upgrade {
  let dir = "";
  let file = "";
  const opened: Store[] = [];
  const schema = (path: string) => {
    const db = new Database(path, { readonly: true });
    try {
      return (db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as { type: string; name: string; sql: string | null }[]).map(
        (r) => `${r.type} ${r.name}: ${(r.sql ?? "").replace(/\s+/g, " ")}`,
      );
    } finally {
      db.close();
    }
  };
  return {
    name: "SQLite",
    setup: async () => {
      dir = makeTempDir("rgs-upgrade-");
    },
    teardown: async () => {
      await Promise.all(opened.map((s) => s.close()));
      removeDir(dir);
    },
    createV1: async () => {
      file = join(dir, `${randomUUID()}.db`);
      const db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma("foreign_keys = ON");
      db.exec("BEGIN");
      db.exec(SQLITE_V1);
      for (const sql of v1Rows("sqlite")) db.exec(sql);
      db.pragma("user_version = 1");
      db.exec("COMMIT");
      db.close();
    },
    open: async () => {
      const s = new SqliteStore({ file });
      opened.push(s);
      return s;
    },
    uriKeys: async () => {
      const db = new Database(file, { readonly: true });
      try {
        return (db.prepare("SELECT uri_key FROM objects ORDER BY seq").all() as { uri_key: string | null }[]).map((r) => r.uri_key);
      } finally {
        db.close();
      }
    },
    schemas: async () => {
      const freshFile = join(dir, `${randomUUID()}.db`);
      await new SqliteStore({ file: freshFile }).close();
      return { upgraded: schema(file), fresh: schema(freshFile) };
    },
  };
}

function postgresUpgrade(): Upgrade {
  let skipReason: string | undefined;
  let db: TestDatabase | undefined;
  const dbs: TestDatabase[] = [];
  const opened: Store[] = [];
  const schema = async (d: TestDatabase) => {
    const columns = await d.query<{ c: string }>(
      `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(collation_name, '') AS c
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
    );
    const constraints = await d.query<{ c: string }>(
      `SELECT conrelid::regclass || ' ' || conname || ': ' || pg_get_constraintdef(oid) AS c FROM pg_constraint
       WHERE connamespace = 'public'::regnamespace ORDER BY conrelid::regclass::text, conname`,
    );
    const indexes = await d.query<{ c: string }>(`SELECT indexdef AS c FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
    return [...columns, ...constraints, ...indexes].map((r) => r.c);
  };
  return {
    name: "PostgreSQL",
    setup: async () => {
      const r = await testDatabaseOrSkip();
      skipReason = r.skipReason;
      if (r.db) dbs.push(r.db);
    },
    teardown: async () => {
      await Promise.all(opened.map((s) => s.close()));
      await Promise.all(dbs.map((d) => d.drop()));
    },
    createV1: async (ctx) => {
      if (dbs.length === 0) ctx.skip(skipReason);
      db = await createTestDatabase();
      dbs.push(db);
      await db.query("BEGIN");
      await db.query(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      await db.query(POSTGRES_V1);
      for (const sql of v1Rows("postgres")) await db.query(sql);
      await db.query("INSERT INTO schema_migrations (version, name) VALUES (1, 'objects, references, idempotency, settings')");
      await db.query("COMMIT");
    },
    open: async () => {
      const s = await PostgresStore.open({ url: db!.url });
      opened.push(s);
      return s;
    },
    uriKeys: async () => (await db!.query<{ uri_key: string | null }>("SELECT uri_key FROM objects ORDER BY seq")).map((r) => r.uri_key),
    schemas: async () => {
      const fresh = await createTestDatabase();
      dbs.push(fresh);
      const s = await PostgresStore.open({ url: fresh.url });
      await s.close();
      return { upgraded: await schema(db!), fresh: await schema(fresh) };
    },
  };
}

it("the first migration of each dialect is the schema version 1 that shipped", () => {
  const flat = (sql: string) => sql.replace(/\s+/g, " ").trim();
  expect(flat(SQLITE_MIGRATIONS[0].sql)).toBe(flat(SQLITE_V1));
  expect(flat(POSTGRES_MIGRATIONS[0].sql)).toBe(flat(POSTGRES_V1));
});

describe.each([sqliteUpgrade(), postgresUpgrade()])("a $name database at schema version 1", (u) => {
  beforeAll(() => u.setup());
  afterAll(() => u.teardown());

  it("migrates forward: every row reads back as it was, primary URIs now in unique_keys", async (ctx) => {
    await u.createV1(ctx);
    const s = await u.open();
    expect(await s.schemaVersion()).toBe(3);
    await s.transaction(async (t) => {
      expect((await t.listPools()).map((p) => ({ ...p }))).toEqual([
        { fqdn: P1, createdAt: T1 },
        { fqdn: P2, createdAt: T1 },
      ]);
      expect(await t.getSettings(P1)).toEqual({ pool: P1, body: SETTINGS, version: 4, updatedAt: T2 });
      for (const o of OBJECTS) {
        const row = await t.getObject(o.pool, o.kind as never, o.id);
        expect(row, o.name).toMatchObject({ id: o.id, pool: o.pool, kind: o.kind, name: o.name, body: o.body, version: o.version, createdAt: T1, updatedAt: T2 });
        expect(JSON.stringify(row!.body)).toBe(JSON.stringify(o.body));
      }
      const inP1 = [...(await t.listObjects(P1, "agent-groups", { afterSeq: 0, limit: 10 })), ...(await t.listObjects(P1, "workflows", { afterSeq: 0, limit: 10 }))];
      expect(inP1.map((r) => r.id)).toEqual([agents.id, help.id]);
      expect((await t.findByName(P1, "workflows", "café help"))?.id).toBe(help.id);
      expect((await t.findByUniqueKey("workflows/primaryUri/sip:help@contoso.com"))?.id).toBe(help.id);
      expect((await t.findByUniqueKey("workflows/primaryUri/sip:sales@contoso.com"))?.id).toBe(sales.id);
      expect(await t.referrers(agents.id)).toEqual([{ id: queue.id, kind: "queues", name: "Help Desk" }]);
      expect(await t.referrers(hours.id)).toEqual([{ id: help.id, kind: "workflows", name: "Café Help" }]);
      expect(await t.getIdempotency(IDEMPOTENCY.key)).toEqual(IDEMPOTENCY);
    });
    expect(await u.uriKeys()).toEqual(OBJECTS.map(() => null));
  });

  it("the rules hold against the migrated rows", async (ctx) => {
    await u.createV1(ctx);
    const s = await u.open();
    const refusal = async (write: Parameters<Store["transaction"]>[0]) => {
      const e = await s.transaction(write).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(e).toBeInstanceOf(ConstraintViolation);
      return e as ConstraintViolation;
    };
    const taken = await refusal((t) =>
      t.insertObject({
        id: randomUUID(),
        pool: P2,
        kind: "workflows",
        name: "Help again",
        uniqueKeys: [{ field: "primaryUri", key: "workflows/primaryUri/sip:help@contoso.com" }],
        body: {},
        now: T2,
      }),
    );
    expect(taken).toMatchObject({ constraint: "unique", field: "primaryUri" });
    expect((await refusal((t) => t.insertObject({ id: randomUUID(), pool: P1, kind: "queues", name: "HELP DESK", uniqueKeys: [], body: {}, now: T2 }))).constraint).toBe("name");
    expect((await refusal((t) => t.deleteObject(agents.id))).constraint).toBe("in_use");
    expect(
      (await refusal((t) => t.setReferences(queue.id, P1, [{ toId: hours.id, toKind: "hours-of-business", exclusive: true }]))).constraint,
    ).toBe("exclusive");
    expect(
      (await refusal((t) => t.setReferences(queue.id, P1, [{ toId: sales.id, toKind: "workflows", exclusive: false }]))).constraint,
    ).toBe("reference");
    expect((await refusal((t) => t.putIdempotency(IDEMPOTENCY))).constraint).toBe("idempotency");

    const migratedSeqs: number[] = [];
    await s.transaction(async (t) => {
      for (const o of OBJECTS) migratedSeqs.push((await t.getObject(o.pool, o.kind as never, o.id))!.seq);
    });
    // Moving the workflow to another URI frees the migrated key; new objects come after the old ones.
    const moved = await s.transaction((t) =>
      t.updateObject(help.id, help.version, {
        name: help.name,
        uniqueKeys: [{ field: "primaryUri", key: "workflows/primaryUri/sip:help2@contoso.com" }],
        body: { ...help.body, primaryUri: "sip:help2@contoso.com" },
        now: T2,
      }),
    );
    expect(moved?.version).toBe(help.version + 1);
    const later = await s.transaction((t) =>
      t.insertObject({
        id: randomUUID(),
        pool: P2,
        kind: "workflows",
        name: "Help again",
        uniqueKeys: [{ field: "primaryUri", key: "workflows/primaryUri/sip:help@contoso.com" }],
        body: {},
        now: T2,
      }),
    );
    expect(later.seq).toBeGreaterThan(Math.max(...migratedSeqs));
    const inP2 = await s.transaction(async (t) => (await t.listObjects(P2, "workflows", { afterSeq: 0, limit: 10 })).map((r) => r.id));
    expect(inP2).toEqual([sales.id, later.id]);
  });

  it("ends with the schema of a database made new", async (ctx) => {
    await u.createV1(ctx);
    await (await u.open()).close();
    const { upgraded, fresh } = await u.schemas();
    expect(upgraded.filter((line) => line.includes("unique_keys")).length).toBeGreaterThan(1);
    expect(upgraded).toEqual(fresh);
  });
});
