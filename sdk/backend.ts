/**
 * The Backend interface: what the provider and the `rgs` commands need from wherever Response
 * Group configuration lives, in the model's terms.
 *
 * Two implementations: the HTTP client of the Response Group service, and the shell backend that
 * drives a real pool through the Management Shell agent. An object's `etag` is its version, opaque
 * to the caller: an HTTP ETag for the service, a fingerprint of the projected object for a pool.
 */
import type { KindArgs, KindBodies, KindName } from "./model/index";
import type { AudioFileView } from "./model/audio-file";
import type { SettingsArgs } from "./model/settings";
import type { Page, PoolView, ServerFields, SettingsView } from "./views";

export type { Page } from "./views";

/** An object as a backend returns it: its body, defaults filled in, plus the server fields. */
export type RgsObject<K extends KindName = KindName> = KindBodies[K] & ServerFields;

export type Settings = SettingsView;
export type AudioFile = AudioFileView;
export type Pool = PoolView;

export interface ListOptions {
  /** Exact name, compared without regard to case. */
  name?: string;
  limit?: number;
  cursor?: string;
}

export interface CreateOptions {
  /**
   * Names this create across attempts and runs: a create with the same key and body as an earlier
   * one answers that earlier create's object instead of making a second.
   */
  requestKey?: string;
}

export interface Created<K extends KindName> {
  object: RgsObject<K>;
  /** Answered from an earlier create with the same request key; that object may have changed or gone since. */
  replayed: boolean;
}

/** A recording to import (Import-CsRgsAudioFile): its bytes and the file name Lync keeps. */
export interface AudioUpload {
  /** Kept as Lync's OriginalFileName; ends in .wav or .wma. */
  fileName: string;
  /** audio/wav or audio/x-ms-wma. */
  contentType: string;
  content: Uint8Array;
  /**
   * Who holds the audio file, such as a Pulumi resource. The same bytes are one audio file for
   * everyone who imports them; a delete by a holder lets go of its hold, and deletes the file only
   * when no other holder is left.
   */
  holder?: string;
}

export interface ImportedAudio {
  audioFile: AudioFile;
  /** The pool held these bytes already, and that audio file is answered rather than a second copy. */
  existing: boolean;
}

export interface Backend {
  /** The object, or undefined when there is none with that id in the pool. */
  get<K extends KindName>(pool: string, kind: K, id: string): Promise<RgsObject<K> | undefined>;
  list<K extends KindName>(pool: string, kind: K, options?: ListOptions): Promise<Page<RgsObject<K>>>;
  /** The object with that name (compared without regard to case), or undefined. */
  findByName<K extends KindName>(pool: string, kind: K, name: string): Promise<RgsObject<K> | undefined>;
  create<K extends KindName>(pool: string, kind: K, body: KindArgs[K], options?: CreateOptions): Promise<Created<K>>;
  /** Replaces an object whole, if it is still at `version` (its etag); `etag_mismatch` otherwise. */
  update<K extends KindName>(pool: string, kind: K, id: string, body: KindArgs[K], version: string): Promise<RgsObject<K>>;
  /** Deletes an object, refused with `in_use` while another object uses it; false when it was already gone. */
  delete(pool: string, kind: KindName, id: string): Promise<boolean>;
  /** Imports a recording once per pool and content: the same bytes answer the audio file that holds them. */
  importAudioFile(pool: string, upload: AudioUpload): Promise<ImportedAudio>;
  /** The audio file, or undefined when there is none with that id in the pool. */
  getAudioFile(pool: string, id: string): Promise<AudioFile | undefined>;
  /** The recording's bytes, or undefined when there is no such audio file. */
  getAudioFileContent(pool: string, id: string): Promise<Uint8Array | undefined>;
  listAudioFiles(pool: string, options?: Omit<ListOptions, "name">): Promise<Page<AudioFile>>;
  /**
   * Deletes an audio file, refused with `in_use` while a prompt or music on hold plays it; false
   * when it was already gone. With a holder, lets go of its hold and deletes only when no other
   * holder is left.
   */
  deleteAudioFile(pool: string, id: string, options?: { holder?: string }): Promise<boolean>;
  getSettings(pool: string): Promise<Settings>;
  /** Replaces the settings whole (a setting left out takes its default), if still at `version` when given. */
  updateSettings(pool: string, body: SettingsArgs, version?: string): Promise<Settings>;
  listPools(): Promise<Pool[]>;
  /** Releases what the backend holds (an agent process, connections). */
  close(): Promise<void>;
}
