/**
 * Queue (New-/Set-/Get-/Remove-CsRgsQueue): holds calls and offers them to agent groups in order.
 */
import { z } from "zod";
import { QueueAction, queueTargets } from "./call-action";
import { Description, Name, ObjectId, listLimit, SERVICE_LIST_LIMIT } from "./common";
import { queuePoolRules } from "./pool-rules";
import { promptAudioFiles, type AudioUse } from "./audio-file";
import { defineKind, refineUnique, type Reference } from "./kind";

export const OVERFLOW_CANDIDATES = ["NewestCall", "OldestCall"] as const;

export const QueueSchema = z
  .strictObject({
    name: Name,
    description: Description,
    agentGroupIds: z
      .array(ObjectId)
      .max(SERVICE_LIST_LIMIT, listLimit("agent groups"))
      .default(() => [])
      .describe("Agent groups searched in this order; ids of agent groups in the same pool."),
    timeoutThreshold: z
      .int({ error: "must be a whole number of seconds" })
      .min(10, { error: "must be from 10 to 65535 seconds, or null for no timeout" })
      .max(65535, { error: "must be from 10 to 65535 seconds, or null for no timeout" })
      .nullable()
      .default(null)
      .describe("Seconds a call may wait before timeoutAction runs, 10 to 65535; null never times out."),
    timeoutAction: QueueAction.nullable().default(null),
    overflowThreshold: z
      .int({ error: "must be a whole number of calls" })
      .min(0, { error: "must be from 0 to 1000 calls, or null for no limit" })
      .max(1000, { error: "must be from 0 to 1000 calls, or null for no limit" })
      .nullable()
      .default(null)
      .describe("Calls the queue holds before overflowAction runs, 0 to 1000; null is unlimited, 0 overflows every call."),
    overflowCandidate: z
      .enum(OVERFLOW_CANDIDATES, { error: `must be one of ${OVERFLOW_CANDIDATES.join(", ")}` })
      .default("NewestCall")
      .describe("Which call overflows: NewestCall or OldestCall."),
    overflowAction: QueueAction.nullable().default(null),
  })
  .superRefine((q, ctx) => refineUnique(ctx, q.agentGroupIds, "agentGroupIds"))
  .describe("A queue: where calls wait for an agent, with timeout and overflow handling.");

export type QueueArgs = z.input<typeof QueueSchema>;
export type QueueBody = z.output<typeof QueueSchema>;

export const QueueKind = defineKind({
  typeName: "Queue",
  noun: "CsRgsQueue",
  dotNetType: "Microsoft.Rtc.Rgs.Management.WritableSettings.Queue",
  label: "queue",
  schema: QueueSchema,
  referenceKinds: ["agent-groups", "queues"],
  uniqueAcrossPools: [],
  poolRules: queuePoolRules,
  audioFiles(q: QueueBody): AudioUse[] {
    return [...promptAudioFiles(q.timeoutAction, "timeoutAction"), ...promptAudioFiles(q.overflowAction, "overflowAction")];
  },
  references(q: QueueBody): Reference[] {
    return [
      ...q.agentGroupIds.map((id, i) => ({ kind: "agent-groups" as const, id, path: `agentGroupIds.${i}` })),
      ...queueTargets(q.timeoutAction, "timeoutAction").map((t) => ({ kind: "queues" as const, ...t })),
      ...queueTargets(q.overflowAction, "overflowAction").map((t) => ({ kind: "queues" as const, ...t })),
    ];
  },
});
