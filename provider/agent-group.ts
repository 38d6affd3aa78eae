/**
 * AgentGroup: the agents a queue offers calls to (New-/Set-/Remove-CsRgsAgentGroup).
 */
import * as pulumi from "@pulumi/pulumi";
import { RgsResource, type ArgsOf, type OutputsOf } from "./dynamic";

export type AgentGroupArgs = ArgsOf<"agent-groups">;

export interface AgentGroup extends OutputsOf<"agent-groups"> {}

/**
 * An agent group in a pool. Its `id` is what queues list in `agentGroupIds`.
 *
 * @example
 * const tier1 = new rgs.AgentGroup("tier1", { name: "Tier 1", routingMethod: "RoundRobin",
 *   agentsByUri: ["sip:alice@contoso.com", "sip:bob@contoso.com"] });
 */
export class AgentGroup extends RgsResource<"agent-groups"> {
  constructor(name: string, args: AgentGroupArgs, opts?: pulumi.CustomResourceOptions) {
    super("agent-groups", name, args, opts);
  }
}
