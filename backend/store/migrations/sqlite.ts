/**
 * The SQLite schema, in order; the database keeps the version it is at in PRAGMA user_version.
 */
import { kindCheck, type Migration } from "./migration";

export const SQLITE_MIGRATIONS: readonly Migration[] = [
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
        kind TEXT NOT NULL ${kindCheck("kind")},
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
  {
    version: 2,
    name: "unique keys of any kind and field, across pools",
    // objects.uri_key stays, always NULL from now on: SQLite cannot drop a UNIQUE column, and
    // rebuilding objects would need foreign keys off, which a migration's transaction cannot do.
    sql: `
      CREATE TABLE unique_keys (
        key TEXT PRIMARY KEY,
        object_id TEXT NOT NULL REFERENCES objects(id) ON DELETE CASCADE,
        field TEXT NOT NULL
      );
      CREATE INDEX unique_keys_object ON unique_keys(object_id);
      INSERT INTO unique_keys (key, object_id, field)
        SELECT 'workflows/primaryUri/' || uri_key, id, 'primaryUri' FROM objects WHERE uri_key IS NOT NULL;
      UPDATE objects SET uri_key = NULL WHERE uri_key IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: "audio files, kept once per pool and content, and the objects that play them",
    // A use is an object's id, or 'settings:<pool>' for the pool's settings, which are no object;
    // a use holds its audio file, so a used file cannot be deleted. A holder is whoever imported the
    // bytes (a Pulumi resource): the same bytes are one file, deleted when its last holder lets go.
    sql: `
      CREATE TABLE audio_files (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        pool TEXT NOT NULL REFERENCES pools(fqdn),
        sha256 TEXT NOT NULL,
        body TEXT NOT NULL,
        content BLOB NOT NULL,
        created_at TEXT NOT NULL,
        UNIQUE (pool, sha256),
        UNIQUE (id, pool)
      );
      CREATE TABLE audio_uses (
        user_id TEXT NOT NULL,
        pool TEXT NOT NULL,
        audio_id TEXT NOT NULL,
        PRIMARY KEY (user_id, audio_id),
        FOREIGN KEY (audio_id, pool) REFERENCES audio_files(id, pool)
      );
      CREATE INDEX audio_uses_audio ON audio_uses(audio_id);
      CREATE TABLE audio_holders (
        audio_id TEXT NOT NULL REFERENCES audio_files(id) ON DELETE CASCADE,
        holder TEXT NOT NULL,
        PRIMARY KEY (audio_id, holder)
      );
    `,
  },
];
