/**
 * What an export reads: every object of the chosen pools, through any Backend, as plain data.
 */
import type { Backend } from "../backend";
import { RgsError } from "../errors";
import { KIND_NAMES, type KindName } from "../model/kind";
import { PoolFqdn } from "../model/common";
import { SERVER_FIELDS } from "../views";

/** One stored object: its kind, pool and id, and its own fields as the backend holds them. */
export interface ExportedObject {
  readonly kind: KindName;
  readonly pool: string;
  readonly id: string;
  /** The object's fields, defaults filled in; no server fields. */
  readonly body: Readonly<Record<string, unknown>>;
}

export interface Snapshot {
  /** The pools read, sorted; a pool without objects is still here. */
  readonly pools: readonly string[];
  readonly objects: readonly ExportedObject[];
}

export interface ReadOptions {
  /** Pool FQDNs to read; every pool of the backend when absent or empty. */
  pools?: readonly string[];
  /** Objects per list request. */
  pageSize?: number;
}

// The service answers at most 1000 per page; 500 keeps each answer small while needing few requests.
const PAGE_SIZE = 500;

/** Reads every object of the chosen pools, each kind in pages. */
export async function readSnapshot(backend: Backend, options: ReadOptions = {}): Promise<Snapshot> {
  const known = (await backend.listPools()).map((p) => p.fqdn.toLowerCase());
  const pools = options.pools && options.pools.length > 0 ? choosePools(options.pools, known) : [...known];
  pools.sort();
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const perPool = await Promise.all(
    pools.map(async (pool) => (await Promise.all(KIND_NAMES.map((kind) => readKind(backend, pool, kind, pageSize)))).flat()),
  );
  return { pools, objects: perPool.flat() };
}

function choosePools(wanted: readonly string[], known: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of wanted) {
    const parsed = PoolFqdn.safeParse(raw);
    if (!parsed.success) {
      throw new RgsError("validation_failed", `pool '${raw}' is not a pool FQDN; give one such as pool01.contoso.com`, {
        details: [{ path: "pool", message: parsed.error.issues[0]?.message ?? "must be a pool FQDN" }],
      });
    }
    const fqdn = parsed.data;
    if (!known.includes(fqdn)) {
      const list = known.length > 0 ? known.join(", ") : "none";
      throw new RgsError("not_found", `pool '${fqdn}' is not a pool of this source; its pools are: ${list}`);
    }
    if (!out.includes(fqdn)) out.push(fqdn);
  }
  return out;
}

async function readKind(backend: Backend, pool: string, kind: KindName, limit: number): Promise<ExportedObject[]> {
  const out: ExportedObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.list(pool, kind, { limit, cursor });
    for (const item of page.items) out.push(exportedObject(kind, pool, item as unknown as Record<string, unknown>));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

function exportedObject(kind: KindName, pool: string, item: Record<string, unknown>): ExportedObject {
  const body: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) {
    if ((SERVER_FIELDS as readonly string[]).includes(k) || v === undefined) continue;
    body[k] = v;
  }
  return { kind, pool, id: String(item.id).toLowerCase(), body };
}
