/**
 * Queue: where calls wait for agents, with timeout and overflow handling (New-/Set-/Remove-CsRgsQueue).
 */
import * as pulumi from "@pulumi/pulumi";
import { RgsResource, type ArgsOf, type OutputsOf } from "./dynamic";

export type QueueArgs = ArgsOf<"queues">;

export interface Queue extends OutputsOf<"queues"> {}

/**
 * A queue in a pool. Its `id` is what a workflow's call actions name in `queueId`.
 *
 * @example
 * const support = new rgs.Queue("support", { name: "Support", agentGroupIds: [tier1.id],
 *   timeoutThreshold: 300, timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:support@contoso.com" } });
 */
export class Queue extends RgsResource<"queues"> {
  constructor(name: string, args: QueueArgs, opts?: pulumi.CustomResourceOptions) {
    super("queues", name, args, opts);
  }
}
