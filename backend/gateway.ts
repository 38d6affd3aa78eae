/**
 * The service in front of a real pool (`rgs serve --shell`): the routes, auth, roles, ETags,
 * Idempotency-Keys, request logs and rate limits of the Response Group service, with the
 * configuration held by the pool and reached through a Backend (the shell backend).
 *
 * The backend holds the rules (it makes the checks the cmdlets do not); the gateway validates each
 * body first so a refusal reads as the service's, keeps Idempotency-Keys in its own store, and
 * turns If-Match into the backend's versions.
 */
import { createHash } from "node:crypto";
import type { Backend, RgsObject } from "../sdk/backend";
import { RgsError } from "../sdk/errors";
import { stableJson } from "../sdk/json";
import type { AudioFileView } from "../sdk/model/audio-file";
import { kindDef, PoolFqdn, toFieldIssues } from "../sdk/model/index";
import type { KindName } from "../sdk/model/kind";
import type { Page, PoolView, SettingsView } from "../sdk/views";
import type { AudioUploadRequest, Configuration, CreateResult, ListQuery, ObjectView } from "./configuration";
import { checkUpload } from "./audio-files";
import { readObjectBody, readSettingsBody } from "./body";
import { IDEMPOTENCY_TTL_MS } from "./service";
import type { Store } from "./store/store";

/** How long the gateway trusts its list of pools. */
const POOLS_TTL_MS = 60_000;

export class PoolGateway implements Configuration {
  private pools?: { at: number; fqdns: Set<string> };

  constructor(
    private readonly backend: Backend,
    /** Keeps the Idempotency-Keys; the pool keeps everything else. */
    private readonly keys: Store,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  listPools(): Promise<PoolView[]> {
    return this.backend.listPools();
  }

  /** A real pool exists before any tool sees it: this only confirms the pool runs Response Group. */
  async putPool(fqdn: string): Promise<{ created: boolean; pool: PoolView }> {
    const parsed = PoolFqdn.safeParse(fqdn, { reportInput: true });
    if (!parsed.success) throw new RgsError("validation_failed", "the pool FQDN is not valid", { details: toFieldIssues(parsed.error, "fqdn") });
    const pool = (await this.backend.listPools()).find((p) => p.fqdn === parsed.data);
    if (!pool) throw new RgsError("not_found", `no pool ${parsed.data} runs the Response Group application in this deployment (Get-CsService -ApplicationServer)`);
    return { created: false, pool };
  }

  async getObject(pool: string, kind: KindName, id: string): Promise<ObjectView> {
    const o = await this.backend.get(pool, kind, id.toLowerCase());
    if (!o) throw new RgsError("not_found", `no ${kindDef(kind).label} with id ${id} in pool ${pool}`);
    return o as unknown as ObjectView;
  }

  async listObjects(pool: string, kind: KindName, query: ListQuery): Promise<Page<ObjectView>> {
    return (await this.backend.list(pool, kind, query)) as unknown as Page<ObjectView>;
  }

  async createObject(pool: string, kind: KindName, raw: unknown, idempotencyKey?: string, scope = ""): Promise<CreateResult> {
    const body = readObjectBody(kind, raw, "create");
    if (idempotencyKey === undefined) return { status: 201, body: view(await this.create(pool, kind, body)), replayed: false };
    const key = createHash("sha256").update(scope).update("\n").update(pool).update("\n").update(idempotencyKey).digest("hex");
    const requestHash = createHash("sha256").update(`POST ${pool} ${kind}\n`).update(stableJson(raw)).digest("hex");
    const seen = await this.keys.transaction(async (tx) => {
      await tx.expireIdempotency(new Date(this.clock().getTime() - IDEMPOTENCY_TTL_MS).toISOString());
      return tx.getIdempotency(key);
    });
    if (seen) {
      if (seen.requestHash !== requestHash) {
        throw new RgsError("idempotency_key_reused", `Idempotency-Key '${idempotencyKey}' was first used ${seen.createdAt} for another request; use a new key for a different body`);
      }
      return { status: seen.status, body: JSON.parse(seen.response) as ObjectView, replayed: true };
    }
    // The key names the create to the pool too, so a retry after a lost answer finds the object by name.
    const object = view(await this.create(pool, kind, body, key));
    await this.keys.transaction((tx) =>
      tx.putIdempotency({ key, requestHash, status: 201, response: JSON.stringify(object), createdAt: this.clock().toISOString() }),
    );
    return { status: 201, body: object, replayed: false };
  }

  async updateObject(pool: string, kind: KindName, id: string, raw: unknown, ifMatch: string | undefined): Promise<ObjectView> {
    if (ifMatch === undefined) {
      throw new RgsError("precondition_required", "PUT needs an If-Match header with the object's etag; GET the object to learn it");
    }
    const body = readObjectBody(kind, raw, "update");
    const version = await this.versionFor(pool, kind, id, ifMatch);
    return view(await this.backend.update(pool, kind, id.toLowerCase(), body as never, version));
  }

  async deleteObject(pool: string, kind: KindName, id: string, ifMatch: string | undefined): Promise<void> {
    if (ifMatch !== undefined) await this.versionFor(pool, kind, id, ifMatch);
    if (!(await this.backend.delete(pool, kind, id.toLowerCase()))) {
      throw new RgsError("not_found", `no ${kindDef(kind).label} with id ${id} in pool ${pool}`);
    }
  }

  /** The recording goes to the backend's audio store; a pool that does not run Response Group is refused first, as the service refuses one it does not have. */
  async importAudioFile(pool: string, upload: AudioUploadRequest): Promise<{ status: 200 | 201; body: AudioFileView }> {
    // Checked here too so a refusal reads as the service's, before the pool is looked up.
    const checked = checkUpload(upload);
    await this.requirePool(pool);
    const { audioFile, existing } = await this.backend.importAudioFile(pool, {
      fileName: checked.fileName,
      contentType: checked.contentType,
      content: upload.content,
      holder: upload.holder,
    });
    return { status: existing ? 200 : 201, body: audioFile };
  }

  async getAudioFile(pool: string, id: string): Promise<AudioFileView> {
    const audio = await this.backend.getAudioFile(pool, id.toLowerCase());
    if (!audio) throw audioNotFound(pool, id);
    return audio;
  }

  async getAudioFileContent(pool: string, id: string): Promise<{ view: AudioFileView; content: Uint8Array }> {
    const view = await this.getAudioFile(pool, id);
    const content = await this.backend.getAudioFileContent(pool, id.toLowerCase());
    if (!content) throw audioNotFound(pool, id);
    return { view, content };
  }

  async listAudioFiles(pool: string, query: Omit<ListQuery, "name">): Promise<Page<AudioFileView>> {
    await this.requirePool(pool);
    return this.backend.listAudioFiles(pool, query);
  }

  async deleteAudioFile(pool: string, id: string, holder?: string): Promise<void> {
    if (!(await this.backend.deleteAudioFile(pool, id.toLowerCase(), { holder }))) throw audioNotFound(pool, id);
  }

  getSettings(pool: string): Promise<SettingsView> {
    return this.backend.getSettings(pool);
  }

  async putSettings(pool: string, raw: unknown, ifMatch: string | undefined): Promise<SettingsView> {
    const settings = readSettingsBody(raw);
    const version = ifMatch === undefined ? undefined : await this.settingsVersionFor(pool, ifMatch);
    return this.backend.updateSettings(pool, settings, version);
  }

  async ping(): Promise<boolean> {
    try {
      await this.backend.listPools();
      return await this.keys.ping();
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.backend.close();
    await this.keys.close();
  }

  /** Audio files live beside the pool, so the pool is looked up (one list of pools a minute) before they are listed or added. */
  private async requirePool(pool: string): Promise<void> {
    const now = this.clock().getTime();
    if (!this.pools || now - this.pools.at > POOLS_TTL_MS) this.pools = { at: now, fqdns: new Set((await this.backend.listPools()).map((p) => p.fqdn)) };
    if (!this.pools.fqdns.has(pool.toLowerCase())) {
      throw new RgsError("not_found", `no pool ${pool} runs the Response Group application in this deployment (Get-CsService -ApplicationServer)`);
    }
  }

  private async create(pool: string, kind: KindName, body: Record<string, unknown>, requestKey?: string): Promise<RgsObject> {
    return (await this.backend.create(pool, kind, body as never, { requestKey })).object;
  }

  /** The version an If-Match names: the tag itself, or the current one for `*`. */
  private async versionFor(pool: string, kind: KindName, id: string, ifMatch: string): Promise<string> {
    const tags = ifMatch.split(",").map((t) => t.trim().replace(/^W\//, "").replace(/^"|"$/g, ""));
    const current = await this.backend.get(pool, kind, id.toLowerCase());
    if (!current) throw new RgsError("not_found", `no ${kindDef(kind).label} with id ${id} in pool ${pool}`);
    if (tags.includes("*")) return current.etag;
    if (!tags.includes(current.etag)) {
      throw new RgsError("etag_mismatch", `${kindDef(kind).label} '${String(current.name)}' changed since it was read; it is now at ${current.etag}. Read it again and reapply the change`);
    }
    return current.etag;
  }

  private async settingsVersionFor(pool: string, ifMatch: string): Promise<string> {
    const tags = ifMatch.split(",").map((t) => t.trim().replace(/^W\//, "").replace(/^"|"$/g, ""));
    const current = await this.backend.getSettings(pool);
    if (tags.includes("*")) return current.etag;
    if (!tags.includes(current.etag)) throw new RgsError("etag_mismatch", `the settings of ${pool} changed since ${ifMatch}; they are now at ${current.etag}`);
    return current.etag;
  }
}

function audioNotFound(pool: string, id: string): RgsError {
  return new RgsError("not_found", `no audio file with id ${id} in pool ${pool}`);
}

function view(o: RgsObject): ObjectView {
  return o as unknown as ObjectView;
}
