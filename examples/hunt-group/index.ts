// A hunt group: two agent groups behind a queue that times out to voice mail and overflows to a
// second queue, answered by a workflow with business hours, holidays and their own actions.
import * as rgs from "pulumi-rgs";

const firstLine = new rgs.AgentGroup("first-line", {
  name: "Sales First Line",
  routingMethod: "Serial",
  agentAlertTime: 15,
  agentsByUri: ["sip:ana@contoso.com", "sip:ben@contoso.com", "sip:cleo@contoso.com"],
});

const backOffice = new rgs.AgentGroup("back-office", {
  name: "Sales Back Office",
  participationPolicy: "Formal",
  routingMethod: "Parallel",
  distributionGroupAddress: "sales-backoffice@contoso.com",
});

const overflow = new rgs.Queue("overflow", {
  name: "Sales Overflow",
  agentGroupIds: [backOffice.id],
  timeoutThreshold: 120,
  timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:sales-voicemail@contoso.com" },
});

const sales = new rgs.Queue("sales", {
  name: "Sales",
  description: "Calls to the sales number, first line before back office",
  agentGroupIds: [firstLine.id, backOffice.id],
  timeoutThreshold: 300,
  timeoutAction: {
    action: "TransferToVoicemailUri",
    uri: "sip:sales-voicemail@contoso.com",
    prompt: { textToSpeech: "All of our agents are busy. Please leave a message." },
  },
  overflowThreshold: 10,
  overflowCandidate: "OldestCall",
  overflowAction: { action: "TransferToQueue", queueId: overflow.id },
});

const weekdays = new rgs.HoursOfBusiness("weekdays", {
  name: "Sales Weekdays",
  mondayHours1: { openTime: "08:00", closeTime: "12:00" },
  mondayHours2: { openTime: "13:00", closeTime: "18:00" },
  tuesdayHours1: { openTime: "08:00", closeTime: "18:00" },
  wednesdayHours1: { openTime: "08:00", closeTime: "18:00" },
  thursdayHours1: { openTime: "08:00", closeTime: "18:00" },
  fridayHours1: { openTime: "08:00", closeTime: "16:00" },
});

const holidays = new rgs.HolidaySet("holidays", {
  name: "Sales Holidays",
  holidays: [
    { name: "Christmas Eve", startDate: "2026-12-24T12:00:00", endDate: "2026-12-25T00:00:00" },
    { name: "Christmas Day", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" },
  ],
});

const workflow = new rgs.Workflow("sales", {
  name: "Sales",
  description: "Sales hotline",
  primaryUri: "sip:sales@contoso.com",
  lineUri: "tel:+14255550110",
  displayNumber: "+1 (425) 555-0110",
  active: true,
  language: "en-US",
  timeZone: "Pacific Standard Time",
  businessHoursId: weekdays.id,
  holidaySetIds: [holidays.id],
  defaultAction: {
    action: "TransferToQueue",
    queueId: sales.id,
    prompt: { textToSpeech: "Welcome to Contoso sales." },
  },
  nonBusinessHoursAction: {
    action: "TransferToVoicemailUri",
    uri: "sip:sales-voicemail@contoso.com",
    prompt: { textToSpeech: "Sales is open weekdays from 8 to 6." },
  },
  holidayAction: {
    action: "TransferToPSTN",
    uri: "sip:+14255550199@contoso.com",
    prompt: { textToSpeech: "We are closed for the holiday; your call is forwarded to our answering service." },
  },
});

export const salesWorkflow = workflow.identity;
export const salesQueue = sales.id;
