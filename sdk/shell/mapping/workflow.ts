/**
 * Workflow ↔ New-/Set-CsRgsWorkflow properties; the three call actions built bottom-up, questions
 * and answers included, and the custom music on hold (an AudioFile of Import-CsRgsAudioFile).
 */
import { DEFAULT_TIME_ZONE, LANGUAGES, TIME_ZONES } from "../../model/calendar";
import { objectIdentity } from "../../model/common";
import type { WorkflowBody } from "../../model/workflow";
import { audioValue, bool, enumOf, callActionValue, readAudio, identities, idOf, list, nullableStr, readCallAction, str, strings, type Mapping } from "./values";

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
    CustomMusicOnHoldFile: audioValue(w.customMusicOnHoldFileId, ctx, "customMusicOnHoldFileId"),
  }),
  body: (p, ctx) => ({
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
    defaultAction: readCallAction(p.DefaultAction, "defaultAction", ctx) as WorkflowBody["defaultAction"],
    nonBusinessHoursAction: readCallAction(p.NonBusinessHoursAction, "nonBusinessHoursAction", ctx) as WorkflowBody["nonBusinessHoursAction"],
    holidayAction: readCallAction(p.HolidayAction, "holidayAction", ctx) as WorkflowBody["holidayAction"],
    customMusicOnHoldFileId: readAudio(p.CustomMusicOnHoldFile, "customMusicOnHoldFileId", ctx),
  }),
};
