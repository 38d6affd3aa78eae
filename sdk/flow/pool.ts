/**
 * A pool's objects as the flow code reads them: from a backend, an export file or a program not
 * yet deployed. Only an object's body, its id and name matter here; of audio files, their names,
 * and of the settings, the default music on hold, when the source has them.
 */
import { RgsError } from "../errors";
import type { KindBodies, KindName } from "../model/index";

/** An object of a kind: its body, defaults filled in, and its id. */
export type FlowObject<K extends KindName> = KindBodies[K] & { id: string };

/** An audio file as call flows name it. */
export interface FlowAudioFile {
  id: string;
  /** The name it was imported with: welcome.wav. */
  fileName: string;
  /** SHA-256 of the recording, hex, when the source knows it: the same recording under two ids is one. */
  sha256?: string;
}

/** Every object of one pool, by kind. */
export type PoolObjects = { [K in KindName]: FlowObject<K>[] } & {
  /** The pool's FQDN, when known. */
  pool?: string;
  /** The pool's audio files; absent when the source does not say which there are. */
  audioFiles?: FlowAudioFile[];
  /** The pool's settings, as far as calls hear them; absent when the source has none. */
  settings?: { defaultMusicOnHoldFileId: string | null };
};

/** A pool's objects with lookups by id. */
export interface PoolIndex {
  readonly objects: PoolObjects;
  agentGroup(id: string): FlowObject<"agent-groups"> | undefined;
  queue(id: string): FlowObject<"queues"> | undefined;
  hours(id: string): FlowObject<"hours-of-business"> | undefined;
  holidaySet(id: string): FlowObject<"holiday-sets"> | undefined;
  workflow(id: string): FlowObject<"workflows"> | undefined;
  workflowByName(name: string): FlowObject<"workflows"> | undefined;
  workflowByUri(uri: string): FlowObject<"workflows"> | undefined;
  audioFile(id: string): FlowAudioFile | undefined;
  /**
   * An audio file as text: its file name; its id when the source does not know the audio files,
   * and its id marked missing when the source knows them and this is not one.
   */
  audioName(id: string): string;
}

export function emptyPool(pool?: string): PoolObjects {
  return { "agent-groups": [], queues: [], "hours-of-business": [], "holiday-sets": [], workflows: [], ...(pool ? { pool } : {}) };
}

function byId<T extends { id: string }>(list: readonly T[]): Map<string, T> {
  return new Map(list.map((o) => [o.id.toLowerCase(), o]));
}

export function indexPool(objects: PoolObjects): PoolIndex {
  const groups = byId(objects["agent-groups"]);
  const queues = byId(objects.queues);
  const hours = byId(objects["hours-of-business"]);
  const sets = byId(objects["holiday-sets"]);
  const workflows = byId(objects.workflows);
  const byName = new Map(objects.workflows.map((w) => [w.name.toLowerCase(), w]));
  const byUri = new Map(objects.workflows.map((w) => [w.primaryUri.toLowerCase(), w]));
  const audio = objects.audioFiles ? byId(objects.audioFiles) : undefined;
  return {
    objects,
    agentGroup: (id) => groups.get(id.toLowerCase()),
    queue: (id) => queues.get(id.toLowerCase()),
    hours: (id) => hours.get(id.toLowerCase()),
    holidaySet: (id) => sets.get(id.toLowerCase()),
    workflow: (id) => workflows.get(id.toLowerCase()),
    workflowByName: (name) => byName.get(name.toLowerCase()),
    workflowByUri: (uri) => byUri.get(uri.toLowerCase()),
    audioFile: (id) => audio?.get(id.toLowerCase()),
    audioName: (id) => {
      if (!audio) return id;
      return audio.get(id.toLowerCase())?.fileName ?? `${id} (missing)`;
    },
  };
}

/** The workflow with that name (without regard to case) or primary URI; `not_found` listing the workflows there are. */
export function findWorkflow(objects: PoolObjects, which: { name?: string; uri?: string }, index?: PoolIndex): FlowObject<"workflows"> {
  const list = objects.workflows;
  const found = index
    ? which.uri !== undefined
      ? index.workflowByUri(which.uri)
      : index.workflowByName(which.name ?? "")
    : which.uri !== undefined
      ? list.find((w) => w.primaryUri.toLowerCase() === which.uri!.toLowerCase())
      : list.find((w) => w.name.toLowerCase() === which.name?.toLowerCase());
  if (found) return found;
  const what = which.uri !== undefined ? `with primary URI '${which.uri}'` : `named '${which.name}'`;
  const known = list.map((w) => `'${w.name}' (${w.primaryUri})`).join(", ");
  throw new RgsError("not_found", `no workflow ${what}${objects.pool ? ` in pool ${objects.pool}` : ""}; ${list.length > 0 ? `there are ${known}` : "the pool has no workflows"}`);
}
