/**
 * PowerShell's parameter binding and property assignment, for the types the Response Group cmdlets
 * take (rgs-cmdlets.json): strings convert to enums (ignoring case), TimeSpan, DateTime, Uri and
 * RgsIdentity; a single value binds to a collection; the result is kept in projected form.
 * A value that does not convert is refused with `invalid`, as a ParameterBindingException would be.
 */
import { invalid } from "./cmdlet-error";
import { type RgsObject, fullTypeName, type ObjectType, PROPERTY_TYPES } from "./object-types";

/**
 * Enum members as the cmdlets' enums name them. The Action names follow the syntax line of the
 * 2015 edition of New-CsRgsCallAction ("-Action <Terminate | TransferToQueue | TransferToQuestion |
 * TransferToUri | TransferToVoicemailUri | TransferToPstn>"); the current page spells two of them
 * TransferToVoiceMailUri and TransferToPSTN, which bind the same since enum names ignore case.
 */
export const ENUMS: Record<string, readonly string[]> = {
  // PS:New-CsRgsAgentGroup -ParticipationPolicy
  ParticipationPolicy: ["Informal", "Formal"],
  // PS:New-CsRgsAgentGroup -RoutingMethod
  RoutingMethod: ["LongestIdle", "RoundRobin", "Serial", "Parallel", "Attendant"],
  // PS:New-CsRgsQueue -OverflowCandidate
  OverflowCandidate: ["NewestCall", "OldestCall"],
  // PS:New-CsRgsCallAction -Action
  Action: ["Terminate", "TransferToQueue", "TransferToQuestion", "TransferToUri", "TransferToVoicemailUri", "TransferToPstn"],
};

const INT_RANGES: Record<string, [number, number]> = { Int16: [-32768, 32767], Int32: [-2147483648, 2147483647] };

/** A value after its steps were evaluated: what a parameter or property is given. */
export type Bindable = null | string | number | boolean | Buffer | RgsObject | Bindable[];

function describe(v: Bindable): string {
  if (v === null) return "null";
  if (Buffer.isBuffer(v)) return "Byte[]";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return v.$type;
  return JSON.stringify(v);
}

function cannotConvert(field: string, v: Bindable, type: string, why?: string): Error {
  return invalid(
    `Cannot convert value ${describe(v)} of ${field} to type ${type}${why ? `: ${why}` : ""}`,
    "ParameterArgumentTransformationError",
  );
}

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** .NET TimeSpan.Parse: `[-][d.]hh:mm[:ss[.fffffff]]` or a whole number of days; "hh:mm:ss" out. */
export function parseTimeSpan(field: string, v: Bindable): string {
  const text = typeof v === "string" ? v.trim() : "";
  const m = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$/.exec(text);
  const days = /^(-)?(\d+)$/.exec(text);
  if (days) return `${days[1] ?? ""}${Number(days[2])}.00:00:00`;
  if (!m) throw cannotConvert(field, v, "System.TimeSpan", 'expected a time such as "08:00" or "08:00:00"');
  const [, neg, d, h, min, s, frac] = m;
  if (Number(h) > 23 || Number(min) > 59 || Number(s ?? 0) > 59) {
    throw cannotConvert(field, v, "System.TimeSpan", "hours must be 0-23, minutes and seconds 0-59");
  }
  const day = d !== undefined && Number(d) > 0 ? `${Number(d)}.` : "";
  const fraction = frac ? `.${frac.padEnd(7, "0")}` : "";
  return `${neg ?? ""}${day}${pad(Number(h))}:${pad(Number(min))}:${pad(Number(s ?? 0))}${fraction}`;
}

/**
 * DateTime from the forms the cmdlet pages use ("12/25/2013 12:00 AM", PS:New-CsRgsHoliday) and
 * ISO dates. The server's local time has no offset; this fake's server runs on UTC, so a "Z" or an
 * offset is converted to UTC as DateTime.Parse would convert it to local time.
 */
export function parseDateTime(field: string, v: Bindable): string {
  const text = typeof v === "string" ? v.trim() : "";
  let y: number, mo: number, d: number, h = 0, mi = 0, s = 0;
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(text);
  let offsetMinutes = 0;
  if (m) {
    [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    if (m[7] && m[7] !== "Z") offsetMinutes = (m[7][0] === "-" ? -1 : 1) * (Number(m[7].slice(1, 3)) * 60 + Number(m[7].slice(4)));
  } else {
    m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(AM|PM)?)?$/i.exec(text);
    if (!m) throw cannotConvert(field, v, "System.DateTime", 'expected "yyyy-MM-ddTHH:mm:ss" or "M/d/yyyy h:mm AM"');
    [mo, d, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
    [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
    const ampm = m[7]?.toUpperCase();
    if (ampm && (h < 1 || h > 12)) throw cannotConvert(field, v, "System.DateTime", "12-hour clock hours are 1-12");
    if (ampm === "AM" && h === 12) h = 0;
    if (ampm === "PM" && h < 12) h += 12;
  }
  const t = Date.UTC(y, mo - 1, d, h, mi, s) - offsetMinutes * 60_000;
  const back = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw cannotConvert(field, v, "System.DateTime", "no such date or time");
  }
  const r = new Date(t);
  return `${pad(r.getUTCFullYear(), 4)}-${pad(r.getUTCMonth() + 1)}-${pad(r.getUTCDate())}T${pad(r.getUTCHours())}:${pad(r.getUTCMinutes())}:${pad(r.getUTCSeconds())}`;
}

/**
 * System.Uri from a string: it must be absolute (a scheme, then something), and System.Uri
 * canonicalizes the scheme to lower case, so "TEL:+14255551219" reads back "tel:+14255551219".
 */
export function parseUri(field: string, v: Bindable): string {
  const m = typeof v === "string" ? /^([A-Za-z][A-Za-z0-9+.-]*):(\S.*)$/.exec(v.trim()) : null;
  if (!m) throw cannotConvert(field, v, "System.Uri", "Invalid URI: The format of the URI could not be determined");
  return `${m[1].toLowerCase()}:${m[2]}`;
}

export interface ParsedIdentity {
  /** The pool FQDN, lower case. */
  pool: string;
  /** The object's GUID, lower case; absent for a service identity. */
  instanceId?: string;
}

/**
 * RgsIdentity: `service:ApplicationServer:<fqdn>[/<guid>]` (PS:Get-CsRgsAgentGroup -Identity). The
 * `service:` prefix is optional, as in PS:Export-CsRgsConfiguration's `-Source "ApplicationServer:…"`,
 * and a space before the slash is tolerated (PS:Remove-CsRgsAgentGroup -Instance example).
 */
export function parseIdentity(field: string, v: Bindable): ParsedIdentity {
  const m =
    typeof v === "string"
      ? /^(?:service:)?ApplicationServer:([A-Za-z0-9.-]+)\s*(?:\/\s*([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}))?$/i.exec(v.trim())
      : null;
  if (!m) {
    throw cannotConvert(field, v, "Microsoft.Rtc.Rgs.Management.RgsIdentity", 'expected "service:ApplicationServer:<pool fqdn>[/<guid>]"');
  }
  return { pool: m[1].toLowerCase(), instanceId: m[2]?.toLowerCase() };
}

export function formatIdentity(id: ParsedIdentity): string {
  return `service:ApplicationServer:${id.pool}${id.instanceId ? `/${id.instanceId}` : ""}`;
}

function convertInteger(field: string, v: Bindable, type: string): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*[+-]?\d+\s*$/.test(v) ? Number(v) : NaN;
  const [lo, hi] = INT_RANGES[type];
  if (!Number.isInteger(n)) throw cannotConvert(field, v, `System.${type}`, "expected a whole number");
  if (n < lo || n > hi) throw cannotConvert(field, v, `System.${type}`, `Value was either too large or too small for an ${type}`);
  return n;
}

/**
 * Converts one value to a parameter's or property's type. `null` stays null: the optional
 * parameters and properties of these objects are nullable (PS:New-CsRgsQueue -TimeoutThreshold:
 * "the default value is null"), and mandatory parameters are checked for null where they bind.
 */
export function convert(field: string, v: Bindable, type: string): Bindable {
  const list = /^List<(.+)>$/.exec(type);
  if (list) {
    if (v === null) return [];
    const items = Array.isArray(v) ? v : [v];
    return items.map((item, i) => {
      if (item === null) throw invalid(`${field}[${i}] is null; a collection of ${list[1]} cannot hold null`, "ParameterArgumentValidationErrorNullNotAllowed");
      return convert(`${field}[${i}]`, item, list[1]);
    });
  }
  if (v === null) return null;
  if (Array.isArray(v) && type !== "Byte[]") {
    if (v.length === 1) return convert(field, v[0], type);
    throw cannotConvert(field, v, type, "an array was given where one value is expected");
  }
  switch (type) {
    case "String":
    case "Fqdn":
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      throw cannotConvert(field, v, "System.String");
    case "Int16":
    case "Int32":
      return convertInteger(field, v, type);
    case "Boolean":
      // Boolean parameters accept only Boolean values and numbers (PowerShell's binder refuses strings).
      if (typeof v === "boolean") return v;
      if (typeof v === "number") return v !== 0;
      throw cannotConvert(field, v, "System.Boolean", "Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0");
    case "SwitchParameter":
      if (typeof v === "boolean") return v;
      throw cannotConvert(field, v, "System.Management.Automation.SwitchParameter");
    case "TimeSpan":
      return parseTimeSpan(field, v);
    case "DateTime":
      return parseDateTime(field, v);
    case "Uri":
      return parseUri(field, v);
    case "RgsIdentity":
      return formatIdentity(parseIdentity(field, v));
    case "Byte[]":
      if (Buffer.isBuffer(v)) return v;
      throw cannotConvert(field, v, "System.Byte[]", 'pass the content as {"bytes":"<base64>"}');
  }
  const members = ENUMS[type];
  if (members) {
    const found = typeof v === "string" ? members.find((m) => m.toLowerCase() === v.trim().toLowerCase()) : undefined;
    if (!found) throw cannotConvert(field, v, type, `the possible enumeration values are "${members.join(", ")}"`);
    return found;
  }
  if (type in PROPERTY_TYPES) {
    if (typeof v === "object" && !Buffer.isBuffer(v) && !Array.isArray(v) && v.$type === fullTypeName(type as ObjectType)) return structuredClone(v);
    throw cannotConvert(field, v, fullTypeName(type as ObjectType));
  }
  throw cannotConvert(field, v, type, "this type is not emulated");
}
