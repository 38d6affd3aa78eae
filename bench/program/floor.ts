// The engine's floor: dynamic resources of the same types, inputs and dependencies as pulumi-rgs,
// whose provider only answers create with a new id. No check, diff, update or delete.
import * as pulumi from "@pulumi/pulumi";

function noop(): pulumi.dynamic.ResourceProvider {
  return {
    async create() {
      return { id: require("node:crypto").randomUUID() };
    },
  };
}

const groups = noop();
const queues = noop();
const workflows = noop();

export class AgentGroup extends pulumi.dynamic.Resource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(groups, name, args, opts, "rgs", "AgentGroup");
  }
}

export class Queue extends pulumi.dynamic.Resource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(queues, name, args, opts, "rgs", "Queue");
  }
}

export class Workflow extends pulumi.dynamic.Resource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    super(workflows, name, args, opts, "rgs", "Workflow");
  }
}
