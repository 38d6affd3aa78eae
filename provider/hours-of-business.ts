/**
 * HoursOfBusiness: when a workflow is open (New-/Set-/Remove-CsRgsHoursOfBusiness).
 */
import * as pulumi from "@pulumi/pulumi";
import { propsFor, shimFor, stackTracesOff, TYPE_MODULE, type ArgsOf, type OutputsOf } from "./dynamic";

export type HoursOfBusinessArgs = ArgsOf<"hours-of-business">;

const provider = shimFor("hours-of-business");

export interface HoursOfBusiness extends OutputsOf<"hours-of-business"> {}

/**
 * Business hours in a pool. Its `id` is what a workflow names in `businessHoursId`.
 *
 * @example
 * const office = new rgs.HoursOfBusiness("office", { name: "Office hours",
 *   mondayHours1: { openTime: "08:00", closeTime: "17:00" } });
 */
export class HoursOfBusiness extends pulumi.dynamic.Resource {
  constructor(name: string, args: HoursOfBusinessArgs, opts?: pulumi.CustomResourceOptions) {
    const limit = stackTracesOff();
    try {
      super(provider, name, propsFor("hours-of-business", name, args), opts, TYPE_MODULE, "HoursOfBusiness");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
