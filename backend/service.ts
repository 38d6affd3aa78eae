/**
 * The Response Group service's rules: validation with the sdk schemas, then the rules across
 * objects, each write in one transaction.
 */
import { createHash, randomUUID } from "node:crypto";
import { RgsError, type FieldProblem } from "../sdk/errors";
import { stableJson } from "../sdk/json";
import { aLabel, audioFilesOf, defaultsOf, isExclusive, kindDef, toFieldIssues, uniqueKeysOf, type PoolLookup } from "../sdk/model/index";
import { objectIdentity, PoolFqdn, serviceIdentity } from "../sdk/model/common";
import type { KindName, Reference } from "../sdk/model/kind";
import type { AudioFileView } from "../sdk/model/audio-file";
import { settingsAudioFiles, SettingsSchema, type SettingsBody } from "../sdk/model/settings";
import type { Page, PoolView, SettingsView } from "../sdk/views";
import { audioFileBody, audioFileView, audioIds, audioInUse, audioNotFound, checkUpload, unresolvedAudio } from "./audio-files";
import type { AudioUploadRequest, Configuration, CreateResult, ListQuery, ObjectView } from "./configuration";
import { checkDepth, readObjectBody, readSettingsBody } from "./body";
import { ConstraintViolation, nameKey, settingsUser, type ObjectRow, type Referrer, type SettingsRow, type Store, type StoreTx } from "./store/store";

/** Idempotency keys are kept this long. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export function etagOf(version: number): string {
  return `v${version}`;
}

/**
 * What an If-Match header accepts: `*` for any version, else the versions it lists (tags we could
 * not have issued are left out, so they match nothing).
 */
export function parseIfMatch(header: string): readonly number[] | "*" {
  const tags = header.split(",").map((t) => t.trim());
  if (tags.includes("*")) return "*";
  const versions: number[] = [];
  for (const tag of tags) {
    const m = /^(?:W\/)?"?v(\d{1,15})"?$/.exec(tag);
    if (m) versions.push(Number(m[1]));
  }
  return versions;
}

function ifMatches(accepted: readonly number[] | "*", version: number): boolean {
  return accepted === "*" || accepted.includes(version);
}

/** The Response Group service over a store: every rule of the model, each write in one transaction. */
export class ResponseGroupService implements Configuration {
  private readonly knownPools = new Set<string>();

  constructor(
    private readonly store: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async listPools(): Promise<PoolView[]> {
    return this.read(async (tx) => (await tx.listPools()).map(poolView));
  }

  async putPool(fqdn: string): Promise<{ created: boolean; pool: PoolView }> {
    const parsed = PoolFqdn.safeParse(fqdn, { reportInput: true });
    if (!parsed.success) throw validation("the pool FQDN is not valid", toFieldIssues(parsed.error, "fqdn"));
    const defaults = SettingsSchema.parse({});
    const result = await this.store.transaction(async (tx) => {
      const existed = await tx.getPool(parsed.data);
      const row = await tx.ensurePool(parsed.data, this.now(), defaults);
      return { created: !existed, pool: poolView(row) };
    });
    this.knownPools.add(parsed.data);
    return result;
  }

  async getObject(pool: string, kind: KindName, id: string): Promise<ObjectView> {
    return this.read(async (tx, committed) => {
      await this.requirePool(tx, pool, committed);
      const row = await tx.getObject(pool, kind, id.toLowerCase());
      if (!row) throw notFound(kind, id, pool);
      return objectView(row);
    });
  }

  async listObjects(pool: string, kind: KindName, options: ListQuery): Promise<Page<ObjectView>> {
    const afterSeq = options.cursor === undefined ? 0 : decodeCursor(options.cursor);
    return this.read(async (tx, committed) => {
      await this.requirePool(tx, pool, committed);
      const rows = await tx.listObjects(pool, kind, {
        afterSeq,
        limit: options.limit + 1,
        nameKey: options.name === undefined ? undefined : nameKey(options.name),
      });
      return pageOfRows(rows, options.limit, objectView);
    });
  }

  async createObject(pool: string, kind: KindName, raw: unknown, idempotencyKey?: string, scope = ""): Promise<CreateResult> {
    checkDepth(raw);
    const requestHash = idempotencyKey === undefined ? "" : hashRequest(`POST ${pool} ${kind}`, raw);
    // Keys are the caller's own: the same key from another token or in another pool is another key.
    const storedKey = idempotencyKey === undefined ? undefined : scopedKey(scope, pool, idempotencyKey);
    return this.store.transaction(async (tx) => {
      await this.requirePool(tx, pool);
      // The key is looked at before the body, so a replay answers as the first request did even
      // if the same body would be refused today, and another body under the key is always 422.
      if (idempotencyKey !== undefined) {
        await tx.expireIdempotency(new Date(this.clock().getTime() - IDEMPOTENCY_TTL_MS).toISOString());
        const seen = await tx.getIdempotency(storedKey!);
        if (seen) {
          if (seen.requestHash !== requestHash) {
            throw new RgsError(
              "idempotency_key_reused",
              `Idempotency-Key '${idempotencyKey}' was first used ${seen.createdAt} for another request; use a new key for a different body`,
            );
          }
          return { status: seen.status, body: JSON.parse(seen.response) as ObjectView, replayed: true };
        }
      }
      const body = readObjectBody(kind, raw, "create");
      const name = String(body.name);
      await this.checkUnique(tx, pool, kind, body, undefined);
      const refs = await this.resolveReferences(tx, pool, kind, body, undefined);
      await checkPoolRules(tx, pool, kind, body, undefined);
      const now = this.now();
      const row = await writeGuard(kind, name, () =>
        tx.insertObject({ id: randomUUID(), pool, kind, name, uniqueKeys: storedUniqueKeys(kind, body), body, now }),
      );
      await writeGuard(kind, name, () => tx.setReferences(row.id, pool, refs));
      await writeGuard(kind, name, () => tx.setAudioUses(row.id, pool, audioIds(audioFilesOf(kind, body))));
      const view = objectView(row);
      if (idempotencyKey !== undefined) {
        await writeGuard(kind, name, () =>
          tx.putIdempotency({ key: storedKey!, requestHash, status: 201, response: JSON.stringify(view), createdAt: now }),
        );
      }
      return { status: 201, body: view, replayed: false };
    });
  }

  async updateObject(pool: string, kind: KindName, id: string, raw: unknown, ifMatch: string | undefined): Promise<ObjectView> {
    if (ifMatch === undefined) {
      throw new RgsError("precondition_required", "PUT needs an If-Match header with the object's etag; GET the object to learn it");
    }
    const body = readObjectBody(kind, raw, "update");
    const expected = parseIfMatch(ifMatch);
    return this.store.transaction(async (tx) => {
      await this.requirePool(tx, pool);
      const current = await tx.getObject(pool, kind, id.toLowerCase());
      if (!current) throw notFound(kind, id, pool);
      if (!ifMatches(expected, current.version)) {
        throw etagMismatch(kind, current);
      }
      const name = String(body.name);
      await this.checkUnique(tx, pool, kind, body, current.id);
      const refs = await this.resolveReferences(tx, pool, kind, body, current.id);
      await checkPoolRules(tx, pool, kind, body, current.id);
      const exclusive = isExclusive(kind, body);
      if (exclusive) await this.checkExclusive(tx, kind, current);
      const row = await writeGuard(kind, name, () =>
        tx.updateObject(current.id, current.version, { name, uniqueKeys: storedUniqueKeys(kind, body), body, now: this.now() }),
      );
      if (!row) throw etagMismatch(kind, current);
      await writeGuard(kind, name, () => tx.setReferences(row.id, pool, refs));
      await writeGuard(kind, name, () => tx.setAudioUses(row.id, pool, audioIds(audioFilesOf(kind, body))));
      if (kindDef(kind).exclusive) await writeGuard(kind, name, () => tx.setExclusive(row.id, exclusive));
      return objectView(row);
    });
  }

  async deleteObject(pool: string, kind: KindName, id: string, ifMatch: string | undefined): Promise<void> {
    const expected = ifMatch === undefined ? "*" : parseIfMatch(ifMatch);
    return this.store.transaction(async (tx) => {
      await this.requirePool(tx, pool);
      const current = await tx.getObject(pool, kind, id.toLowerCase());
      if (!current) throw notFound(kind, id, pool);
      if (!ifMatches(expected, current.version)) throw etagMismatch(kind, current);
      const users = await tx.referrers(current.id);
      if (users.length > 0) throw inUse(kind, current.name, users);
      try {
        await tx.deleteObject(current.id);
      } catch (e) {
        if (e instanceof ConstraintViolation && e.constraint === "in_use") throw inUse(kind, current.name, await tx.referrers(current.id));
        throw e;
      }
    });
  }

  async getSettings(pool: string): Promise<SettingsView> {
    return this.read(async (tx, committed) => {
      await this.requirePool(tx, pool, committed);
      return settingsView(await requireSettings(tx, pool));
    });
  }

  async putSettings(pool: string, raw: unknown, ifMatch: string | undefined): Promise<SettingsView> {
    const settings = readSettingsBody(raw);
    const expected = ifMatch === undefined ? "*" : parseIfMatch(ifMatch);
    return this.store.transaction(async (tx) => {
      await this.requirePool(tx, pool);
      const current = await requireSettings(tx, pool);
      if (!ifMatches(expected, current.version)) {
        throw new RgsError("etag_mismatch", `the settings of ${pool} changed since ${ifMatch}; they are now at ${etagOf(current.version)}`);
      }
      const uses = settingsAudioFiles(settings as SettingsBody);
      const problems = await unresolvedAudio(tx, pool, uses);
      if (problems.length > 0) throw new RgsError("reference_not_found", `the settings of ${pool} reference an audio file that does not exist`, { details: problems });
      const row = await tx.putSettings(pool, settings, current.version, this.now());
      if (!row) throw new RgsError("etag_mismatch", `the settings of ${pool} changed while they were being written; read them again`);
      await tx.setAudioUses(settingsUser(pool), pool, audioIds(uses)).catch((e: unknown) => {
        if (e instanceof ConstraintViolation && e.constraint === "reference") {
          throw new RgsError("reference_not_found", `the settings of ${pool} reference an audio file that no longer exists`);
        }
        throw e;
      });
      return settingsView(row);
    });
  }

  private async checkUnique(tx: StoreTx, pool: string, kind: KindName, body: Record<string, unknown>, selfId: string | undefined) {
    const name = String(body.name);
    const same = await tx.findByName(pool, kind, nameKey(name));
    if (same && same.id !== selfId) throw nameConflict(kind, name, pool, same.id);
    for (const unique of uniqueKeysOf(kind, body)) {
      const other = await tx.findByUniqueKey(unique.key);
      if (other && other.id !== selfId) throw uniqueConflict(kind, unique.field, unique.value, other);
    }
  }

  /** Each reference must name an object of the right kind in this pool; returns the rows to store. */
  private async resolveReferences(tx: StoreTx, pool: string, kind: KindName, body: Record<string, unknown>, selfId: string | undefined) {
    const refs: Reference[] = kindDef(kind).references(body);
    const problems: FieldProblem[] = [];
    const rows = new Map<string, { toId: string; toKind: KindName; exclusive: boolean }>();
    for (const ref of refs) {
      const target = ref.id === selfId ? undefined : await tx.getObject(pool, ref.kind, ref.id);
      if (ref.id === selfId) {
        problems.push({ path: ref.path, message: `must not be the ${kindDef(kind).label} itself (${ref.id})` });
        continue;
      }
      if (!target) {
        problems.push({ path: ref.path, message: `no ${kindDef(ref.kind).label} with id ${ref.id} in pool ${pool}` });
        continue;
      }
      const exclusive = isExclusive(ref.kind, target.body) ? kindDef(ref.kind).exclusive : undefined;
      if (exclusive) {
        const users = (await tx.referrers(target.id)).filter((u) => u.id !== selfId);
        if (users.length > 0) {
          throw new RgsError(
            "in_use",
            `${kindDef(ref.kind).label} '${target.name}' ${exclusive.state} and already belongs to ${describeReferrers(users)}; ${exclusive.why}, so give this ${kindDef(kind).label} its own`,
            { details: { referencedBy: users } },
          );
        }
      }
      rows.set(target.id, { toId: target.id, toKind: ref.kind, exclusive: exclusive !== undefined });
    }
    problems.push(...(await unresolvedAudio(tx, pool, audioFilesOf(kind, body))));
    if (problems.length > 0) {
      throw new RgsError("reference_not_found", `the ${kindDef(kind).label} references objects that do not exist in pool ${pool}`, {
        details: problems,
      });
    }
    return [...rows.values()];
  }

  /** An object that is becoming exclusive may have one referrer at most. */
  private async checkExclusive(tx: StoreTx, kind: KindName, current: ObjectRow) {
    const users = await tx.referrers(current.id);
    if (users.length > 1) {
      throw new RgsError(
        "in_use",
        `${kindDef(kind).label} '${current.name}' cannot ${kindDef(kind).exclusive?.becoming}: ${describeReferrers(users)} use it, and ${kindDef(kind).exclusive?.why}`,
        { details: { referencedBy: users } },
      );
    }
  }

  async importAudioFile(pool: string, upload: AudioUploadRequest): Promise<{ status: 200 | 201; body: AudioFileView }> {
    const checked = checkUpload(upload);
    const body = audioFileBody(checked);
    const attempt = () =>
      this.store.transaction(async (tx) => {
        await this.requirePool(tx, pool);
        const same = await tx.findAudioFile(pool, checked.sha256);
        const row = same ?? (await tx.insertAudioFile({ id: randomUUID(), pool, sha256: checked.sha256, body, content: upload.content, now: this.now() }));
        if (upload.holder !== undefined) await tx.holdAudioFile(row.id, upload.holder);
        return { status: same ? (200 as const) : (201 as const), body: audioFileView(row) };
      });
    try {
      return await attempt();
    } catch (e) {
      // Another upload of the same bytes committed first: this one answers that audio file.
      if (e instanceof ConstraintViolation && e.constraint === "content") return attempt();
      throw e;
    }
  }

  async getAudioFile(pool: string, id: string): Promise<AudioFileView> {
    return this.read(async (tx, committed) => {
      await this.requirePool(tx, pool, committed);
      const row = await tx.getAudioFile(pool, id.toLowerCase());
      if (!row) throw audioNotFound(id, pool);
      return audioFileView(row);
    });
  }

  async getAudioFileContent(pool: string, id: string): Promise<{ view: AudioFileView; content: Uint8Array }> {
    return this.read(async (tx, committed) => {
      await this.requirePool(tx, pool, committed);
      const row = await tx.getAudioFile(pool, id.toLowerCase());
      const content = row && (await tx.getAudioContent(pool, row.id));
      if (!row || !content) throw audioNotFound(id, pool);
      return { view: audioFileView(row), content };
    });
  }

  async listAudioFiles(pool: string, options: Omit<ListQuery, "name">): Promise<Page<AudioFileView>> {
    const afterSeq = options.cursor === undefined ? 0 : decodeCursor(options.cursor);
    return this.read(async (tx, committed) => {
      await this.requirePool(tx, pool, committed);
      return pageOfRows(await tx.listAudioFiles(pool, { afterSeq, limit: options.limit + 1 }), options.limit, audioFileView);
    });
  }

  async deleteAudioFile(pool: string, id: string, holder?: string): Promise<void> {
    return this.store.transaction(async (tx) => {
      await this.requirePool(tx, pool);
      const row = await tx.getAudioFile(pool, id.toLowerCase());
      if (!row) throw audioNotFound(id, pool);
      // Another holder still counts on these bytes: only this hold goes.
      if (holder !== undefined && (await tx.releaseAudioFile(row.id, holder)) > 0) return;
      const users = await tx.audioUsers(row.id);
      if (users.length > 0) throw audioInUse(row, users);
      try {
        await tx.deleteAudioFile(row.id);
      } catch (e) {
        if (e instanceof ConstraintViolation && e.constraint === "in_use") throw audioInUse(row, await tx.audioUsers(row.id));
        throw e;
      }
    });
  }

  async ping(): Promise<boolean> {
    return this.store.ping();
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  /**
   * Pools are never deleted, so a pool known to be committed needs no query again. Known are those
   * this service provisioned and those a read of committed data found; a write transaction may see
   * a pool that is not committed yet, so what it finds is not remembered.
   */
  private async requirePool(tx: StoreTx, pool: string, committed = false): Promise<void> {
    if (this.knownPools.has(pool)) return;
    await findPool(tx, pool);
    if (committed) this.knownPools.add(pool);
  }

  /** Runs a read, on the store's path for reads when it has one; `committed` says whether it sees committed data only. */
  private read<T>(fn: (tx: StoreTx, committed: boolean) => Promise<T>): Promise<T> {
    return this.store.read ? this.store.read((tx) => fn(tx, true)) : this.store.transaction((tx) => fn(tx, false));
  }

  private now(): string {
    return this.clock().toISOString();
  }
}

/** A page of rows read with one more than `limit`, which says whether another page follows. */
function pageOfRows<R extends { seq: number }, V>(rows: readonly R[], limit: number, view: (row: R) => V): Page<V> {
  const page = rows.slice(0, limit);
  return { items: page.map(view), nextCursor: rows.length > limit ? encodeCursor(page[page.length - 1].seq) : null };
}

function poolView(row: { fqdn: string; createdAt: string }): PoolView {
  return { fqdn: row.fqdn, identity: serviceIdentity(row.fqdn), createdAt: row.createdAt };
}

/** The JSON an object is answered with: server fields around its body. */
export function objectView(row: ObjectRow): ObjectView {
  return {
    id: row.id,
    identity: objectIdentity(row.pool, row.id),
    ...defaultsOf(row.kind),
    ...row.body,
    etag: etagOf(row.version),
    ownerPool: row.pool,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

// Settings stored before a setting was added are answered with its default.
const SETTINGS_DEFAULTS: SettingsBody = SettingsSchema.parse({});

function settingsView(row: SettingsRow): SettingsView {
  return {
    pool: row.pool,
    identity: serviceIdentity(row.pool),
    ...SETTINGS_DEFAULTS,
    ...(row.body as Partial<SettingsBody>),
    etag: etagOf(row.version),
    updatedAt: row.updatedAt,
  };
}

async function findPool(tx: StoreTx, pool: string): Promise<void> {
  if (!(await tx.getPool(pool))) {
    throw new RgsError("not_found", `no pool ${pool}; an admin provisions pools with PUT /v1/pools/${pool} or rgs serve --pool ${pool}`);
  }
}

async function requireSettings(tx: StoreTx, pool: string): Promise<SettingsRow> {
  const row = await tx.getSettings(pool);
  if (!row) throw new RgsError("not_found", `pool ${pool} has no settings`);
  return row;
}

/** The kind's rules across the pool's objects, read within the write's transaction. */
async function checkPoolRules(tx: StoreTx, pool: string, kind: KindName, body: Record<string, unknown>, self: string | undefined) {
  const rules = kindDef(kind).poolRules;
  if (!rules) return;
  const lookup: PoolLookup = {
    get: async (k, id) => {
      const row = await tx.getObject(pool, k, id);
      return row && { id: row.id, name: row.name, body: row.body };
    },
    referrers: (id) => tx.referrers(id),
  };
  const [first] = await rules(body, self, lookup);
  if (!first) return;
  if (first.code === "in_use") throw new RgsError("in_use", `${aLabel(kind)} '${String(body.name)}': ${first.message}`, { details: { referencedBy: first.referencedBy } });
  throw validation(`the ${kindDef(kind).label} is not valid: ${first.message}`, first.issues);
}


/** Refuses bodies nested deeper than any valid object, before the schema walks them. */

function storedUniqueKeys(kind: KindName, body: Record<string, unknown>): { field: string; key: string }[] {
  return uniqueKeysOf(kind, body).map(({ field, key }) => ({ field, key }));
}

function scopedKey(scope: string, pool: string, key: string): string {
  return createHash("sha256").update(scope).update("\n").update(pool).update("\n").update(key).digest("hex");
}

function hashRequest(scope: string, raw: unknown): string {
  return createHash("sha256").update(scope).update("\n").update(stableJson(raw)).digest("hex");
}

function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const m = /^s(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw validation("the cursor is not one this service issued", [{ path: "cursor", message: `'${cursor.slice(0, 40)}' is not a cursor from nextCursor` }]);
  return Number(m[1]);
}

function validation(message: string, details: FieldProblem[]): RgsError {
  return new RgsError("validation_failed", message, { details });
}

function notFound(kind: KindName, id: string, pool: string): RgsError {
  return new RgsError("not_found", `no ${kindDef(kind).label} with id ${id} in pool ${pool}`);
}

function etagMismatch(kind: KindName, current: ObjectRow): RgsError {
  return new RgsError(
    "etag_mismatch",
    `${kindDef(kind).label} '${current.name}' changed since it was read; it is now at ${etagOf(current.version)}. Read it again and reapply the change`,
  );
}

function nameConflict(kind: KindName, name: string, pool: string, otherId: string): RgsError {
  return new RgsError("name_conflict", `pool ${pool} already has ${aLabel(kind)} named '${name}' (id ${otherId}); names are unique per pool and kind, ignoring case`, {
    details: [{ path: "name", message: `'${name}' is taken by ${otherId}` }],
  });
}

function uniqueConflict(kind: KindName, field: string, value: string, other: ObjectRow): RgsError {
  const why = kindDef(kind).uniqueAcrossPools.find((u) => u.field === field)?.why ?? `${field} is unique across all pools`;
  return new RgsError("uri_conflict", `${field} ${value} already belongs to ${kindDef(other.kind).label} '${other.name}' in pool ${other.pool}; ${why}`, {
    details: [{ path: field, message: `${value} is taken by ${other.id}` }],
  });
}

function describeReferrers(users: readonly Referrer[]): string {
  return users.map((u) => `${kindDef(u.kind).label} '${u.name}'`).join(", ");
}

function inUse(kind: KindName, name: string, users: readonly Referrer[]): RgsError {
  return new RgsError("in_use", `${kindDef(kind).label} '${name}' is still used by ${describeReferrers(users)}; change or delete those first`, {
    details: { referencedBy: users },
  });
}

/** Turns a refusal by the database's constraints into the error the service would have answered. */
async function writeGuard<T>(kind: KindName, name: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!(e instanceof ConstraintViolation)) throw e;
    switch (e.constraint) {
      case "name":
        throw new RgsError("name_conflict", `${aLabel(kind)} named '${name}' already exists in this pool`);
      case "unique":
        throw new RgsError("uri_conflict", `the ${e.field ?? "address"} of ${kindDef(kind).label} '${name}' already belongs to another object`);
      case "reference":
        throw new RgsError("reference_not_found", `${kindDef(kind).label} '${name}' references an object that no longer exists`);
      case "exclusive":
        throw new RgsError("in_use", `an object used by ${kindDef(kind).label} '${name}' may serve one object only and already serves another`);
      case "idempotency":
        throw new RgsError("unavailable", "a request with the same Idempotency-Key is being processed; retry", { retryAfterSeconds: 1 });
      default:
        throw e;
    }
  }
}
