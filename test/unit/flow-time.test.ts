/**
 * Time as a workflow reads it: the CLDR map cannot drift from cldr-core, wall clocks across DST in
 * both directions, local times that DST skips or repeats, range bounds and holiday bounds.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TIME_ZONES } from "../../sdk/model/calendar";
import { HoursOfBusinessSchema } from "../../sdk/model/hours-of-business";
import { holidayAt, ianaZone, instantOfLocal, isOpen, summarizeHours, tryIanaZone, wallClock } from "../../sdk/flow/time";
import { WINDOWS_ZONES } from "../../sdk/flow/windows-zones";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require("../../scripts/windows-zones.js") as { render(): string; target: string };

describe("Windows time zones", () => {
  it("the committed map is what scripts/windows-zones.js generates from cldr-core", () => {
    expect(readFileSync(generator.target, "utf8")).toBe(generator.render());
  });

  it("maps every IANA zone to one Node's Intl accepts", () => {
    for (const iana of Object.values(WINDOWS_ZONES)) {
      expect(() => new Intl.DateTimeFormat("en-US", { timeZone: iana }), iana).not.toThrow();
    }
  });

  it.each([
    // Fixed in CLDR after Mexico's 2022 change (unicode-org/cldr#2716); windows-iana still says America/Chihuahua.
    ["Mountain Standard Time (Mexico)", "America/Mazatlan", -420],
    // windows-iana says Asia/Almaty (UTC+5).
    ["Central Asia Standard Time", "Asia/Bishkek", 360],
    ["W. Europe Standard Time", "Europe/Berlin", 60],
    ["Pacific Standard Time", "America/Los_Angeles", -480],
    ["UTC", "Etc/UTC", 0],
  ])("%s is %s (UTC offset %i min in January)", (windows, iana, offset) => {
    expect(ianaZone(windows)).toBe(iana);
    expect(wallClock(new Date("2026-01-15T12:00:00Z"), iana).offsetMinutes).toBe(offset);
  });

  it("maps every zone the model accepts but the two obsolete ids CLDR dropped", () => {
    const unmapped = TIME_ZONES.filter((z) => tryIanaZone(z) === undefined);
    expect(unmapped).toEqual(["Mid-Atlantic Standard Time", "Kamchatka Standard Time"]);
  });

  it("refuses an obsolete id with the field and a successor to use", () => {
    expect(() => ianaZone("Kamchatka Standard Time", "workflows.Main Line.timeZone")).toThrow(
      expect.objectContaining({ code: "validation_failed", details: [expect.objectContaining({ path: "workflows.Main Line.timeZone", message: expect.stringContaining("Russia Time Zone 11") })] }),
    );
  });
});

describe("wall clock", () => {
  it.each([
    // Berlin, spring forward 2026-03-29 02:00 -> 03:00
    ["2026-03-29T00:30:00Z", "Europe/Berlin", "2026-03-29T01:30:00", "sunday", 60],
    ["2026-03-29T01:30:00Z", "Europe/Berlin", "2026-03-29T03:30:00", "sunday", 120],
    // Berlin, fall back 2026-10-25 03:00 -> 02:00: 02:30 happens twice
    ["2026-10-25T00:30:00Z", "Europe/Berlin", "2026-10-25T02:30:00", "sunday", 120],
    ["2026-10-25T01:30:00Z", "Europe/Berlin", "2026-10-25T02:30:00", "sunday", 60],
    // Los Angeles, 2026-03-08 and 2026-11-01
    ["2026-03-08T09:30:00Z", "America/Los_Angeles", "2026-03-08T01:30:00", "sunday", -480],
    ["2026-03-08T10:30:00Z", "America/Los_Angeles", "2026-03-08T03:30:00", "sunday", -420],
    ["2026-11-01T08:30:00Z", "America/Los_Angeles", "2026-11-01T01:30:00", "sunday", -420],
    ["2026-11-01T09:30:00Z", "America/Los_Angeles", "2026-11-01T01:30:00", "sunday", -480],
  ])("%s in %s is %s", (instant, zone, wall, day, offset) => {
    const c = wallClock(new Date(instant), zone);
    expect(c).toMatchObject({ wall, day, offsetMinutes: offset });
    expect(c.minutes).toBe(Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16)));
  });

  it("reads the same wall clock as Intl's formatToParts, in every mapped zone", () => {
    const zones = [...new Set(Object.values(WINDOWS_ZONES))];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (ms, zone) => {
        const at = new Date(ms);
        const parts = Object.fromEntries(
          new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", weekday: "long", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" })
            .formatToParts(at)
            .map((p) => [p.type, p.value]),
        );
        const c = wallClock(at, zone);
        expect(c.wall).toBe(`${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`);
        expect(c.day).toBe(parts.weekday.toLowerCase());
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ["2026-07-01T12:00", "Europe/Berlin", "2026-07-01T10:00:00.000Z", "exact"],
    ["2026-03-29T02:30", "Europe/Berlin", "2026-03-29T01:30:00.000Z", "skipped-later"],
    ["2026-10-25T02:30", "Europe/Berlin", "2026-10-25T00:30:00.000Z", "repeated-earlier"],
    ["2026-03-08T02:15", "America/Los_Angeles", "2026-03-08T10:15:00.000Z", "skipped-later"],
    ["2026-11-01T01:15", "America/Los_Angeles", "2026-11-01T08:15:00.000Z", "repeated-earlier"],
  ])("local %s in %s is %s (%s)", (local, zone, instant, fit) => {
    const r = instantOfLocal(local, zone);
    expect(r.at.toISOString()).toBe(instant);
    expect(r.fit).toBe(fit);
  });

  it.each(["2026-02-30T10:00", "2026-12-04 17:05", "2026-12-04T24:00"])("refuses the local time %s, naming it", (local) => {
    expect(() => instantOfLocal(local, "Europe/Berlin")).toThrow(expect.objectContaining({ code: "validation_failed", details: [expect.objectContaining({ path: "at", message: expect.stringContaining(local) })] }));
  });
});

describe("hours and holidays", () => {
  const hours = HoursOfBusinessSchema.parse({
    name: "Office",
    mondayHours1: { openTime: "08:00", closeTime: "12:00" },
    mondayHours2: { openTime: "13:00", closeTime: "17:00" },
    tuesdayHours1: { openTime: "08:00", closeTime: "12:00" },
    tuesdayHours2: { openTime: "13:00", closeTime: "17:00" },
    fridayHours1: { openTime: "08:00", closeTime: "15:00" },
    saturdayHours1: { openTime: "10:00", closeTime: "23:59" },
  });

  it.each([
    ["monday", "07:59", false, undefined],
    ["monday", "08:00", true, "open"],
    ["monday", "11:59", true, undefined],
    ["monday", "12:00", false, "close"],
    ["monday", "13:00", true, "open"],
    ["monday", "17:00", false, "close"],
    ["wednesday", "10:00", false, undefined],
    ["saturday", "23:58", true, undefined],
    ["saturday", "23:59", false, "close"],
  ] as const)("%s %s is open: %s", (day, hhmm, open, bound) => {
    const minutes = Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
    const r = isOpen(hours, { day, minutes });
    expect(r.open).toBe(open);
    expect(r.onBound).toBe(bound);
  });

  it("summarizes days alike into runs", () => {
    expect(summarizeHours(hours)).toBe("Mon-Tue 08:00-12:00, 13:00-17:00; Fri 08:00-15:00; Sat 10:00-23:59");
    expect(summarizeHours(HoursOfBusinessSchema.parse({ name: "None" }))).toBe("always closed");
  });

  it("holidays start inclusive and end exclusive, to the second", () => {
    const holidays = [{ name: "Christmas Eve afternoon", startDate: "2026-12-24T12:00:00", endDate: "2026-12-25T00:00:00" }];
    expect(holidayAt(holidays, "2026-12-24T11:59:59")).toBeUndefined();
    expect(holidayAt(holidays, "2026-12-24T12:00:00")?.name).toBe("Christmas Eve afternoon");
    expect(holidayAt(holidays, "2026-12-24T23:59:59")?.name).toBe("Christmas Eve afternoon");
    expect(holidayAt(holidays, "2026-12-25T00:00:00")).toBeUndefined();
  });
});
