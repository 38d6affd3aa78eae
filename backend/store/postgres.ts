/**
 * The PostgreSQL store: for several service instances on one database. The same tables and
 * constraints as the SQLite store (compare POSTGRES_MIGRATIONS with SQLITE_MIGRATIONS), numbered
 * migrations applied under an advisory lock, one pooled connection per transaction.
 */
import { DatabaseError, Pool, type PoolClient, type QueryResultRow } from "pg";
import type { KindName } from "../../sdk/model/kind";
import {
  ConstraintViolation,
  nameKey,
  type IdempotencyRecord,
  type NewObject,
  type ObjectRow,
  type PoolRow,
  type ReferenceRow,
  type Referrer,
  type SettingsRow,
  type Store,
  type StoreTx,
  StoreUnavailable,
  toObjectRow,
  toSettingsRow,
  type ObjectRecord,
  type SettingsRecord,
} from "./store";

/**
 * Schema changes in order, as SQLITE_MIGRATIONS for SQLite; a database records each one it has
 * applied in schema_migrations. Text that is ordered or range-compared is COLLATE "C" so it
 * compares byte by byte, as SQLite does. Bodies are kept as the JSON text the service wrote
 * (jsonb would reorder their keys).
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "objects, references, idempotency, settings",
    sql: `
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
    `,
  },
];

/** Transactions tried this many times in all when PostgreSQL reports a serialization failure or deadlock. */
export const MAX_ATTEMPTS = 10;

const SERIALIZATION_FAILURE = "40001";
const DEADLOCK = "40P01";

// PostgreSQL names the failed constraint; map it to the rule it holds, as sqlite.ts does from its messages.
const UNIQUE_CONSTRAINTS: Record<string, ConstraintViolation["constraint"]> = {
  objects_name_unique: "name",
  objects_uri_unique: "uri",
  refs_exclusive: "exclusive",
  idempotency_pkey: "idempotency",
  pools_pkey: "pool",
};

function translate(e: unknown): never {
  if (e instanceof DatabaseError) {
    if (e.code === "23505") {
      const constraint = UNIQUE_CONSTRAINTS[e.constraint ?? ""];
      if (constraint) throw new ConstraintViolation(constraint, e.message);
    }
    if (e.code === "23503") throw new ConstraintViolation("reference", e.message);
  }
  throw e;
}

function isConflict(e: unknown): boolean {
  return e instanceof DatabaseError && (e.code === SERIALIZATION_FAILURE || e.code === DEADLOCK);
}

/**
 * Errors that say the database cannot work now rather than that the statement was wrong:
 * connection exceptions (08), resources (53), operator intervention such as a shutdown or a
 * statement timeout (57), system errors (58), and a connection lost without a SQLSTATE.
 */
function isUnavailable(e: unknown): boolean {
  if (e instanceof DatabaseError) return /^(08|53|57|58)/.test(e.code ?? "");
  const { code, message } = (e ?? {}) as { code?: unknown; message?: unknown };
  return (typeof code === "string" && /^E[A-Z]+$/.test(code)) || /connection|terminated|not queryable|timeout/i.test(String(message ?? ""));
}

/** An error's message, with the messages inside an AggregateError (a refused connection to every address of a host). */
export function describeError(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) {
    return [...new Set(e.errors.map((x: unknown) => describeError(x)))].join("; ");
  }
  const err = e as { message?: string; code?: string };
  return err?.message || err?.code || String(e);
}

/** The URL with its password replaced by ***, for logs and messages. */
export function maskUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

const sleep = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));

export interface PostgresStoreOptions {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections this instance opens at most (default 10). */
  maxConnections?: number;
  /** How long to wait for a connection, in milliseconds (default 5000). */
  connectTimeoutMs?: number;
  /** Told of each transaction run again after a serialization failure or deadlock. */
  onRetry?: (info: { attempt: number; code: string }) => void;
  /** Told of errors on idle connections (a server restart, say). */
  onIdleError?: (e: Error) => void;
}

/** What a transaction's statements have run into, shared by its StoreTx and transaction(). */
interface TxState {
  conflict?: DatabaseError;
  broken?: boolean;
}

export class PostgresStore implements Store {
  private closed = false;
  private ending?: Promise<void>;
  /** Transactions run again after a serialization failure or deadlock, since the store opened. */
  retries = 0;

  private constructor(
    private readonly pool: Pool,
    private readonly options: PostgresStoreOptions,
  ) {}

  /** Connects, applies the migrations this database lacks, and returns the store. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new Pool({
      connectionString: options.url,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
      application_name: "rgs",
      // A statement stuck behind a lock, or an instance that stopped mid-transaction (SIGSTOP,
      // a lost network), must not hold rows for ever.
      statement_timeout: 30_000,
      idle_in_transaction_session_timeout: 60_000,
    });
    pool.on("error", (e) => options.onIdleError?.(e));
    const store = new PostgresStore(pool, options);
    try {
      await store.migrate();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new Error(`cannot open the PostgreSQL database ${maskUrl(options.url)}: ${describeError(e)}`, { cause: e });
    }
    return store;
  }

  /** The highest migration applied to the database. */
  async schemaVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ v: number }>("SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations");
    return rows[0].v;
  }

  /**
   * SERIALIZABLE: every transaction behaves as if it ran alone, as under SQLite's single writer,
   * so the service's read-then-write rules (a custom schedule serves one workflow, an Idempotency-Key
   * makes one object) hold across instances without locking rows by hand. PostgreSQL refuses the
   * transactions that would break that with a serialization failure; those are run again, which is
   * why `fn` must touch nothing outside `tx`. After MAX_ATTEMPTS the caller gets StoreUnavailable (503).
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.run("BEGIN ISOLATION LEVEL SERIALIZABLE", fn);
  }

  /**
   * For `fn` that only reads: one snapshot of committed data (REPEATABLE READ READ ONLY), which
   * takes no part in serialization conflicts, so reads neither wait, fail, nor make writers fail.
   */
  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
  }

  private async run<T>(begin: string, fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const state: TxState = {};
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      const client = await this.connect();
      // The pool listens for errors only on idle connections; one that dies while lent out (a
      // server restart between two statements) would otherwise throw in no one's hands and end the process.
      const onError = () => {
        state.broken = true;
      };
      client.on("error", onError);
      try {
        outcome = await this.attempt(client, state, begin, fn);
      } finally {
        client.removeListener("error", onError);
        client.release(state.broken ? true : undefined);
      }
      if (outcome.ok) return outcome.value;
      const conflict = state.conflict ?? (isConflict(outcome.error) ? (outcome.error as DatabaseError) : undefined);
      if (conflict === undefined) throw outcome.error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new StoreUnavailable(`PostgreSQL refused the transaction ${attempt} times as conflicting with concurrent ones (${conflict.code})`, {
          cause: conflict,
        });
      }
      this.retries++;
      this.options.onRetry?.({ attempt, code: conflict.code ?? "" });
      // Jittered, growing backoff so the transactions that collided do not collide again.
      await sleep(Math.random() * Math.min(200, 4 * 2 ** attempt));
    }
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      const { rows } = await this.pool.query<{ one: number }>("SELECT 1 AS one");
      return rows[0]?.one === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.ending ??= this.pool.end();
    await this.ending;
  }

  private async connect(): Promise<PoolClient> {
    if (this.closed) throw new StoreUnavailable("the PostgreSQL store is closed");
    try {
      return await this.pool.connect();
    } catch (e) {
      throw new StoreUnavailable(`cannot reach PostgreSQL: ${describeError(e)}`, { cause: e });
    }
  }

  private async attempt<T>(
    client: PoolClient,
    state: TxState,
    begin: string,
    fn: (tx: StoreTx) => Promise<T>,
  ): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
    const run = statementRunner(client, state);
    try {
      await run(begin);
      const value = await fn(makeTx(run));
      if (state.conflict) throw state.conflict;
      await run("COMMIT");
      return { ok: true, value };
    } catch (error) {
      if (!state.broken) {
        try {
          await client.query("ROLLBACK");
        } catch {
          state.broken = true;
        }
      }
      return { ok: false, error };
    }
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    // A connection lost here fails the next query, which says why; the event itself needs a listener.
    const ignore = () => undefined;
    client.on("error", ignore);
    try {
      await client.query("BEGIN");
      // Held until COMMIT: instances that start together apply the migrations one after another.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('pulumi-rgs schema_migrations'))");
      await client.query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
      );
      const { rows } = await client.query<{ v: number }>("SELECT coalesce(max(version), 0)::int AS v FROM schema_migrations");
      const current = rows[0].v;
      const latest = POSTGRES_MIGRATIONS[POSTGRES_MIGRATIONS.length - 1].version;
      if (current > latest) {
        throw new Error(`the database is at schema version ${current}, newer than this rgs knows (${latest}); run a newer rgs`);
      }
      for (const m of POSTGRES_MIGRATIONS) {
        if (m.version <= current) continue;
        await client.query(m.sql);
        await client.query("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", [m.version, m.name]);
      }
      await client.query("COMMIT");
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      client.removeListener("error", ignore);
      client.release();
    }
  }
}

type Run = <R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

/**
 * Runs statements on the transaction's connection and sorts their failures: a serialization
 * failure is remembered so the transaction is run again, a lost connection becomes StoreUnavailable.
 */
function statementRunner(client: PoolClient, state: TxState): Run {
  return async <R extends QueryResultRow>(sql: string, params?: unknown[]) => {
    try {
      return (await client.query<R>(sql, params)).rows;
    } catch (e) {
      if (isConflict(e)) {
        state.conflict ??= e as DatabaseError;
        throw e;
      }
      if (isUnavailable(e)) {
        if (!(e instanceof DatabaseError) || /^(08|57P)/.test(e.code ?? "")) state.broken = true;
        throw new StoreUnavailable(`PostgreSQL is unavailable: ${describeError(e)}`, { cause: e });
      }
      throw e;
    }
  };
}

// PostgreSQL text cannot hold NUL, so no stored value has one; a lookup by such a string finds
// nothing, as it does in SQLite, instead of failing.
const storable = (...values: (string | undefined)[]) => values.every((v) => v === undefined || !v.includes("\u0000"));

function makeTx(run: Run): StoreTx {
  // A write that breaks a constraint is undone alone, as in SQLite, and the transaction goes on.
  const write = async <R>(statements: () => Promise<R>): Promise<R> => {
    await run("SAVEPOINT write");
    try {
      const result = await statements();
      await run("RELEASE SAVEPOINT write");
      return result;
    } catch (e) {
      if (e instanceof DatabaseError && !isConflict(e)) await run("ROLLBACK TO SAVEPOINT write");
      throw e;
    }
  };
  const one = async (sql: string, params: unknown[]) => {
    const rows = await run<ObjectRecord>(sql, params);
    return rows[0] && toObjectRow(rows[0]);
  };

  return {
    getPool: async (fqdn) => {
      if (!storable(fqdn)) return undefined;
      return (await run<PoolRow>(`SELECT fqdn, created_at AS "createdAt" FROM pools WHERE fqdn = $1`, [fqdn]))[0];
    },
    listPools: async () => run<PoolRow>(`SELECT fqdn, created_at AS "createdAt" FROM pools ORDER BY fqdn`),
    ensurePool: async (fqdn, now, defaultSettings) => {
      await write(async () => {
        await run("INSERT INTO pools (fqdn, created_at) VALUES ($1, $2) ON CONFLICT (fqdn) DO NOTHING", [fqdn, now]);
        await run("INSERT INTO settings (pool, body, version, updated_at) VALUES ($1, $2, 1, $3) ON CONFLICT (pool) DO NOTHING", [
          fqdn,
          JSON.stringify(defaultSettings),
          now,
        ]);
      }).catch(translate);
      return (await run<PoolRow>(`SELECT fqdn, created_at AS "createdAt" FROM pools WHERE fqdn = $1`, [fqdn]))[0];
    },
    getObject: async (pool, kind, id) => {
      if (!storable(pool, id)) return undefined;
      return one("SELECT * FROM objects WHERE id = $1 AND pool = $2 AND kind = $3", [id, pool, kind]);
    },
    listObjects: async (pool, kind, o) => {
      if (!storable(pool, o.nameKey)) return [];
      const rows =
        o.nameKey === undefined
          ? await run<ObjectRecord>("SELECT * FROM objects WHERE pool = $1 AND kind = $2 AND seq > $3 ORDER BY seq LIMIT $4", [
              pool,
              kind,
              o.afterSeq,
              o.limit,
            ])
          : await run<ObjectRecord>(
              "SELECT * FROM objects WHERE pool = $1 AND kind = $2 AND name_key = $3 AND seq > $4 ORDER BY seq LIMIT $5",
              [pool, kind, o.nameKey, o.afterSeq, o.limit],
            );
      return rows.map(toObjectRow);
    },
    findByName: async (pool, kind, key) => {
      if (!storable(pool, key)) return undefined;
      return one("SELECT * FROM objects WHERE pool = $1 AND kind = $2 AND name_key = $3", [pool, kind, key]);
    },
    findByUri: async (uriKey) => {
      if (!storable(uriKey)) return undefined;
      return one("SELECT * FROM objects WHERE uri_key = $1", [uriKey]);
    },
    insertObject: async (o: NewObject) =>
      write(async () => {
        const rows = await run<ObjectRecord>(
          `INSERT INTO objects (id, pool, kind, name, name_key, uri_key, body, version, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8) RETURNING *`,
          [o.id, o.pool, o.kind, o.name, nameKey(o.name), o.uriKey, JSON.stringify(o.body), o.now],
        );
        return toObjectRow(rows[0]);
      }).catch(translate),
    updateObject: async (id, expected, c) =>
      write(async () => {
        const rows = await run<ObjectRecord>(
          `UPDATE objects SET name = $3, name_key = $4, uri_key = $5, body = $6, version = version + 1, updated_at = $7
           WHERE id = $1 AND version = $2 RETURNING *`,
          [id, expected, c.name, nameKey(c.name), c.uriKey, JSON.stringify(c.body), c.now],
        );
        return rows[0] && toObjectRow(rows[0]);
      }).catch(translate),
    deleteObject: async (id) =>
      write(async () => (await run("DELETE FROM objects WHERE id = $1 RETURNING id", [id])).length > 0).catch((e: unknown) => {
        if (e instanceof DatabaseError && e.code === "23503") throw new ConstraintViolation("in_use", e.message);
        return translate(e);
      }),
    setReferences: async (fromId, pool, refs: readonly ReferenceRow[]) =>
      write(async () => {
        await run("DELETE FROM refs WHERE from_id = $1", [fromId]);
        for (const r of refs) {
          await run("INSERT INTO refs (from_id, pool, to_id, to_kind, exclusive) VALUES ($1, $2, $3, $4, $5)", [
            fromId,
            pool,
            r.toId,
            r.toKind,
            r.exclusive,
          ]);
        }
      }).catch(translate),
    referrers: async (toId) => {
      if (!storable(toId)) return [];
      return run<Referrer>(
        `SELECT o.id AS id, o.kind AS kind, o.name AS name FROM refs r JOIN objects o ON o.id = r.from_id
         WHERE r.to_id = $1 AND r.from_id <> r.to_id ORDER BY o.seq`,
        [toId],
      );
    },
    setExclusive: async (toId, exclusive) =>
      write(async () => {
        await run("UPDATE refs SET exclusive = $1 WHERE to_id = $2", [exclusive, toId]);
      }).catch(translate),
    getIdempotency: async (key) => {
      if (!storable(key)) return undefined;
      const rows = await run<IdempotencyRecord>(
        `SELECT key, request_hash AS "requestHash", status, response, created_at AS "createdAt" FROM idempotency WHERE key = $1`,
        [key],
      );
      return rows[0];
    },
    putIdempotency: async (r: IdempotencyRecord) =>
      write(async () => {
        await run("INSERT INTO idempotency (key, request_hash, status, response, created_at) VALUES ($1, $2, $3, $4, $5)", [
          r.key,
          r.requestHash,
          r.status,
          r.response,
          r.createdAt,
        ]);
      }).catch(translate),
    expireIdempotency: async (before) => {
      await run("DELETE FROM idempotency WHERE created_at < $1", [before]);
    },
    getSettings: async (pool) => {
      if (!storable(pool)) return undefined;
      return toSettingsRow(
        (await run<SettingsRecord>(
          "SELECT pool, body, version, updated_at FROM settings WHERE pool = $1",
          [pool],
        ))[0],
      );
    },
    putSettings: async (pool, body, expected, now) =>
      toSettingsRow(
        (await run<SettingsRecord>(
          "UPDATE settings SET body = $1, version = version + 1, updated_at = $2 WHERE pool = $3 AND version = $4 RETURNING pool, body, version, updated_at",
          [JSON.stringify(body), now, pool, expected],
        ))[0],
      ),
  };
}
