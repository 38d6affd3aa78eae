/**
 * SqliteStore's two paths: writes that arrive together share one commit, each in a savepoint of
 * its own, and reads run on a second connection that sees committed data only.
 */
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../../backend/store/sqlite";
import { ConstraintViolation, StoreUnavailable, type NewObject } from "../../backend/store/store";
import { makeTempDir, removeDir } from "../helpers/service";

const P = "pool01.contoso.com";
const NOW = "2025-03-01T10:00:00.000Z";
let dir: string;
let store: SqliteStore;

const group = (id: string, name: string): NewObject => ({ id, pool: P, kind: "agent-groups", name, uniqueKeys: [], body: { name }, now: NOW });
const names = () => store.read(async (t) => (await t.listObjects(P, "agent-groups", { afterSeq: 0, limit: 100 })).map((o) => o.name));

beforeEach(async () => {
  dir = makeTempDir("rgs-batch-");
  store = new SqliteStore({ file: join(dir, "rgs.db") });
  await store.transaction((t) => t.ensurePool(P, NOW, { agentRingbackGracePeriod: 60, disableCallContext: false }));
});

afterEach(async () => {
  await store.close();
  removeDir(dir);
});

describe("SqliteStore group commit", () => {
  it("commits writes that arrive together; one that fails undoes only its own changes", async () => {
    const results = await Promise.allSettled([
      store.transaction((t) => t.insertObject(group("a", "A"))),
      store.transaction(async (t) => {
        await t.insertObject(group("b", "B"));
        throw new Error("refused after writing");
      }),
      store.transaction((t) => t.insertObject(group("c", "a"))),
      store.transaction((t) => t.insertObject(group("d", "D"))),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe("refused after writing");
    // The name is taken by the first write of the same batch, which the third one sees.
    expect((results[2] as PromiseRejectedResult).reason).toBeInstanceOf(ConstraintViolation);
    expect((await names()).sort()).toEqual(["A", "D"]);
  });

  it("runs each write after the one before it, as if alone", async () => {
    await store.transaction((t) => t.insertObject(group("n", "Counter")));
    const bump = () =>
      store.transaction(async (t) => {
        const cur = (await t.getObject(P, "agent-groups", "n"))!;
        return t.updateObject("n", cur.version, { name: "Counter", uniqueKeys: [], body: { name: "Counter" }, now: NOW });
      });
    const rows = await Promise.all(Array.from({ length: 20 }, bump));
    expect(rows.map((r) => r!.version).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 2));
  });

  it("refuses every write once closed", async () => {
    await store.close();
    await expect(store.transaction((t) => t.listPools())).rejects.toBeInstanceOf(StoreUnavailable);
    await expect(store.read((t) => t.listPools())).rejects.toBeInstanceOf(StoreUnavailable);
  });
});

describe("SqliteStore reads", () => {
  it("see what was committed, and nothing of a write still in progress", async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    let inserted!: () => void;
    const wrote = new Promise<void>((res) => (inserted = res));
    const writing = store.transaction(async (t) => {
      await t.insertObject(group("x", "Uncommitted"));
      inserted();
      await gate;
    });
    await wrote;
    // The reader neither waits for the open write transaction nor sees inside it.
    expect(await names()).toEqual([]);
    release();
    await writing;
    expect(await names()).toEqual(["Uncommitted"]);
  });
});
