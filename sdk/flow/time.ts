/**
 * Time as a workflow reads it: the Windows time zone id mapped to IANA through CLDR, the wall
 * clock of an instant in that zone, business hours and holidays against that wall clock.
 */
import { RgsError } from "../errors";
import { DAYS, type Day, type HoursOfBusinessBody } from "../model/hours-of-business";
import { rangeMinutes, type Holiday, type TimeRange } from "../model/calendar";
import { WINDOWS_ZONES } from "./windows-zones";

/** The IANA zone of a Windows time zone id, or undefined when CLDR maps none (obsolete ids). */
export function tryIanaZone(windowsId: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(WINDOWS_ZONES, windowsId)) return WINDOWS_ZONES[windowsId];
  const folded = windowsId.toLowerCase();
  const key = Object.keys(WINDOWS_ZONES).find((k) => k.toLowerCase() === folded);
  return key === undefined ? undefined : WINDOWS_ZONES[key];
}

/** The IANA zone of a Windows time zone id; `validation_failed` naming the field when CLDR maps none. */
export function ianaZone(windowsId: string, field = "timeZone"): string {
  const iana = tryIanaZone(windowsId);
  if (iana === undefined) {
    throw new RgsError("validation_failed", `time zone '${windowsId}' has no IANA zone in CLDR windowsZones`, {
      details: [
        {
          path: field,
          message: `'${windowsId}' is an obsolete Windows id that CLDR does not map; use its successor, e.g. "Russia Time Zone 11" for Kamchatka or "UTC-02" for Mid-Atlantic`,
        },
      ],
    });
  }
  return iana;
}

/** An instant read on a wall clock. */
export interface WallClock {
  /** The IANA zone it was read in. */
  zone: string;
  day: Day;
  /** `YYYY-MM-DDTHH:MM:SS`, comparable as a string with holiday bounds. */
  wall: string;
  /** Minutes since local midnight. */
  minutes: number;
  /** The zone's offset from UTC at that instant, in minutes. */
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// One formatter per zone: constructing one costs about ten times a formatToParts call.
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      weekday: "long",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

// en-US with these options formats as "Friday, 12/04/2026, 17:05:00"; format() is about 2.5 times
// faster than formatToParts(), which stays the fallback should an ICU version word it otherwise.
const EN_US = /^([A-Za-z]+), (\d{2})\/(\d{2})\/(\d{4}), (\d{2}):(\d{2}):(\d{2})$/;

function partsOf(f: Intl.DateTimeFormat, at: Date): Record<string, string> {
  const m = EN_US.exec(f.format(at));
  if (m) return { weekday: m[1], month: m[2], day: m[3], year: m[4], hour: m[5], minute: m[6], second: m[7] };
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(at)) parts[p.type] = p.value;
  return parts;
}

/** The wall clock of an instant in an IANA zone. */
export function wallClock(at: Date, zone: string): WallClock {
  const parts = partsOf(formatter(zone), at);
  const wall = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), hour, minute, Number(parts.second));
  return {
    zone,
    day: parts.weekday.toLowerCase() as Day,
    wall,
    minutes: hour * 60 + minute,
    offsetMinutes: Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000),
  };
}

/** How a local time that a DST change skips or repeats was read. */
export type LocalTimeFit = "exact" | "repeated-earlier" | "skipped-later";

/**
 * The instant of a local `YYYY-MM-DDTHH:MM[:SS]` in an IANA zone. A repeated time (fall back) is
 * read as the earlier instant; a skipped one (spring forward) is moved forward by the gap, as
 * Temporal's "compatible" disambiguation does.
 */
export function instantOfLocal(local: string, zone: string): { at: Date; fit: LocalTimeFit } {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!m) {
    throw new RgsError("validation_failed", `'${local}' is not a local time`, {
      details: [{ path: "at", message: `must be YYYY-MM-DDTHH:MM or YYYY-MM-DDTHH:MM:SS (got '${local}')` }],
    });
  }
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  const asUtc = Date.UTC(y, mo - 1, d, h, mi, s);
  const wanted = new Date(asUtc).toISOString().slice(0, 19);
  if (wanted !== `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}`) {
    throw new RgsError("validation_failed", `'${local}' is not a calendar date and time`, {
      details: [{ path: "at", message: `must be a real date and a time from 00:00 to 23:59 (got '${local}')` }],
    });
  }
  // The offsets in force a day either side bound every offset the zone can have that day.
  const offsets = new Set([-1, 0, 1].map((days) => wallClock(new Date(asUtc + days * 86_400_000), zone).offsetMinutes));
  const fits = [...offsets]
    .map((o) => new Date(asUtc - o * 60_000))
    .filter((at) => wallClock(at, zone).wall === wanted)
    .sort((a, b) => a.getTime() - b.getTime());
  if (fits.length > 0) {
    const distinct = new Set(fits.map((f) => f.getTime()));
    return { at: fits[0], fit: distinct.size > 1 ? "repeated-earlier" : "exact" };
  }
  const before = wallClock(new Date(asUtc - 86_400_000), zone).offsetMinutes;
  return { at: new Date(asUtc - before * 60_000), fit: "skipped-later" };
}

/** The ranges of a day, in order, as [open, close) minutes. */
export function rangesOf(hours: HoursOfBusinessBody, day: Day): TimeRange[] {
  return [hours[`${day}Hours1`], hours[`${day}Hours2`]].filter((r): r is TimeRange => r !== null);
}

export interface OpenCheck {
  open: boolean;
  /** The range the time fell in, when open. */
  range?: TimeRange;
  /** The time is exactly on an open or close time of the day. */
  onBound?: "open" | "close";
}

/** Whether a wall clock falls in the hours; a range is open from its open time up to, not at, its close time. */
export function isOpen(hours: HoursOfBusinessBody, clock: Pick<WallClock, "day" | "minutes">): OpenCheck {
  let onBound: "open" | "close" | undefined;
  let hit: TimeRange | undefined;
  for (const r of rangesOf(hours, clock.day)) {
    const [o, c] = rangeMinutes(r);
    if (clock.minutes === o) onBound = "open";
    if (clock.minutes === c) onBound ??= "close";
    if (o <= clock.minutes && clock.minutes < c) hit = r;
  }
  return { open: hit !== undefined, ...(hit ? { range: hit } : {}), ...(onBound ? { onBound } : {}) };
}

/** The holiday a wall clock falls in: start inclusive, end exclusive. */
export function holidayAt(holidays: readonly Holiday[], wall: string): Holiday | undefined {
  return holidays.find((h) => h.startDate <= wall && wall < h.endDate);
}

const SHORT: Record<Day, string> = {
  monday: "Mon",
  tuesday: "Tue",
  wednesday: "Wed",
  thursday: "Thu",
  friday: "Fri",
  saturday: "Sat",
  sunday: "Sun",
};

export function shortDay(day: Day): string {
  return SHORT[day];
}

/** The ranges of one day as text: "08:00-12:00, 13:00-17:00", or "closed". */
export function dayText(hours: HoursOfBusinessBody, day: Day): string {
  const ranges = rangesOf(hours, day);
  return ranges.length === 0 ? "closed" : ranges.map((r) => `${r.openTime}-${r.closeTime}`).join(", ");
}

/** Hours summarized by runs of days alike: "Mon-Fri 08:00-17:00; Sat 09:00-12:00". */
export function summarizeHours(hours: HoursOfBusinessBody): string {
  const runs: { from: Day; to: Day; text: string }[] = [];
  for (const day of DAYS) {
    const text = dayText(hours, day);
    const last = runs[runs.length - 1];
    if (last && last.text === text) last.to = day;
    else runs.push({ from: day, to: day, text });
  }
  const open = runs.filter((r) => r.text !== "closed");
  if (open.length === 0) return "always closed";
  return open
    .map((r) => {
      const days = r.from === r.to ? SHORT[r.from] : `${SHORT[r.from]}-${SHORT[r.to]}`;
      return `${days} ${r.text}`;
    })
    .join("; ");
}
