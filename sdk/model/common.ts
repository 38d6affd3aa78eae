/**
 * Values shared by several kinds: names, addresses, ids, and the text rules every string obeys.
 */
import { z } from "zod";

/** Longest name the service stores; Lync documents none, so this is the service's own limit. */
export const MAX_NAME_LENGTH = 256;
export const MAX_DESCRIPTION_LENGTH = 4096;
/**
 * Most entries the service keeps in one list (agents, groups, holidays, answers, …). Lync sets no
 * such limit; this one is the service's own, against bodies built to exhaust it.
 */
export const SERVICE_LIST_LIMIT = 10_000;

/** The refusal of a list longer than the service keeps. */
export function listLimit(what: string) {
  return { error: `at most ${SERVICE_LIST_LIMIT} ${what} (a limit of this service, not of Lync)` };
}

// Strings are stored as UTF-8; a lone surrogate would be silently replaced, so it is refused instead.
function wellFormed(s: string): boolean {
  return s.isWellFormed();
}

// Characters that print nothing or reorder what prints: two names that differ only by them look
// alike to an administrator, and the control characters break stores and logs downstream.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_OR_NEWLINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const INVISIBLE = /[\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

/** The first character a text field refuses, named for the error message; undefined when none. */
export function refusedCharacter(s: string, oneLine: boolean): string | undefined {
  if (!wellFormed(s)) return "a lone surrogate (not valid Unicode)";
  const m = (oneLine ? CONTROL_OR_NEWLINE : CONTROL).exec(s) ?? INVISIBLE.exec(s);
  if (!m) return undefined;
  const code = `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
  return INVISIBLE.test(m[0]) ? `${code}, an invisible or direction-changing character` : `${code}, a control character`;
}

/** Adds the refusal of a string's characters: controls, lone surrogates, bidi controls and zero-width characters. */
export function printable<T extends z.ZodString>(schema: T, oneLine: boolean): T {
  return schema.superRefine((s, ctx) => {
    const bad = refusedCharacter(s, oneLine);
    if (bad !== undefined) {
      ctx.addIssue({
        code: "custom",
        input: s,
        message: `must not contain ${bad}${oneLine ? "; one line of visible text" : "; tabs and line breaks are the only control characters allowed"}`,
      });
    }
  }) as unknown as T;
}

/** Free text: no control characters but tab and newlines, nothing invisible, no lone surrogates. */
export function text(max: number) {
  return printable(z.string().max(max, { error: `must be at most ${max} characters` }), false);
}

/** A one-line label: like text, without newlines or tabs, not blank. */
export function label(max: number) {
  return printable(
    z
      .string()
      .max(max, { error: `must be at most ${max} characters` })
      .refine((s) => s.trim().length > 0, { error: "must not be empty" }),
    true,
  );
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

const SIP_URI = /^sip:[^@\s:;<>"\u0000-\u001f\u007f-\u009f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]+@[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/i;

/** A SIP address of a user or contact, `sip:user@domain`. */
// Lync keeps URIs as .NET Uri objects, which write the scheme in lower case: folding it here means
// what a pool reads back is what was declared.
const lowerScheme = (s: string) => s.replace(/^(sip|tel):/i, (m) => m.toLowerCase());

export const SipUri = z
  .string()
  .overwrite(lowerScheme)
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
  .refine(wellFormed, { error: "must be valid Unicode (no lone surrogate characters)" })
  .regex(SIP_URI, { error: "must be a SIP URI such as sip:alice@contoso.com" });

/** A PSTN target as Lync writes it, `sip:+<E.164>@domain`. */
export const PstnSipUri = z
  .string()
  .overwrite(lowerScheme)
  .max(MAX_NAME_LENGTH, { error: `must be at most ${MAX_NAME_LENGTH} characters` })
  .regex(/^sip:\+\d{2,15}@[A-Za-z0-9.-]+$/i, { error: "must be a telephone number as a SIP URI, such as sip:+14255551298@contoso.com" });

/** A telephone line URI, `tel:+<digits>` with no spaces, dots or hyphens. */
export const TelUri = z
  .string()
  .overwrite(lowerScheme)
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
