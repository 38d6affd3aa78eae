/**
 * The audio store of the shell backend: where recordings live between their upload and the imports
 * made from them. Lync keeps no recording on its own (Import-CsRgsAudioFile returns an AudioFile
 * that one prompt or one music-on-hold setting embeds), so this directory holds each recording once
 * per pool and content hash, with what its header says, and an index of the imports made from it
 * (Lync's UniqueName → audio file id), by which reads name the recording a prompt plays.
 *
 * Layout, directories 0700 and files 0600:
 *
 *   <store>/<pool fqdn>/<sha256>.wav|.wma   the bytes, as uploaded
 *   <store>/<pool fqdn>/<sha256>.json       the metadata (file name, content type, header details, when)
 *   <store>/<pool fqdn>/imports.jsonl       one line per import: {"uniqueName","audioFileId","at"}
 *
 * Several processes may share a store (Pulumi starts one provider process per run): files are
 * written whole and renamed into place, the index is only appended to, and each process reads
 * what the others appended when it meets a UniqueName it does not know.
 */
import { randomBytes } from "node:crypto";
import { appendFileSync, chmodSync, closeSync, fstatSync, mkdirSync, openSync, readSync, statSync } from "node:fs";
import { readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { RgsError } from "../errors";
import type { AudioDetails, CheckedAudio } from "../model/audio-file";
import { PoolFqdn } from "../model/common";
import { recordingId } from "./audio-ids";

/** A recording as the store keeps it. */
export interface StoredAudio {
  id: string;
  pool: string;
  fileName: string;
  contentType: CheckedAudio["contentType"];
  details: AudioDetails;
  size: number;
  sha256: string;
  createdAt: string;
}

/**
 * Where the store is when nothing says: `RGS_AUDIO_STORE`, else the user's data directory
 * (`%LOCALAPPDATA%\pulumi-rgs\audio` on Windows, `$XDG_DATA_HOME/pulumi-rgs/audio`, by default
 * `~/.local/share/pulumi-rgs/audio`, elsewhere). Data, not cache: without the bytes, a prompt that
 * plays a recording cannot be written again.
 */
export function defaultAudioStore(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RGS_AUDIO_STORE) return env.RGS_AUDIO_STORE;
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "pulumi-rgs", "audio");
  return join(env.XDG_DATA_HOME || join(homedir(), ".local", "share"), "pulumi-rgs", "audio");
}

const SHA256 = /^[0-9a-f]{64}$/;
const EXTENSION: Record<CheckedAudio["contentType"], string> = { "audio/wav": ".wav", "audio/x-ms-wma": ".wma" };

interface ImportIndex {
  byUniqueName: Map<string, string>;
  /** Bytes of imports.jsonl read so far. */
  read: number;
}

export class AudioStore {
  private readonly indexes = new Map<string, ImportIndex>();

  constructor(readonly root: string) {}

  /** Keeps a checked recording; `existing` when the pool held these bytes already. */
  async put(pool: string, audio: CheckedAudio, content: Uint8Array, now: Date = new Date()): Promise<{ audio: StoredAudio; existing: boolean }> {
    const dir = this.poolDir(pool, true);
    const held = await this.readMeta(pool, audio.sha256);
    if (held) return { audio: held, existing: true };
    const stored: StoredAudio = {
      id: recordingId(pool, audio.sha256),
      pool,
      fileName: audio.fileName,
      contentType: audio.contentType,
      details: audio.details,
      size: audio.size,
      sha256: audio.sha256,
      createdAt: now.toISOString(),
    };
    // The bytes first: metadata without its bytes would name a recording that cannot be played.
    await writePrivate(join(dir, audio.sha256 + EXTENSION[audio.contentType]), content);
    await writePrivate(join(dir, `${audio.sha256}.json`), `${JSON.stringify(stored)}\n`);
    return { audio: stored, existing: false };
  }

  async get(pool: string, id: string): Promise<StoredAudio | undefined> {
    const sha = await this.shaOf(pool, id);
    return sha === undefined ? undefined : this.readMeta(pool, sha);
  }

  async content(pool: string, id: string): Promise<{ audio: StoredAudio; content: Uint8Array } | undefined> {
    const audio = await this.get(pool, id);
    if (!audio) return undefined;
    try {
      return { audio, content: await readFile(join(this.poolDir(pool, false), audio.sha256 + EXTENSION[audio.contentType])) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
  }

  /** The pool's recordings, oldest first. */
  async list(pool: string): Promise<StoredAudio[]> {
    const out: StoredAudio[] = [];
    for (const sha of await this.hashes(pool)) {
      const a = await this.readMeta(pool, sha);
      if (a) out.push(a);
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** Adds a holder of a recording (once). */
  async hold(pool: string, id: string, holder: string): Promise<void> {
    const audio = await this.get(pool, id);
    if (!audio) return;
    const holders = await this.holders(pool, audio.sha256);
    if (!holders.includes(holder)) await this.writeHolders(pool, audio.sha256, [...holders, holder]);
  }

  /** Drops a holder of a recording; the holders left. */
  async release(pool: string, id: string, holder: string): Promise<number> {
    const audio = await this.get(pool, id);
    if (!audio) return 0;
    const holders = await this.holders(pool, audio.sha256);
    const left = holders.filter((h) => h !== holder);
    if (left.length !== holders.length) await this.writeHolders(pool, audio.sha256, left);
    return left.length;
  }

  private async holders(pool: string, sha: string): Promise<string[]> {
    try {
      const parsed = JSON.parse(await readFile(join(this.poolDir(pool, false), `${sha}.holders.json`), "utf8")) as unknown;
      return Array.isArray(parsed) ? parsed.filter((h): h is string => typeof h === "string") : [];
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
  }

  private async writeHolders(pool: string, sha: string, holders: readonly string[]): Promise<void> {
    await writePrivate(join(this.poolDir(pool, true), `${sha}.holders.json`), `${JSON.stringify(holders)}\n`);
  }

  /** Removes a recording; false when there was none. Its imports stay in the index, so what plays them still reads as its id. */
  async delete(pool: string, id: string): Promise<boolean> {
    const audio = await this.get(pool, id);
    if (!audio) return false;
    const dir = this.poolDir(pool, false);
    await rm(join(dir, `${audio.sha256}.json`), { force: true });
    await rm(join(dir, `${audio.sha256}.holders.json`), { force: true });
    await rm(join(dir, audio.sha256 + EXTENSION[audio.contentType]), { force: true });
    return true;
  }

  /** The audio file an import was made from, when it was made through a store at this place. */
  importOf(pool: string, uniqueName: string): string | undefined {
    const index = this.index(pool);
    const known = index.byUniqueName.get(uniqueName);
    if (known !== undefined) return known;
    this.readIndex(pool, index);
    return index.byUniqueName.get(uniqueName);
  }

  /** Notes that an import (its UniqueName) was made from an audio file. */
  recordImport(pool: string, uniqueName: string, audioFileId: string, now: Date = new Date()): void {
    const index = this.index(pool);
    if (index.byUniqueName.get(uniqueName) === audioFileId) return;
    const file = join(this.poolDir(pool, true), "imports.jsonl");
    // One short line per append: appends of whole lines from several processes do not interleave.
    appendFileSync(file, `${JSON.stringify({ uniqueName, audioFileId, at: now.toISOString() })}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
    index.byUniqueName.set(uniqueName, audioFileId);
  }

  private index(pool: string): ImportIndex {
    let index = this.indexes.get(pool);
    if (!index) {
      index = { byUniqueName: new Map(), read: 0 };
      this.indexes.set(pool, index);
      this.readIndex(pool, index);
    }
    return index;
  }

  /** Reads what was appended to the index since it was last read. */
  private readIndex(pool: string, index: ImportIndex): void {
    let fd: number;
    try {
      fd = openSync(join(this.poolDir(pool, false), "imports.jsonl"), "r");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
      throw e;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= index.read) return;
      const buf = Buffer.alloc(size - index.read);
      const got = readSync(fd, buf, 0, buf.length, index.read);
      const text = buf.subarray(0, got).toString("utf8");
      // A line still being appended by another process is read next time.
      const end = text.lastIndexOf("\n") + 1;
      for (const line of text.slice(0, end).split("\n")) {
        if (line.trim() === "") continue;
        try {
          const entry = JSON.parse(line) as { uniqueName?: unknown; audioFileId?: unknown };
          if (typeof entry.uniqueName === "string" && typeof entry.audioFileId === "string") index.byUniqueName.set(entry.uniqueName, entry.audioFileId);
        } catch {
          // A damaged line names no import; the others still count.
        }
      }
      index.read += Buffer.byteLength(text.slice(0, end), "utf8");
    } finally {
      closeSync(fd);
    }
  }

  private async shaOf(pool: string, id: string): Promise<string | undefined> {
    const key = id.toLowerCase();
    return (await this.hashes(pool)).find((sha) => recordingId(pool, sha) === key);
  }

  private async hashes(pool: string): Promise<string[]> {
    let names: string[];
    try {
      names = await readdir(this.poolDir(pool, false));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw e;
    }
    return names.filter((n) => n.endsWith(".json") && SHA256.test(n.slice(0, -5))).map((n) => n.slice(0, -5));
  }

  private async readMeta(pool: string, sha: string): Promise<StoredAudio | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.poolDir(pool, false), `${sha}.json`), "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw e;
    }
    let meta: StoredAudio;
    try {
      meta = JSON.parse(text) as StoredAudio;
    } catch {
      throw new RgsError("internal", `the audio store's ${join(this.poolDir(pool, false), `${sha}.json`)} is not JSON; restore it from a backup or delete it and its recording`);
    }
    return { ...meta, id: recordingId(pool, sha), pool, sha256: sha };
  }

  /** The pool's directory, made (0700, as the store root) when `make`. */
  private poolDir(pool: string, make: boolean): string {
    const parsed = PoolFqdn.safeParse(pool);
    if (!parsed.success) {
      throw new RgsError("validation_failed", `'${pool}' is not a pool FQDN`, { details: [{ path: "pool", message: "must be a pool FQDN such as pool01.contoso.com" }] });
    }
    const dir = join(this.root, parsed.data);
    if (make) {
      for (const d of [this.root, dir]) {
        mkdirSync(d, { recursive: true, mode: 0o700 });
        if ((statSync(d).mode & 0o777) !== 0o700) chmodSync(d, 0o700);
      }
    }
    return dir;
  }
}

/** Writes a file whole, 0600, and renames it into place, so a reader never sees half of it. */
async function writePrivate(path: string, data: Uint8Array | string): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temp, data, { mode: 0o600, flag: "wx" });
    chmodSync(temp, 0o600);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
