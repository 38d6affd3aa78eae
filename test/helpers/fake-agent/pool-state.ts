/**
 * What the fake's pools hold: the persisted Response Group objects of every pool and each pool's
 * service settings, kept in a JSON file (env RGS_FAKE_STATE) so that a restarted agent finds the
 * pool as it left it, as a real pool's Rgsconfig database would. Written whole, to a temporary
 * file renamed over the old one, so a crash never leaves half a file.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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

  constructor(
    readonly pools: readonly string[],
    private readonly file?: string,
  ) {
    if (file && existsSync(file)) {
      const data = JSON.parse(readFileSync(file, "utf8")) as StateFile;
      for (const o of data.objects) this.objects.set(o.Identity as string, o);
      for (const [pool, s] of Object.entries(data.settings)) this.settings.set(pool, s);
    }
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
  }
}
