/**
 * Workflow (New-/Set-/Get-/Remove-CsRgsWorkflow): the number callers dial and what happens to their call.
 */
import { z } from "zod";
import { ClosedAction, DefaultAction, queueTargets, unansweredQuestions } from "./call-action";
import { DEFAULT_TIME_ZONE, Language, TimeZone } from "./calendar";
import { Description, label, Name, ObjectId, SipUri, TelUri, listLimit, SERVICE_LIST_LIMIT } from "./common";
import { workflowPoolRules } from "./pool-rules";
import { promptAudioFiles, type AudioUse } from "./audio-file";
import { defineKind, refineUnique, type FieldIssue, type Reference } from "./kind";

const RESERVED_NAMES = ["RGS Presence Watcher", "Announcement Service"];

export const WorkflowSchema = z
  .strictObject({
    name: Name.refine((s) => !/[<>]/.test(s), { error: "must not contain < or >" })
      .refine((s) => !RESERVED_NAMES.some((r) => r.toLowerCase() === s.trim().toLowerCase()), {
        error: `must not be a reserved name (${RESERVED_NAMES.join(", ")})`,
      })
      .describe("Display name of the workflow; unique in its pool, without < or >, not a reserved name."),
    description: Description.describe("Shown on the workflow's contact card."),
    primaryUri: SipUri.describe("The workflow's SIP address, unique across all pools (it is a directory contact)."),
    displayNumber: label(64).nullable().default(null).describe("The number as shown to callers, in any format."),
    lineUri: TelUri.nullable().default(null).describe("The telephone line, tel:+<digits>; null when the workflow has no number."),
    active: z.boolean({ error: "must be true or false" }).default(false).describe("Whether the workflow takes calls; an active workflow needs a defaultAction."),
    anonymous: z.boolean({ error: "must be true or false" }).default(false).describe("Hides the agents' identities from callers."),
    enabledForFederation: z.boolean({ error: "must be true or false" }).default(false).describe("Accepts calls from federated users."),
    managed: z.boolean({ error: "must be true or false" }).default(false).describe("Whether Response Group Managers manage it."),
    managersByUri: z
      .array(SipUri)
      .max(SERVICE_LIST_LIMIT, listLimit("managers"))
      .default(() => [])
      .describe("SIP URIs of the Response Group Managers of a managed workflow."),
    language: Language.default("en-US").describe("Language of speech and recognition, one of the 26 Response Group languages."),
    timeZone: TimeZone.default(DEFAULT_TIME_ZONE).describe(
      `Windows time zone id in which business hours and holidays are read; required when either is set, ${DEFAULT_TIME_ZONE} otherwise.`,
    ),
    businessHoursId: ObjectId.nullable().default(null).describe("Hours of business in the same pool; null means always open."),
    holidaySetIds: z
      .array(ObjectId)
      .max(SERVICE_LIST_LIMIT, listLimit("holiday sets"))
      .default(() => [])
      .describe("Holiday sets in the same pool."),
    defaultAction: DefaultAction.nullable().default(null),
    nonBusinessHoursAction: ClosedAction.nullable().default(null),
    holidayAction: ClosedAction.nullable().default(null),
    customMusicOnHoldFileId: ObjectId.nullable()
      .default(null)
      .describe("An audio file of the same pool played while callers wait; null plays the pool's default music on hold."),
  })
  .superRefine((w, ctx) => {
    refineUnique(ctx, w.holidaySetIds, "holidaySetIds");
    refineUnique(ctx, w.managersByUri, "managersByUri", (s) => s.toLowerCase());
    if (w.active && w.defaultAction === null) {
      ctx.addIssue({
        code: "custom",
        path: ["defaultAction"],
        input: null,
        message: "is required when active is true: an active workflow must route its calls (TransferToQueue or TransferToQuestion)",
      });
    }
    if (!w.managed && w.managersByUri.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["managersByUri"],
        input: w.managersByUri,
        message: "must be empty unless managed is true",
      });
    }
    if (w.active) {
      for (const path of unansweredQuestions(w.defaultAction, "defaultAction")) {
        ctx.addIssue({
          code: "custom",
          path: path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
          input: [],
          message: "must list at least one answer on an active workflow: a call reaching a question without answers is disconnected",
        });
      }
    }
  })
  .describe("A workflow: a hunt group (defaultAction TransferToQueue) or an interactive IVR (TransferToQuestion).");

export type WorkflowArgs = z.input<typeof WorkflowSchema>;
export type WorkflowBody = z.output<typeof WorkflowSchema>;

export const WorkflowKind = defineKind({
  typeName: "Workflow",
  noun: "CsRgsWorkflow",
  dotNetType: "Microsoft.Rtc.Rgs.Management.WritableSettings.Workflow",
  label: "workflow",
  schema: WorkflowSchema,
  referenceKinds: ["hours-of-business", "holiday-sets", "queues"],
  uniqueAcrossPools: [
    // The primary URI is the SIP address of a directory contact, which exists once in a deployment.
    { field: "primaryUri", key: (uri) => uri.toLowerCase(), why: "a primary URI is unique across all pools" },
    // New-CsRgsWorkflow: "each workflow is uniquely associated with a phone number".
    { field: "lineUri", key: (uri) => uri.toLowerCase(), why: "a line URI belongs to one workflow in the deployment" },
  ],
  poolRules: workflowPoolRules,
  // Hours and holidays read as UTC without anyone saying so would open and close at the wrong hour.
  inputRules(raw: Record<string, unknown>): FieldIssue[] {
    const hours = raw.businessHoursId !== undefined && raw.businessHoursId !== null;
    const holidays = Array.isArray(raw.holidaySetIds) && raw.holidaySetIds.length > 0;
    if ((hours || holidays) && (raw.timeZone === undefined || raw.timeZone === null)) {
      return [
        {
          path: "timeZone",
          message: `is required when ${hours ? "businessHoursId" : "holidaySetIds"} is set: hours and holidays are read in the workflow's time zone; give a Windows time zone id such as "Pacific Standard Time"`,
        },
      ];
    }
    return [];
  },
  // The web tool creates a managed workflow active, and its managers then run it (Lync 2013 and later).
  createRules(w: WorkflowBody): FieldIssue[] {
    return w.managed && !w.active ? [{ path: "active", message: "must be true when a managed workflow is created (got false)" }] : [];
  },
  audioFiles(w: WorkflowBody): AudioUse[] {
    return [
      ...(["defaultAction", "nonBusinessHoursAction", "holidayAction"] as const).flatMap((slot) => promptAudioFiles(w[slot], slot)),
      ...(w.customMusicOnHoldFileId !== null ? [{ id: w.customMusicOnHoldFileId, path: "customMusicOnHoldFileId" }] : []),
    ];
  },
  references(w: WorkflowBody): Reference[] {
    const refs: Reference[] = [];
    if (w.businessHoursId !== null) refs.push({ kind: "hours-of-business", id: w.businessHoursId, path: "businessHoursId" });
    w.holidaySetIds.forEach((id, i) => refs.push({ kind: "holiday-sets", id, path: `holidaySetIds.${i}` }));
    for (const slot of ["defaultAction", "nonBusinessHoursAction", "holidayAction"] as const) {
      for (const t of queueTargets(w[slot], slot)) refs.push({ kind: "queues", ...t });
    }
    return refs;
  },
});
