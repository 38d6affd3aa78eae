/**
 * Queue: where calls wait for agents, with timeout and overflow handling (New-/Set-/Remove-CsRgsQueue).
 */
import * as pulumi from "@pulumi/pulumi";
import { propsFor, shimFor, stackTracesOff, TYPE_MODULE, type ArgsOf, type OutputsOf } from "./dynamic";

export type QueueArgs = ArgsOf<"queues">;

const provider = shimFor("queues");

export interface Queue extends OutputsOf<"queues"> {}

/**
 * A queue in a pool. Its `id` is what a workflow's call actions name in `queueId`.
 *
 * @example
 * const support = new rgs.Queue("support", { name: "Support", agentGroupIds: [tier1.id],
 *   timeoutThreshold: 300, timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:support@contoso.com" } });
 */
export class Queue extends pulumi.dynamic.Resource {
  constructor(name: string, args: QueueArgs, opts?: pulumi.CustomResourceOptions) {
    const limit = stackTracesOff();
    try {
      super(provider, name, propsFor("queues", name, args), opts, TYPE_MODULE, "Queue");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
