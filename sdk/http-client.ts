/**
 * The HTTP client for the Response Group service: the Backend interface over the v1 contract.
 *
 * Every create carries an Idempotency-Key and every update an If-Match, so a retry after a lost
 * answer never makes a second object or overwrites someone else's edit.
 */
import { randomUUID } from "node:crypto";
import type { AudioFile, AudioUpload, Backend, CreateOptions, Created, ImportedAudio, ListOptions, Page, Pool, RgsObject, Settings } from "./backend";
import { AUDIO_FILES } from "./model/audio-file";
import { isServiceErrorCode, RgsError } from "./errors";
import { stableJson } from "./json";
import type { KindName } from "./model/kind";
import { kindDef, type KindArgs } from "./model/index";
import type { SettingsArgs } from "./model/settings";
import { SERVER_FIELDS, type ErrorEnvelope } from "./views";

export interface HttpBackendOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:8080 */
  endpoint: string;
  token: string;
  /** Per attempt, in milliseconds. */
  timeoutMs?: number;
  /** Retries after the first attempt, for 429, 503 and connection errors. */
  maxRetries?: number;
  /** First backoff in milliseconds; doubles each retry, with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Sent as User-Agent. */
  userAgent?: string;
}

interface Attempt {
  status: number;
  headers: Headers;
  body: unknown;
  /** The answer's bytes, for a binary request that succeeded. */
  bytes?: Uint8Array;
}

interface RequestOptions {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  body?: unknown;
  /** Bytes sent as they are, with their own Content-Type, in place of a JSON body. */
  raw?: { contentType: string; bytes: Uint8Array };
  headers?: Record<string, string>;
  /** The answer is bytes, not JSON. */
  binary?: boolean;
}

/** What one call came to after its retries: its answer or its error, and whether an attempt's outcome was unknown. */
interface Outcome {
  result: Attempt | RgsError;
  /** An earlier attempt's answer was lost, so it may have been applied. */
  retried: boolean;
}

const RETRY_STATUS = new Set([429, 503]);

export class HttpBackend implements Backend {
  private readonly endpoint: string;
  private readonly token: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly userAgent: string;

  constructor(options: HttpBackendOptions) {
    if (!/^https?:\/\//.test(options.endpoint)) {
      throw new RgsError("connection_failed", `endpoint '${options.endpoint}' must be an http:// or https:// URL`);
    }
    this.endpoint = options.endpoint.replace(/\/+$/, "");
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = options.maxRetries ?? 6;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 5_000;
    this.userAgent = options.userAgent ?? "pulumi-rgs";
  }

  async get<K extends KindName>(pool: string, kind: K, id: string): Promise<RgsObject<K> | undefined> {
    return this.orUndefined(async () => (await this.request({ method: "GET", path: objectPath(pool, kind, id) })).body as RgsObject<K>);
  }

  async list<K extends KindName>(pool: string, kind: K, options: ListOptions = {}): Promise<Page<RgsObject<K>>> {
    const q = new URLSearchParams();
    if (options.name !== undefined) q.set("name", options.name);
    if (options.limit !== undefined) q.set("limit", String(options.limit));
    if (options.cursor !== undefined) q.set("cursor", options.cursor);
    const qs = q.toString();
    const r = await this.request({ method: "GET", path: `${collectionPath(pool, kind)}${qs ? `?${qs}` : ""}` });
    return r.body as Page<RgsObject<K>>;
  }

  async findByName<K extends KindName>(pool: string, kind: K, name: string): Promise<RgsObject<K> | undefined> {
    return (await this.list(pool, kind, { name })).items[0];
  }

  /** Every create carries an Idempotency-Key: the request key when given, so a later run finds this create again. */
  async create<K extends KindName>(pool: string, kind: K, body: KindArgs[K], options: CreateOptions = {}): Promise<Created<K>> {
    const key = options.requestKey ?? randomUUID();
    const r = await this.request({
      method: "POST",
      path: collectionPath(pool, kind),
      body,
      headers: { "idempotency-key": key },
    });
    return { object: r.body as RgsObject<K>, replayed: r.headers.get("idempotent-replayed") === "true" };
  }

  async update<K extends KindName>(pool: string, kind: K, id: string, body: KindArgs[K], version: string): Promise<RgsObject<K>> {
    const path = objectPath(pool, kind, id);
    const { result, retried } = await this.send({ method: "PUT", path, body, headers: { "if-match": quoteEtag(version) } });
    if (!(result instanceof Error)) return result.body as RgsObject<K>;
    // An earlier attempt may have applied before its answer was lost; then the object already
    // holds this body and the 412 is our own write.
    if (result.code === "etag_mismatch" && retried) {
      const now = await this.get(pool, kind, id);
      if (now && sameBody(kind, body, now)) return now;
    }
    throw result;
  }

  async delete(pool: string, kind: KindName, id: string): Promise<boolean> {
    return (await this.orUndefined(async () => (await this.request({ method: "DELETE", path: objectPath(pool, kind, id) }), true))) ?? false;
  }

  /** Content-addressed, so a retry after a lost answer finds the same audio file (200) rather than making a second. */
  async importAudioFile(pool: string, upload: AudioUpload): Promise<ImportedAudio> {
    const r = await this.request({
      method: "POST",
      path: audioPath(pool),
      raw: { contentType: upload.contentType, bytes: upload.content },
      headers: { "x-file-name": encodeURIComponent(upload.fileName), ...(upload.holder !== undefined ? { "x-holder": upload.holder } : {}) },
    });
    return { audioFile: r.body as AudioFile, existing: r.status === 200 };
  }

  async getAudioFile(pool: string, id: string): Promise<AudioFile | undefined> {
    return this.orUndefined(async () => (await this.request({ method: "GET", path: audioPath(pool, id) })).body as AudioFile);
  }

  async getAudioFileContent(pool: string, id: string): Promise<Uint8Array | undefined> {
    return this.orUndefined(async () => (await this.request({ method: "GET", path: `${audioPath(pool, id)}/content`, binary: true })).bytes!);
  }

  async listAudioFiles(pool: string, options: Omit<ListOptions, "name"> = {}): Promise<Page<AudioFile>> {
    const q = new URLSearchParams();
    if (options.limit !== undefined) q.set("limit", String(options.limit));
    if (options.cursor !== undefined) q.set("cursor", options.cursor);
    const qs = q.toString();
    return (await this.request({ method: "GET", path: `${audioPath(pool)}${qs ? `?${qs}` : ""}` })).body as Page<AudioFile>;
  }

  async deleteAudioFile(pool: string, id: string, options: { holder?: string } = {}): Promise<boolean> {
    const headers: Record<string, string> = options.holder !== undefined ? { "x-holder": options.holder } : {};
    return (await this.orUndefined(async () => (await this.request({ method: "DELETE", path: audioPath(pool, id), headers }), true))) ?? false;
  }

  async getSettings(pool: string): Promise<Settings> {
    return (await this.request({ method: "GET", path: `/v1/pools/${enc(pool)}/settings` })).body as Settings;
  }

  async updateSettings(pool: string, body: SettingsArgs, version?: string): Promise<Settings> {
    const headers: Record<string, string> = version ? { "if-match": quoteEtag(version) } : {};
    return (await this.request({ method: "PUT", path: `/v1/pools/${enc(pool)}/settings`, body, headers })).body as Settings;
  }

  async listPools(): Promise<Pool[]> {
    return ((await this.request({ method: "GET", path: "/v1/pools" })).body as { items: Pool[] }).items;
  }

  /** Provisions a pool (an admin's call, not part of Backend: a real pool exists before any tool sees it). */
  async putPool(fqdn: string): Promise<Pool> {
    return (await this.request({ method: "PUT", path: `/v1/pools/${enc(fqdn)}`, body: {} })).body as Pool;
  }

  /** Nothing is held between calls. */
  async close(): Promise<void> {}

  /** A call's answer, or undefined when the service has no such object (not_found). */
  private async orUndefined<T>(call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (e) {
      if (RgsError.isRgsError(e) && e.code === "not_found") return undefined;
      throw e;
    }
  }

  private async request(options: RequestOptions): Promise<Attempt> {
    const { result } = await this.send(options);
    if (result instanceof Error) throw result;
    return result;
  }

  /** One call, retried on 429, 503 and connection errors with exponential backoff and jitter. */
  private async send(options: RequestOptions): Promise<Outcome> {
    let retried = false;
    for (let attempt = 0; ; attempt++) {
      let result: Attempt | RgsError;
      try {
        result = await this.once(options);
      } catch (e) {
        result = RgsError.isRgsError(e) ? e : new RgsError("connection_failed", String(e), { cause: e });
      }
      if (!(result instanceof Error) && result.status < 400) return { result, retried };
      const error = result instanceof Error ? result : toError(options, result);
      const transient = error.code === "connection_failed" || error.code === "timeout" || RETRY_STATUS.has(error.status);
      if (!transient || attempt >= this.maxRetries) return { result: error, retried };
      // Only a lost answer leaves the outcome unknown; a 429 or 503 was refused before any write.
      if (error.code === "connection_failed" || error.code === "timeout") retried = true;
      await sleep(this.delay(attempt, error.retryAfterSeconds));
    }
  }

  private delay(attempt: number, retryAfterSeconds: number | undefined): number {
    const backoff = Math.random() * Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** attempt);
    return retryAfterSeconds !== undefined ? Math.max(retryAfterSeconds * 1000, backoff) : backoff;
  }

  private async once(options: RequestOptions): Promise<Attempt> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: "application/json",
      "user-agent": this.userAgent,
      ...options.headers,
    };
    let payload: string | Uint8Array | undefined;
    if (options.raw !== undefined) {
      headers["content-type"] = options.raw.contentType;
      payload = options.raw.bytes;
    } else if (options.body !== undefined) {
      headers["content-type"] = "application/json";
      payload = JSON.stringify(options.body);
    }
    if (options.binary) headers.accept = "application/octet-stream, application/json";
    let res: Response;
    let text: string;
    let bytes: Uint8Array | undefined;
    // The timeout covers the whole answer: a body that stalls after its headers is a timeout too.
    try {
      res = await fetch(`${this.endpoint}${options.path}`, {
        method: options.method,
        headers,
        body: payload,
        // An upload gets time for its bytes too, at 64 KB/s at the least.
        signal: AbortSignal.timeout(this.timeoutMs + (options.raw ? Math.ceil(options.raw.bytes.length / 64) : 0)),
      });
      if (options.binary && res.ok) {
        bytes = new Uint8Array(await res.arrayBuffer());
        text = "";
      } else {
        text = await res.text();
      }
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === "TimeoutError" || name === "AbortError") {
        throw new RgsError("timeout", `${options.method} ${this.endpoint}${options.path} got no answer within ${this.timeoutMs} ms`, { cause: e });
      }
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new RgsError(
        "connection_failed",
        `cannot reach the Response Group service at ${this.endpoint}: ${cause?.code ?? cause?.message ?? String(e)}`,
        { cause: e },
      );
    }
    let body: unknown = undefined;
    if (text.length > 0) {
      try {
        body = JSON.parse(text);
      } catch {
        if (res.status < 400) {
          throw new RgsError("bad_response", `${options.method} ${options.path} answered ${res.status} with a body that is not JSON`);
        }
      }
    }
    return { status: res.status, headers: res.headers, body, bytes };
  }
}

function toError(options: RequestOptions, r: Attempt): RgsError {
  const env = (r.body as Partial<ErrorEnvelope> | undefined)?.error;
  const retryAfter = parseRetryAfter(r.headers.get("retry-after"));
  if (env && isServiceErrorCode(env.code)) {
    return new RgsError(env.code, env.message ?? `${options.method} ${options.path} failed with ${r.status}`, {
      details: env.details,
      requestId: env.requestId,
      retryAfterSeconds: retryAfter,
    });
  }
  const code = r.status === 429 ? "rate_limited" : r.status === 503 ? "unavailable" : r.status === 404 ? "not_found" : "bad_response";
  return new RgsError(code, `${options.method} ${options.path} failed with HTTP ${r.status}`, { retryAfterSeconds: retryAfter });
}

function parseRetryAfter(v: string | null): number | undefined {
  if (v === null) return undefined;
  const n = Number(v);
  if (Number.isFinite(n) && n >= 0) return Math.min(n, 60);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, (at - Date.now()) / 1000), 60);
}

function sameBody(kind: KindName, sent: unknown, now: Record<string, unknown>): boolean {
  const parsed = kindDef(kind).schema.safeParse(sent);
  if (!parsed.success) return false;
  const stored: Record<string, unknown> = { ...now };
  for (const f of SERVER_FIELDS) delete stored[f];
  return stableJson(parsed.data) === stableJson(stored);
}

function quoteEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith("W/") ? etag : `"${etag}"`;
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function collectionPath(pool: string, kind: KindName): string {
  return `/v1/pools/${enc(pool)}/${kind}`;
}

function objectPath(pool: string, kind: KindName, id: string): string {
  return `${collectionPath(pool, kind)}/${enc(id)}`;
}

function audioPath(pool: string, id?: string): string {
  return `/v1/pools/${enc(pool)}/${AUDIO_FILES}${id === undefined ? "" : `/${enc(id)}`}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
