/**
 * Agent group ↔ New-/Set-CsRgsAgentGroup properties.
 */
import { PARTICIPATION_POLICIES, ROUTING_METHODS, type AgentGroupBody } from "../../model/agent-group";
import { enumOf, nullableStr, str, strings, type Mapping } from "./values";

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
    participationPolicy: enumOf(PARTICIPATION_POLICIES, p.ParticipationPolicy, "Informal"),
    agentAlertTime: Number(p.AgentAlertTime ?? 20),
    routingMethod: enumOf(ROUTING_METHODS, p.RoutingMethod, "Parallel"),
    agentsByUri: strings(p.AgentsByUri),
    distributionGroupAddress: nullableStr(p.DistributionGroupAddress),
  }),
};
