/**
 * Where the call-flow commands read a pool's objects from: the Response Group service
 * (`--endpoint URL`, the token from RGS_TOKEN, never from argv), a real pool through the
 * Management Shell agent (`--shell '<command>'`), an export file (`--file`), or a Pulumi program
 * before it is deployed (`--program DIR`). With the objects come the pool's audio files (their
 * metadata, never the bytes) and its settings, where the source has them.
 */
import { readFileSync } from "node:fs";
import type { Backend } from "../sdk/backend";
import { describeError, RgsError } from "../sdk/errors";
import { emptyPool, type FlowAudioFile, type FlowObject, type PoolObjects } from "../sdk/flow/pool";
import { HttpBackend } from "../sdk/http-client";
import { ShellBackend } from "../sdk/shell/index";
import { AUDIO_FILES, KIND_NAMES, kindDef, ObjectId, toFieldIssues, type KindName } from "../sdk/model/index";
import { loadProgram } from "./program";

/** Bad usage: the command prints the message and its usage text, and exits 2. */
export class UsageError extends Error {}

/** The options every call-flow command takes to name its source. */
export const SOURCE_OPTIONS = {
  endpoint: { type: "string" },
  shell: { type: "string" },
  pool: { type: "string" },
  file: { type: "string" },
  program: { type: "string" },
  stack: { type: "string" },
} as const;

export const SOURCE_USAGE = `source, one of:
  --endpoint URL  the Response Group service, e.g. http://127.0.0.1:8080; the token is read from RGS_TOKEN
  --shell CMD     a real pool, through the Management Shell agent this command line starts
  --file FILE     an export: {"pool": "<fqdn>", "agent-groups": [...], "queues": [...], ...},
                  or {"pools": [{"pool": "<fqdn>", ...}, ...]}, as rgs export --format json writes it;
                  "audio-files" and "settings" name the recordings and the default music on hold
  --program DIR   a Pulumi program, run under Pulumi's mocks before it is deployed;
                  --stack NAME reads its Pulumi.<NAME>.yaml config
  --pool FQDN     the pool, when the source holds more than one`;

export interface SourceValues {
  endpoint?: string;
  shell?: string;
  pool?: string;
  file?: string;
  program?: string;
  stack?: string;
}

/** Refuses a token on the command line before anything else reads argv. */
export function refuseTokenInArgv(argv: readonly string[]): void {
  if (argv.some((a) => /^--?token(=|$)/i.test(a))) {
    throw new UsageError("a token is never taken from the command line, where other users and shell history see it; set RGS_TOKEN");
  }
}

/** The one pool the values name, read from its source. */
export async function loadPool(values: SourceValues, env: NodeJS.ProcessEnv = process.env): Promise<PoolObjects> {
  const given = (["endpoint", "shell", "file", "program"] as const).filter((k) => values[k] !== undefined);
  if (given.length > 1) throw new UsageError(`give one source, not ${given.map((k) => `--${k}`).join(" and ")}`);
  if (values.stack !== undefined && values.program === undefined) throw new UsageError("--stack names a stack of a --program");
  if (values.endpoint !== undefined) return loadFromService(values.endpoint, values.pool, env);
  if (values.shell !== undefined) {
    if (values.shell.trim() === "") throw new UsageError("--shell needs the agent's command line");
    return loadFromBackend(new ShellBackend({ command: values.shell }), values.pool, "the pool");
  }
  if (values.file !== undefined) return selectPool(loadExportFile(values.file), values.pool, `file ${values.file}`);
  if (values.program !== undefined) {
    const pools = await loadProgram(values.program, { stack: values.stack, pool: values.pool });
    return selectPool(pools.length > 0 ? pools : [emptyPool(values.pool)], values.pool, `program ${values.program}`);
  }
  throw new UsageError("name a source: --endpoint URL, --shell CMD, --file FILE or --program DIR");
}

async function loadFromService(endpoint: string, pool: string | undefined, env: NodeJS.ProcessEnv): Promise<PoolObjects> {
  if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new UsageError(`--endpoint must be an http:// or https:// URL (got '${endpoint}')`);
  const token = env.RGS_TOKEN;
  if (token === undefined || token.trim() === "") throw new UsageError("RGS_TOKEN is not set: the service's bearer token is read from the environment");
  return loadFromBackend(new HttpBackend({ endpoint, token: token.trim(), userAgent: "rgs-cli" }), pool, `the service at ${endpoint}`);
}

async function loadFromBackend(backend: Backend, pool: string | undefined, what: string): Promise<PoolObjects> {
  // The shell backend's agent process does not hold the event loop open; a command waiting on it must.
  const keepAlive = setInterval(() => undefined, 60_000);
  try {
    let fqdn = pool;
    if (fqdn === undefined) {
      const pools = await backend.listPools();
      if (pools.length !== 1) {
        throw new UsageError(pools.length === 0 ? `${what} has no pools` : `${what} has ${pools.length} pools (${pools.map((p) => p.fqdn).join(", ")}); name one with --pool`);
      }
      fqdn = pools[0].fqdn;
    }
    return await readPool(backend, fqdn);
  } finally {
    await backend.close();
    clearInterval(keepAlive);
  }
}

/** Every object of a pool, page by page, from any backend, with its audio files' metadata and its settings. */
export async function readPool(backend: Backend, pool: string): Promise<PoolObjects> {
  const objects = emptyPool(pool);
  for (const kind of KIND_NAMES) {
    let cursor: string | undefined;
    do {
      const page = await backend.list(pool, kind, cursor === undefined ? {} : { cursor });
      (objects[kind] as unknown[]).push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
  }
  const audioFiles: FlowAudioFile[] = [];
  let cursor: string | undefined;
  do {
    const page = await backend.listAudioFiles(pool, cursor === undefined ? {} : { cursor });
    audioFiles.push(...page.items.map((a) => ({ id: a.id, fileName: a.fileName, sha256: a.sha256 })));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  objects.audioFiles = audioFiles;
  const settings = await backend.getSettings(pool);
  objects.settings = { defaultMusicOnHoldFileId: settings.defaultMusicOnHoldFileId ?? null };
  return objects;
}

function selectPool(pools: PoolObjects[], pool: string | undefined, where: string): PoolObjects {
  if (pool === undefined) {
    if (pools.length === 1) return pools[0];
    throw new UsageError(`${where} holds ${pools.length} pools (${pools.map((p) => p.pool ?? "unnamed").join(", ")}); name one with --pool`);
  }
  const found = pools.find((p) => p.pool?.toLowerCase() === pool.toLowerCase());
  if (!found) throw new UsageError(`${where} has no pool ${pool}; it holds ${pools.map((p) => p.pool ?? "unnamed").join(", ") || "none"}`);
  return found;
}

/** The pools of an export file, each object checked against its kind's schema. */
export function loadExportFile(file: string): PoolObjects[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new RgsError("not_found", `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new RgsError("validation_failed", `${file} is not JSON: ${(e as Error).message}`);
  }
  return parseExport(data, file);
}

/** The pools of an export, already parsed from JSON. */
export function parseExport(data: unknown, where = "the export"): PoolObjects[] {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new RgsError("validation_failed", `${where} must be a JSON object with a "pools" list or the kinds of one pool`);
  }
  const root = data as Record<string, unknown>;
  if (root.pools !== undefined) {
    if (!Array.isArray(root.pools)) throw new RgsError("validation_failed", `${where}: "pools" must be a list of pools`);
    return root.pools.map((p, i) => parsePoolEntry(p, `${where} pools.${i}`));
  }
  return [parsePoolEntry(root, where)];
}

function parsePoolEntry(entry: unknown, where: string): PoolObjects {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) throw new RgsError("validation_failed", `${where} must be an object`);
  const e = entry as Record<string, unknown>;
  const fqdn = typeof e.pool === "string" ? e.pool : typeof e.fqdn === "string" ? e.fqdn : undefined;
  const objects = emptyPool(fqdn);
  const problems: { path: string; message: string }[] = [];
  for (const kind of KIND_NAMES) {
    const list = e[kind];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push({ path: kind, message: "must be a list of objects" });
      continue;
    }
    list.forEach((item, i) => {
      const parsed = parseObject(kind, item, `${kind}.${i}`, problems);
      if (parsed) (objects[kind] as unknown[]).push(parsed);
    });
  }
  // "audioFiles" as well: a pool as readPool answers it, written out as JSON, is an export too.
  const audioKey = e[AUDIO_FILES] !== undefined ? AUDIO_FILES : e.audioFiles !== undefined ? "audioFiles" : undefined;
  if (audioKey !== undefined) objects.audioFiles = parseAudioFiles(e[audioKey], audioKey, problems);
  if (e.settings !== undefined) {
    const music = (e.settings as { defaultMusicOnHoldFileId?: unknown } | null)?.defaultMusicOnHoldFileId ?? null;
    if (typeof e.settings !== "object" || e.settings === null || Array.isArray(e.settings)) {
      problems.push({ path: "settings", message: "must be an object, the pool's settings" });
    } else if (music !== null && (typeof music !== "string" || !ObjectId.safeParse(music).success)) {
      problems.push({ path: "settings.defaultMusicOnHoldFileId", message: `must be an audio file's id (a GUID) or null (got ${JSON.stringify(music)})` });
    } else {
      objects.settings = { defaultMusicOnHoldFileId: music };
    }
  }
  const unknown = Object.keys(e).filter((k) => !["pool", "fqdn", "settings", AUDIO_FILES, "audioFiles", ...KIND_NAMES].includes(k));
  for (const k of unknown) problems.push({ path: k, message: `is not a kind; the kinds are ${KIND_NAMES.join(", ")}` });
  if (problems.length > 0) {
    throw new RgsError("validation_failed", `${where} is not a valid export: ${problems.length} problem${problems.length > 1 ? "s" : ""}`, { details: problems });
  }
  return objects;
}

const SERVER_FIELDS = ["id", "identity", "etag", "ownerPool", "createdAt", "updatedAt"];

/** The audio files of an export: each needs its id and file name; the rest of its metadata is not read. */
function parseAudioFiles(list: unknown, key: string, problems: { path: string; message: string }[]): FlowAudioFile[] {
  if (!Array.isArray(list)) {
    problems.push({ path: key, message: "must be a list of audio files" });
    return [];
  }
  const out: FlowAudioFile[] = [];
  list.forEach((item, i) => {
    const path = `${key}.${i}`;
    const a = item as { id?: unknown; fileName?: unknown; sha256?: unknown } | null;
    if (typeof a !== "object" || a === null || Array.isArray(a)) {
      problems.push({ path, message: "must be an object" });
      return;
    }
    if (typeof a.id !== "string" || !ObjectId.safeParse(a.id).success) {
      problems.push({ path: `${path}.id`, message: `is required: the audio file's id, a GUID, which prompts name (got ${JSON.stringify(a.id)})` });
      return;
    }
    if (typeof a.fileName !== "string" || a.fileName.trim() === "") {
      problems.push({ path: `${path}.fileName`, message: `is required: the name the recording was imported with, such as welcome.wav (got ${JSON.stringify(a.fileName)})` });
      return;
    }
    out.push({ id: a.id, fileName: a.fileName, ...(typeof a.sha256 === "string" ? { sha256: a.sha256 } : {}) });
  });
  return out;
}

function parseObject<K extends KindName>(kind: K, item: unknown, path: string, problems: { path: string; message: string }[]): FlowObject<K> | undefined {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    problems.push({ path, message: "must be an object" });
    return undefined;
  }
  const o = item as Record<string, unknown>;
  if (typeof o.id !== "string" || o.id === "") {
    problems.push({ path: `${path}.id`, message: "is required: references between objects use ids" });
    return undefined;
  }
  const body = Object.fromEntries(Object.entries(o).filter(([k]) => !SERVER_FIELDS.includes(k)));
  const r = kindDef(kind).schema.safeParse(body, { reportInput: true });
  if (!r.success) {
    problems.push(...toFieldIssues(r.error, path));
    return undefined;
  }
  return { ...(r.data as object), id: o.id } as FlowObject<K>;
}

/** Runs a command body: usage mistakes exit 2 with the usage text, failures exit 1 with a message. */
export async function runCommand(name: string, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      process.stderr.write(`rgs ${name}: ${(e as Error).message}\n\n${usage}\n`);
      return 2;
    }
    if (RgsError.isRgsError(e)) {
      process.stderr.write(`rgs ${name}: ${describeError(e)}\n`);
      return 1;
    }
    process.stderr.write(`rgs ${name}: ${(e as Error)?.message ?? String(e)}\n`);
    return 1;
  }
}

function isParseArgsError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
