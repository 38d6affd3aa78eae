/**
 * Workflow ↔ New-/Set-CsRgsWorkflow properties; the three call actions built bottom-up, questions
 * and answers included.
 */
import { DEFAULT_TIME_ZONE, LANGUAGES, TIME_ZONES } from "../../model/calendar";
import { objectIdentity } from "../../model/common";
import type { WorkflowBody } from "../../model/workflow";
import { bool, enumOf, callActionValue, identities, idOf, list, nullableStr, readCallAction, str, strings, type Mapping } from "./values";

export const workflowMapping: Mapping<WorkflowBody> = {
  properties: (w, ctx) => ({
    Name: w.name,
    Description: w.description,
    PrimaryUri: w.primaryUri,
    DisplayNumber: w.displayNumber,
    LineUri: w.lineUri,
    Active: w.active,
    Anonymous: w.anonymous,
    EnabledForFederation: w.enabledForFederation,
    Managed: w.managed,
    ManagersByUri: w.managersByUri,
    Language: w.language,
    TimeZone: w.timeZone,
    BusinessHoursID: w.businessHoursId === null ? null : objectIdentity(ctx.pool, w.businessHoursId),
    HolidaySetIDList: identities(ctx.pool, w.holidaySetIds),
    DefaultAction: callActionValue(w.defaultAction, ctx, "defaultAction"),
    NonBusinessHoursAction: callActionValue(w.nonBusinessHoursAction, ctx, "nonBusinessHoursAction"),
    HolidayAction: callActionValue(w.holidayAction, ctx, "holidayAction"),
  }),
  body: (p) => ({
    name: str(p.Name),
    description: nullableStr(p.Description),
    primaryUri: str(p.PrimaryUri),
    displayNumber: nullableStr(p.DisplayNumber),
    lineUri: nullableStr(p.LineUri),
    active: bool(p.Active),
    anonymous: bool(p.Anonymous),
    enabledForFederation: bool(p.EnabledForFederation),
    managed: bool(p.Managed),
    managersByUri: strings(p.ManagersByUri),
    // Lync leaves both to the server's own when New-CsRgsWorkflow is not told; the service's defaults stand in.
    language: enumOf(LANGUAGES, p.Language, "en-US"),
    timeZone: enumOf(TIME_ZONES, p.TimeZone, DEFAULT_TIME_ZONE),
    businessHoursId: p.BusinessHoursID === null || p.BusinessHoursID === undefined || p.BusinessHoursID === "" ? null : idOf(p.BusinessHoursID),
    holidaySetIds: list(p.HolidaySetIDList).map(idOf),
    defaultAction: readCallAction(p.DefaultAction) as WorkflowBody["defaultAction"],
    nonBusinessHoursAction: readCallAction(p.NonBusinessHoursAction) as WorkflowBody["nonBusinessHoursAction"],
    holidayAction: readCallAction(p.HolidayAction) as WorkflowBody["holidayAction"],
  }),
};
