/**
 * Holiday set (New-/Set-/Get-/Remove-CsRgsHolidaySet): dates when workflows take their holiday action.
 */
import { z } from "zod";
import { Holiday } from "./calendar";
import { Name, listLimit, SERVICE_LIST_LIMIT } from "./common";
import { defineKind, type FieldIssue } from "./kind";

export const HolidaySetSchema = z
  .strictObject({
    name: Name,
    holidays: z
      .array(Holiday, { error: "must be a list of holidays" })
      .max(SERVICE_LIST_LIMIT, listLimit("holidays"))
      .describe("The holidays; at least one when the set is created, and the list may be emptied later."),
  })
  .describe("A holiday set: named periods when a workflow is closed for a holiday.");

export type HolidaySetArgs = z.input<typeof HolidaySetSchema>;
export type HolidaySetBody = z.output<typeof HolidaySetSchema>;

export const HolidaySetKind = defineKind({
  typeName: "HolidaySet",
  noun: "CsRgsHolidaySet",
  dotNetType: "Microsoft.Rtc.Rgs.Management.WritableSettings.HolidaySet",
  label: "holiday set",
  schema: HolidaySetSchema,
  referenceKinds: [],
  references: () => [],
  uniqueAcrossPools: [],
  // New-CsRgsHolidaySet requires a holiday; Set-CsRgsHolidaySet may clear the list.
  createRules(h: HolidaySetBody): FieldIssue[] {
    return h.holidays.length === 0 ? [{ path: "holidays", message: "must list at least one holiday when the set is created" }] : [];
  },
});
