/**
 * Time ranges, holidays, languages and time zones (New-CsRgsTimeRange, New-CsRgsHoliday, §9–11).
 */
import { z } from "zod";
import { label } from "./common";

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
// The forms New-CsRgsTimeRange's own examples and a TimeSpan's string take: 8:00, 08:00, 08:00:00.
const CLOCK_INPUT = /^([01]?\d|2[0-3]):([0-5]\d)(?::(00)(?:\.0{1,7})?)?$/;

function minutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** A time of day as Lync's cmdlets take it, stored as "HH:MM"; undefined when it is none. */
export function normalizeClockTime(s: string): string | undefined {
  const m = CLOCK_INPUT.exec(s.trim());
  return m ? `${m[1].padStart(2, "0")}:${m[2]}` : undefined;
}

const ClockTime = z
  .string()
  .overwrite((s) => normalizeClockTime(s) ?? s)
  .regex(HHMM, { error: 'must be a 24-hour time from 00:00 to 23:59, written 8:00, 08:00 or 08:00:00 (whole minutes)' });

export const TimeRange = z
  .strictObject({
    name: label(128).optional().describe("A label for the range; at most 128 characters."),
    openTime: ClockTime.describe('Opening time, 24-hour "HH:MM".'),
    closeTime: ClockTime.describe('Closing time, 24-hour "HH:MM", after openTime.'),
  })
  .superRefine((r, ctx) => {
    if (minutes(r.closeTime) <= minutes(r.openTime)) {
      ctx.addIssue({
        code: "custom",
        path: ["closeTime"],
        input: r.closeTime,
        message: `must be after openTime ${r.openTime}`,
      });
    }
  })
  .describe("One opening period of a day.");
export type TimeRange = z.output<typeof TimeRange>;

/** Minutes since midnight of a range's open and close times. */
export function rangeMinutes(r: TimeRange): [number, number] {
  return [minutes(r.openTime), minutes(r.closeTime)];
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** A real calendar date and time, without zone: holidays are read in the workflow's time zone. */
export function isLocalDateTime(s: string): boolean {
  const m = LOCAL_DATE_TIME.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number);
  if (y < 1753 || mo < 1 || mo > 12 || h > 23 || mi > 59 || se > 59) return false;
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return d >= 1 && d <= days;
}

const LocalDateTime = z.string().refine(isLocalDateTime, {
  error: "must be a local date and time YYYY-MM-DDTHH:MM:SS, such as 2026-12-25T00:00:00",
});

export const Holiday = z
  .strictObject({
    name: label(256).optional().describe("The holiday's name; New-CsRgsHoliday makes it optional."),
    startDate: LocalDateTime.describe("First moment of the holiday, local time YYYY-MM-DDTHH:MM:SS."),
    endDate: LocalDateTime.describe("End of the holiday, exclusive: a one-day holiday on 25 Dec ends 2026-12-26T00:00:00."),
  })
  .superRefine((h, ctx) => {
    // Fixed-width local date-times order as strings.
    if (isLocalDateTime(h.startDate) && isLocalDateTime(h.endDate) && h.endDate <= h.startDate) {
      ctx.addIssue({ code: "custom", path: ["endDate"], input: h.endDate, message: `must be after startDate ${h.startDate}` });
    }
  })
  .describe("A period when the workflow takes its holiday action.");
export type Holiday = z.output<typeof Holiday>;

/** The 26 languages Response Group speaks and recognises (New-CsRgsWorkflow -Language). */
export const LANGUAGES = [
  "ca-ES", "da-DK", "de-DE", "en-AU", "en-CA", "en-GB", "en-IN", "en-US", "es-ES", "es-MX", "fi-FI", "fr-CA", "fr-FR",
  "it-IT", "ja-JP", "ko-KR", "nb-NO", "nl-NL", "pl-PL", "pt-BR", "pt-PT", "ru-RU", "sv-SE", "zh-CN", "zh-HK", "zh-TW",
] as const;

/** Windows time zone ids, as TimeZoneInfo names them. */
export const TIME_ZONES = [
  "Dateline Standard Time", "UTC-11", "Aleutian Standard Time", "Hawaiian Standard Time", "Marquesas Standard Time",
  "Alaskan Standard Time", "UTC-09", "Pacific Standard Time (Mexico)", "UTC-08", "Pacific Standard Time",
  "US Mountain Standard Time", "Mountain Standard Time (Mexico)", "Mountain Standard Time", "Yukon Standard Time",
  "Central America Standard Time", "Central Standard Time", "Easter Island Standard Time",
  "Central Standard Time (Mexico)", "Canada Central Standard Time", "SA Pacific Standard Time",
  "Eastern Standard Time (Mexico)", "Eastern Standard Time", "Haiti Standard Time", "Cuba Standard Time",
  "US Eastern Standard Time", "Turks And Caicos Standard Time", "Paraguay Standard Time", "Atlantic Standard Time",
  "Venezuela Standard Time", "Central Brazilian Standard Time", "SA Western Standard Time", "Pacific SA Standard Time",
  "Newfoundland Standard Time", "Tocantins Standard Time", "E. South America Standard Time", "SA Eastern Standard Time",
  "Argentina Standard Time", "Greenland Standard Time", "Montevideo Standard Time", "Magallanes Standard Time",
  "Saint Pierre Standard Time", "Bahia Standard Time", "UTC-02", "Mid-Atlantic Standard Time", "Azores Standard Time",
  "Cape Verde Standard Time", "UTC", "GMT Standard Time", "Greenwich Standard Time", "Sao Tome Standard Time",
  "Morocco Standard Time", "W. Europe Standard Time", "Central Europe Standard Time", "Romance Standard Time",
  "Central European Standard Time", "W. Central Africa Standard Time", "Jordan Standard Time", "GTB Standard Time",
  "Middle East Standard Time", "Egypt Standard Time", "E. Europe Standard Time", "Syria Standard Time",
  "West Bank Standard Time", "South Africa Standard Time", "FLE Standard Time", "Israel Standard Time",
  "South Sudan Standard Time", "Kaliningrad Standard Time", "Sudan Standard Time", "Libya Standard Time",
  "Namibia Standard Time", "Arabic Standard Time", "Turkey Standard Time", "Arab Standard Time", "Belarus Standard Time",
  "Russian Standard Time", "E. Africa Standard Time", "Volgograd Standard Time", "Iran Standard Time",
  "Arabian Standard Time", "Astrakhan Standard Time", "Azerbaijan Standard Time", "Russia Time Zone 3",
  "Mauritius Standard Time", "Saratov Standard Time", "Georgian Standard Time", "Caucasus Standard Time",
  "Afghanistan Standard Time", "West Asia Standard Time", "Qyzylorda Standard Time", "Ekaterinburg Standard Time",
  "Pakistan Standard Time", "India Standard Time", "Sri Lanka Standard Time", "Nepal Standard Time",
  "Central Asia Standard Time", "Bangladesh Standard Time", "Omsk Standard Time", "Myanmar Standard Time",
  "SE Asia Standard Time", "Altai Standard Time", "W. Mongolia Standard Time", "North Asia Standard Time",
  "N. Central Asia Standard Time", "Tomsk Standard Time", "China Standard Time", "North Asia East Standard Time",
  "Singapore Standard Time", "W. Australia Standard Time", "Taipei Standard Time", "Ulaanbaatar Standard Time",
  "Aus Central W. Standard Time", "Transbaikal Standard Time", "Tokyo Standard Time", "North Korea Standard Time",
  "Korea Standard Time", "Yakutsk Standard Time", "Cen. Australia Standard Time", "AUS Central Standard Time",
  "E. Australia Standard Time", "AUS Eastern Standard Time", "West Pacific Standard Time", "Tasmania Standard Time",
  "Vladivostok Standard Time", "Lord Howe Standard Time", "Bougainville Standard Time", "Russia Time Zone 10",
  "Magadan Standard Time", "Norfolk Standard Time", "Sakhalin Standard Time", "Central Pacific Standard Time",
  "Russia Time Zone 11", "New Zealand Standard Time", "UTC+12", "Fiji Standard Time", "Kamchatka Standard Time",
  "Chatham Islands Standard Time", "UTC+13", "Tonga Standard Time", "Samoa Standard Time", "Line Islands Standard Time",
] as const;

function caseless<T extends string>(values: readonly T[]): (s: string) => string {
  const byKey = new Map(values.map((v) => [v.toLowerCase(), v] as const));
  return (s) => byKey.get(s.toLowerCase()) ?? s;
}

const canonicalLanguage = caseless(LANGUAGES);
const canonicalTimeZone = caseless(TIME_ZONES);

// Lync matches languages without regard to case (its 2010 docs write ca-Es), so input is folded to one spelling.
export const Language = z
  .string()
  .overwrite(canonicalLanguage)
  .refine((s) => (LANGUAGES as readonly string[]).includes(s), {
    error: `must be one of the 26 Response Group languages: ${LANGUAGES.join(", ")}`,
  });

/** The zone a workflow without hours or holidays is given: its time zone then changes nothing. */
export const DEFAULT_TIME_ZONE = "UTC";

export const TimeZone = z
  .string()
  .overwrite(canonicalTimeZone)
  .refine((s) => (TIME_ZONES as readonly string[]).includes(s), {
    error: 'must be a Windows time zone id such as "UTC", "Pacific Standard Time" or "W. Europe Standard Time"',
  });
