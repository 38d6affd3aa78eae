// The quickstart: a help-desk hunt group. `npm run demo` starts a local Response Group service and
// deploys this program to it; see README.md.
import * as rgs from "pulumi-rgs";

const tier1 = new rgs.AgentGroup("tier1", {
  name: "Help Desk Tier 1",
  routingMethod: "LongestIdle",
  agentsByUri: ["sip:alice@contoso.com", "sip:bob@contoso.com"],
});

const helpDesk = new rgs.Queue("help-desk", {
  name: "Help Desk",
  agentGroupIds: [tier1.id],
  timeoutThreshold: 300,
  timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:helpdesk-voicemail@contoso.com" },
});

const officeHours = new rgs.HoursOfBusiness("office-hours", {
  name: "Office hours",
  mondayHours1: { openTime: "08:00", closeTime: "17:00" },
  tuesdayHours1: { openTime: "08:00", closeTime: "17:00" },
  wednesdayHours1: { openTime: "08:00", closeTime: "17:00" },
  thursdayHours1: { openTime: "08:00", closeTime: "17:00" },
  fridayHours1: { openTime: "08:00", closeTime: "16:00" },
});

const holidays = new rgs.HolidaySet("holidays", {
  name: "Holidays 2026",
  holidays: [
    { name: "Christmas Day", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" },
    { name: "New Year's Day", startDate: "2027-01-01T00:00:00", endDate: "2027-01-02T00:00:00" },
  ],
});

const workflow = new rgs.Workflow("help-desk", {
  name: "Help Desk",
  primaryUri: "sip:helpdesk@contoso.com",
  lineUri: "tel:+14255550100",
  displayNumber: "+1 (425) 555-0100",
  active: true,
  timeZone: "Pacific Standard Time",
  businessHoursId: officeHours.id,
  holidaySetIds: [holidays.id],
  defaultAction: {
    action: "TransferToQueue",
    queueId: helpDesk.id,
    prompt: { textToSpeech: "Thank you for calling the help desk. Please hold for the next available agent." },
  },
  nonBusinessHoursAction: {
    action: "TransferToVoicemailUri",
    uri: "sip:helpdesk-voicemail@contoso.com",
    prompt: { textToSpeech: "The help desk is closed. Please leave a message." },
  },
  holidayAction: { action: "Terminate", prompt: { textToSpeech: "The help desk is closed for the holiday." } },
});

export const workflowIdentity = workflow.identity;
export const queueId = helpDesk.id;
