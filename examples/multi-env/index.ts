// One program for every environment: the pool, the agents, the hours and the SIP domain come from
// the stack's config (Pulumi.dev.yaml, Pulumi.prod.yaml).
import * as pulumi from "@pulumi/pulumi";
import * as rgs from "pulumi-rgs";

const config = new pulumi.Config();
const sipDomain = config.require("sipDomain");
const agents = config.requireObject<string[]>("agents");
const open = { openTime: config.require("openTime"), closeTime: config.require("closeTime") };

const agentsGroup = new rgs.AgentGroup("service-desk", {
  name: "Service Desk",
  routingMethod: "LongestIdle",
  agentsByUri: agents,
});

const queue = new rgs.Queue("service-desk", {
  name: "Service Desk",
  agentGroupIds: [agentsGroup.id],
  timeoutThreshold: 240,
  timeoutAction: { action: "TransferToVoicemailUri", uri: `sip:servicedesk-voicemail@${sipDomain}` },
});

const hours = new rgs.HoursOfBusiness("service-desk", {
  name: "Service Desk Hours",
  mondayHours1: open,
  tuesdayHours1: open,
  wednesdayHours1: open,
  thursdayHours1: open,
  fridayHours1: open,
});

const workflow = new rgs.Workflow("service-desk", {
  name: "Service Desk",
  primaryUri: `sip:servicedesk@${sipDomain}`,
  active: true,
  timeZone: "W. Europe Standard Time",
  businessHoursId: hours.id,
  defaultAction: { action: "TransferToQueue", queueId: queue.id },
  nonBusinessHoursAction: { action: "TransferToVoicemailUri", uri: `sip:servicedesk-voicemail@${sipDomain}` },
});

export const pool = workflow.pool;
export const workflowIdentity = workflow.identity;
