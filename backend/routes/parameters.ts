/**
 * What the routes take from a request's path, query string and headers, declared once: the
 * routes validate with these schemas and the OpenAPI document describes them.
 */
import { z } from "zod";
import { KIND_NAMES } from "../../sdk/model/kind";

export const Pool = z
  .string()
  .toLowerCase()
  .describe("The Front End pool's FQDN, compared without regard to case.");

export const Kind = z
  .enum(KIND_NAMES, {
    error: (issue) => `no collection '${String(issue.input).slice(0, 60)}'; the kinds are ${KIND_NAMES.join(", ")}`,
  })
  .describe("The collection: one kind of Response Group object.");

export const ObjectId = z.string().meta({ format: "uuid", description: "The object's id, a GUID the service assigned." });

export const PoolParams = z.object({ pool: Pool });
export const CollectionParams = z.object({ pool: Pool, kind: Kind });
export const ObjectParams = z.object({ pool: Pool, kind: Kind, id: ObjectId });
export const AudioFileParams = z.object({ pool: Pool, id: ObjectId });

export const PAGE_LIMIT = { min: 1, max: 1000, default: 100 } as const;
const pageLimitRange = `must be from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}`;

/** `?limit=`: a whole number in decimal digits; what a query string carries is text. */
export const PageLimit = z
  .string()
  .regex(/^\d{1,4}$/, { error: pageLimitRange })
  .transform(Number)
  .pipe(z.int().min(PAGE_LIMIT.min, { error: pageLimitRange }).max(PAGE_LIMIT.max, { error: pageLimitRange }))
  .default(PAGE_LIMIT.default)
  .describe(`Objects per page, ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}.`);

export const Cursor = z.string().optional().describe("The nextCursor of the page before; absent for the first page.");

/** Idempotency-Key on POST: visible ASCII, so any client can send it as a header unchanged. */
export const IdempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: "must be 1 to 255 visible ASCII characters, such as a UUID" })
  .describe(
    "Names this create across retries: the same key with the same body answers the first create again (with Idempotent-Replayed: true), with another body 422 idempotency_key_reused. Kept 24 hours, per token and pool.",
  );

/** X-Holder on an audio file's import and delete: who holds it. */
export const Holder = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: "must be 1 to 255 visible ASCII characters" })
  .describe(
    "Who holds the audio file, such as a Pulumi resource. An import with a holder adds it; a delete with one lets go of its hold and deletes the file only when no other holder is left.",
  );

export const IfMatch = z
  .string()
  .describe('The ETag the change was based on ("v3", W/"v3", a list of them, or *); 412 etag_mismatch when the object has moved on.');
