/**
 * PostgreSQL for tests: a fresh database of its own per test file, on the server that
 * RGS_TEST_DATABASE_URL names (`.ci/run` starts one and sets it; the default is the role that
 * scripts/ensure-postgres makes on 127.0.0.1:5432).
 *
 *   createTestDatabase(): Promise<TestDatabase>
 *     CREATE DATABASE with a random name; { url, name, query(sql, params?), drop() }. drop() ends
 *     the connections still open to it and drops it.
 *   testDatabaseOrSkip(): Promise<{ db?: TestDatabase; skipReason?: string }>
 *     For beforeAll. In CI (CI=true) an unreachable server is an error, so the PostgreSQL tests
 *     fail rather than vanish; elsewhere they are skipped with skipReason, which is also printed.
 */
import { randomBytes } from "node:crypto";
import { Client, type QueryResultRow } from "pg";

export const TEST_DATABASE_URL = process.env.RGS_TEST_DATABASE_URL || "postgres://rgs_test:rgs_test@127.0.0.1:5432/postgres";

export const IN_CI = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false" && process.env.CI !== "0";

export interface TestDatabase {
  url: string;
  name: string;
  query<R extends QueryResultRow = QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function masked(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `rgs_test_${randomBytes(6).toString("hex")}`;
  const admin = new Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  } catch (e) {
    await admin.end().catch(() => undefined);
    const err = e as Error & { errors?: Error[] };
    const why = err.message || err.errors?.map((x) => x.message).join("; ") || String(e);
    throw new Error(
      `no PostgreSQL for the tests at ${masked(TEST_DATABASE_URL)} (${why}); run scripts/ensure-postgres as root, or set RGS_TEST_DATABASE_URL to a role that may CREATE DATABASE`,
    );
  }
  await admin.end();
  const url = withDatabase(TEST_DATABASE_URL, name);
  const client = new Client({ connectionString: url });
  await client.connect();
  let dropped = false;
  return {
    url,
    name,
    query: async <R extends QueryResultRow>(sql: string, params?: unknown[]) => (await client.query<R>(sql, params)).rows,
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await client.end().catch(() => undefined);
      const a = new Client({ connectionString: TEST_DATABASE_URL });
      await a.connect();
      try {
        await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await a.end();
      }
    },
  };
}

export async function testDatabaseOrSkip(): Promise<{ db?: TestDatabase; skipReason?: string }> {
  try {
    return { db: await createTestDatabase() };
  } catch (e) {
    if (IN_CI) throw e;
    const skipReason = (e as Error).message;
    process.stderr.write(`skipping the PostgreSQL tests: ${skipReason}\n`);
    return { skipReason };
  }
}
