/**
 * HoursOfBusiness: when a workflow is open (New-/Set-/Remove-CsRgsHoursOfBusiness).
 */
import * as pulumi from "@pulumi/pulumi";
import { RgsResource, type ArgsOf, type OutputsOf } from "./dynamic";

export type HoursOfBusinessArgs = ArgsOf<"hours-of-business">;

export interface HoursOfBusiness extends OutputsOf<"hours-of-business"> {}

/**
 * Business hours in a pool. Its `id` is what a workflow names in `businessHoursId`.
 *
 * @example
 * const office = new rgs.HoursOfBusiness("office", { name: "Office hours",
 *   mondayHours1: { openTime: "08:00", closeTime: "17:00" } });
 */
export class HoursOfBusiness extends RgsResource<"hours-of-business"> {
  constructor(name: string, args: HoursOfBusinessArgs, opts?: pulumi.CustomResourceOptions) {
    super("hours-of-business", name, args, opts);
  }
}
