/**
 * What the service answers with, declared once: objects, settings, pools, pages and the error
 * envelope. The service builds them, the HTTP client types its answers with them, the provider's
 * outputs follow them and the OpenAPI document is generated from them.
 */
import { z } from "zod";
import { ERROR_STATUS } from "./errors";
import { SettingsSchema } from "./model/settings";

/** Fields every stored object carries besides its own; a body may carry them back, and they are ignored. */
export const ServerFields = z
  .object({
    id: z.string().describe("GUID assigned by the service."),
    identity: z.string().describe("service:ApplicationServer:<pool>/<id>"),
    etag: z.string().describe("Version of the object, opaque; send it back in If-Match to update."),
    ownerPool: z.string().describe("FQDN of the pool that owns the object."),
    createdAt: z.string().nullable().describe("When the object was created (ISO 8601, UTC); null where the pool keeps no time."),
    updatedAt: z.string().nullable().describe("When the object last changed (ISO 8601, UTC); null where the pool keeps no time."),
  })
  .meta({ id: "ServerFields" });
export type ServerFields = z.infer<typeof ServerFields>;

export const SERVER_FIELDS = Object.keys(ServerFields.shape) as readonly (keyof ServerFields)[];

/** The settings of a pool as answered: the settings themselves and their version. */
export const SettingsView = SettingsSchema.extend({
  pool: z.string().describe("FQDN of the pool."),
  identity: z.string().describe("service:ApplicationServer:<pool>"),
  etag: z.string().describe("Version of the settings; send it back in If-Match to replace them."),
  updatedAt: z.string().nullable().describe("When the settings last changed (ISO 8601, UTC); null where the pool keeps no time."),
}).meta({ id: "SettingsView" });
export type SettingsView = z.infer<typeof SettingsView>;

/** Fields of the settings view that are not settings. */
export const SETTINGS_SERVER_FIELDS = ["pool", "identity", "etag", "updatedAt"] as const;

export const PoolView = z
  .object({
    fqdn: z.string().describe("Front End pool FQDN."),
    identity: z.string().describe("service:ApplicationServer:<fqdn>"),
    createdAt: z.string().nullable().describe("When the pool was provisioned (ISO 8601, UTC); null for a real pool."),
  })
  .meta({ id: "Pool" });
export type PoolView = z.infer<typeof PoolView>;

/** One page of a list; `nextCursor` asks for the next, null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().nullable().describe("Pass as ?cursor= for the next page; null on the last page."),
  });
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const FieldProblemView = z.object({ path: z.string(), message: z.string() }).meta({ id: "FieldProblem" });
export const ReferrerView = z.object({ kind: z.string(), id: z.string(), name: z.string() }).meta({ id: "Referrer" });

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
      message: z.string(),
      requestId: z.string(),
      details: z.union([z.array(FieldProblemView), z.object({ referencedBy: z.array(ReferrerView) })]).optional(),
    }),
  })
  .meta({ id: "Error" });
export type ErrorEnvelope = z.infer<typeof ErrorEnvelope>;
