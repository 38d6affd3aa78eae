/**
 * The store interface: what the service needs from durable storage.
 *
 * Rules that must hold across service instances (unique names, values unique across pools,
 * references that resolve, no delete of a referenced object, one workflow per custom schedule) are
 * held by the database itself; a breach surfaces as a ConstraintViolation.
 */
import type { KindName } from "../../sdk/model/kind";

/**
 * The form names are compared in: without regard to case or to how Unicode spells a character
 * ("Café" typed precomposed or with a combining accent is one name).
 */
export function nameKey(name: string): string {
  return name.normalize("NFC").toLowerCase();
}

export interface PoolRow {
  fqdn: string;
  createdAt: string;
}

export interface ObjectRow {
  seq: number;
  id: string;
  pool: string;
  kind: KindName;
  name: string;
  body: Record<string, unknown>;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * A value that must be unique across every pool, in the form it is compared in: `key` is
 * `<kind>/<field>/<compared form>` (sdk/model uniqueKeysOf), `field` the body field it comes from.
 */
export interface UniqueKey {
  field: string;
  key: string;
}

export interface NewObject {
  id: string;
  pool: string;
  kind: KindName;
  name: string;
  /** The object's values unique across pools; none for most kinds. */
  uniqueKeys: readonly UniqueKey[];
  body: Record<string, unknown>;
  now: string;
}

export interface ObjectChange {
  name: string;
  /** Replace the keys the object held before. */
  uniqueKeys: readonly UniqueKey[];
  body: Record<string, unknown>;
  now: string;
}

export interface ReferenceRow {
  toId: string;
  toKind: KindName;
  /** The target is a custom schedule, which only one object may reference. */
  exclusive: boolean;
}

export interface Referrer {
  id: string;
  kind: KindName;
  name: string;
}

/** An audio file's row without its bytes; `body` is what the service answers besides the server fields. */
export interface AudioFileRow {
  seq: number;
  id: string;
  pool: string;
  sha256: string;
  body: Record<string, unknown>;
  createdAt: string;
}

export interface NewAudioFile {
  id: string;
  pool: string;
  sha256: string;
  body: Record<string, unknown>;
  content: Uint8Array;
  now: string;
}

/** What plays an audio file: an object, or the pool's settings (kind "settings", id the pool). */
export interface AudioUser {
  id: string;
  kind: KindName | "settings";
  name: string;
}

/** The use of an audio file by a pool's settings, which have no id of their own. */
export function settingsUser(pool: string): string {
  return `settings:${pool}`;
}

export interface IdempotencyRecord {
  key: string;
  requestHash: string;
  status: number;
  response: string;
  createdAt: string;
}

export interface SettingsRow {
  pool: string;
  body: Record<string, unknown>;
  version: number;
  updatedAt: string;
}

export type Constraint = "name" | "unique" | "reference" | "in_use" | "exclusive" | "idempotency" | "pool" | "content";

/** A write refused by the database's own constraints. */
export class ConstraintViolation extends Error {
  constructor(
    readonly constraint: Constraint,
    message: string,
    /** For "unique": the body field whose value another object holds. */
    readonly field?: string,
  ) {
    super(message);
    this.name = "ConstraintViolation";
  }
}

/**
 * The database was migrated by a newer pulumi-rgs: this one would not know its tables, so it does
 * not open it rather than write what the newer one cannot read.
 */
export class SchemaTooNew extends Error {
  constructor(
    /** "SQLite database /var/lib/rgs/rgs.db", "PostgreSQL database postgres://…" */
    readonly database: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`the ${database} is at schema version ${found}, newer than this pulumi-rgs knows (${known}); upgrade pulumi-rgs to open it`);
    this.name = "SchemaTooNew";
  }
}

/** The database cannot be reached or written just now (closed, locked past the busy timeout, out of space). */
export class StoreUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreUnavailable";
  }
}

/** One transaction: every call sees and makes changes atomically with the others. */
export interface StoreTx {
  getPool(fqdn: string): Promise<PoolRow | undefined>;
  listPools(): Promise<PoolRow[]>;
  /** Creates the pool and its default settings; leaves an existing pool as it is. */
  ensurePool(fqdn: string, now: string, defaultSettings: Record<string, unknown>): Promise<PoolRow>;

  getObject(pool: string, kind: KindName, id: string): Promise<ObjectRow | undefined>;
  /** Objects of a kind in seq order after `afterSeq`; with `nameKey`, only the one with that name key. */
  listObjects(pool: string, kind: KindName, options: { afterSeq: number; limit: number; nameKey?: string }): Promise<ObjectRow[]>;
  /** The object of the kind whose name has this key (see nameKey). */
  findByName(pool: string, kind: KindName, nameKey: string): Promise<ObjectRow | undefined>;
  /** The object, in any pool, that holds this unique key (see UniqueKey). */
  findByUniqueKey(key: string): Promise<ObjectRow | undefined>;
  /** A key another object holds is ConstraintViolation "unique" with its field. */
  insertObject(o: NewObject): Promise<ObjectRow>;
  /**
   * Replaces the name, body and unique keys if the object is still at `expectedVersion`;
   * undefined otherwise. A key another object holds is ConstraintViolation "unique" with its field.
   */
  updateObject(id: string, expectedVersion: number, change: ObjectChange): Promise<ObjectRow | undefined>;
  deleteObject(id: string): Promise<boolean>;

  /** Replaces the references an object makes. */
  setReferences(fromId: string, pool: string, refs: readonly ReferenceRow[]): Promise<void>;
  /** Objects that reference this one. */
  referrers(toId: string): Promise<Referrer[]>;
  /** Marks every reference to this object exclusive or not. */
  setExclusive(toId: string, exclusive: boolean): Promise<void>;

  getIdempotency(key: string): Promise<IdempotencyRecord | undefined>;
  putIdempotency(r: IdempotencyRecord): Promise<void>;
  /** Drops records created before `before`. */
  expireIdempotency(before: string): Promise<void>;

  getAudioFile(pool: string, id: string): Promise<AudioFileRow | undefined>;
  /** The pool's audio file with these bytes, by their SHA-256. */
  findAudioFile(pool: string, sha256: string): Promise<AudioFileRow | undefined>;
  listAudioFiles(pool: string, options: { afterSeq: number; limit: number }): Promise<AudioFileRow[]>;
  getAudioContent(pool: string, id: string): Promise<Uint8Array | undefined>;
  /** Bytes the pool holds already are ConstraintViolation "content". */
  insertAudioFile(a: NewAudioFile): Promise<AudioFileRow>;
  /** A file still played is ConstraintViolation "in_use". */
  deleteAudioFile(id: string): Promise<boolean>;
  /** Replaces the audio files a user (an object's id, or settingsUser) plays; one not in the pool is ConstraintViolation "reference". */
  setAudioUses(userId: string, pool: string, audioIds: readonly string[]): Promise<void>;
  /** What plays this audio file. */
  audioUsers(audioId: string): Promise<AudioUser[]>;
  /** Adds a holder of the audio file (once). */
  holdAudioFile(audioId: string, holder: string): Promise<void>;
  /** Drops a holder; the holders left. */
  releaseAudioFile(audioId: string, holder: string): Promise<number>;

  getSettings(pool: string): Promise<SettingsRow | undefined>;
  putSettings(pool: string, body: Record<string, unknown>, expectedVersion: number, now: string): Promise<SettingsRow | undefined>;
}

export interface Store {
  /**
   * Runs `fn` in one transaction, committed when it resolves and rolled back when it throws. A
   * store may run `fn` again after a conflict with a concurrent transaction, so `fn` touches
   * nothing outside `tx`.
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Runs `fn`, which only reads, against committed data, without waiting for writes in progress;
   * a `fn` of several reads may see a commit made between two of them. A store without a cheaper
   * path for reads leaves it out, and `transaction` serves them.
   */
  read?<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** An objects row as both databases return it; PostgreSQL answers BIGINT seq as text. */
export interface ObjectRecord {
  seq: number | string;
  id: string;
  pool: string;
  kind: KindName;
  name: string;
  body: string;
  version: number;
  created_at: string;
  updated_at: string;
}

export function toObjectRow(r: ObjectRecord): ObjectRow {
  return {
    seq: Number(r.seq),
    id: r.id,
    pool: r.pool,
    kind: r.kind,
    name: r.name,
    body: JSON.parse(r.body) as Record<string, unknown>,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** An audio_files row, without its bytes, as both databases return it. */
export interface AudioFileRecord {
  seq: number | string;
  id: string;
  pool: string;
  sha256: string;
  body: string;
  created_at: string;
}

export function toAudioFileRow(r: AudioFileRecord): AudioFileRow {
  return { seq: Number(r.seq), id: r.id, pool: r.pool, sha256: r.sha256, body: JSON.parse(r.body) as Record<string, unknown>, createdAt: r.created_at };
}

/** A settings row as both databases return it. */
export interface SettingsRecord {
  pool: string;
  body: string;
  version: number;
  updated_at: string;
}

export function toSettingsRow(r: SettingsRecord | undefined): SettingsRow | undefined {
  return r && { pool: r.pool, body: JSON.parse(r.body) as Record<string, unknown>, version: r.version, updatedAt: r.updated_at };
}
