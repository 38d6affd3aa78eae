/**
 * The PostgreSQL schema, in order, the same tables and constraints as SQLITE_MIGRATIONS; the
 * database records each migration it has applied in schema_migrations. Text that is ordered or
 * range-compared is COLLATE "C" so it compares byte by byte, as SQLite does. Bodies are kept as
 * the JSON text the service wrote (jsonb would reorder their keys). Constraints are named, since
 * the store tells which rule a write broke by the constraint's name.
 */
import { kindCheck, type Migration } from "./migration";

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
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
        kind TEXT NOT NULL ${kindCheck("kind")},
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
  {
    version: 2,
    name: "unique keys of any kind and field, across pools",
    // objects.uri_key stays, always NULL from now on, as in SQLite, which cannot drop it in place.
    sql: `
      CREATE TABLE unique_keys (
        key TEXT CONSTRAINT unique_keys_pkey PRIMARY KEY,
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
    sql: `
      CREATE TABLE audio_files (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL CONSTRAINT audio_files_id_unique UNIQUE,
        pool TEXT COLLATE "C" NOT NULL REFERENCES pools(fqdn),
        sha256 TEXT NOT NULL,
        body TEXT NOT NULL,
        content BYTEA NOT NULL,
        created_at TEXT NOT NULL,
        CONSTRAINT audio_files_content_unique UNIQUE (pool, sha256),
        CONSTRAINT audio_files_identity_unique UNIQUE (id, pool)
      );
      CREATE TABLE audio_uses (
        user_id TEXT NOT NULL,
        pool TEXT COLLATE "C" NOT NULL,
        audio_id TEXT NOT NULL,
        CONSTRAINT audio_uses_pkey PRIMARY KEY (user_id, audio_id),
        CONSTRAINT audio_uses_target_exists FOREIGN KEY (audio_id, pool) REFERENCES audio_files(id, pool)
      );
      CREATE INDEX audio_uses_audio ON audio_uses(audio_id);
      CREATE TABLE audio_holders (
        audio_id TEXT NOT NULL REFERENCES audio_files(id) ON DELETE CASCADE,
        holder TEXT NOT NULL,
        CONSTRAINT audio_holders_pkey PRIMARY KEY (audio_id, holder)
      );
    `,
  },
];
