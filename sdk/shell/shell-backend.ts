/**
 * The shell backend: the Backend interface over a real pool's Management Shell, through the agent.
 *
 * The cmdlets check little, so the checks the service makes are made here before a write: names
 * unique per pool and kind, references that resolve, primary URIs unique across pools, nothing
 * removed while another object uses it (Remove-CsRgsQueue ignores queue-to-queue use). Versions
 * are the agent's fingerprints, compared by the agent in the same request as the Set.
 *
 * Reads go through a per-pool cache: the first read of a kind lists it whole with one request,
 * later reads are answered from the list, and writes keep it current, so a refresh of N objects
 * costs one list per kind, not N gets. A write whose outcome is unknown (the agent died or timed
 * out) drops the kind from the cache, and the object is looked up before anything is written again.
 *
 * Audio files live in a local audio store (audio-store.ts), since Lync keeps no recording apart from
 * the prompt or music on hold that embeds an import of it: a write imports each recording it plays
 * afresh, nested in its one request, and reads name the recording of each import by the store's index.
 */
import { RgsError, type FieldProblem, type Referrer } from "../errors";
import type { AudioFile, AudioUpload, Backend, Created, CreateOptions, ImportedAudio, ListOptions, Page, Pool, RgsObject, Settings } from "../backend";
import { checkAudioUpload } from "../model/audio-file";
import { objectIdentity, serviceIdentity } from "../model/common";
import { SERVER_FIELDS } from "../views";
import { aLabel, audioFilesOf, isExclusive, isObjectId, kindDef, KIND_NAMES, parseBody, type KindArgs, type KindBodies, type PoolLookup } from "../model/index";
import type { KindName } from "../model/kind";
import { SettingsSchema, settingsAudioFiles, type SettingsArgs, type SettingsBody } from "../model/settings";
import { toFieldIssues } from "../model/index";
import { AgentProcess, type RequestMode } from "./agent-process";
import { isOutcomeUnknown } from "./agent-errors";
import { foreignImportId } from "./audio-ids";
import { AudioStore, defaultAudioStore, type StoredAudio } from "./audio-store";
import { AudioMark, audioMarksIn, idOf, importName, MAPPINGS, newParams, poolOf, settingsMapping, type Properties, type ReadContext } from "./mapping/index";
import type { AgentRequest, Projection, Step, Value } from "./protocol";

export interface ShellBackendOptions {
  /** The command line that starts rgs-agent.ps1, e.g. `ssh admin@jump01 powershell.exe -NoProfile -NonInteractive -File C:\rgs\rgs-agent.ps1`. */
  command: string;
  /** How long one agent request may take, in milliseconds; default 120 s. */
  timeoutMs?: number;
  /** How long the agent may take to start; default `timeoutMs`. */
  readyTimeoutMs?: number;
  /** Variables added to the agent's environment. */
  env?: Record<string, string>;
  /** How long a listed kind answers reads, in milliseconds; default 60 s. */
  cacheTtlMs?: number;
  /**
   * The directory that keeps the recordings prompts and music on hold play, and the imports made
   * from them (audio-store.ts); default `RGS_AUDIO_STORE`, else the user's data directory.
   */
  audioStore?: string;
}

/** The Backend operations, for counting the agent requests each one costs. */
export const BACKEND_OPS = [
  "get",
  "list",
  "findByName",
  "create",
  "update",
  "delete",
  "importAudioFile",
  "getAudioFile",
  "getAudioFileContent",
  "listAudioFiles",
  "deleteAudioFile",
  "getSettings",
  "updateSettings",
  "listPools",
] as const;
export type BackendOp = (typeof BACKEND_OPS)[number];

/** Agent requests sent on behalf of each operation (and of ping), and in all. */
export type RequestCounts = Record<BackendOp | "ping" | "total", number>;

/** The audio file each path of a write was sent an import of. */
type Sent = ReadonlyMap<string, string>;

/** An object as read, and how to keep the imports the read learned. */
interface Tentative<K extends KindName> {
  object: RgsObject<K>;
  commit(): void;
}

/** Where an audio file plays: an object of the pool, or its settings. */
interface AudioUser extends Referrer {
  /** For messages: "workflow 'Help Desk' (customMusicOnHoldFileId)". */
  what: string;
}

interface KindCache {
  byId: Map<string, RgsObject>;
  /** When the kind was last listed whole (performance.now()); null while the map holds only what was seen. */
  listedAt: number | null;
  /** The list under way, which parallel reads wait for. */
  listing?: Promise<void>;
}

export class ShellBackend implements Backend {
  /** Agent requests made so far, per operation: what a benchmark reads. */
  readonly requests: RequestCounts = Object.fromEntries([...BACKEND_OPS, "ping", "total"].map((k) => [k, 0])) as RequestCounts;
  private readonly agent: AgentProcess;
  private readonly cacheTtlMs: number;
  private readonly cache = new Map<string, KindCache>();
  /** The settings of each pool as last read or written: the base an update with that version changes. */
  private readonly settingsSeen = new Map<string, Settings>();
  private pools?: Promise<string[]>;
  readonly audioStore: AudioStore;

  constructor(options: ShellBackendOptions) {
    this.agent = new AgentProcess(options);
    this.cacheTtlMs = options.cacheTtlMs ?? 60_000;
    this.audioStore = new AudioStore(options.audioStore ?? defaultAudioStore());
  }

  /** How many agents were started; more than one means one died or timed out and was replaced. */
  get agentStarts(): number {
    return this.agent.starts;
  }

  /** What the running agent said when it started (its version and module), if one runs. */
  get agentInfo(): { agent?: string; module?: string; protocol?: number } | undefined {
    const ready = this.agent.ready;
    return ready && { agent: ready.agent, module: ready.module, protocol: ready.protocol };
  }

  /** Starts the agent if none runs and asks it for a pong: true when the pool can be reached. */
  async ping(): Promise<boolean> {
    return (await this.call("ping", { op: "ping" }, "read")) === "pong";
  }

  async get<K extends KindName>(pool: string, kind: K, id: string): Promise<RgsObject<K> | undefined> {
    pool = pool.toLowerCase();
    id = id.toLowerCase();
    if (!isObjectId(id)) return undefined;
    const { cache, listedNow } = await this.objects("get", pool, kind);
    const hit = cache.byId.get(id);
    if (hit) return copy(hit) as unknown as RgsObject<K>;
    // A list made earlier may predate the object; only a list made just now proves it absent.
    if (listedNow) return undefined;
    return this.fetch("get", pool, kind, id);
  }

  async list<K extends KindName>(pool: string, kind: K, options: ListOptions = {}): Promise<Page<RgsObject<K>>> {
    pool = pool.toLowerCase();
    const { cache } = await this.objects("list", pool, kind);
    let items = [...cache.byId.values()] as unknown as RgsObject<K>[];
    if (options.name !== undefined) {
      const key = options.name.toLowerCase();
      items = items.filter((o) => o.name.toLowerCase() === key);
    }
    const offset = options.cursor === undefined ? 0 : decodeCursor(options.cursor);
    const limit = options.limit ?? items.length;
    const page = items.slice(offset, offset + limit);
    const next = offset + page.length < items.length ? encodeCursor(offset + page.length) : null;
    return { items: page.map(copy), nextCursor: next };
  }

  async findByName<K extends KindName>(pool: string, kind: K, name: string): Promise<RgsObject<K> | undefined> {
    pool = pool.toLowerCase();
    const { cache } = await this.objects("findByName", pool, kind);
    const hit = byName(cache, name);
    return hit ? (copy(hit) as unknown as RgsObject<K>) : undefined;
  }

  async create<K extends KindName>(pool: string, kind: K, raw: KindArgs[K], options: CreateOptions = {}): Promise<Created<K>> {
    pool = pool.toLowerCase();
    const body = validate(kind, raw, "create");
    const properties = MAPPINGS[kind].properties(body, { pool, audio: "keep" });
    const { cache } = await this.objects("create", pool, kind);
    const same = byName(cache, body.name);
    if (same) {
      if (options.requestKey !== undefined && this.sameBody(kind, properties, same, pool)) return { object: copy(same) as unknown as RgsObject<K>, replayed: true };
      throw nameConflict(kind, body.name, pool, same.id);
    }
    await this.checkReferences("create", pool, kind, body, undefined);
    await this.checkUniqueAcrossPools("create", pool, kind, body, undefined);
    await this.checkPoolRules("create", pool, kind, body, undefined);
    const { params, sent } = await this.withImports(pool, newParams(properties), undefined);
    const step: Step = { cmdlet: `New-${kindDef(kind).noun}`, params: { Parent: serviceIdentity(pool), ...params } };
    try {
      return { object: await this.write("create", pool, kind, { op: "run", step }, sent), replayed: false };
    } catch (e) {
      if (isOutcomeUnknown(e)) {
        // The New may have happened before the agent was lost; the pool says whether it did.
        const now = await this.fetchByName("create", pool, kind, body.name, sent);
        if (now && this.accept(kind, properties, now, pool)) return { object: now.object, replayed: false };
        if (now) throw nameConflict(kind, body.name, pool, now.object.id);
        return { object: await this.write("create", pool, kind, { op: "run", step }, sent), replayed: false };
      }
      if (RgsError.isRgsError(e) && e.code === "name_conflict") {
        const now = await this.fetchByName("create", pool, kind, body.name);
        if (now && options.requestKey !== undefined && this.accept(kind, properties, now, pool)) return { object: now.object, replayed: true };
        if (now) throw nameConflict(kind, body.name, pool, now.object.id);
        if (kind === "workflows") throw uriTaken(body as Record<string, unknown>, e);
      }
      throw e;
    }
  }

  async update<K extends KindName>(pool: string, kind: K, id: string, raw: KindArgs[K], version: string): Promise<RgsObject<K>> {
    pool = pool.toLowerCase();
    id = id.toLowerCase();
    if (!isObjectId(id)) throw notFound(kind, id, pool);
    const body = validate(kind, raw, "update");
    const properties = MAPPINGS[kind].properties(body, { pool, audio: "keep" });
    const { cache, listedNow } = await this.objects("update", pool, kind);
    const current = cache.byId.get(id);
    if (!current && listedNow) throw notFound(kind, id, pool);
    const same = byName(cache, body.name);
    if (same && same.id !== id) throw nameConflict(kind, body.name, pool, same.id);
    await this.checkReferences("update", pool, kind, body, id);
    await this.checkUniqueAcrossPools("update", pool, kind, body, id);
    await this.checkPoolRules("update", pool, kind, body, id);
    const exclusive = kindDef(kind).exclusive;
    if (exclusive && isExclusive(kind, body)) {
      const users = await this.referrers("update", pool, kind, id);
      if (users.length > 1) {
        throw new RgsError(
          "in_use",
          `${kindDef(kind).label} '${current?.name ?? body.name}' cannot ${exclusive.becoming}: ${describeReferrers(users)} use it, and ${exclusive.why}`,
          { details: { referencedBy: users } },
        );
      }
    }
    // Only what changes is written: an unchanged prompt keeps the import it has, which may be one
    // made outside Pulumi whose bytes the audio store lacks.
    let base = current && current.etag === version ? current : undefined;
    if (!base && audioMarksIn(properties).length > 0) {
      base = (await this.fetch("update", pool, kind, id)) as RgsObject | undefined;
      if (!base) throw notFound(kind, id, pool);
      if (base.etag !== version) throw etagMismatch(kind, base.name);
    }
    const before = base ? this.propertiesOf(kind, base, pool) : undefined;
    const set = before ? changed(before, properties) : properties;
    if (base && Object.keys(set).length === 0) return copy(base) as unknown as RgsObject<K>;
    const { params, sent } = await this.withImports(pool, set, before);
    const request: AgentRequest = {
      op: "update",
      get: this.getStep(kind, pool, id),
      ifFingerprint: version,
      set: params,
      with: `Set-${kindDef(kind).noun}`,
    };
    const name = current?.name ?? body.name;
    try {
      return await this.write("update", pool, kind, request, sent);
    } catch (e) {
      if (isOutcomeUnknown(e)) {
        const now = await this.fetchRead("update", pool, kind, id, sent);
        if (!now) throw notFound(kind, id, pool);
        if (this.accept(kind, properties, now, pool)) return now.object;
        if (now.object.etag !== version) throw etagMismatch(kind, name);
        const again = await this.withImports(pool, changed(this.propertiesOf(kind, now.object, pool), properties), undefined);
        return await this.write("update", pool, kind, { ...request, set: again.params }, again.sent);
      }
      if (!RgsError.isRgsError(e)) throw e;
      if (e.code === "etag_mismatch") {
        this.forget(pool, kind, id);
        throw etagMismatch(kind, name);
      }
      if (e.code === "not_found") {
        this.forget(pool, kind, id);
        throw notFound(kind, id, pool);
      }
      if (e.code === "name_conflict" && kind === "workflows" && current && current.name.toLowerCase() === body.name.toLowerCase()) {
        throw uriTaken(body as Record<string, unknown>, e);
      }
      throw e;
    }
  }

  /**
   * Deletes an object, refused with `in_use` while a workflow or another queue uses it. The
   * cmdlets do not check this themselves. When Pulumi replaces an object, the referrers have been
   * updated to the replacement before the old object is deleted, so the check finds none of them.
   */
  async delete(pool: string, kind: KindName, id: string): Promise<boolean> {
    pool = pool.toLowerCase();
    id = id.toLowerCase();
    if (!isObjectId(id)) return false;
    const { cache, listedNow } = await this.objects("delete", pool, kind);
    const target = cache.byId.get(id) ?? (listedNow ? undefined : await this.fetch("delete", pool, kind, id));
    if (!target) return false;
    const users = await this.referrers("delete", pool, kind, id);
    if (users.length > 0) {
      throw new RgsError(
        "in_use",
        `${kindDef(kind).label} '${target.name}' is still used by ${describeReferrers(users)}; change or delete those first`,
        { details: { referencedBy: users } },
      );
    }
    const step: Step = { cmdlet: `Remove-${kindDef(kind).noun}`, params: { Instance: { step: this.getStep(kind, pool, id) } } };
    const remove = async (): Promise<boolean> => {
      try {
        await this.call("delete", { op: "run", step }, "write");
        return true;
      } catch (e) {
        if (RgsError.isRgsError(e) && e.code === "not_found") return false;
        throw e;
      } finally {
        this.forget(pool, kind, id);
      }
    };
    try {
      return await remove();
    } catch (e) {
      if (!isOutcomeUnknown(e)) throw e;
      this.invalidate(pool, kind);
      if (!(await this.fetch("delete", pool, kind, id))) return true;
      return await remove();
    }
  }

  /**
   * Keeps a recording in the audio store, once per pool and content; no agent request. Lync has no
   * object for an unattached recording: each prompt or music on hold that plays it gets an import
   * of its own when it is written.
   */
  async importAudioFile(pool: string, upload: AudioUpload): Promise<ImportedAudio> {
    pool = pool.toLowerCase();
    const checked = checkAudioUpload(upload.contentType, upload.fileName, upload.content);
    if (!checked.ok) throw notPlayable(checked.issues);
    const { audio, existing } = await this.audioStore.put(pool, checked.value, upload.content);
    if (upload.holder !== undefined) await this.audioStore.hold(pool, audio.id, upload.holder);
    return { audioFile: audioFileView(audio), existing };
  }

  async getAudioFile(pool: string, id: string): Promise<AudioFile | undefined> {
    pool = pool.toLowerCase();
    if (!isObjectId(id)) return undefined;
    const audio = await this.audioStore.get(pool, id);
    return audio && audioFileView(audio);
  }

  async getAudioFileContent(pool: string, id: string): Promise<Uint8Array | undefined> {
    pool = pool.toLowerCase();
    if (!isObjectId(id)) return undefined;
    return (await this.audioStore.content(pool, id))?.content;
  }

  async listAudioFiles(pool: string, options: Omit<ListOptions, "name"> = {}): Promise<Page<AudioFile>> {
    pool = pool.toLowerCase();
    const items = (await this.audioStore.list(pool)).map(audioFileView);
    const offset = options.cursor === undefined ? 0 : decodeCursor(options.cursor);
    const limit = options.limit ?? items.length;
    const page = items.slice(offset, offset + limit);
    return { items: page, nextCursor: offset + page.length < items.length ? encodeCursor(offset + page.length) : null };
  }

  /** Removes a recording from the audio store, refused with `in_use` while an object or the settings of the pool play it. */
  async deleteAudioFile(pool: string, id: string, options: { holder?: string } = {}): Promise<boolean> {
    pool = pool.toLowerCase();
    id = id.toLowerCase();
    if (!isObjectId(id)) return false;
    const audio = await this.audioStore.get(pool, id);
    if (!audio) return false;
    // Another holder still counts on these bytes: only this hold goes.
    if (options.holder !== undefined && (await this.audioStore.release(pool, id, options.holder)) > 0) return true;
    const users = await this.audioUsers("deleteAudioFile", pool, id);
    if (users.length > 0) {
      throw new RgsError(
        "in_use",
        `audio file '${audio.fileName}' (${id}) is still played by ${users.map((u) => u.what).join(", ")}; change or delete those first`,
        { details: { referencedBy: users.map(({ kind, id: uid, name }) => ({ kind, id: uid, name })) } },
      );
    }
    return this.audioStore.delete(pool, id);
  }

  async getSettings(pool: string): Promise<Settings> {
    pool = pool.toLowerCase();
    return this.readSettings("getSettings", pool);
  }

  /**
   * Replaces the settings whole through the agent's update (fingerprint compared, then
   * Set-CsRgsConfiguration -Instance), writing only the settings that change: an unchanged default
   * music on hold keeps its import. Without a version the settings are read first and replaced
   * whatever they were.
   */
  async updateSettings(pool: string, raw: SettingsArgs, version?: string): Promise<Settings> {
    pool = pool.toLowerCase();
    const parsed = SettingsSchema.safeParse(stripFields(raw, ["pool", "identity", "etag", "updatedAt"]), { reportInput: true });
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error);
      throw new RgsError("validation_failed", `the settings are not valid: ${issues.length} problem${issues.length > 1 ? "s" : ""}`, { details: issues });
    }
    const properties = settingsMapping.properties(parsed.data, { pool, audio: "keep" });
    const seen = this.settingsSeen.get(pool);
    let base = version !== undefined && seen?.etag === version ? seen : await this.readSettings("updateSettings", pool);
    if (version !== undefined && base.etag !== version) throw settingsChanged(pool);
    // Without a version the caller replaces whatever is there: a change made meanwhile is read and replaced once.
    for (let attempt = 0; ; attempt++) {
      const before = settingsMapping.properties(settingsBody(base), { pool, audio: "keep" });
      const set = changed(before, properties);
      if (Object.keys(set).length === 0) return copy(base);
      const { params, sent } = await this.withImports(pool, set, before);
      const request: AgentRequest = { op: "update", get: configurationStep(pool), ifFingerprint: base.etag, set: params, with: "Set-CsRgsConfiguration" };
      let answer: unknown;
      try {
        answer = await this.call("updateSettings", request, "write");
      } catch (e) {
        this.settingsSeen.delete(pool);
        if (RgsError.isRgsError(e) && e.code === "etag_mismatch") {
          if (version !== undefined || attempt > 0) throw settingsChanged(pool);
          base = await this.readSettings("updateSettings", pool);
          continue;
        }
        if (!isOutcomeUnknown(e)) throw e;
        const reader = this.reader(pool, sent);
        const now = this.settingsView(pool, one(await this.call("updateSettings", { op: "run", step: configurationStep(pool) }, "read")), reader.ctx);
        if (stableJson(settingsMapping.properties(settingsBody(now), { pool, audio: "keep" })) !== stableJson(properties)) throw e;
        reader.commit();
        this.settingsSeen.set(pool, now);
        return copy(now);
      }
      const reader = this.reader(pool, sent);
      const written = this.settingsView(pool, one(answer), reader.ctx);
      reader.commit();
      this.settingsSeen.set(pool, written);
      return copy(written);
    }
  }

  /** The pools whose Application Server runs Response Group (Get-CsService -ApplicationServer). */
  async listPools(): Promise<Pool[]> {
    const value = await this.call("listPools", { op: "run", step: { cmdlet: "Get-CsService", switches: ["ApplicationServer"] } }, "read");
    const fqdns = new Set<string>();
    for (const item of asList(value)) {
      const p = item as Projection;
      const fqdn = poolOf(p.PoolFqdn) ?? poolOf(p.Identity);
      if (fqdn) fqdns.add(fqdn);
    }
    return [...fqdns].sort().map((fqdn) => ({ fqdn, identity: serviceIdentity(fqdn), createdAt: null }));
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.settingsSeen.clear();
    await this.agent.close();
  }

  // Reads and the cache

  /** The kind's objects in the pool, listed now unless a recent list is at hand. */
  private async objects(op: BackendOp, pool: string, kind: KindName): Promise<{ cache: KindCache; listedNow: boolean }> {
    const cache = this.kindCache(pool, kind);
    if (cache.listedAt !== null && performance.now() - cache.listedAt < this.cacheTtlMs) return { cache, listedNow: false };
    // Parallel reads of a cold kind (Pulumi refreshes in parallel) share one list.
    cache.listing ??= this.listKind(op, pool, kind, cache).finally(() => {
      cache.listing = undefined;
    });
    await cache.listing;
    return { cache, listedNow: true };
  }

  private async listKind(op: BackendOp, pool: string, kind: KindName, cache: KindCache): Promise<void> {
    const value = await this.call(op, { op: "run", step: { cmdlet: `Get-${kindDef(kind).noun}`, params: { Identity: serviceIdentity(pool) } } }, "read");
    cache.byId.clear();
    for (const p of asList(value)) {
      const o = this.toObject(kind, pool, p as Projection);
      cache.byId.set(o.id, o);
    }
    cache.listedAt = performance.now();
  }

  /** One object by its identity, straight from the pool. */
  private async fetch<K extends KindName>(op: BackendOp, pool: string, kind: K, id: string): Promise<RgsObject<K> | undefined> {
    const read = await this.fetchRead(op, pool, kind, id);
    read?.commit();
    return read?.object;
  }

  /** One object by its identity, its imports at the paths of `sent` taken as those a write just sent. */
  private async fetchRead<K extends KindName>(op: BackendOp, pool: string, kind: K, id: string, sent?: Sent): Promise<Tentative<K> | undefined> {
    let value: unknown;
    try {
      value = await this.call(op, { op: "run", step: this.getStep(kind, pool, id) }, "read");
    } catch (e) {
      if (RgsError.isRgsError(e) && e.code === "not_found") return this.forget(pool, kind, id);
      throw e;
    }
    const p = asList(value)[0] as Projection | undefined;
    if (!p) return this.forget(pool, kind, id);
    return this.cached(kind, pool, p, sent);
  }

  /** One object by its name, straight from the pool (Get-<noun> -Identity <service> -Name). */
  private async fetchByName<K extends KindName>(op: BackendOp, pool: string, kind: K, name: string, sent?: Sent): Promise<Tentative<K> | undefined> {
    this.invalidate(pool, kind);
    let value: unknown;
    try {
      const step: Step = { cmdlet: `Get-${kindDef(kind).noun}`, params: { Identity: serviceIdentity(pool), Name: name } };
      value = await this.call(op, { op: "run", step }, "read");
    } catch (e) {
      if (RgsError.isRgsError(e) && e.code === "not_found") return undefined;
      throw e;
    }
    const p = asList(value)[0] as Projection | undefined;
    if (!p) return undefined;
    return this.cached(kind, pool, p, sent);
  }

  /** Reads a projection into the cache; the imports it learns are kept only once the caller commits. */
  private cached<K extends KindName>(kind: K, pool: string, p: Projection, sent?: Sent): Tentative<K> {
    const reader = this.reader(pool, sent);
    const o = this.toObject(kind, pool, p, reader.ctx);
    this.kindCache(pool, kind).byId.set(o.id, o);
    return { object: copy(o), commit: reader.commit };
  }

  /**
   * Whether an object read back after a write whose outcome was unknown holds what the write would
   * have written; its imports are then the write's own, and the index keeps them.
   */
  private accept<K extends KindName>(kind: K, properties: Properties, read: Tentative<K>, pool: string): boolean {
    if (this.sameBody(kind, properties, read.object, pool)) {
      read.commit();
      return true;
    }
    // Read as if its imports were ours: read it again before trusting it.
    this.forget(pool, kind, read.object.id);
    return false;
  }

  /** Runs a write that answers the object, and keeps the cache current and the imports it made in the index. */
  private async write<K extends KindName>(op: BackendOp, pool: string, kind: K, request: AgentRequest, sent: Sent): Promise<RgsObject<K>> {
    let value: unknown;
    try {
      value = await this.call(op, request, "write");
    } catch (e) {
      if (isOutcomeUnknown(e)) this.invalidate(pool, kind);
      throw e;
    }
    const read = this.cached(kind, pool, one(value), sent);
    read.commit();
    return read.object;
  }

  /**
   * How reads name the audio file of an import: by the index of the audio store; an import the
   * index does not know is the one a write just sent to that path, if it sent one, and otherwise
   * one made outside Pulumi, read as its own stable id (audio-ids.ts) that no recording has.
   */
  private reader(pool: string, sent?: Sent): { ctx: ReadContext; commit(): void } {
    const learned: [string, string][] = [];
    const ctx: ReadContext = {
      audioFileId: (file, path) => {
        const name = importName(file);
        const known = name === "" ? undefined : this.audioStore.importOf(pool, name);
        if (known !== undefined) return known;
        const ours = sent?.get(path);
        if (ours !== undefined && name !== "") {
          learned.push([name, ours]);
          return ours;
        }
        return foreignImportId(pool, name);
      },
    };
    return { ctx, commit: () => learned.forEach(([name, id]) => this.audioStore.recordImport(pool, name, id)) };
  }

  /**
   * The properties to send, each audio mark an Import-CsRgsAudioFile step with the recording's bytes
   * (one import per use, as Lync wants), and which audio file it sent to which path. A mark whose
   * file the audio store lacks is refused, naming its path.
   */
  private async withImports(pool: string, set: Properties, live: Properties | undefined): Promise<{ params: Properties; sent: Sent }> {
    const marks = audioMarksIn(set);
    const sent = new Map<string, string>();
    if (marks.length === 0) return { params: set, sent };
    const files = new Map<string, { audio: StoredAudio; base64: string } | undefined>();
    const playing = new Set(audioMarksIn(live ?? {}).map((m) => m.id));
    const problems: FieldProblem[] = [];
    for (const mark of marks) {
      if (!files.has(mark.id)) {
        const held = await this.audioStore.content(pool, mark.id);
        files.set(mark.id, held && { audio: held.audio, base64: Buffer.from(held.content).toString("base64") });
      }
      if (files.get(mark.id)) continue;
      problems.push({
        path: mark.path,
        message: playing.has(mark.id)
          ? `audio file ${mark.id} plays in the pool but its recording is not in the audio store (imported outside Pulumi, or deleted from the store), and Lync needs the bytes to import it for a changed object; upload the recording and use the id it answers`
          : `no audio file with id ${mark.id} in pool ${pool}`,
      });
    }
    if (problems.length > 0) {
      throw new RgsError("reference_not_found", `the audio files ${problems.map((p) => p.path).join(", ")} are not in the audio store of pool ${pool}`, {
        details: problems,
      });
    }
    const resolve = (v: Value | AudioMark): Value => {
      if (v instanceof AudioMark) {
        const { audio, base64 } = files.get(v.id)!;
        sent.set(v.path, v.id);
        return { step: { cmdlet: "Import-CsRgsAudioFile", params: { Identity: serviceIdentity(pool), FileName: audio.fileName, Content: { bytes: base64 } } } };
      }
      if (Array.isArray(v)) return v.map(resolve);
      if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolve(x as Value)])) as Value;
      return v;
    };
    return { params: Object.fromEntries(Object.entries(set).map(([k, v]) => [k, resolve(v)])), sent };
  }

  private async call(op: BackendOp | "ping", request: AgentRequest, mode: RequestMode): Promise<unknown> {
    this.requests[op]++;
    this.requests.total++;
    return this.agent.request(request, mode);
  }

  private kindCache(pool: string, kind: KindName): KindCache {
    const key = `${pool}\n${kind}`;
    let c = this.cache.get(key);
    if (!c) {
      c = { byId: new Map(), listedAt: null };
      this.cache.set(key, c);
    }
    return c;
  }

  /** Drops what is known of a kind in a pool. */
  private invalidate(pool: string, kind: KindName): void {
    this.cache.delete(`${pool}\n${kind}`);
  }

  private forget(pool: string, kind: KindName, id: string): undefined {
    this.cache.get(`${pool}\n${kind}`)?.byId.delete(id);
    return undefined;
  }

  private toObject<K extends KindName>(kind: K, pool: string, p: Projection, ctx: ReadContext = this.reader(pool).ctx): RgsObject<K> {
    const id = idOf(p.Identity);
    return {
      id,
      identity: objectIdentity(pool, id),
      ...MAPPINGS[kind].body(p, ctx),
      etag: String(p.$fingerprint ?? ""),
      ownerPool: poolOf(p.OwnerPool) ?? pool,
      createdAt: null,
      updatedAt: null,
    } as RgsObject<K>;
  }

  private async readSettings(op: BackendOp, pool: string): Promise<Settings> {
    const settings = this.settingsView(pool, one(await this.call(op, { op: "run", step: configurationStep(pool) }, "read")));
    this.settingsSeen.set(pool, settings);
    return copy(settings);
  }

  private settingsView(pool: string, p: Projection, ctx: ReadContext = this.reader(pool).ctx): Settings {
    return { ...settingsMapping.body(p, ctx), pool, identity: serviceIdentity(pool), etag: String(p.$fingerprint ?? ""), updatedAt: null };
  }

  /** What plays an audio file: the prompts and music on hold of the pool's objects, and its settings' default music. */
  private async audioUsers(op: BackendOp, pool: string, id: string): Promise<AudioUser[]> {
    const users: AudioUser[] = [];
    for (const k of KIND_NAMES) {
      if (!kindDef(k).audioFiles) continue;
      const { cache } = await this.objects(op, pool, k);
      for (const o of cache.byId.values()) {
        const paths = audioFilesOf(k, o as unknown as Record<string, unknown>).filter((u) => u.id === id).map((u) => u.path);
        if (paths.length > 0) users.push({ kind: k, id: o.id, name: o.name, what: `${kindDef(k).label} '${o.name}' (${paths.join(", ")})` });
      }
    }
    const settings = await this.readSettings(op, pool);
    if (settingsAudioFiles(settingsBody(settings)).some((u) => u.id === id)) {
      // As the service names them: the settings have no id of their own, and the pool stands for it.
      users.push({ kind: "settings", id: pool, name: "settings", what: `the settings of pool ${pool} (defaultMusicOnHoldFileId)` });
    }
    return users;
  }

  private getStep(kind: KindName, pool: string, id: string): Step {
    return { cmdlet: `Get-${kindDef(kind).noun}`, params: { Identity: objectIdentity(pool, id) } };
  }

  // Checks the cmdlets do not make

  private async checkReferences(op: BackendOp, pool: string, kind: KindName, body: Record<string, unknown>, selfId: string | undefined): Promise<void> {
    const problems: FieldProblem[] = [];
    for (const ref of kindDef(kind).references(body as never)) {
      if (ref.id === selfId) {
        problems.push({ path: ref.path, message: `must not be the ${kindDef(kind).label} itself (${ref.id})` });
        continue;
      }
      let target = this.kindCache(pool, ref.kind).byId.get(ref.id);
      if (!target) target = (await this.objects(op, pool, ref.kind)).cache.byId.get(ref.id);
      if (!target) {
        problems.push({ path: ref.path, message: `no ${kindDef(ref.kind).label} with id ${ref.id} in pool ${pool}` });
        continue;
      }
      const exclusive = kindDef(ref.kind).exclusive;
      if (exclusive && isExclusive(ref.kind, target as unknown as Record<string, unknown>)) {
        const users = (await this.referrers(op, pool, ref.kind, target.id)).filter((u) => u.id !== selfId);
        if (users.length > 0) {
          throw new RgsError(
            "in_use",
            `${kindDef(ref.kind).label} '${target.name}' ${exclusive.state} and already belongs to ${describeReferrers(users)}; ${exclusive.why}, so give this ${kindDef(kind).label} its own`,
            { details: { referencedBy: users } },
          );
        }
      }
    }
    if (problems.length > 0) {
      throw new RgsError("reference_not_found", `the ${kindDef(kind).label} references objects that do not exist in pool ${pool}`, { details: problems });
    }
  }

  /** Primary URIs are directory contacts: unique across every pool this backend can see. */
  private async checkUniqueAcrossPools(op: BackendOp, pool: string, kind: KindName, body: Record<string, unknown>, selfId: string | undefined): Promise<void> {
    for (const unique of kindDef(kind).uniqueAcrossPools) {
      const value = body[unique.field];
      if (typeof value !== "string") continue;
      const key = unique.key(value);
      for (const p of await this.knownPools(pool)) {
        const { cache } = await this.objects(op, p, kind);
        for (const other of cache.byId.values()) {
          const theirs = (other as Record<string, unknown>)[unique.field];
          if (typeof theirs !== "string" || unique.key(theirs) !== key || (p === pool && other.id === selfId)) continue;
          throw new RgsError(
            "uri_conflict",
            `${unique.field} ${value} already belongs to ${kindDef(kind).label} '${other.name}' in pool ${p}; ${unique.why}`,
            { details: [{ path: unique.field, message: `${value} is taken by ${other.id}` }] },
          );
        }
      }
    }
  }

  /** The kind's rules across the pool's objects (sdk/model/pool-rules), over what this backend reads of the pool. */
  private async checkPoolRules(op: BackendOp, pool: string, kind: KindName, body: Record<string, unknown>, self: string | undefined): Promise<void> {
    const rules = kindDef(kind).poolRules;
    if (!rules) return;
    const lookup: PoolLookup = {
      get: async (k, id) => {
        const o = (await this.objects(op, pool, k)).cache.byId.get(id);
        return o && { id: o.id, name: o.name, body: stripFields(o, SERVER_FIELDS) };
      },
      // Ids are GUIDs, so the id alone says which object is meant.
      referrers: (id) => this.referrers(op, pool, undefined, id),
    };
    const [first] = await rules(body as never, self, lookup);
    if (!first) return;
    if (first.code === "in_use") {
      throw new RgsError("in_use", `${aLabel(kind)} '${String(body.name)}': ${first.message}`, { details: { referencedBy: first.referencedBy } });
    }
    throw new RgsError("validation_failed", `the ${kindDef(kind).label} is not valid: ${first.message}`, { details: first.issues });
  }

  /** The pools to look in: those running Response Group, or only this one when the account may not list them. */
  private async knownPools(pool: string): Promise<string[]> {
    this.pools ??= this.listPools()
      .then((ps) => ps.map((p) => p.fqdn))
      .catch((e: unknown) => {
        if (RgsError.isRgsError(e) && (e.code === "forbidden" || e.code === "validation_failed" || e.code === "internal")) return [];
        this.pools = undefined;
        throw e;
      });
    const pools = await this.pools;
    return pools.includes(pool) ? pools : [pool, ...pools];
  }

  /** The objects that use an object: workflows and queues whose bodies reference it. */
  private async referrers(op: BackendOp, pool: string, kind: KindName | undefined, id: string): Promise<{ kind: KindName; id: string; name: string }[]> {
    const users: { kind: KindName; id: string; name: string }[] = [];
    for (const k of KIND_NAMES) {
      const kinds = kindDef(k).referenceKinds;
      if (kind ? !kinds.includes(kind) : kinds.length === 0) continue;
      const { cache } = await this.objects(op, pool, k);
      for (const o of cache.byId.values()) {
        if (o.id === id) continue;
        if (kindDef(k).references(o as never).some((r) => r.id === id && (kind === undefined || r.kind === kind))) users.push({ kind: k, id: o.id, name: o.name });
      }
    }
    return users;
  }

  /** The properties an object holds, its audio prompts kept as marks. */
  private propertiesOf(kind: KindName, o: RgsObject, pool: string): Properties {
    return MAPPINGS[kind].properties(stripFields(o, SERVER_FIELDS) as never, { pool, audio: "keep" });
  }

  /** Whether an object holds what these properties would write. */
  private sameBody(kind: KindName, properties: Properties, o: RgsObject, pool: string): boolean {
    return stableJson(newParams(this.propertiesOf(kind, o, pool))) === stableJson(newParams(properties));
  }
}

function validate<K extends KindName>(kind: K, raw: unknown, mode: "create" | "update"): KindBodies[K] {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new RgsError("validation_failed", `the body must be an object describing ${aLabel(kind)}`, {
      details: [{ path: "", message: "must be an object" }],
    });
  }
  const result = parseBody(kind, stripFields(raw, SERVER_FIELDS), mode);
  if (!result.ok) {
    throw new RgsError("validation_failed", `the ${kindDef(kind).label} is not valid: ${result.issues.length} problem${result.issues.length > 1 ? "s" : ""}`, {
      details: result.issues,
    });
  }
  return result.value as KindBodies[K];
}

/** The properties whose value differs; the rest stay as the live object has them (an audio prompt set elsewhere survives). */
function changed(before: Properties, after: Properties): Properties {
  return Object.fromEntries(Object.entries(after).filter(([k, v]) => stableJson(v) !== stableJson(before[k])));
}

function configurationStep(pool: string): Step {
  return { cmdlet: "Get-CsRgsConfiguration", params: { Identity: serviceIdentity(pool) } };
}

function settingsBody(s: Settings): SettingsBody {
  return { agentRingbackGracePeriod: s.agentRingbackGracePeriod, disableCallContext: s.disableCallContext, defaultMusicOnHoldFileId: s.defaultMusicOnHoldFileId };
}

/** An upload Lync would not play, with the field issues, in the service's words. */
function notPlayable(issues: readonly FieldProblem[]): RgsError {
  return new RgsError("validation_failed", `the audio file is not one Lync plays: ${issues.map((i) => `${i.path} ${i.message}`).join("; ")}`, { details: issues });
}

function settingsChanged(pool: string): RgsError {
  return new RgsError(
    "etag_mismatch",
    `the Response Group settings of pool ${pool} changed since they were read (in the shell, Control Panel or another run); read them again and reapply the change`,
  );
}

function audioFileView(a: StoredAudio): AudioFile {
  return {
    id: a.id,
    ownerPool: a.pool,
    fileName: a.fileName,
    contentType: a.contentType,
    format: a.details.format,
    size: a.size,
    sha256: a.sha256,
    encoding: a.details.encoding,
    channels: a.details.channels,
    sampleRate: a.details.sampleRate,
    bitsPerSample: a.details.bitsPerSample,
    durationSeconds: a.details.durationSeconds,
    // The bytes of an audio file never change, so their hash is its version.
    etag: a.sha256,
    createdAt: a.createdAt,
  };
}

function byName(cache: KindCache, name: string): RgsObject | undefined {
  const key = name.toLowerCase();
  for (const o of cache.byId.values()) if (o.name.toLowerCase() === key) return o;
  return undefined;
}

function asList(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function one(value: unknown): Projection {
  const p = asList(value)[0];
  if (typeof p !== "object" || p === null) throw new RgsError("bad_response", `the agent answered ${JSON.stringify(value)} where an object belongs`);
  return p as Projection;
}

function stripFields(raw: unknown, fields: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const f of fields) delete copy[f];
  return copy;
}

function copy<T>(o: T): T {
  return structuredClone(o);
}

/** JSON with object keys sorted, for comparing values regardless of key order. */
function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, value) =>
    value && typeof value === "object" && !Array.isArray(value)
      ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, (value as Record<string, unknown>)[k]]))
      : value,
  );
}

function encodeCursor(offset: number): string {
  return Buffer.from(`o${offset}`).toString("base64url");
}

function decodeCursor(cursor: string): number {
  const m = /^o(\d{1,9})$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
  if (!m) throw new RgsError("validation_failed", "the cursor is not one this backend issued", { details: [{ path: "cursor", message: `'${cursor.slice(0, 40)}' is not a cursor from nextCursor` }] });
  return Number(m[1]);
}

function describeReferrers(users: readonly Referrer[]): string {
  return users.map((u) => `${kindDef(u.kind as KindName).label} '${u.name}'`).join(", ");
}

function notFound(kind: KindName, id: string, pool: string): RgsError {
  return new RgsError("not_found", `no ${kindDef(kind).label} with id ${id} in pool ${pool}`);
}

function nameConflict(kind: KindName, name: string, pool: string, otherId: string): RgsError {
  return new RgsError("name_conflict", `pool ${pool} already has ${aLabel(kind)} named '${name}' (id ${otherId}); names are unique per pool and kind, ignoring case`, {
    details: [{ path: "name", message: `'${name}' is taken by ${otherId}` }],
  });
}

/** A conflict the cmdlets found on a workflow whose name is free: its addresses are taken in the directory. */
function uriTaken(w: Record<string, unknown>, cause: RgsError): RgsError {
  const fields = ["primaryUri", "lineUri"].filter((f) => typeof w[f] === "string");
  const what = fields.map((f) => `${f} ${String(w[f])}`).join(" or ");
  return new RgsError("uri_conflict", `${what} is already taken in the directory (${cause.message}); a workflow's addresses are unique across all pools`, {
    details: fields.map((f) => ({ path: f, message: `${String(w[f])} may be taken` })),
    cause,
  });
}

function etagMismatch(kind: KindName, name: string): RgsError {
  return new RgsError(
    "etag_mismatch",
    `${kindDef(kind).label} '${name}' changed since it was read (in the shell, Control Panel or another run); read it again and reapply the change`,
  );
}
