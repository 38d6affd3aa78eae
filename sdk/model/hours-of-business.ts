/**
 * Hours of business (New-/Set-/Get-/Remove-CsRgsHoursOfBusiness): up to two opening ranges per day.
 */
import { z } from "zod";
import { rangeMinutes, TimeRange } from "./calendar";
import { Name } from "./common";
import { defineKind } from "./kind";

export const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] as const;
export type Day = (typeof DAYS)[number];
export type HoursSlot = `${Day}Hours${1 | 2}`;
export const HOURS_SLOTS: readonly HoursSlot[] = DAYS.flatMap((d) => [`${d}Hours1`, `${d}Hours2`] as const);

function slot(day: Day, n: 1 | 2) {
  const which = n === 1 ? "First" : "Second (split shift)";
  return TimeRange.nullable()
    .default(null)
    .describe(`${which} opening range on ${day[0].toUpperCase()}${day.slice(1)}; null when there is none.`);
}

const slots = Object.fromEntries(DAYS.flatMap((d) => [[`${d}Hours1`, slot(d, 1)], [`${d}Hours2`, slot(d, 2)]])) as {
  [K in HoursSlot]: ReturnType<typeof slot>;
};

export const HoursOfBusinessSchema = z
  .strictObject({
    name: Name,
    custom: z
      .boolean({ error: "must be true or false" })
      .default(false)
      .describe("true: belongs to one workflow (a custom schedule); false: a preset that workflows may share."),
    ...slots,
  })
  .superRefine((h, ctx) => {
    for (const day of DAYS) {
      const first = h[`${day}Hours1`];
      const second = h[`${day}Hours2`];
      if (second === null) continue;
      if (first === null) {
        ctx.addIssue({
          code: "custom",
          path: [`${day}Hours2`],
          input: second,
          message: `needs ${day}Hours1: the second range of a day follows the first`,
        });
        continue;
      }
      const [o1, c1] = rangeMinutes(first);
      const [o2, c2] = rangeMinutes(second);
      if (o1 < c2 && o2 < c1) {
        ctx.addIssue({
          code: "custom",
          path: [`${day}Hours2`],
          input: second,
          message: `overlaps ${day}Hours1 (${first.openTime}-${first.closeTime}); the two ranges of a day must not overlap`,
        });
      }
    }
  })
  .describe("Business hours: when a workflow is open, read in the workflow's time zone. No range on a day means closed.");

export type HoursOfBusinessArgs = z.input<typeof HoursOfBusinessSchema>;
export type HoursOfBusinessBody = z.output<typeof HoursOfBusinessSchema>;

export const HoursOfBusinessKind = defineKind({
  typeName: "HoursOfBusiness",
  noun: "CsRgsHoursOfBusiness",
  dotNetType: "Microsoft.Rtc.Rgs.Management.WritableSettings.BusinessHours",
  label: "hours of business",
  schema: HoursOfBusinessSchema,
  referenceKinds: [],
  references: () => [],
  uniqueAcrossPools: [],
  // The web tool's per-workflow schedule: Custom=True hours serve the one workflow they were made for.
  exclusive: {
    when: (h: HoursOfBusinessBody) => h.custom === true,
    state: "is a custom schedule (custom: true)",
    becoming: "become custom",
    why: "a custom schedule serves one workflow",
  },
});
