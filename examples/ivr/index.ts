// An interactive workflow: four answers at the first level, one of them asking a second question,
// every path ending in a queue.
import * as rgs from "pulumi-rgs";

function queue(key: string, name: string, agents: string[]) {
  const group = new rgs.AgentGroup(`${key}-agents`, { name: `${name} Agents`, routingMethod: "RoundRobin", agentsByUri: agents });
  return new rgs.Queue(key, { name, agentGroupIds: [group.id], timeoutThreshold: 600 });
}

const orders = queue("orders", "Orders", ["sip:olga@contoso.com", "sip:omar@contoso.com"]);
const billing = queue("billing", "Billing", ["sip:bea@contoso.com"]);
const hardware = queue("hardware", "Hardware Support", ["sip:hal@contoso.com", "sip:hugo@contoso.com"]);
const software = queue("software", "Software Support", ["sip:sam@contoso.com"]);
const operator = queue("operator", "Operator", ["sip:opal@contoso.com"]);

const toQueue = (q: rgs.Queue) => ({ action: "TransferToQueue" as const, queueId: q.id });

const workflow = new rgs.Workflow("contoso-main", {
  name: "Contoso Main Line",
  primaryUri: "sip:main@contoso.com",
  lineUri: "tel:+14255550120",
  active: true,
  language: "en-US",
  timeZone: "Pacific Standard Time",
  defaultAction: {
    action: "TransferToQuestion",
    prompt: { textToSpeech: "Welcome to Contoso." },
    question: {
      name: "Main menu",
      prompt: { textToSpeech: "For orders press 1, billing 2, technical support 3, or 0 for the operator." },
      invalidAnswerPrompt: { textToSpeech: "Sorry, that is not an option." },
      noAnswerPrompt: { textToSpeech: "Sorry, I did not hear you." },
      answers: [
        { name: "Orders", dtmfResponse: "1", voiceResponses: ["orders"], action: toQueue(orders) },
        { name: "Billing", dtmfResponse: "2", voiceResponses: ["billing", "invoice"], action: toQueue(billing) },
        {
          name: "Support",
          dtmfResponse: "3",
          voiceResponses: ["support"],
          action: {
            action: "TransferToQuestion",
            question: {
              name: "Support menu",
              prompt: { textToSpeech: "For hardware press 1, for software press 2." },
              answers: [
                { dtmfResponse: "1", voiceResponses: ["hardware"], action: toQueue(hardware) },
                { dtmfResponse: "2", voiceResponses: ["software"], action: toQueue(software) },
              ],
            },
          },
        },
        { name: "Operator", dtmfResponse: "0", voiceResponses: ["operator"], action: toQueue(operator) },
      ],
    },
  },
});

export const mainLine = workflow.identity;
