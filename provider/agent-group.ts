/**
 * AgentGroup: the agents a queue offers calls to (New-/Set-/Remove-CsRgsAgentGroup).
 */
import * as pulumi from "@pulumi/pulumi";
import { propsFor, shimFor, stackTracesOff, TYPE_MODULE, type ArgsOf, type OutputsOf } from "./dynamic";

export type AgentGroupArgs = ArgsOf<"agent-groups">;

const provider = shimFor("agent-groups");

export interface AgentGroup extends OutputsOf<"agent-groups"> {}

/**
 * An agent group in a pool. Its `id` is what queues list in `agentGroupIds`.
 *
 * @example
 * const tier1 = new rgs.AgentGroup("tier1", { name: "Tier 1", routingMethod: "RoundRobin",
 *   agentsByUri: ["sip:alice@contoso.com", "sip:bob@contoso.com"] });
 */
export class AgentGroup extends pulumi.dynamic.Resource {
  constructor(name: string, args: AgentGroupArgs, opts?: pulumi.CustomResourceOptions) {
    const limit = stackTracesOff();
    try {
      super(provider, name, propsFor("agent-groups", name, args), opts, TYPE_MODULE, "AgentGroup");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
