/**
 * Hours of business ↔ New-/Set-CsRgsHoursOfBusiness properties; each of the 14 slots a
 * New-CsRgsTimeRange, or null for no range.
 */
import { HOURS_SLOTS, type HoursOfBusinessBody, type HoursSlot } from "../../model/hours-of-business";
import { bool, readTimeRange, str, timeRangeValue, type Mapping, type Properties } from "./values";

/** `mondayHours1` is MondayHours1. */
function property(slot: HoursSlot): string {
  return `${slot[0].toUpperCase()}${slot.slice(1)}`;
}

export const hoursOfBusinessMapping: Mapping<HoursOfBusinessBody> = {
  properties: (h) => {
    const out: Properties = { Name: h.name, Custom: h.custom };
    for (const slot of HOURS_SLOTS) out[property(slot)] = timeRangeValue(h[slot]);
    return out;
  },
  body: (p) => {
    const out = { name: str(p.Name), custom: bool(p.Custom) } as HoursOfBusinessBody;
    for (const slot of HOURS_SLOTS) out[slot] = readTimeRange(p[property(slot)]);
    return out;
  },
};
