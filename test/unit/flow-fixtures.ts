/**
 * Pools for the call-flow tests, built through the model's schemas so defaults are filled in as a
 * backend would return them.
 */
import { KINDS, type KindArgs, type KindName } from "../../sdk/model/index";
import { emptyPool, type FlowObject, type PoolObjects } from "../../sdk/flow/pool";

/** A pool under construction: `add` parses a body and gives it an id derived from its name. */
export class PoolBuilder {
  readonly objects: PoolObjects;
  private count = 0;

  constructor(pool = "pool01.contoso.com") {
    this.objects = emptyPool(pool);
  }

  add<K extends KindName>(kind: K, body: KindArgs[K]): FlowObject<K> {
    this.count++;
    const id = `00000000-0000-4000-8000-${String(this.count).padStart(12, "0")}`;
    const parsed = KINDS[kind].schema.parse(body) as object;
    const object = { ...parsed, id } as FlowObject<K>;
    (this.objects[kind] as unknown as FlowObject<K>[]).push(object);
    return object;
  }
}

export const WEEKDAYS_9_TO_5 = {
  mondayHours1: { openTime: "09:00", closeTime: "17:00" },
  tuesdayHours1: { openTime: "09:00", closeTime: "17:00" },
  wednesdayHours1: { openTime: "09:00", closeTime: "17:00" },
  thursdayHours1: { openTime: "09:00", closeTime: "17:00" },
  fridayHours1: { openTime: "09:00", closeTime: "17:00" },
};

/**
 * Contoso's pool: a hunt group "Help Desk" and an IVR "Main Line" (press 1 for Billing, 2 for
 * Support, 3 for a second question), in Berlin time, with Christmas 2026 as a holiday.
 */
export function contoso() {
  const b = new PoolBuilder();
  const tier1 = b.add("agent-groups", { name: "Tier 1", routingMethod: "LongestIdle", agentsByUri: ["sip:alice@contoso.com", "sip:bob@contoso.com"] });
  const tier2 = b.add("agent-groups", { name: "Tier 2", routingMethod: "Serial", agentAlertTime: 30, agentsByUri: ["sip:carol@contoso.com"] });
  const billingAgents = b.add("agent-groups", { name: "Billing Agents", routingMethod: "Parallel", agentsByUri: ["sip:dave@contoso.com", "sip:erin@contoso.com"] });
  const reception = b.add("agent-groups", { name: "Reception", routingMethod: "Attendant", agentAlertTime: 20, agentsByUri: ["sip:frank@contoso.com"] });
  const voicemail = { action: "TransferToVoicemailUri" as const, uri: "sip:helpdesk-vm@contoso.com" };
  const support = b.add("queues", {
    name: "Support",
    agentGroupIds: [tier1.id, tier2.id],
    timeoutThreshold: 300,
    timeoutAction: { ...voicemail, prompt: { textToSpeech: "Please leave a message after the tone." } },
    overflowThreshold: 10,
    overflowAction: { action: "TransferToPSTN", uri: "sip:+4930123456@contoso.com" },
  });
  const billing = b.add("queues", {
    name: "Billing",
    agentGroupIds: [billingAgents.id],
    timeoutThreshold: 120,
    timeoutAction: { action: "TransferToQueue", queueId: support.id },
  });
  const front = b.add("queues", {
    name: "Front Desk",
    agentGroupIds: [reception.id],
    timeoutThreshold: 50,
    timeoutAction: { action: "Terminate" },
  });
  const office = b.add("hours-of-business", {
    name: "Office",
    ...WEEKDAYS_9_TO_5,
    fridayHours1: { openTime: "09:00", closeTime: "12:00" },
    fridayHours2: { openTime: "13:00", closeTime: "18:00" },
  });
  const holidays = b.add("holiday-sets", {
    name: "Holidays 2026",
    holidays: [
      { name: "Christmas Eve afternoon", startDate: "2026-12-24T12:00:00", endDate: "2026-12-25T00:00:00" },
      { name: "Christmas Day", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" },
    ],
  });
  const closed = { action: "TransferToVoicemailUri" as const, uri: "sip:main-vm@contoso.com", prompt: { textToSpeech: "We are closed." } };
  const mainLine = b.add("workflows", {
    name: "Main Line",
    primaryUri: "sip:main@contoso.com",
    active: true,
    timeZone: "W. Europe Standard Time",
    businessHoursId: office.id,
    holidaySetIds: [holidays.id],
    nonBusinessHoursAction: closed,
    holidayAction: { action: "Terminate", prompt: { textToSpeech: "Merry Christmas, we are closed today." } },
    defaultAction: {
      action: "TransferToQuestion",
      prompt: { textToSpeech: "Welcome to Contoso." },
      question: {
        name: "Department",
        prompt: { textToSpeech: "For billing press 1 or say billing. For support press 2 or say support. For anything else press 3." },
        invalidAnswerPrompt: { textToSpeech: "Sorry, that is not an option." },
        noAnswerPrompt: { textToSpeech: "Sorry, I did not hear you." },
        answers: [
          { name: "Billing", dtmfResponse: "1", voiceResponses: ["billing", "invoice"], action: { action: "TransferToQueue", queueId: billing.id } },
          { name: "Support", dtmfResponse: "2", voiceResponses: ["support"], action: { action: "TransferToQueue", queueId: support.id } },
          {
            name: "Other",
            dtmfResponse: "3",
            action: {
              action: "TransferToQuestion",
              question: {
                name: "Other",
                prompt: { textToSpeech: "For reception press 1. To leave a message press 2." },
                answers: [
                  { name: "Reception", dtmfResponse: "1", action: { action: "TransferToQueue", queueId: front.id } },
                  { name: "Message", dtmfResponse: "2", action: { action: "TransferToVoicemailUri", uri: "sip:main-vm@contoso.com" } },
                ],
              },
            },
          },
        ],
      },
    },
  });
  const helpDesk = b.add("workflows", {
    name: "Help Desk",
    primaryUri: "sip:helpdesk@contoso.com",
    active: true,
    timeZone: "Pacific Standard Time",
    businessHoursId: null,
    defaultAction: { action: "TransferToQueue", queueId: support.id, prompt: { textToSpeech: "Thank you for calling the help desk." } },
  });
  return { objects: b.objects, builder: b, tier1, tier2, billingAgents, reception, support, billing, front, office, holidays, mainLine, helpDesk };
}
