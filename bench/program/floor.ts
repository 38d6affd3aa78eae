// The engine's floor: dynamic resources of the same types, inputs and dependencies as pulumi-rgs,
// whose provider only answers create with a new id. No check, diff, update or delete.
// The constructors turn stack traces off as pulumi-rgs's do (provider/dynamic.ts RgsResource):
// otherwise the SDK's per-promise stack traces would make the floor slower than it need be.
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
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(groups, name, args, opts, "rgs", "AgentGroup");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

export class Queue extends pulumi.dynamic.Resource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(queues, name, args, opts, "rgs", "Queue");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

export class Workflow extends pulumi.dynamic.Resource {
  constructor(name: string, args: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(workflows, name, args, opts, "rgs", "Workflow");
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
