// The benchmark's resource graph: agent groups -> queues -> workflows, a third of `bench:count`
// each. `bench:provider` picks pulumi-rgs or the no-op floor; the first `bench:changed` objects of
// each kind carry another description, which is the "change 10%" step.
import * as pulumi from "@pulumi/pulumi";

type Kinds = typeof import("./floor");

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const changed = config.getNumber("changed") ?? 0;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const kinds: Kinds = config.require("provider") === "floor" ? require("./floor") : require("pulumi-rgs");

const perKind = Math.floor(count / 3);
const extra = count - 3 * perKind;
const description = (i: number) => (i < changed ? `Benchmark object ${i}, changed` : `Benchmark object ${i}`);

for (let i = 0; i < perKind + extra; i++) {
  const group = new kinds.AgentGroup(`group-${i}`, {
    name: `Bench Group ${i}`,
    description: description(i),
    routingMethod: "LongestIdle",
    agentsByUri: [`sip:agent${i}a@contoso.com`, `sip:agent${i}b@contoso.com`],
  });
  if (i >= perKind) continue;
  const queue = new kinds.Queue(`queue-${i}`, {
    name: `Bench Queue ${i}`,
    description: description(i),
    agentGroupIds: [group.id],
    timeoutThreshold: 300,
    timeoutAction: { action: "TransferToVoicemailUri", uri: `sip:voicemail${i}@contoso.com` },
  });
  new kinds.Workflow(`workflow-${i}`, {
    name: `Bench Workflow ${i}`,
    description: description(i),
    primaryUri: `sip:bench-${i}@contoso.com`,
    active: true,
    defaultAction: { action: "TransferToQueue", queueId: queue.id },
  });
}
