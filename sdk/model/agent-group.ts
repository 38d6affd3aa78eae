/**
 * Agent group (New-/Set-/Get-/Remove-CsRgsAgentGroup): the agents a queue offers calls to.
 */
import { z } from "zod";
import { Description, EmailAddress, Name, SipUri, listLimit, SERVICE_LIST_LIMIT } from "./common";
import { defineKind, refineUnique } from "./kind";

export const PARTICIPATION_POLICIES = ["Informal", "Formal"] as const;
export const ROUTING_METHODS = ["LongestIdle", "Parallel", "RoundRobin", "Serial", "Attendant"] as const;

export const AgentGroupSchema = z
  .strictObject({
    name: Name,
    description: Description,
    participationPolicy: z
      .enum(PARTICIPATION_POLICIES, { error: `must be one of ${PARTICIPATION_POLICIES.join(", ")}` })
      .default("Informal")
      .describe("Informal: agents are signed in when they sign in to Lync. Formal: agents sign in to the group themselves."),
    agentAlertTime: z
      .int({ error: "must be a whole number of seconds" })
      .min(10, { error: "must be from 10 to 600 seconds" })
      .max(600, { error: "must be from 10 to 600 seconds" })
      .default(20)
      .describe("Seconds a call rings an agent before it moves on, 10 to 600; above 180 the SIP transaction times out."),
    routingMethod: z
      .enum(ROUTING_METHODS, { error: `must be one of ${ROUTING_METHODS.join(", ")}` })
      .default("Parallel")
      .describe("How calls are offered: LongestIdle, Parallel, RoundRobin, Serial or Attendant."),
    agentsByUri: z
      .array(SipUri)
      .max(SERVICE_LIST_LIMIT, listLimit("agents"))
      .default(() => [])
      .describe("SIP URIs of the agents, in order (the order matters for Serial and RoundRobin)."),
    distributionGroupAddress: EmailAddress.nullable()
      .default(null)
      .describe("E-mail address of one distribution list whose members are the agents; instead of agentsByUri."),
  })
  .superRefine((g, ctx) => {
    refineUnique(ctx, g.agentsByUri, "agentsByUri", (s) => s.toLowerCase());
    if (g.distributionGroupAddress !== null && g.agentsByUri.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["distributionGroupAddress"],
        input: g.distributionGroupAddress,
        message: "must be null when agentsByUri lists agents: a group takes its agents from a list or a distribution group, not both",
      });
    }
  })
  .describe("An agent group: who answers, and how calls are offered to them.");

export type AgentGroupArgs = z.input<typeof AgentGroupSchema>;
export type AgentGroupBody = z.output<typeof AgentGroupSchema>;

export const AgentGroupKind = defineKind({
  typeName: "AgentGroup",
  noun: "CsRgsAgentGroup",
  dotNetType: "Microsoft.Rtc.Rgs.Management.WritableSettings.AgentGroup",
  label: "agent group",
  schema: AgentGroupSchema,
  referenceKinds: [],
  references: () => [],
  uniqueAcrossPools: [],
});
