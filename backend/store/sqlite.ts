/**
 * The SQLite store: one file, WAL with synchronous commits, numbered migrations.
 */
import Database from "better-sqlite3";
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

/** Schema changes in order; a database records the highest it has applied in user_version. */
export const SQLITE_MIGRATIONS: readonly { version: number; name: string; sql: string }[] = [
  {
    version: 1,
    name: "objects, references, idempotency, settings",
    sql: `
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
    `,
  },
];

// SQLite names the failed constraint only in its message; map it to the rule it holds.
function translate(e: unknown): never {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? "";
  if (err.code === "SQLITE_CONSTRAINT_UNIQUE" || err.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    if (msg.includes("objects.uri_key")) throw new ConstraintViolation("uri", msg);
    if (msg.includes("objects.pool") || msg.includes("name_key")) throw new ConstraintViolation("name", msg);
    if (msg.includes("refs.to_id")) throw new ConstraintViolation("exclusive", msg);
    if (msg.includes("idempotency.key")) throw new ConstraintViolation("idempotency", msg);
    if (msg.includes("pools.fqdn")) throw new ConstraintViolation("pool", msg);
  }
  if (err.code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
    throw new ConstraintViolation("reference", msg);
  }
  throw e;
}

// Errors that say the database cannot work now rather than that the request was wrong.
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|IOERR|READONLY|CANTOPEN)/;

function unavailable(e: unknown): unknown {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === "string" && UNAVAILABLE.test(code)) {
    return new StoreUnavailable(`the SQLite database is unavailable (${code})`, { cause: e });
  }
  return e;
}

export interface SqliteStoreOptions {
  /** Path of the database file; ":memory:" for a throwaway store. */
  file: string;
}

/** Most transactions committed together; a bound keeps one commit's latency in check. */
const MAX_BATCH = 64;

interface Pending {
  fn: (tx: StoreTx) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly tx: StoreTx;
  // Reads run on a second connection, which sees committed data only and never waits for a commit.
  private readonly reader: Database.Database | undefined;
  private readonly readTx: StoreTx | undefined;
  // Writes waiting for the next batch, and the batches in progress.
  private pending: Pending[] = [];
  private writing: Promise<void> | undefined;

  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.file);
    this.db.pragma("journal_mode = WAL");
    // FULL makes every commit durable before the answer goes out; NORMAL may lose the last ones on power loss.
    this.db.pragma("synchronous = FULL");
    this.db.pragma("foreign_keys = ON");
    this.db.pragma("busy_timeout = 5000");
    this.migrate();
    this.tx = this.makeTx(this.db);
    if (options.file !== ":memory:" && options.file !== "") {
      this.reader = new Database(options.file);
      this.reader.pragma("busy_timeout = 5000");
      this.readTx = this.makeTx(this.reader);
    }
  }

  /** The schema version the database is at. */
  get schemaVersion(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  /**
   * Transactions that arrive together are committed together (group commit): each runs in a
   * savepoint of one write transaction, so a failure undoes only its own changes, and every
   * answer waits for the one commit, so each is as durable as if it had been committed alone.
   */
  async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      // Requests read from the network in this turn of the event loop join the same batch.
      this.writing ??= new Promise<void>((done) => setImmediate(() => void this.writeBatches().finally(done)));
    });
  }

  /**
   * Runs `fn` on the reading connection, outside any transaction: each statement sees what was
   * committed when it ran, and none waits for a write. `fn` must only read.
   */
  async read<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (!this.reader || !this.readTx) return this.transaction(fn);
    if (!this.reader.open) throw new StoreUnavailable("the SQLite database is closed");
    try {
      return await fn(this.readTx);
    } catch (e) {
      throw unavailable(e);
    }
  }

  private async writeBatches(): Promise<void> {
    try {
      while (this.pending.length > 0) await this.writeBatch(this.pending.splice(0, MAX_BATCH));
    } finally {
      this.writing = undefined;
    }
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    const db = this.db;
    const settle = (items: { p: Pending; ok: boolean; value: unknown }[]) => {
      for (const { p, ok, value } of items) (ok ? p.resolve : p.reject)(value);
    };
    let done: { p: Pending; ok: boolean; value: unknown }[] = [];
    // Ends the transaction when it is still open; the outcome of everything in it is `failure` if given.
    const finish = (failure?: unknown) => {
      if (failure !== undefined) {
        if (db.open && db.inTransaction) db.exec("ROLLBACK");
        settle(done.map((d) => ({ p: d.p, ok: false, value: d.ok ? failure : d.value })));
      } else {
        settle(done);
      }
      done = [];
    };
    const begin = (): unknown => {
      if (!db.open) return new StoreUnavailable("the SQLite database is closed");
      try {
        db.exec("BEGIN IMMEDIATE");
        return undefined;
      } catch (e) {
        return unavailable(e);
      }
    };
    let refused = begin();
    for (const p of batch) {
      if (refused !== undefined) {
        p.reject(refused);
        continue;
      }
      try {
        db.exec("SAVEPOINT request");
        const value = await p.fn(this.tx);
        db.exec("RELEASE request");
        done.push({ p, ok: true, value });
      } catch (e) {
        const error = unavailable(e);
        if (db.open && db.inTransaction) {
          db.exec("ROLLBACK TO request");
          db.exec("RELEASE request");
          done.push({ p, ok: false, value: error });
        } else {
          // SQLite rolled the whole transaction back (disk full, I/O error) or the store closed:
          // what the others wrote is gone too. Those still waiting start a transaction of their own.
          done.push({ p, ok: false, value: error });
          finish(error instanceof StoreUnavailable ? error : new StoreUnavailable("the SQLite transaction was rolled back", { cause: e }));
          refused = begin();
        }
      }
    }
    if (refused !== undefined) return finish();
    try {
      db.exec("COMMIT");
    } catch (e) {
      return finish(unavailable(e) instanceof StoreUnavailable ? unavailable(e) : new StoreUnavailable("the SQLite commit failed", { cause: e }));
    }
    finish();
  }

  async ping(): Promise<boolean> {
    try {
      return this.db.open && (this.db.prepare("SELECT 1 AS one").get() as { one: number }).one === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.reader?.open) this.reader.close();
    if (this.db.open) this.db.close();
  }

  /** PRAGMA integrity_check: "ok" when the file is sound. */
  integrityCheck(): string {
    return (this.db.pragma("integrity_check", { simple: true }) as string) ?? "";
  }

  private migrate(): void {
    // The version is read under the write lock: two services started at once on a new file would
    // otherwise both see version 0 and the second would fail creating tables that now exist.
    this.db
      .transaction(() => {
        const current = this.db.pragma("user_version", { simple: true }) as number;
        for (const m of SQLITE_MIGRATIONS) {
          if (m.version <= current) continue;
          this.db.exec(m.sql);
          this.db.pragma(`user_version = ${m.version}`);
        }
      })
      .immediate();
  }

  private makeTx(db: Database.Database): StoreTx {
    const q = {
      getPool: db.prepare("SELECT fqdn, created_at AS createdAt FROM pools WHERE fqdn = ?"),
      listPools: db.prepare("SELECT fqdn, created_at AS createdAt FROM pools ORDER BY fqdn"),
      insertPool: db.prepare("INSERT INTO pools (fqdn, created_at) VALUES (?, ?) ON CONFLICT (fqdn) DO NOTHING"),
      insertSettings: db.prepare(
        "INSERT INTO settings (pool, body, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (pool) DO NOTHING",
      ),
      getObject: db.prepare("SELECT * FROM objects WHERE id = ? AND pool = ? AND kind = ?"),
      listObjects: db.prepare("SELECT * FROM objects WHERE pool = ? AND kind = ? AND seq > ? ORDER BY seq LIMIT ?"),
      listByName: db.prepare("SELECT * FROM objects WHERE pool = ? AND kind = ? AND name_key = ? AND seq > ? ORDER BY seq LIMIT ?"),
      findByName: db.prepare("SELECT * FROM objects WHERE pool = ? AND kind = ? AND name_key = ?"),
      findByUri: db.prepare("SELECT * FROM objects WHERE uri_key = ?"),
      insertObject: db.prepare(
        `INSERT INTO objects (id, pool, kind, name, name_key, uri_key, body, version, created_at, updated_at)
         VALUES (@id, @pool, @kind, @name, @nameKey, @uriKey, @body, 1, @now, @now) RETURNING *`,
      ),
      updateObject: db.prepare(
        `UPDATE objects SET name = @name, name_key = @nameKey, uri_key = @uriKey, body = @body,
           version = version + 1, updated_at = @now
         WHERE id = @id AND version = @expected RETURNING *`,
      ),
      deleteObject: db.prepare("DELETE FROM objects WHERE id = ?"),
      deleteRefs: db.prepare("DELETE FROM refs WHERE from_id = ?"),
      insertRef: db.prepare("INSERT INTO refs (from_id, pool, to_id, to_kind, exclusive) VALUES (?, ?, ?, ?, ?)"),
      referrers: db.prepare(
        `SELECT o.id AS id, o.kind AS kind, o.name AS name FROM refs r JOIN objects o ON o.id = r.from_id
         WHERE r.to_id = ? AND r.from_id <> r.to_id ORDER BY o.seq`,
      ),
      setExclusive: db.prepare("UPDATE refs SET exclusive = ? WHERE to_id = ?"),
      getIdem: db.prepare(
        "SELECT key, request_hash AS requestHash, status, response, created_at AS createdAt FROM idempotency WHERE key = ?",
      ),
      putIdem: db.prepare(
        "INSERT INTO idempotency (key, request_hash, status, response, created_at) VALUES (@key, @requestHash, @status, @response, @createdAt)",
      ),
      expireIdem: db.prepare("DELETE FROM idempotency WHERE created_at < ?"),
      getSettings: db.prepare("SELECT pool, body, version, updated_at FROM settings WHERE pool = ?"),
      putSettings: db.prepare(
        "UPDATE settings SET body = ?, version = version + 1, updated_at = ? WHERE pool = ? AND version = ? RETURNING pool, body, version, updated_at",
      ),
    };
    const guard = <T>(f: () => T): T => {
      try {
        return f();
      } catch (e) {
        return translate(e);
      }
    };

    return {
      getPool: async (fqdn) => q.getPool.get(fqdn) as PoolRow | undefined,
      listPools: async () => q.listPools.all() as PoolRow[],
      ensurePool: async (fqdn, now, defaultSettings) => {
        q.insertPool.run(fqdn, now);
        q.insertSettings.run(fqdn, JSON.stringify(defaultSettings), now);
        return q.getPool.get(fqdn) as PoolRow;
      },
      getObject: async (pool, kind, id) => {
        const r = q.getObject.get(id, pool, kind) as ObjectRecord | undefined;
        return r && toObjectRow(r);
      },
      listObjects: async (pool, kind, o) => {
        const rows =
          o.nameKey === undefined
            ? q.listObjects.all(pool, kind, o.afterSeq, o.limit)
            : q.listByName.all(pool, kind, o.nameKey, o.afterSeq, o.limit);
        return (rows as ObjectRecord[]).map(toObjectRow);
      },
      findByName: async (pool, kind, nameKey) => {
        const r = q.findByName.get(pool, kind, nameKey) as ObjectRecord | undefined;
        return r && toObjectRow(r);
      },
      findByUri: async (uriKey) => {
        const r = q.findByUri.get(uriKey) as ObjectRecord | undefined;
        return r && toObjectRow(r);
      },
      insertObject: async (o: NewObject) =>
        guard(() =>
          toObjectRow(
            q.insertObject.get({
              id: o.id,
              pool: o.pool,
              kind: o.kind,
              name: o.name,
              nameKey: nameKey(o.name),
              uriKey: o.uriKey,
              body: JSON.stringify(o.body),
              now: o.now,
            }) as ObjectRecord,
          ),
        ),
      updateObject: async (id, expected, c) =>
        guard(() => {
          const r = q.updateObject.get({
            id,
            expected,
            name: c.name,
            nameKey: nameKey(c.name),
            uriKey: c.uriKey,
            body: JSON.stringify(c.body),
            now: c.now,
          }) as ObjectRecord | undefined;
          return r && toObjectRow(r);
        }),
      deleteObject: async (id) =>
        guard(() => {
          try {
            return q.deleteObject.run(id).changes > 0;
          } catch (e) {
            if ((e as { code?: string }).code === "SQLITE_CONSTRAINT_FOREIGNKEY") {
              throw new ConstraintViolation("in_use", (e as Error).message);
            }
            throw e;
          }
        }),
      // A savepoint, so a refused reference leaves the old ones in place and the transaction usable.
      setReferences: async (fromId, pool, refs: readonly ReferenceRow[]) =>
        guard(
          db.transaction(() => {
            q.deleteRefs.run(fromId);
            for (const r of refs) q.insertRef.run(fromId, pool, r.toId, r.toKind, r.exclusive ? 1 : 0);
          }),
        ),
      referrers: async (toId) => q.referrers.all(toId) as Referrer[],
      setExclusive: async (toId, exclusive) =>
        guard(() => {
          q.setExclusive.run(exclusive ? 1 : 0, toId);
        }),
      getIdempotency: async (key) => q.getIdem.get(key) as IdempotencyRecord | undefined,
      putIdempotency: async (r: IdempotencyRecord) =>
        guard(() => {
          q.putIdem.run(r);
        }),
      expireIdempotency: async (before) => {
        q.expireIdem.run(before);
      },
      getSettings: async (pool) => toSettingsRow(q.getSettings.get(pool) as SettingsRecord | undefined),
      putSettings: async (pool, body, expected, now) =>
        toSettingsRow(q.putSettings.get(JSON.stringify(body), now, pool, expected) as SettingsRecord | undefined),
    };
  }
}
