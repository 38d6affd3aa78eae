/**
 * Agent group ↔ New-/Set-CsRgsAgentGroup properties.
 */
import type { AgentGroupBody } from "../../model/agent-group";
import { nullableStr, str, strings, type Mapping } from "./values";

export const agentGroupMapping: Mapping<AgentGroupBody> = {
  properties: (g) => ({
    Name: g.name,
    Description: g.description,
    ParticipationPolicy: g.participationPolicy,
    AgentAlertTime: g.agentAlertTime,
    RoutingMethod: g.routingMethod,
    AgentsByUri: g.agentsByUri,
    DistributionGroupAddress: g.distributionGroupAddress,
  }),
  body: (p) => ({
    name: str(p.Name),
    description: nullableStr(p.Description),
    participationPolicy: str(p.ParticipationPolicy ?? "Informal") as AgentGroupBody["participationPolicy"],
    agentAlertTime: Number(p.AgentAlertTime ?? 20),
    routingMethod: str(p.RoutingMethod ?? "Parallel") as AgentGroupBody["routingMethod"],
    agentsByUri: strings(p.AgentsByUri),
    distributionGroupAddress: nullableStr(p.DistributionGroupAddress),
  }),
};
