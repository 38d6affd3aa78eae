/**
 * What an export reads: every object of the chosen pools, their audio files with the bytes, and
 * their settings, through any Backend, as plain data.
 */
import { createHash } from "node:crypto";
import type { AudioFile, Backend } from "../backend";
import { RgsError } from "../errors";
import { KIND_NAMES, type KindName } from "../model/kind";
import { PoolFqdn } from "../model/common";
import { SERVER_FIELDS, SETTINGS_SERVER_FIELDS } from "../views";

/** One stored object: its kind, pool and id, and its own fields as the backend holds them. */
export interface ExportedObject {
  readonly kind: KindName;
  readonly pool: string;
  readonly id: string;
  /** The object's fields, defaults filled in; no server fields. */
  readonly body: Readonly<Record<string, unknown>>;
}

/** An audio file of a pool: what the service says of it, and its bytes when they were read. */
export interface ExportedAudioFile {
  readonly pool: string;
  /** Lower case, as object ids are kept. */
  readonly id: string;
  readonly fileName: string;
  readonly format: AudioFile["format"];
  readonly contentType: AudioFile["contentType"];
  readonly size: number;
  readonly sha256: string;
  readonly encoding: AudioFile["encoding"];
  readonly channels: number;
  readonly sampleRate: number;
  readonly bitsPerSample: number | null;
  readonly durationSeconds: number | null;
  /** The recording, its SHA-256 checked against `sha256`; absent when only the metadata was read. */
  readonly content?: Uint8Array;
}

export interface Snapshot {
  /** The pools read, sorted; a pool without objects is still here. */
  readonly pools: readonly string[];
  readonly objects: readonly ExportedObject[];
  /** Every audio file of the pools; absent when the audio files were not read. */
  readonly audioFiles?: readonly ExportedAudioFile[];
  /** Each pool's settings by FQDN, server fields aside; absent when they were not read. */
  readonly settings?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface ReadOptions {
  /** Pool FQDNs to read; every pool of the backend when absent or empty. */
  pools?: readonly string[];
  /** Objects per list request. */
  pageSize?: number;
  /** Read each audio file's bytes as well as its metadata; true by default. */
  audioContent?: boolean;
}

// The service answers at most 1000 per page; 500 keeps each answer small while needing few requests.
const PAGE_SIZE = 500;
// Recordings are up to 4 MB (WAV) or 32 MB (WMA): a few at a time, whatever the number of pools.
const CONTENT_AT_ONCE = 4;

/** Reads every object of the chosen pools, each kind in pages. */
export async function readSnapshot(backend: Backend, options: ReadOptions = {}): Promise<Snapshot> {
  const known = (await backend.listPools()).map((p) => p.fqdn.toLowerCase());
  const pools = options.pools && options.pools.length > 0 ? choosePools(options.pools, known) : [...known];
  pools.sort();
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const perPool = await Promise.all(
    pools.map(async (pool) => (await Promise.all(KIND_NAMES.map((kind) => readKind(backend, pool, kind, pageSize)))).flat()),
  );
  const listed = (await Promise.all(pools.map((pool) => readAudioFiles(backend, pool, pageSize)))).flat();
  const audioFiles = options.audioContent === false ? listed : await withContent(backend, listed);
  const settings: Record<string, Record<string, unknown>> = {};
  for (const [i, s] of (await Promise.all(pools.map((pool) => backend.getSettings(pool)))).entries()) {
    settings[pools[i]] = Object.fromEntries(Object.entries(s).filter(([k]) => !(SETTINGS_SERVER_FIELDS as readonly string[]).includes(k)));
  }
  return { pools, objects: perPool.flat(), audioFiles, settings };
}

async function readAudioFiles(backend: Backend, pool: string, limit: number): Promise<ExportedAudioFile[]> {
  const out: ExportedAudioFile[] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.listAudioFiles(pool, { limit, cursor });
    for (const a of page.items) out.push(exportedAudio(pool, a));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return out;
}

function exportedAudio(pool: string, a: AudioFile): ExportedAudioFile {
  return {
    pool,
    id: a.id.toLowerCase(),
    fileName: a.fileName,
    format: a.format,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256.toLowerCase(),
    encoding: a.encoding,
    channels: a.channels,
    sampleRate: a.sampleRate,
    bitsPerSample: a.bitsPerSample,
    durationSeconds: a.durationSeconds,
  };
}

/** Each audio file with its bytes, read CONTENT_AT_ONCE at a time, in the order given. */
async function withContent(backend: Backend, files: readonly ExportedAudioFile[]): Promise<ExportedAudioFile[]> {
  const out: ExportedAudioFile[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      out[i] = await readContent(backend, files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONTENT_AT_ONCE, files.length) }, worker));
  return out;
}

async function readContent(backend: Backend, a: ExportedAudioFile): Promise<ExportedAudioFile> {
  const content = await backend.getAudioFileContent(a.pool, a.id);
  const what = `audio file ${a.id} (${JSON.stringify(a.fileName)}) of pool ${a.pool}`;
  if (content === undefined) {
    throw new RgsError("not_found", `${what} was listed but its content could not be read, as when it is deleted during the export; nothing was written, export again`);
  }
  const sha256 = createHash("sha256").update(content).digest("hex");
  if (sha256 !== a.sha256 || content.length !== a.size) {
    throw new RgsError(
      "bad_response",
      `${what} answered ${content.length} bytes with SHA-256 ${sha256}, but the service lists ${a.size} bytes with SHA-256 ${a.sha256}; nothing was written`,
    );
  }
  return { ...a, content };
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
