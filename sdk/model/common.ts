/**
 * Values shared by several kinds: names, addresses, ids, and the text rules every string obeys.
 */
import { z } from "zod";

/** Longest name the service stores; Lync documents none, so this is the service's own limit. */
export const MAX_NAME_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 4096;

// Strings are stored as UTF-8; a lone surrogate would be silently replaced, so it is refused instead.
function wellFormed(s: string): boolean {
  return s.isWellFormed();
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f]/;

/** Free text: no control characters but tab and newlines, no lone surrogates. */
export function text(max: number) {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine(wellFormed, { error: "must be valid Unicode (no lone surrogate characters)" })
    .refine((s) => !CONTROL.test(s), { error: "must not contain control characters" });
}

/** A one-line label: like text, without newlines or tabs, not blank. */
export function label(max: number) {
  return z
    .string()
    .max(max, { error: `must be at most ${max} characters` })
    .refine((s) => s.trim().length > 0, { error: "must not be empty" })
    .refine(wellFormed, { error: "must be valid Unicode (no lone surrogate characters)" })
    .refine((s) => !CONTROL_OR_NEWLINE.test(s), { error: "must be one line without control characters" });
}

/** The name of a top-level object, unique per pool and kind (case-insensitive). */
export const Name = label(MAX_NAME_LENGTH)
  // "Sales" and "Sales " would look like one name to an administrator but count as two.
  .refine((s) => s.trim().length === 0 || s === s.trim(), { error: "must not start or end with spaces" })
  .describe(
  `Unique within its pool and kind, compared without regard to case; 1 to ${MAX_NAME_LENGTH} characters, no spaces around it.`,
);

export const Description = text(MAX_DESCRIPTION_LENGTH)
  .nullable()
  .default(null)
  .describe("Free text for administrators; null when absent.");

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id of an object in the same pool, a GUID assigned by the service. */
export const ObjectId = z
  .string()
  .regex(GUID, { error: "must be the id (a GUID) of an object in the same pool" })
  .overwrite((s) => s.toLowerCase());

export function isObjectId(s: string): boolean {
  return GUID.test(s);
}

const SIP_URI = /^sip:[^@\s:;<>"]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/i;

/** A SIP address of a user or contact, `sip:user@domain`. */
export const SipUri = z
  .string()
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
  .regex(SIP_URI, { error: "must be a SIP URI such as sip:alice@contoso.com" });

/** A PSTN target as Lync writes it, `sip:+<E.164>@domain`. */
export const PstnSipUri = z
  .string()
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
  .regex(/^sip:\+\d{2,15}@[A-Za-z0-9.-]+$/i, { error: "must be a telephone number as a SIP URI, such as sip:+14255551298@contoso.com" });

/** A telephone line URI, `tel:+<digits>` with no spaces, dots or hyphens. */
export const TelUri = z
  .string()
  .regex(/^tel:\+\d{2,15}$/i, { error: "must be tel:+ followed by 2 to 15 digits with nothing between them, such as tel:+14255551219" });

/** One e-mail address (an Exchange distribution list). */
export const EmailAddress = z
  .string()
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
  .regex(/^[^@\s<>"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/, { error: "must be one e-mail address such as helpdesk@contoso.com" });

/** A Front End pool FQDN; its service identity is `service:ApplicationServer:<fqdn>`. */
export const PoolFqdn = z
  .string()
  .max(253, { error: "must be at most 253 characters" })
  .regex(/^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/, {
    error: "must be a pool FQDN such as pool01.contoso.com",
  })
  .overwrite((s) => s.toLowerCase());

export function serviceIdentity(pool: string): string {
  return `service:ApplicationServer:${pool}`;
}

export function objectIdentity(pool: string, id: string): string {
  return `${serviceIdentity(pool)}/${id}`;
}
