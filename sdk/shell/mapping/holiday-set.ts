/**
 * Holiday set ↔ New-/Set-CsRgsHolidaySet properties; HolidayList built with New-CsRgsHoliday.
 */
import type { HolidaySetBody } from "../../model/holiday-set";
import { holidayStep, list, readHoliday, str, type Mapping } from "./values";

export const holidaySetMapping: Mapping<HolidaySetBody> = {
  properties: (s) => ({ Name: s.name, HolidayList: s.holidays.map(holidayStep) }),
  body: (p) => ({ name: str(p.Name), holidays: list(p.HolidayList).map(readHoliday) }),
};
