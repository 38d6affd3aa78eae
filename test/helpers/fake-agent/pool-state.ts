/**
 * What the fake's pools hold: the persisted Response Group objects of every pool and each pool's
 * service settings, kept in a JSON file (env RGS_FAKE_STATE) so that a restarted agent finds the
 * pool as it left it, as a real pool's Rgsconfig database would. Written whole, to a temporary
 * file renamed over the old one, so a crash never leaves half a file.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { blankObject, type RgsObject } from "./object-types";
import { formatIdentity } from "./binding";

interface StateFile {
  version: 1;
  /** Persisted objects in creation order, each with its Identity. */
  objects: RgsObject[];
  /** Service settings per pool FQDN, once one was written. */
  settings: Record<string, RgsObject>;
}

export class PoolState {
  private objects = new Map<string, RgsObject>();
  private settings = new Map<string, RgsObject>();

  /** Inode and mtime of the file as last read or written: a rename by another agent changes the inode. */
  private seen = "";

  constructor(
    readonly pools: readonly string[],
    private readonly file?: string,
  ) {
    this.refresh();
  }

  /**
   * Reads the file again if another agent process wrote it since: several agents on one pool see
   * each other's changes between requests, as sessions on one Rgsconfig database do. There is no
   * lock, so two agents writing at the same instant can lose one of the writes.
   */
  refresh(): void {
    if (!this.file || !existsSync(this.file)) return;
    const version = this.version();
    if (version === this.seen) return;
    const data = JSON.parse(readFileSync(this.file, "utf8")) as StateFile;
    this.objects = new Map(data.objects.map((o) => [o.Identity as string, o]));
    this.settings = new Map(Object.entries(data.settings));
    this.seen = version;
  }

  private version(): string {
    const st = statSync(this.file as string);
    return `${st.ino}:${st.mtimeMs}:${st.size}`;
  }

  hasPool(pool: string): boolean {
    return this.pools.includes(pool);
  }

  all(): RgsObject[] {
    return [...this.objects.values()].map((o) => structuredClone(o));
  }

  find(identity: string): RgsObject | undefined {
    const o = this.objects.get(identity);
    return o && structuredClone(o);
  }

  /** Inserts or replaces the object under its Identity; a replaced object keeps its place. */
  put(obj: RgsObject): void {
    this.objects.set(obj.Identity as string, structuredClone(obj));
    this.save();
  }

  delete(identity: string): boolean {
    const had = this.objects.delete(identity);
    if (had) this.save();
    return had;
  }

  /** A pool's service settings; PS:Get-CsRgsConfiguration: one collection of settings per service. */
  serviceSettings(pool: string): RgsObject {
    const s = this.settings.get(pool);
    if (s) return structuredClone(s);
    const fresh = blankObject("ServiceSettings");
    fresh.Identity = formatIdentity({ pool });
    return fresh;
  }

  putServiceSettings(pool: string, s: RgsObject): void {
    this.settings.set(pool, structuredClone(s));
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    const data: StateFile = { version: 1, objects: [...this.objects.values()], settings: Object.fromEntries(this.settings) };
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, this.file);
    this.seen = this.version();
  }
}
