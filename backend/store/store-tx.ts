/**
 * StoreTx once for both databases: which statements each call runs, in what order, what it
 * refuses and how rows become ObjectRow. A store supplies a Connection: how to run one statement,
 * how to undo a group of them alone, and what its driver's constraint errors mean.
 */
import { RgsError } from "../../sdk/errors";
import { STATEMENTS as S, type Statement, type Value } from "./statements";
import {
  ConstraintViolation,
  nameKey,
  type ObjectChange,
  type ObjectRecord,
  type ObjectRow,
  type StoreTx,
  toAudioFileRow,
  toObjectRow,
  toSettingsRow,
  type UniqueKey,
} from "./store";

export interface Connection {
  /** Runs one statement: its rows, or none for a statement without RETURNING. Errors as the driver raised them. */
  all<P extends Record<string, Value>, R>(statement: Statement<P, R>, params: P): Promise<R[]>;
  /** Runs `statements` so that a failure undoes them alone and leaves the transaction usable. */
  atomically<R>(statements: () => Promise<R>): Promise<R>;
  /** The rule a driver error says was broken, when it is a constraint's refusal. */
  violation(e: unknown): ConstraintViolation | undefined;
}

// PostgreSQL text cannot hold NUL, so no stored value has one; a lookup by such a string finds
// nothing, in both stores alike.
const storable = (...values: (string | undefined)[]) => values.every((v) => v === undefined || !v.includes("\u0000"));

// A key is stored as given; one PostgreSQL cannot store is refused in both stores, as bad input.
function checkStorable(keys: readonly UniqueKey[]): void {
  const bad = keys.filter((k) => !storable(k.key));
  if (bad.length === 0) return;
  throw new RgsError("validation_failed", `${bad.map((k) => k.field).join(", ")} must not contain the NUL character (U+0000)`, {
    details: bad.map((k) => ({ path: k.field, message: `${JSON.stringify(k.key)} contains NUL (U+0000), which cannot be stored; remove it` })),
  });
}

export function storeTx(c: Connection): StoreTx {
  const translate = (e: unknown): never => {
    if (e instanceof ConstraintViolation) throw e;
    throw c.violation(e) ?? e;
  };
  const write = <R>(statements: () => Promise<R>): Promise<R> => c.atomically(statements).catch(translate);
  const one = async <P extends Record<string, Value>>(statement: Statement<P, ObjectRecord>, params: P): Promise<ObjectRow | undefined> => {
    const rows = await c.all(statement, params);
    return rows[0] && toObjectRow(rows[0]);
  };
  // A delete undone alone; the row that stops it refers to what is deleted (a reference, a use of a file).
  const remove = async (statements: () => Promise<unknown[]>): Promise<boolean> => {
    try {
      return (await c.atomically(statements)).length > 0;
    } catch (e) {
      const v = e instanceof ConstraintViolation ? e : c.violation(e);
      if (v?.constraint === "reference") throw new ConstraintViolation("in_use", v.message);
      throw v ?? e;
    }
  };
  // One key at a time, so a refusal names the field whose value is taken.
  const holdKeys = async (objectId: string, keys: readonly UniqueKey[]) => {
    for (const k of keys) {
      try {
        await c.all(S.insertUniqueKey, { key: k.key, objectId, field: k.field });
      } catch (e) {
        if (c.violation(e)?.constraint !== "unique") throw e;
        throw new ConstraintViolation("unique", `${k.field}: the key ${JSON.stringify(k.key)} is held by another object; it is unique across pools`, k.field);
      }
    }
  };

  return {
    getPool: async (fqdn) => (storable(fqdn) ? (await c.all(S.getPool, { fqdn }))[0] : undefined),
    listPools: async () => c.all(S.listPools, {}),
    ensurePool: async (fqdn, now, defaultSettings) => {
      await write(async () => {
        await c.all(S.insertPool, { fqdn, now });
        await c.all(S.insertSettings, { pool: fqdn, body: JSON.stringify(defaultSettings), now });
      });
      return (await c.all(S.getPool, { fqdn }))[0];
    },

    getObject: async (pool, kind, id) => (storable(pool, id) ? one(S.getObject, { id, pool, kind }) : undefined),
    listObjects: async (pool, kind, o) => {
      if (!storable(pool, o.nameKey)) return [];
      const rows =
        o.nameKey === undefined
          ? await c.all(S.listObjects, { pool, kind, afterSeq: o.afterSeq, limit: o.limit })
          : await c.all(S.listByName, { pool, kind, nameKey: o.nameKey, afterSeq: o.afterSeq, limit: o.limit });
      return rows.map(toObjectRow);
    },
    findByName: async (pool, kind, key) => (storable(pool, key) ? one(S.findByName, { pool, kind, nameKey: key }) : undefined),
    findByUniqueKey: async (key) => (storable(key) ? one(S.findByUniqueKey, { key }) : undefined),
    insertObject: async (o) => {
      checkStorable(o.uniqueKeys);
      return write(async () => {
        const row = (await one(S.insertObject, {
          id: o.id,
          pool: o.pool,
          kind: o.kind,
          name: o.name,
          nameKey: nameKey(o.name),
          body: JSON.stringify(o.body),
          now: o.now,
        }))!;
        await holdKeys(row.id, o.uniqueKeys);
        return row;
      });
    },
    updateObject: async (id, expected, change: ObjectChange) => {
      checkStorable(change.uniqueKeys);
      return write(async () => {
        const row = await one(S.updateObject, {
          id,
          expected,
          name: change.name,
          nameKey: nameKey(change.name),
          body: JSON.stringify(change.body),
          now: change.now,
        });
        if (!row) return undefined;
        await c.all(S.deleteUniqueKeys, { objectId: id });
        await holdKeys(id, change.uniqueKeys);
        return row;
      });
    },
    deleteObject: async (id) =>
      remove(async () => {
        await c.all(S.deleteAudioUses, { userId: id });
        return c.all(S.deleteObject, { id });
      }),

    // Atomic, so a refused reference leaves the old ones in place and the transaction usable.
    setReferences: async (fromId, pool, refs) =>
      write(async () => {
        await c.all(S.deleteRefs, { fromId });
        for (const r of refs) await c.all(S.insertRef, { fromId, pool, toId: r.toId, toKind: r.toKind, exclusive: r.exclusive });
      }),
    referrers: async (toId) => (storable(toId) ? c.all(S.referrers, { toId }) : []),
    setExclusive: async (toId, exclusive) =>
      write(async () => {
        await c.all(S.setExclusive, { toId, exclusive });
      }),

    getAudioFile: async (pool, id) => {
      if (!storable(pool, id)) return undefined;
      const [r] = await c.all(S.getAudioFile, { pool, id });
      return r && toAudioFileRow(r);
    },
    findAudioFile: async (pool, sha256) => {
      if (!storable(pool)) return undefined;
      const [r] = await c.all(S.findAudioFile, { pool, sha256 });
      return r && toAudioFileRow(r);
    },
    listAudioFiles: async (pool, o) => (storable(pool) ? (await c.all(S.listAudioFiles, { pool, afterSeq: o.afterSeq, limit: o.limit })).map(toAudioFileRow) : []),
    getAudioContent: async (pool, id) => {
      if (!storable(pool, id)) return undefined;
      const [r] = await c.all(S.getAudioContent, { pool, id });
      return r && new Uint8Array(r.content);
    },
    insertAudioFile: async (a) =>
      write(async () => {
        const [r] = await c.all(S.insertAudioFile, {
          id: a.id,
          pool: a.pool,
          sha256: a.sha256,
          body: JSON.stringify(a.body),
          content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
          now: a.now,
        });
        return toAudioFileRow(r);
      }),
    deleteAudioFile: async (id) => remove(() => c.all(S.deleteAudioFile, { id })),
    setAudioUses: async (userId, pool, audioIds) =>
      write(async () => {
        await c.all(S.deleteAudioUses, { userId });
        for (const audioId of audioIds) await c.all(S.insertAudioUse, { userId, pool, audioId });
      }),
    audioUsers: async (audioId) => (storable(audioId) ? c.all(S.audioUsers, { audioId }) : []),
    holdAudioFile: async (audioId, holder) =>
      write(async () => {
        await c.all(S.insertAudioHolder, { audioId, holder });
      }),
    releaseAudioFile: async (audioId, holder) => {
      await c.all(S.deleteAudioHolder, { audioId, holder });
      return Number((await c.all(S.countAudioHolders, { audioId }))[0].n);
    },

    getIdempotency: async (key) => (storable(key) ? (await c.all(S.getIdempotency, { key }))[0] : undefined),
    putIdempotency: async (r) =>
      write(async () => {
        await c.all(S.putIdempotency, { key: r.key, requestHash: r.requestHash, status: r.status, response: r.response, createdAt: r.createdAt });
      }),
    expireIdempotency: async (before) => {
      await c.all(S.expireIdempotency, { before });
    },

    getSettings: async (pool) => (storable(pool) ? toSettingsRow((await c.all(S.getSettings, { pool }))[0]) : undefined),
    putSettings: async (pool, body, expected, now) =>
      toSettingsRow((await c.all(S.putSettings, { pool, body: JSON.stringify(body), expected, now }))[0]),
  };
}
