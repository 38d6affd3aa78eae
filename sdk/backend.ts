/**
 * The Backend interface: what the provider needs from wherever Response Group configuration lives.
 *
 * The HTTP client for the Response Group service is one implementation; a Management Shell
 * backend for real pools is meant to be another, so the interface stays at the cmdlets' level:
 * get, list, create, set and remove of whole objects.
 */
import type { AgentGroupBody } from "./model/agent-group";
import type { ServerFields } from "./model/common";
import type { HolidaySetBody } from "./model/holiday-set";
import type { HoursOfBusinessBody } from "./model/hours-of-business";
import type { KindName } from "./model/kind";
import type { QueueBody } from "./model/queue";
import type { SettingsArgs, SettingsBody } from "./model/settings";
import type { WorkflowBody } from "./model/workflow";
import type { z } from "zod";
import type { AgentGroupSchema } from "./model/agent-group";
import type { HolidaySetSchema } from "./model/holiday-set";
import type { HoursOfBusinessSchema } from "./model/hours-of-business";
import type { QueueSchema } from "./model/queue";
import type { WorkflowSchema } from "./model/workflow";

/** The stored body of each kind, defaults filled in. */
export interface KindBodies {
  "agent-groups": AgentGroupBody;
  queues: QueueBody;
  "hours-of-business": HoursOfBusinessBody;
  "holiday-sets": HolidaySetBody;
  workflows: WorkflowBody;
}

/** The body of each kind as a caller may write it, defaults left out. */
export interface KindArgs {
  "agent-groups": z.input<typeof AgentGroupSchema>;
  queues: z.input<typeof QueueSchema>;
  "hours-of-business": z.input<typeof HoursOfBusinessSchema>;
  "holiday-sets": z.input<typeof HolidaySetSchema>;
  workflows: z.input<typeof WorkflowSchema>;
}

/** An object as the service returns it: its body plus the server fields. */
export type RgsObject<K extends KindName = KindName> = KindBodies[K] & ServerFields;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ListOptions {
  /** Exact name, compared without regard to case. */
  name?: string;
  limit?: number;
  cursor?: string;
}

export interface Pool {
  fqdn: string;
  identity: string;
  createdAt: string;
}

export type Settings = SettingsBody & { pool: string; etag: string; updatedAt: string };

export interface Backend {
  /** The object, or undefined when there is none with that id in the pool. */
  tryGet<K extends KindName>(pool: string, kind: K, id: string): Promise<RgsObject<K> | undefined>;
  list<K extends KindName>(pool: string, kind: K, options?: ListOptions): Promise<Page<RgsObject<K>>>;
  /** The object with that name (case-insensitive), or undefined. */
  tryGetByName<K extends KindName>(pool: string, kind: K, name: string): Promise<RgsObject<K> | undefined>;
  /** Creates an object; the same idempotency key with the same body returns the first object again. */
  create<K extends KindName>(pool: string, kind: K, body: KindArgs[K], options?: { idempotencyKey?: string }): Promise<RgsObject<K>>;
  /** Replaces an object whole, if it is still at `etag`. */
  update<K extends KindName>(pool: string, kind: K, id: string, body: KindArgs[K], etag: string): Promise<RgsObject<K>>;
  /** Deletes an object; false when it was already gone. */
  delete(pool: string, kind: KindName, id: string, options?: { etag?: string }): Promise<boolean>;
  getSettings(pool: string): Promise<Settings>;
  /** Replaces the settings whole: a setting left out takes its default. */
  updateSettings(pool: string, body: SettingsArgs, etag?: string): Promise<Settings>;
  listPools(): Promise<Pool[]>;
  putPool(fqdn: string): Promise<Pool>;
}
