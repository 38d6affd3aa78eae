/**
 * Workflow: the number callers dial and what happens to their call (New-/Set-/Remove-CsRgsWorkflow).
 */
import * as pulumi from "@pulumi/pulumi";
import { RgsResource, type ArgsOf, type OutputsOf } from "./dynamic";

export type WorkflowArgs = ArgsOf<"workflows">;

export interface Workflow extends OutputsOf<"workflows"> {}

/**
 * A workflow: a hunt group (defaultAction TransferToQueue) or an IVR (TransferToQuestion).
 *
 * @example
 * const helpDesk = new rgs.Workflow("help-desk", { name: "Help Desk", primaryUri: "sip:helpdesk@contoso.com",
 *   active: true, defaultAction: { action: "TransferToQueue", queueId: support.id } });
 */
export class Workflow extends RgsResource<"workflows"> {
  constructor(name: string, args: WorkflowArgs, opts?: pulumi.CustomResourceOptions) {
    super("workflows", name, args, opts);
  }
}
