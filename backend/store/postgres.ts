/**
 * The PostgreSQL store: for several service instances on one database. The same tables and
 * constraints as the SQLite store (compare migrations/postgres.ts with migrations/sqlite.ts) and
 * the same statements (statements.ts); migrations applied under an advisory lock, one pooled
 * connection per transaction.
 */
import { DatabaseError, Pool, type PoolClient, type QueryResultRow } from "pg";
import { maskUrl, redactPassword } from "./mask-url";
import { pending } from "./migrations/migration";
import { POSTGRES_MIGRATIONS } from "./migrations/postgres";
import { bind, compile, type Compiled, type Statement, type Value } from "./statements";
import { ConstraintViolation, SchemaTooNew, type Store, type StoreTx, StoreUnavailable } from "./store";
import { type Connection, storeTx } from "./store-tx";

export { POSTGRES_MIGRATIONS };
export { maskUrl };

/** Transactions tried this many times in all when PostgreSQL reports a serialization failure or deadlock. */
export const MAX_ATTEMPTS = 10;

const SERIALIZATION_FAILURE = "40001";
const DEADLOCK = "40P01";

// PostgreSQL names the failed constraint; map it to the rule it holds, as sqlite.ts does from its messages.
const UNIQUE_CONSTRAINTS: Record<string, ConstraintViolation["constraint"]> = {
  objects_name_unique: "name",
  unique_keys_pkey: "unique",
  refs_exclusive: "exclusive",
  idempotency_pkey: "idempotency",
  pools_pkey: "pool",
  audio_files_content_unique: "content",
};

function violation(e: unknown): ConstraintViolation | undefined {
  if (e instanceof DatabaseError) {
    if (e.code === "23505") {
      const constraint = UNIQUE_CONSTRAINTS[e.constraint ?? ""];
      if (constraint) return new ConstraintViolation(constraint, e.message);
    }
    if (e.code === "23503") return new ConstraintViolation("reference", e.message);
  }
  return undefined;
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
      await store.migrate(`PostgreSQL database ${maskUrl(options.url)}`);
    } catch (e) {
      await pool.end().catch(() => undefined);
      if (e instanceof SchemaTooNew) throw e;
      throw new Error(`cannot open the PostgreSQL database ${maskUrl(options.url)}: ${redactPassword(describeError(e), options.url)}`, { cause: e });
    }
    return store;
  }

  /** The highest migration applied to the database. */
  async schemaVersion(): Promise<number> {
    if (this.closed) throw new StoreUnavailable("the PostgreSQL store is closed");
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
      const value = await fn(storeTx(connection(run, state)));
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

  private async migrate(database: string): Promise<void> {
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
      for (const m of pending(POSTGRES_MIGRATIONS, rows[0].v, database)) {
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

/** Statements on the transaction's connection; each compiled once per process. */
function connection(run: Run, state: TxState): Connection {
  return {
    all: async <P extends Record<string, Value>, R>(s: Statement<P, R>, params: P): Promise<R[]> => {
      const c = compiled(s);
      return (await run(c.sql, bind(c, params, "postgres", s.name))) as R[];
    },
    // A write that breaks a constraint is undone alone, as in SQLite, and the transaction goes on;
    // after a conflict or a lost connection the whole transaction ends instead.
    atomically: async <R>(statements: () => Promise<R>): Promise<R> => {
      await run("SAVEPOINT write");
      try {
        const result = await statements();
        await run("RELEASE SAVEPOINT write");
        return result;
      } catch (e) {
        if (!state.conflict && !state.broken && !(e instanceof StoreUnavailable)) await run("ROLLBACK TO SAVEPOINT write");
        throw e;
      }
    },
    violation,
  };
}

const COMPILED = new Map<Statement, Compiled>();

function compiled(s: Statement): Compiled {
  let c = COMPILED.get(s);
  if (!c) {
    c = compile(s, "postgres");
    COMPILED.set(s, c);
  }
  return c;
}
