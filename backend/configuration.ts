/**
 * What the HTTP routes ask of the service, whatever holds the configuration: the store-backed
 * Response Group service, or a gateway in front of a real pool (`rgs serve --shell`).
 */
import type { AudioFileView } from "../sdk/model/audio-file";
import type { KindName } from "../sdk/model/kind";
import type { Page, PoolView, SettingsView } from "../sdk/views";

/** An object as answered: its body and the server fields. */
export type ObjectView = Record<string, unknown> & { id: string; etag: string };

export interface CreateResult {
  status: number;
  body: ObjectView;
  /** The stored answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface ListQuery {
  name?: string;
  limit: number;
  cursor?: string;
}

/** An upload as it arrived: the Content-Type and (decoded) X-File-Name headers and the raw bytes. */
export interface AudioUploadRequest {
  contentType: string | undefined;
  fileName: string | undefined;
  content: Uint8Array;
  /** X-Holder: who holds the audio file (see Backend.importAudioFile). */
  holder?: string;
}

export interface Configuration {
  listPools(): Promise<PoolView[]>;
  putPool(fqdn: string): Promise<{ created: boolean; pool: PoolView }>;
  getObject(pool: string, kind: KindName, id: string): Promise<ObjectView>;
  listObjects(pool: string, kind: KindName, query: ListQuery): Promise<Page<ObjectView>>;
  /** `scope` keeps one caller's Idempotency-Keys apart from another's. */
  createObject(pool: string, kind: KindName, raw: unknown, idempotencyKey?: string, scope?: string): Promise<CreateResult>;
  updateObject(pool: string, kind: KindName, id: string, raw: unknown, ifMatch: string | undefined): Promise<ObjectView>;
  deleteObject(pool: string, kind: KindName, id: string, ifMatch: string | undefined): Promise<void>;
  /** 201 with a new audio file, 200 with the one that holds these bytes already. */
  importAudioFile(pool: string, upload: AudioUploadRequest): Promise<{ status: 200 | 201; body: AudioFileView }>;
  getAudioFile(pool: string, id: string): Promise<AudioFileView>;
  getAudioFileContent(pool: string, id: string): Promise<{ view: AudioFileView; content: Uint8Array }>;
  listAudioFiles(pool: string, query: Omit<ListQuery, "name">): Promise<Page<AudioFileView>>;
  /** Refused with in_use while a prompt or music on hold plays it. */
  deleteAudioFile(pool: string, id: string, holder?: string): Promise<void>;
  getSettings(pool: string): Promise<SettingsView>;
  putSettings(pool: string, raw: unknown, ifMatch: string | undefined): Promise<SettingsView>;
  /** True when whatever holds the configuration answers. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
