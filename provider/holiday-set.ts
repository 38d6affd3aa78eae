/**
 * HolidaySet: dates when workflows take their holiday action (New-/Set-/Remove-CsRgsHolidaySet).
 */
import * as pulumi from "@pulumi/pulumi";
import { RgsResource, type ArgsOf, type OutputsOf } from "./dynamic";

export type HolidaySetArgs = ArgsOf<"holiday-sets">;

export interface HolidaySet extends OutputsOf<"holiday-sets"> {}

/**
 * A holiday set in a pool. Its `id` is what a workflow lists in `holidaySetIds`.
 *
 * @example
 * const holidays = new rgs.HolidaySet("holidays", { name: "Holidays 2026",
 *   holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }] });
 */
export class HolidaySet extends RgsResource<"holiday-sets"> {
  constructor(name: string, args: HolidaySetArgs, opts?: pulumi.CustomResourceOptions) {
    super("holiday-sets", name, args, opts);
  }
}
