/**
 * The SQLite store: one file, WAL with synchronous commits, numbered migrations
 * (migrations/sqlite.ts), the statements of statements.ts.
 */
import Database from "better-sqlite3";
import { pending } from "./migrations/migration";
import { SQLITE_MIGRATIONS } from "./migrations/sqlite";
import { bind, compile, type Compiled, type Statement, type Value } from "./statements";
import { ConstraintViolation, type Store, type StoreTx, StoreUnavailable } from "./store";
import { type Connection, storeTx } from "./store-tx";

export { SQLITE_MIGRATIONS };

// SQLite names the failed constraint only in its message; map it to the rule it holds.
function violation(e: unknown): ConstraintViolation | undefined {
  const err = e as { code?: string; message?: string };
  const msg = err.message ?? "";
  if (err.code === "SQLITE_CONSTRAINT_UNIQUE" || err.code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    if (msg.includes("unique_keys.key")) return new ConstraintViolation("unique", msg);
    if (msg.includes("objects.pool") || msg.includes("name_key")) return new ConstraintViolation("name", msg);
    if (msg.includes("refs.to_id")) return new ConstraintViolation("exclusive", msg);
    if (msg.includes("idempotency.key")) return new ConstraintViolation("idempotency", msg);
    if (msg.includes("pools.fqdn")) return new ConstraintViolation("pool", msg);
    if (msg.includes("audio_files.pool")) return new ConstraintViolation("content", msg);
  }
  if (err.code === "SQLITE_CONSTRAINT_FOREIGNKEY") return new ConstraintViolation("reference", msg);
  return undefined;
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

  /** Opens the file and applies the migrations it lacks; throws SchemaTooNew for a file of a newer pulumi-rgs. */
  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.file);
    try {
      this.db.pragma("journal_mode = WAL");
      // FULL makes every commit durable before the answer goes out; NORMAL may lose the last ones on power loss.
      this.db.pragma("synchronous = FULL");
      this.db.pragma("foreign_keys = ON");
      this.db.pragma("busy_timeout = 5000");
      this.migrate(`SQLite database ${options.file}`);
    } catch (e) {
      this.db.close();
      throw e;
    }
    this.tx = storeTx(connection(this.db));
    if (options.file !== ":memory:" && options.file !== "") {
      this.reader = new Database(options.file);
      this.reader.pragma("busy_timeout = 5000");
      this.readTx = storeTx(connection(this.reader));
    }
  }

  /** The highest migration applied to the database. */
  async schemaVersion(): Promise<number> {
    if (!this.db.open) throw new StoreUnavailable("the SQLite database is closed");
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

  private migrate(database: string): void {
    // The version is read under the write lock: two services started at once on a new file would
    // otherwise both see version 0 and the second would fail creating tables that now exist.
    this.db
      .transaction(() => {
        const current = this.db.pragma("user_version", { simple: true }) as number;
        for (const m of pending(SQLITE_MIGRATIONS, current, database)) {
          this.db.exec(m.sql);
          this.db.pragma(`user_version = ${m.version}`);
        }
      })
      .immediate();
  }
}

/** Statements on one connection, each prepared once. */
function connection(db: Database.Database): Connection {
  const prepared = new Map<Statement, Compiled & { run: Database.Statement }>();
  const prepare = (s: Statement) => {
    let p = prepared.get(s);
    if (!p) {
      const compiled = compile(s, "sqlite");
      p = { ...compiled, run: db.prepare(compiled.sql) };
      prepared.set(s, p);
    }
    return p;
  };
  return {
    all: async <P extends Record<string, Value>, R>(s: Statement<P, R>, params: P): Promise<R[]> => {
      const p = prepare(s);
      const values = bind(p, params, "sqlite", s.name);
      if (p.run.reader) return p.run.all(...values) as R[];
      p.run.run(...values);
      return [];
    },
    atomically: async <R>(statements: () => Promise<R>): Promise<R> => {
      db.exec("SAVEPOINT write");
      try {
        const result = await statements();
        db.exec("RELEASE write");
        return result;
      } catch (e) {
        // SQLite may have rolled the whole transaction back itself (disk full); then there is no savepoint left.
        if (db.open && db.inTransaction) {
          db.exec("ROLLBACK TO write");
          db.exec("RELEASE write");
        }
        throw e;
      }
    },
    violation,
  };
}
