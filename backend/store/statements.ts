/**
 * Every statement the stores run, written once with named parameters (`:name`), and the one
 * place that turns them into each dialect's SQL: `?` in order of appearance for SQLite, `$n` per
 * distinct name for PostgreSQL, and booleans as SQLite's 0/1.
 *
 * Both dialects take the same text otherwise: RETURNING and ON CONFLICT … DO NOTHING are spelled
 * alike, aliases are double-quoted because PostgreSQL folds bare ones to lower case, and
 * PostgreSQL's BIGINT seq comes back as text, which toObjectRow reads as a number.
 */
import type { KindName } from "../../sdk/model/kind";
import type { AudioFileRecord, AudioUser, IdempotencyRecord, ObjectRecord, PoolRow, Referrer, SettingsRecord } from "./store";

export type Dialect = "sqlite" | "postgres";

export type Value = string | number | boolean | null | Uint8Array;

/** A statement taking parameters P and answering rows R (none for a statement without RETURNING). */
export interface Statement<P extends Record<string, Value> = Record<string, Value>, R = unknown> {
  readonly name: string;
  readonly text: string;
  /** Only for the type checker: what the statement takes and answers. */
  readonly __types?: { params: P; row: R };
}

export interface Compiled {
  readonly sql: string;
  /** The parameter bound to each placeholder, in order. */
  readonly order: readonly string[];
}

// A `:name` not preceded by another colon, so PostgreSQL casts (`::int`) are left alone.
const PARAMETER = /(?<![:\w]):([A-Za-z_]\w*)/g;

export function compile(statement: Statement, dialect: Dialect): Compiled {
  const order: string[] = [];
  const sql = statement.text.replace(PARAMETER, (_, name: string) => {
    if (dialect === "sqlite") {
      order.push(name);
      return "?";
    }
    let i = order.indexOf(name);
    if (i < 0) i = order.push(name) - 1;
    return `$${i + 1}`;
  });
  return { sql, order };
}

/** The values for a compiled statement's placeholders. */
export function bind(compiled: Compiled, params: Record<string, Value>, dialect: Dialect, statement: string): unknown[] {
  return compiled.order.map((name) => {
    const v = params[name];
    if (v === undefined) throw new Error(`statement ${statement} needs parameter :${name}`);
    return dialect === "sqlite" && typeof v === "boolean" ? (v ? 1 : 0) : v;
  });
}

function statement<P extends Record<string, Value>, R = never>(name: string, text: string): Statement<P, R> {
  return { name, text };
}

const OBJECT_FIELDS = ["seq", "id", "pool", "kind", "name", "body", "version", "created_at", "updated_at"];
const OBJECT_COLUMNS = OBJECT_FIELDS.join(", ");
const SETTINGS_COLUMNS = "pool, body, version, updated_at";
const AUDIO_COLUMNS = "seq, id, pool, sha256, body, created_at";

type ObjectParams = { id: string; pool: string; kind: KindName };

export const STATEMENTS = {
  getPool: statement<{ fqdn: string }, PoolRow>("getPool", `SELECT fqdn, created_at AS "createdAt" FROM pools WHERE fqdn = :fqdn`),
  listPools: statement<Record<string, never>, PoolRow>("listPools", `SELECT fqdn, created_at AS "createdAt" FROM pools ORDER BY fqdn`),
  insertPool: statement<{ fqdn: string; now: string }>(
    "insertPool",
    "INSERT INTO pools (fqdn, created_at) VALUES (:fqdn, :now) ON CONFLICT (fqdn) DO NOTHING",
  ),
  insertSettings: statement<{ pool: string; body: string; now: string }>(
    "insertSettings",
    "INSERT INTO settings (pool, body, version, updated_at) VALUES (:pool, :body, 1, :now) ON CONFLICT (pool) DO NOTHING",
  ),

  getObject: statement<ObjectParams, ObjectRecord>(
    "getObject",
    `SELECT ${OBJECT_COLUMNS} FROM objects WHERE id = :id AND pool = :pool AND kind = :kind`,
  ),
  listObjects: statement<{ pool: string; kind: KindName; afterSeq: number; limit: number }, ObjectRecord>(
    "listObjects",
    `SELECT ${OBJECT_COLUMNS} FROM objects WHERE pool = :pool AND kind = :kind AND seq > :afterSeq ORDER BY seq LIMIT :limit`,
  ),
  listByName: statement<{ pool: string; kind: KindName; nameKey: string; afterSeq: number; limit: number }, ObjectRecord>(
    "listByName",
    `SELECT ${OBJECT_COLUMNS} FROM objects
     WHERE pool = :pool AND kind = :kind AND name_key = :nameKey AND seq > :afterSeq ORDER BY seq LIMIT :limit`,
  ),
  findByName: statement<{ pool: string; kind: KindName; nameKey: string }, ObjectRecord>(
    "findByName",
    `SELECT ${OBJECT_COLUMNS} FROM objects WHERE pool = :pool AND kind = :kind AND name_key = :nameKey`,
  ),
  findByUniqueKey: statement<{ key: string }, ObjectRecord>(
    "findByUniqueKey",
    `SELECT ${OBJECT_FIELDS.map((c) => `o.${c}`).join(", ")}
     FROM unique_keys u JOIN objects o ON o.id = u.object_id WHERE u.key = :key`,
  ),
  insertObject: statement<ObjectParams & { name: string; nameKey: string; body: string; now: string }, ObjectRecord>(
    "insertObject",
    `INSERT INTO objects (id, pool, kind, name, name_key, body, version, created_at, updated_at)
     VALUES (:id, :pool, :kind, :name, :nameKey, :body, 1, :now, :now) RETURNING ${OBJECT_COLUMNS}`,
  ),
  updateObject: statement<{ id: string; expected: number; name: string; nameKey: string; body: string; now: string }, ObjectRecord>(
    "updateObject",
    `UPDATE objects SET name = :name, name_key = :nameKey, body = :body, version = version + 1, updated_at = :now
     WHERE id = :id AND version = :expected RETURNING ${OBJECT_COLUMNS}`,
  ),
  deleteObject: statement<{ id: string }, { id: string }>("deleteObject", "DELETE FROM objects WHERE id = :id RETURNING id"),

  insertUniqueKey: statement<{ key: string; objectId: string; field: string }>(
    "insertUniqueKey",
    "INSERT INTO unique_keys (key, object_id, field) VALUES (:key, :objectId, :field)",
  ),
  deleteUniqueKeys: statement<{ objectId: string }>("deleteUniqueKeys", "DELETE FROM unique_keys WHERE object_id = :objectId"),

  deleteRefs: statement<{ fromId: string }>("deleteRefs", "DELETE FROM refs WHERE from_id = :fromId"),
  insertRef: statement<{ fromId: string; pool: string; toId: string; toKind: KindName; exclusive: boolean }>(
    "insertRef",
    "INSERT INTO refs (from_id, pool, to_id, to_kind, exclusive) VALUES (:fromId, :pool, :toId, :toKind, :exclusive)",
  ),
  referrers: statement<{ toId: string }, Referrer>(
    "referrers",
    `SELECT o.id AS id, o.kind AS kind, o.name AS name FROM refs r JOIN objects o ON o.id = r.from_id
     WHERE r.to_id = :toId AND r.from_id <> r.to_id ORDER BY o.seq`,
  ),
  setExclusive: statement<{ toId: string; exclusive: boolean }>("setExclusive", "UPDATE refs SET exclusive = :exclusive WHERE to_id = :toId"),

  getAudioFile: statement<{ pool: string; id: string }, AudioFileRecord>(
    "getAudioFile",
    `SELECT ${AUDIO_COLUMNS} FROM audio_files WHERE id = :id AND pool = :pool`,
  ),
  findAudioFile: statement<{ pool: string; sha256: string }, AudioFileRecord>(
    "findAudioFile",
    `SELECT ${AUDIO_COLUMNS} FROM audio_files WHERE pool = :pool AND sha256 = :sha256`,
  ),
  listAudioFiles: statement<{ pool: string; afterSeq: number; limit: number }, AudioFileRecord>(
    "listAudioFiles",
    `SELECT ${AUDIO_COLUMNS} FROM audio_files WHERE pool = :pool AND seq > :afterSeq ORDER BY seq LIMIT :limit`,
  ),
  getAudioContent: statement<{ pool: string; id: string }, { content: Uint8Array }>(
    "getAudioContent",
    "SELECT content FROM audio_files WHERE id = :id AND pool = :pool",
  ),
  insertAudioFile: statement<{ id: string; pool: string; sha256: string; body: string; content: Uint8Array; now: string }, AudioFileRecord>(
    "insertAudioFile",
    `INSERT INTO audio_files (id, pool, sha256, body, content, created_at)
     VALUES (:id, :pool, :sha256, :body, :content, :now) RETURNING ${AUDIO_COLUMNS}`,
  ),
  deleteAudioFile: statement<{ id: string }, { id: string }>("deleteAudioFile", "DELETE FROM audio_files WHERE id = :id RETURNING id"),
  deleteAudioUses: statement<{ userId: string }>("deleteAudioUses", "DELETE FROM audio_uses WHERE user_id = :userId"),
  insertAudioUse: statement<{ userId: string; pool: string; audioId: string }>(
    "insertAudioUse",
    "INSERT INTO audio_uses (user_id, pool, audio_id) VALUES (:userId, :pool, :audioId) ON CONFLICT (user_id, audio_id) DO NOTHING",
  ),
  insertAudioHolder: statement<{ audioId: string; holder: string }>(
    "insertAudioHolder",
    "INSERT INTO audio_holders (audio_id, holder) VALUES (:audioId, :holder) ON CONFLICT (audio_id, holder) DO NOTHING",
  ),
  deleteAudioHolder: statement<{ audioId: string; holder: string }>(
    "deleteAudioHolder",
    "DELETE FROM audio_holders WHERE audio_id = :audioId AND holder = :holder",
  ),
  countAudioHolders: statement<{ audioId: string }, { n: number | string }>(
    "countAudioHolders",
    `SELECT COUNT(*) AS "n" FROM audio_holders WHERE audio_id = :audioId`,
  ),
  // A use without an object is the pool's settings.
  audioUsers: statement<{ audioId: string }, AudioUser>(
    "audioUsers",
    `SELECT COALESCE(o.id, u.pool) AS id, COALESCE(o.kind, 'settings') AS kind, COALESCE(o.name, 'settings') AS name
     FROM audio_uses u LEFT JOIN objects o ON o.id = u.user_id WHERE u.audio_id = :audioId ORDER BY u.user_id`,
  ),

  getIdempotency: statement<{ key: string }, IdempotencyRecord>(
    "getIdempotency",
    `SELECT key, request_hash AS "requestHash", status, response, created_at AS "createdAt" FROM idempotency WHERE key = :key`,
  ),
  putIdempotency: statement<{ key: string; requestHash: string; status: number; response: string; createdAt: string }>(
    "putIdempotency",
    "INSERT INTO idempotency (key, request_hash, status, response, created_at) VALUES (:key, :requestHash, :status, :response, :createdAt)",
  ),
  expireIdempotency: statement<{ before: string }>("expireIdempotency", "DELETE FROM idempotency WHERE created_at < :before"),

  getSettings: statement<{ pool: string }, SettingsRecord>("getSettings", `SELECT ${SETTINGS_COLUMNS} FROM settings WHERE pool = :pool`),
  putSettings: statement<{ pool: string; body: string; expected: number; now: string }, SettingsRecord>(
    "putSettings",
    `UPDATE settings SET body = :body, version = version + 1, updated_at = :now
     WHERE pool = :pool AND version = :expected RETURNING ${SETTINGS_COLUMNS}`,
  ),
} as const;
