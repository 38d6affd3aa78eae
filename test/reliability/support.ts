/**
 * Shared by the reliability tests: a seeded random source, the results file, plain-socket
 * requests that can fail without throwing, and read-only checks of a SQLite file the service left.
 *
 *   rng(seed) → () => number in [0, 1)            seedFrom(name) → the seed for a test file
 *   recordResults(section, data)                    merges into test/results/reliability.json
 *   send(base, method, path, options) → Outcome     a reply, or the network error that took its place
 *   inspectDatabase(file) → DatabaseReport          integrity_check, foreign keys, refs and idempotency rows
 *   inspectPostgres(db) → Promise<DatabaseReport>   the same checks on a PostgreSQL database
 *   inspectStore(target) → Promise<DatabaseReport>  either, for a suite that runs on both stores
 *   writeSignature(db) → string                     changes whenever anything is written
 *   postgresSignature(db) → Promise<string>         the same on PostgreSQL
 *   STORES, storeOrSkip(store)                      the stores a suite runs on, and its database
 */
import { mkdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Reply } from "../helpers/http";
import { testDatabaseOrSkip, type TestDatabase } from "../helpers/postgres";

/** Every reliability suite that keeps data runs on both stores. */
export const STORES = ["sqlite", "postgres"] as const;
export type StoreName = (typeof STORES)[number];

/**
 * For a suite's beforeAll: nothing for SQLite; for PostgreSQL a fresh database, or the reason
 * there is none (outside CI only: in CI a missing server fails the suite, see test/helpers/postgres).
 */
export async function storeOrSkip(store: StoreName): Promise<{ db?: TestDatabase; skipReason?: string }> {
  return store === "sqlite" ? {} : testDatabaseOrSkip();
}

export const RESULTS_FILE = resolve(__dirname, "../results/reliability.json");

/** mulberry32: small, fast and good enough to pick kill moments and bodies reproducibly. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RGS_RELIABILITY_SEED replays a run; otherwise a fresh seed, printed so a failure can be replayed. */
export function seedFrom(name: string): number {
  const fixed = process.env.RGS_RELIABILITY_SEED;
  const seed = fixed !== undefined && fixed !== "" ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
  console.log(`[reliability/${name}] seed ${seed} (RGS_RELIABILITY_SEED=${seed} replays it)`);
  return seed;
}

/**
 * Merges one section into the results file. Test files run in parallel workers, so the
 * read-modify-write is done under a lock directory (mkdir is atomic).
 */
export async function recordResults(section: string, data: Record<string, unknown>): Promise<void> {
  mkdirSync(resolve(RESULTS_FILE, ".."), { recursive: true });
  const lock = `${RESULTS_FILE}.lock`;
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      // A lock older than this run (a worker killed while holding it) is taken over after ~5 s.
      if (i > 100) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    let all: Record<string, unknown> = {};
    try {
      all = JSON.parse(readFileSync(RESULTS_FILE, "utf8")) as Record<string, unknown>;
    } catch {
      all = {};
    }
    // Runs in one work tree can overlap; the vitest process id tells whose numbers a section holds.
    all[section] = { ...data, recordedAt: new Date().toISOString(), vitestPid: process.ppid };
    const tmp = `${RESULTS_FILE}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(all, null, 2)}\n`);
    renameSync(tmp, RESULTS_FILE);
  } finally {
    try {
      rmdirSync(lock);
    } catch {
      // already gone
    }
  }
  console.log(`[reliability/${section}] ${JSON.stringify(data)}`);
}

export type Outcome = { ok: true; reply: Reply } | { ok: false; error: string };

/** Like call(), but a refused or cut connection is an outcome, not an exception. */
export async function send(
  base: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Outcome> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let payload: string | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(options.body);
  }
  try {
    const res = await fetch(`${base}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: unknown;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { ok: true, reply: { status: res.status, headers: res.headers, body, text } };
  } catch (e) {
    return { ok: false, error: networkCode(e) };
  }
}

/** ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET, ...: the lowest error code fetch reports. */
export function networkCode(e: unknown): string {
  let cur: unknown = e;
  let code = "unknown";
  for (let i = 0; i < 5 && cur; i++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === "string") code = c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return code;
}

export interface DatabaseReport {
  integrity: string;
  foreignKeyViolations: number;
  /** Queues whose refs rows differ from the agentGroupIds of their body. */
  refsMismatches: string[];
  /** Idempotency records whose object is missing or differs from the recorded answer's id. */
  orphanIdempotency: string[];
  objects: number;
}

/**
 * Opens the file read-only, as it was left (by a crash, say), and checks it: SQLite's own
 * integrity check, the foreign keys, and that every multi-row write is whole (a queue's refs rows
 * match its body; an idempotency record's object exists).
 */
export function inspectDatabase(dataDir: string): DatabaseReport {
  const db = new Database(join(dataDir, "rgs.db"), { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma("integrity_check") as { integrity_check: string }[]).map((r) => r.integrity_check).join("; ");
    const foreignKeyViolations = (db.pragma("foreign_key_check") as unknown[]).length;
    const refsMismatches: string[] = [];
    const queues = db.prepare("SELECT id, body FROM objects WHERE kind = 'queues'").all() as { id: string; body: string }[];
    const refs = db.prepare("SELECT to_id AS toId FROM refs WHERE from_id = ? AND to_kind = 'agent-groups' ORDER BY to_id");
    for (const q of queues) {
      const want = [...new Set((JSON.parse(q.body) as { agentGroupIds: string[] }).agentGroupIds)].sort();
      const have = (refs.all(q.id) as { toId: string }[]).map((r) => r.toId);
      if (JSON.stringify(want) !== JSON.stringify(have)) refsMismatches.push(q.id);
    }
    const orphanIdempotency: string[] = [];
    const exists = db.prepare("SELECT 1 FROM objects WHERE id = ?");
    for (const r of db.prepare("SELECT key, response FROM idempotency").all() as { key: string; response: string }[]) {
      const id = (JSON.parse(r.response) as { id: string }).id;
      if (!exists.get(id)) orphanIdempotency.push(r.key);
    }
    const objects = (db.prepare("SELECT count(*) AS n FROM objects").get() as { n: number }).n;
    return { integrity, foreignKeyViolations, refsMismatches, orphanIdempotency, objects };
  } finally {
    db.close();
  }
}

/**
 * The checks of inspectDatabase on PostgreSQL, through the server. Its own integrity is the
 * server's business; "ok" here means every row of every table could be read and every stored body
 * and answer parses as JSON. The foreign keys are counted as rows that break them, though the
 * server enforces them, so a constraint dropped or deferred would show.
 */
export async function inspectPostgres(db: TestDatabase): Promise<DatabaseReport> {
  const bad: string[] = [];
  const objects = await db.query<{ id: string; kind: string; body: string }>("SELECT id, kind, body FROM objects ORDER BY seq");
  for (const o of objects) {
    try {
      JSON.parse(o.body);
    } catch {
      bad.push(`objects ${o.id}: body is not JSON`);
    }
  }
  const idem = await db.query<{ key: string; response: string }>("SELECT key, response FROM idempotency");
  const responses: { key: string; id: string | undefined }[] = [];
  for (const r of idem) {
    try {
      responses.push({ key: r.key, id: (JSON.parse(r.response) as { id?: string }).id });
    } catch {
      bad.push(`idempotency ${r.key}: response is not JSON`);
    }
  }
  const [fk] = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM refs r WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = r.from_id))
          + (SELECT count(*) FROM refs r WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = r.to_id AND o.pool = r.pool AND o.kind = r.to_kind))
          + (SELECT count(*) FROM objects o WHERE NOT EXISTS (SELECT 1 FROM pools p WHERE p.fqdn = o.pool))
          + (SELECT count(*) FROM settings s WHERE NOT EXISTS (SELECT 1 FROM pools p WHERE p.fqdn = s.pool))
          + (SELECT count(*) FROM unique_keys u WHERE NOT EXISTS (SELECT 1 FROM objects o WHERE o.id = u.object_id)) AS n`,
  );
  const refs = await db.query<{ from_id: string; to_id: string }>("SELECT from_id, to_id FROM refs WHERE to_kind = 'agent-groups' ORDER BY from_id, to_id");
  const have = new Map<string, string[]>();
  for (const r of refs) (have.get(r.from_id) ?? have.set(r.from_id, []).get(r.from_id)!).push(r.to_id);
  const refsMismatches: string[] = [];
  for (const q of objects.filter((o) => o.kind === "queues")) {
    let want: string[] = [];
    try {
      want = [...new Set((JSON.parse(q.body) as { agentGroupIds: string[] }).agentGroupIds)].sort();
    } catch {
      continue;
    }
    if (JSON.stringify(want) !== JSON.stringify(have.get(q.id) ?? [])) refsMismatches.push(q.id);
  }
  const ids = new Set(objects.map((o) => o.id));
  const orphanIdempotency = responses.filter((r) => r.id === undefined || !ids.has(r.id)).map((r) => r.key);
  return { integrity: bad.length === 0 ? "ok" : bad.join("; "), foreignKeyViolations: Number(fk.n), refsMismatches, orphanIdempotency, objects: objects.length };
}

/** inspectDatabase or inspectPostgres, whichever store the service ran on. */
export async function inspectStore(target: { dataDir: string; db?: TestDatabase }): Promise<DatabaseReport> {
  return target.db ? inspectPostgres(target.db) : inspectDatabase(target.dataDir);
}

const SIGNATURE_SQL = `SELECT (SELECT count(*) FROM pools) AS pools,
              (SELECT count(*) FROM objects) AS objects,
              (SELECT coalesce(sum(version), 0) FROM objects) AS versions,
              (SELECT coalesce(max(seq), 0) FROM objects) AS seq,
              (SELECT count(*) FROM refs) AS refs,
              (SELECT count(*) FROM idempotency) AS keys,
              (SELECT coalesce(sum(version), 0) FROM settings) AS settings`;

/** writeSignature on PostgreSQL: the same figures, as text. */
export async function postgresSignature(db: TestDatabase): Promise<string> {
  const [row] = await db.query<Record<string, string>>(SIGNATURE_SQL);
  return JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])));
}

/**
 * A fingerprint of everything the service can write: it changes with any insert, update or
 * delete of a pool, object, reference, idempotency record or settings row.
 */
export function writeSignature(db: Database.Database): string {
  const row = db.prepare(SIGNATURE_SQL).get() as Record<string, unknown>;
  return JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])));
}

/** The fields of an object that its body set, without the server's. */
export function userFields(view: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, identity: _identity, etag: _etag, ownerPool: _pool, createdAt: _c, updatedAt: _u, ...rest } = view;
  return rest;
}
