/**
 * The configuration rules of rgs-model.md §20 as one table of cases, valid and invalid.
 *
 * test/unit/schemas.test.ts runs every case against the sdk schemas (parseBody), and
 * test/integration/rules-http.test.ts runs the same cases against the real service over HTTP:
 * a valid case must be stored with `stored` fields, an invalid one refused with exactly `problems`.
 * Rules that span objects (unique names, references, deletion) are in test/integration/.
 */
import type { KindName } from "../../sdk/model/kind";

export type CaseKind = KindName | "settings";

/** Ids of objects a body may reference: made up for the schemas, real ones over HTTP. */
export interface Fixtures {
  agentGroupIds: [string, string];
  queueId: string;
  otherQueueId: string;
  hoursId: string;
  holidaySetId: string;
  /** Two audio files of the pool. */
  audioFileIds: [string, string];
}

export interface Problem {
  path: string;
  message: RegExp;
}

export interface RuleCase {
  /** The rule's number in rgs-model.md §20. */
  rule: number;
  title: string;
  kind: CaseKind;
  /** "update" cases are checked as a PUT over an object first created from `seed`. */
  mode: "create" | "update";
  body(f: Fixtures): Record<string, unknown>;
  seed?(f: Fixtures): Record<string, unknown>;
  /** Valid: fields the stored object must have (defaults filled in, values normalised). */
  stored?(f: Fixtures): Record<string, unknown>;
  /** Invalid: every problem reported, in order. */
  problems?: Problem[];
}

type Body = Record<string, unknown>;
type BodyFn = (f: Fixtures) => Body;

let seq = 0;
const cases: RuleCase[] = [];

// Every case gets a name and, for workflows, a primary URI of its own, so the HTTP run can store
// all valid cases in one pool.
function base(kind: CaseKind): Body {
  const n = String(++seq).padStart(3, "0");
  if (kind === "settings") return {};
  if (kind === "workflows") return { name: `Case ${n}`, primaryUri: `sip:case-${n}@contoso.com` };
  if (kind === "holiday-sets") return { name: `Case ${n}`, holidays: [holiday()] };
  return { name: `Case ${n}` };
}

function valid(rule: number, kind: CaseKind, title: string, body: Body | BodyFn, stored: Body | BodyFn = {}): void {
  const b = base(kind);
  const bodyFn = typeof body === "function" ? body : () => body;
  const storedFn = typeof stored === "function" ? stored : () => stored;
  cases.push({ rule, title, kind, mode: "create", body: (f) => ({ ...b, ...bodyFn(f) }), stored: storedFn });
}

function invalid(rule: number, kind: CaseKind, title: string, body: Body | BodyFn, problems: [string, RegExp][]): void {
  const b = base(kind);
  const bodyFn = typeof body === "function" ? body : () => body;
  cases.push({
    rule,
    title,
    kind,
    mode: "create",
    body: (f) => ({ ...b, ...bodyFn(f) }),
    problems: problems.map(([path, message]) => ({ path, message })),
  });
}

/** A body with `field` left out (undefined is dropped, as JSON drops it). */
function without(field: string): Body {
  return { [field]: undefined };
}

function holiday(extra: Body = {}): Body {
  return { name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00", ...extra };
}

const tts = (text: string) => ({ textToSpeech: text });
const toQueue = (f: Fixtures, extra: Body = {}) => ({ action: "TransferToQueue", queueId: f.queueId, ...extra });
const question = (answers: Body[], extra: Body = {}) => ({ prompt: tts("Press 1 for sales."), answers, ...extra });

/** A question tree `depth` levels deep, each level one answer on key 1. */
function nestedQuestion(depth: number, f: Fixtures): Body {
  let action: Body = toQueue(f);
  for (let i = 0; i < depth; i++) {
    action = { action: "TransferToQuestion", question: question([{ dtmfResponse: "1", action }]) };
  }
  return action;
}

// ---- 1. Names: required, one line, 1 to 256 characters (uniqueness is in test/integration) ----

for (const kind of ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"] as const) {
  invalid(1, kind, "name is required", without("name"), [["name", /^is required$/]]);
}
invalid(1, "agent-groups", "an empty name", { name: "" }, [["name", /must not be empty \(got ""\)/]]);
invalid(1, "queues", "a blank name", { name: "   " }, [["name", /must not be empty \(got "   "\)/]]);
invalid(1, "queues", "a name with a trailing space", { name: "Sales " }, [["name", /must not start or end with spaces \(got "Sales "\)/]]);
invalid(1, "workflows", "a name with a leading tab", { name: "\tSales" }, [
  ["name", /must not contain U\+0009, a control character; one line of visible text \(got "\\tSales"\)/],
  ["name", /must not start or end with spaces/],
]);
invalid(1, "agent-groups", "a name of 257 characters", { name: "n".repeat(257) }, [["name", /at most 256 characters \(got "n+"\.\.\. \(257 characters\)\)/]]);
invalid(1, "holiday-sets", "a name on two lines", { name: "Public\nholidays" }, [["name", /must not contain U\+000A, a control character; one line of visible text \(got "Public\\nholidays"\)/]]);
invalid(1, "queues", "a name with a C1 control (NEL)", { name: "Sales\u0085desk" }, [["name", /must not contain U\+0085, a control character/]]);
invalid(1, "queues", "a name with a line separator", { name: "Sales\u2028desk" }, [["name", /must not contain U\+2028, a control character/]]);
invalid(1, "agent-groups", "a name with a zero-width space", { name: "Sales\u200bdesk" }, [["name", /must not contain U\+200B, an invisible or direction-changing character/]]);
invalid(1, "workflows", "a name with a right-to-left override", { name: "Sales\u202edesk" }, [["name", /must not contain U\+202E, an invisible or direction-changing character/]]);
invalid(1, "holiday-sets", "a name with a lone surrogate", { name: "Sales \ud800" }, [["name", /must not contain a lone surrogate/]]);
invalid(1, "agent-groups", "a description with a NUL", { name: "Nul", description: "a\u0000b" }, [["description", /must not contain U\+0000, a control character; tabs and line breaks are the only control characters allowed/]]);
valid(1, "agent-groups", "a description on several lines with a tab", { name: "Lines", description: "one\n\ttwo\r\nthree" }, { description: "one\n\ttwo\r\nthree" });
invalid(8, "agent-groups", "an agent URI with a NUL", { name: "Nul agents", agentsByUri: ["sip:a\u0000b@contoso.com"] }, [["agentsByUri.0", /must be a SIP URI/]]);
invalid(8, "workflows", "a primary URI with a lone surrogate", { primaryUri: "sip:a\udc00@contoso.com" }, [["primaryUri", /valid Unicode|must be a SIP URI/]]);
invalid(1, "workflows", "a name that is not a string", { name: 42 }, [["name", /must be a string \(got 42\)/]]);
valid(1, "agent-groups", "a name of 256 characters", { name: `L${"n".repeat(255)}` });
valid(1, "queues", "a name with accents and CJK", { name: "Équipe Support 日本" }, { name: "Équipe Support 日本" });

// ---- 2. Identities: ids are GUIDs the service assigns; references carry ids, not identities ----

invalid(2, "queues", "a reference given as an identity", (f) => ({
  agentGroupIds: [`service:ApplicationServer:pool01.contoso.com/${f.agentGroupIds[0]}`],
}), [["agentGroupIds.0", /must be the id \(a GUID\) of an object in the same pool \(got "service:ApplicationServer:/]]);
invalid(2, "workflows", "a business hours id that is not a GUID", { businessHoursId: "Business hours", timeZone: "UTC" }, [
  ["businessHoursId", /must be the id \(a GUID\).*\(got "Business hours"\)/],
]);
valid(2, "queues", "an upper-case GUID is stored in lower case", (f) => ({ agentGroupIds: [f.agentGroupIds[0].toUpperCase()] }), (f) => ({
  agentGroupIds: [f.agentGroupIds[0]],
}));
invalid(2, "agent-groups", "an unknown field", { name: "Sales desk", routing: "Serial" }, [["", /unknown field 'routing'; remove it/]]);

// ---- 3. Agent group: enumerations and ranges ----

valid(3, "agent-groups", "defaults are filled in", {}, {
  description: null,
  participationPolicy: "Informal",
  agentAlertTime: 20,
  routingMethod: "Parallel",
  agentsByUri: [],
  distributionGroupAddress: null,
});
for (const routingMethod of ["LongestIdle", "Parallel", "RoundRobin", "Serial", "Attendant"]) {
  valid(3, "agent-groups", `routingMethod ${routingMethod}`, { routingMethod }, { routingMethod });
}
invalid(3, "agent-groups", "routingMethod outside the five", { routingMethod: "Random" }, [
  ["routingMethod", /must be one of LongestIdle, Parallel, RoundRobin, Serial, Attendant \(got "Random"\)/],
]);
invalid(3, "agent-groups", "routingMethod in the wrong case", { routingMethod: "serial" }, [["routingMethod", /must be one of .*\(got "serial"\)/]]);
valid(3, "agent-groups", "participationPolicy Formal", { participationPolicy: "Formal" }, { participationPolicy: "Formal" });
invalid(3, "agent-groups", "participationPolicy outside the two", { participationPolicy: "Mandatory" }, [
  ["participationPolicy", /must be one of Informal, Formal \(got "Mandatory"\)/],
]);
valid(3, "agent-groups", "agentAlertTime 10, the least", { agentAlertTime: 10 }, { agentAlertTime: 10 });
valid(3, "agent-groups", "agentAlertTime 600, the most", { agentAlertTime: 600 }, { agentAlertTime: 600 });
invalid(3, "agent-groups", "agentAlertTime 9", { agentAlertTime: 9 }, [["agentAlertTime", /must be from 10 to 600 seconds \(got 9\)/]]);
invalid(3, "agent-groups", "agentAlertTime 601", { agentAlertTime: 601 }, [["agentAlertTime", /must be from 10 to 600 seconds \(got 601\)/]]);
invalid(3, "agent-groups", "agentAlertTime not whole", { agentAlertTime: 20.5 }, [["agentAlertTime", /whole number of seconds \(got 20\.5\)/]]);
invalid(3, "agent-groups", "agentAlertTime as a string", { agentAlertTime: "20" }, [["agentAlertTime", /whole number of seconds \(got "20"\)/]]);
valid(3, "agent-groups", "agents by SIP URI, in order", { agentsByUri: ["sip:bob@contoso.com", "sip:alice@contoso.com"] }, {
  agentsByUri: ["sip:bob@contoso.com", "sip:alice@contoso.com"],
});
invalid(3, "agent-groups", "an agent without sip:", { agentsByUri: ["sip:bob@contoso.com", "alice@contoso.com"] }, [
  ["agentsByUri.1", /must be a SIP URI such as sip:alice@contoso.com \(got "alice@contoso.com"\)/],
]);
invalid(3, "agent-groups", "the same agent twice, in another case", { agentsByUri: ["sip:bob@contoso.com", "SIP:Bob@Contoso.com"] }, [
  ["agentsByUri.1", /'sip:Bob@Contoso.com' appears more than once/],
]);
valid(3, "agent-groups", "one distribution group address", { distributionGroupAddress: "helpdesk@contoso.com" }, {
  distributionGroupAddress: "helpdesk@contoso.com",
});
invalid(3, "agent-groups", "two distribution group addresses", { distributionGroupAddress: "a@contoso.com;b@contoso.com" }, [
  ["distributionGroupAddress", /one e-mail address .*\(got "a@contoso.com;b@contoso.com"\)/],
]);
invalid(3, "agent-groups", "agents and a distribution group together", {
  agentsByUri: ["sip:bob@contoso.com"],
  distributionGroupAddress: "helpdesk@contoso.com",
}, [["distributionGroupAddress", /must be null when agentsByUri lists agents.*\(got "helpdesk@contoso.com"\)/]]);

// ---- 4. Queue: ranges and the ordered agent group list ----

valid(4, "queues", "defaults are filled in", {}, {
  description: null,
  agentGroupIds: [],
  timeoutThreshold: null,
  timeoutAction: null,
  overflowThreshold: null,
  overflowCandidate: "NewestCall",
  overflowAction: null,
});
valid(4, "queues", "agent groups keep their order", (f) => ({ agentGroupIds: [f.agentGroupIds[1], f.agentGroupIds[0]] }), (f) => ({
  agentGroupIds: [f.agentGroupIds[1], f.agentGroupIds[0]],
}));
invalid(4, "queues", "the same agent group twice", (f) => ({ agentGroupIds: [f.agentGroupIds[0], f.agentGroupIds[0]] }), [
  ["agentGroupIds.1", /appears more than once/],
]);
valid(4, "queues", "timeoutThreshold 10", { timeoutThreshold: 10 }, { timeoutThreshold: 10 });
valid(4, "queues", "timeoutThreshold 65535", { timeoutThreshold: 65535 }, { timeoutThreshold: 65535 });
valid(4, "queues", "timeoutThreshold null never times out", { timeoutThreshold: null }, { timeoutThreshold: null });
invalid(4, "queues", "timeoutThreshold 9", { timeoutThreshold: 9 }, [["timeoutThreshold", /from 10 to 65535 seconds, or null for no timeout \(got 9\)/]]);
invalid(4, "queues", "timeoutThreshold 65536", { timeoutThreshold: 65536 }, [["timeoutThreshold", /from 10 to 65535 seconds.*\(got 65536\)/]]);
valid(4, "queues", "overflowThreshold 0 overflows every call", { overflowThreshold: 0 }, { overflowThreshold: 0 });
valid(4, "queues", "overflowThreshold 1000", { overflowThreshold: 1000 }, { overflowThreshold: 1000 });
invalid(4, "queues", "overflowThreshold -1", { overflowThreshold: -1 }, [["overflowThreshold", /from 0 to 1000 calls, or null for no limit \(got -1\)/]]);
invalid(4, "queues", "overflowThreshold 1001", { overflowThreshold: 1001 }, [["overflowThreshold", /from 0 to 1000 calls.*\(got 1001\)/]]);
valid(4, "queues", "overflowCandidate OldestCall", { overflowCandidate: "OldestCall" }, { overflowCandidate: "OldestCall" });
invalid(4, "queues", "overflowCandidate outside the two", { overflowCandidate: "Newest" }, [
  ["overflowCandidate", /must be one of NewestCall, OldestCall \(got "Newest"\)/],
]);

// ---- 5. Call action: the target each action needs, and no other ----

valid(5, "queues", "Terminate needs no target", { timeoutThreshold: 60, timeoutAction: { action: "Terminate" } }, {
  timeoutAction: { action: "Terminate" },
});
valid(5, "queues", "TransferToUri with a SIP URI and a prompt", {
  timeoutAction: { action: "TransferToUri", uri: "sip:reception@contoso.com", prompt: tts("Transferring you.") },
}, { timeoutAction: { action: "TransferToUri", uri: "sip:reception@contoso.com", prompt: { textToSpeech: "Transferring you." } } });
valid(5, "queues", "TransferToVoicemailUri", { overflowAction: { action: "TransferToVoicemailUri", uri: "sip:helpdesk@contoso.com" } });
valid(5, "queues", "TransferToPSTN with sip:+E.164", { overflowAction: { action: "TransferToPSTN", uri: "sip:+14255551298@contoso.com" } });
valid(5, "queues", "Lync's other spellings of action names, folded to one", {
  timeoutAction: { action: "TransferToPstn", uri: "sip:+14255551298@contoso.com" },
  overflowAction: { action: "transfertovoicemailuri", uri: "sip:helpdesk@contoso.com" },
}, {
  timeoutAction: { action: "TransferToPSTN", uri: "sip:+14255551298@contoso.com" },
  overflowAction: { action: "TransferToVoicemailUri", uri: "sip:helpdesk@contoso.com" },
});
valid(3, "agent-groups", "1,500 agents (Lync sets no limit per group)", { agentsByUri: Array.from({ length: 1500 }, (_, i) => `sip:agent${i}@contoso.com`) });
invalid(5, "queues", "no action", { timeoutAction: { uri: "sip:reception@contoso.com" } }, [["timeoutAction.action", /^is required; must be one of Terminate, /]]);
invalid(5, "queues", "an action outside the six", { timeoutAction: { action: "Hangup" } }, [
  ["timeoutAction.action", /must be one of Terminate, TransferToQueue, TransferToUri, TransferToVoicemailUri, TransferToPSTN .*\(got "Hangup"\)/],
]);
invalid(5, "queues", "TransferToQueue without queueId", { timeoutAction: { action: "TransferToQueue" } }, [
  ["timeoutAction.queueId", /is required when action is TransferToQueue/],
]);
invalid(5, "queues", "TransferToUri without uri", { overflowAction: { action: "TransferToUri" } }, [
  ["overflowAction.uri", /is required when action is TransferToUri/],
]);
invalid(5, "queues", "Terminate with a uri", { timeoutAction: { action: "Terminate", uri: "sip:reception@contoso.com" } }, [
  ["timeoutAction.uri", /must be absent when action is Terminate \(got "sip:reception@contoso.com"\)/],
]);
invalid(5, "queues", "TransferToUri with a queueId as well", (f) => ({
  timeoutAction: { action: "TransferToUri", uri: "sip:reception@contoso.com", queueId: f.queueId },
}), [["timeoutAction.queueId", /must be absent when action is TransferToUri \(it takes uri\)/]]);
invalid(5, "queues", "TransferToUri to a tel: URI", { timeoutAction: { action: "TransferToUri", uri: "tel:+14255551298" } }, [
  ["timeoutAction.uri", /must be a SIP URI .*\(got "tel:\+14255551298"\)/],
]);
invalid(5, "queues", "TransferToPSTN to a user's SIP URI", { overflowAction: { action: "TransferToPSTN", uri: "sip:bob@contoso.com" } }, [
  ["overflowAction.uri", /telephone number as a SIP URI, such as sip:\+14255551298@contoso.com \(got "sip:bob@contoso.com"\)/],
]);
invalid(5, "workflows", "TransferToQuestion without question", { defaultAction: { action: "TransferToQuestion" } }, [
  ["defaultAction.question", /is required when action is TransferToQuestion/],
]);

// ---- 6. Where each action may stand ----

valid(6, "workflows", "defaultAction TransferToQueue (a hunt group)", (f) => ({ defaultAction: toQueue(f) }), (f) => ({ defaultAction: toQueue(f) }));
valid(6, "workflows", "defaultAction TransferToQuestion (an IVR)", (f) => ({
  defaultAction: { action: "TransferToQuestion", question: question([{ dtmfResponse: "1", action: toQueue(f) }]) },
}));
invalid(6, "workflows", "defaultAction Terminate", { defaultAction: { action: "Terminate" } }, [
  ["defaultAction.action", /must be one of TransferToQueue, TransferToQuestion in a workflow's defaultAction \(got "Terminate"\)/],
]);
invalid(6, "workflows", "defaultAction TransferToUri", { defaultAction: { action: "TransferToUri", uri: "sip:bob@contoso.com" } }, [
  ["defaultAction.action", /must be one of TransferToQueue, TransferToQuestion .*\(got "TransferToUri"\)/],
]);
for (const slot of ["nonBusinessHoursAction", "holidayAction"]) {
  valid(6, "workflows", `${slot} TransferToVoicemailUri`, { [slot]: { action: "TransferToVoicemailUri", uri: "sip:helpdesk@contoso.com" } });
  valid(6, "workflows", `${slot} Terminate with a closed message`, { [slot]: { action: "Terminate", prompt: tts("We are closed.") } });
  invalid(6, "workflows", `${slot} TransferToQueue`, (f) => ({ [slot]: toQueue(f) }), [
    [`${slot}.action`, /must be one of Terminate, TransferToUri, TransferToVoicemailUri, TransferToPSTN outside business hours or on a holiday \(got "TransferToQueue"\)/],
  ]);
  invalid(6, "workflows", `${slot} TransferToQuestion`, (f) => ({ [slot]: { action: "TransferToQuestion", question: question([{ dtmfResponse: "1", action: toQueue(f) }]) } }), [
    [`${slot}.action`, /must be one of Terminate, .* \(got "TransferToQuestion"\)/],
  ]);
}
valid(6, "queues", "timeoutAction TransferToQueue to another queue", (f) => ({ timeoutThreshold: 30, timeoutAction: toQueue(f) }), (f) => ({
  timeoutAction: toQueue(f),
}));
for (const slot of ["timeoutAction", "overflowAction"]) {
  invalid(6, "queues", `${slot} TransferToQuestion`, (f) => ({ [slot]: { action: "TransferToQuestion", question: question([{ dtmfResponse: "1", action: toQueue(f) }]) } }), [
    [`${slot}.action`, /in a queue's timeout or overflow action \(got "TransferToQuestion"\)/],
  ]);
}

// ---- 7. An active workflow must route its calls ----

invalid(7, "workflows", "active without defaultAction", { active: true }, [
  ["defaultAction", /is required when active is true.*TransferToQueue or TransferToQuestion/],
]);
valid(7, "workflows", "inactive without defaultAction", { active: false }, { active: false, defaultAction: null });
valid(7, "workflows", "active with a queue", (f) => ({ active: true, defaultAction: toQueue(f, { prompt: tts("Welcome.") }) }), { active: true });
valid(7, "workflows", "defaults are filled in", {}, {
  description: null,
  displayNumber: null,
  lineUri: null,
  active: false,
  anonymous: false,
  enabledForFederation: false,
  managed: false,
  managersByUri: [],
  language: "en-US",
  timeZone: "UTC",
  businessHoursId: null,
  holidaySetIds: [],
  defaultAction: null,
  nonBusinessHoursAction: null,
  holidayAction: null,
});
// An IVR that ends the call, so the case owns no queue that other cases' workflows share.
valid(7, "workflows", "a managed workflow with its managers, created active", {
  managed: true,
  active: true,
  managersByUri: ["sip:lead@contoso.com"],
  defaultAction: { action: "TransferToQuestion", question: { prompt: { textToSpeech: "Press 1." }, answers: [{ dtmfResponse: "1", action: { action: "Terminate" } }] } },
}, { managed: true, active: true, managersByUri: ["sip:lead@contoso.com"] });
invalid(7, "workflows", "a managed workflow created inactive", { managed: true, managersByUri: ["sip:lead@contoso.com"] }, [
  ["active", /must be true when a managed workflow is created \(got false\)/],
]);
invalid(7, "workflows", "managers on an unmanaged workflow", { managersByUri: ["sip:lead@contoso.com"] }, [
  ["managersByUri", /must be empty unless managed is true \(got \["sip:lead@contoso.com"\]\)/],
]);

// ---- 8. Workflow addresses and names ----

invalid(8, "workflows", "primaryUri is required", without("primaryUri"), [["primaryUri", /^is required$/]]);
invalid(8, "workflows", "primaryUri without sip:", { primaryUri: "helpdesk@contoso.com" }, [
  ["primaryUri", /must be a SIP URI .*\(got "helpdesk@contoso.com"\)/],
]);
invalid(8, "workflows", "primaryUri as a tel: URI", { primaryUri: "tel:+14255551219" }, [["primaryUri", /must be a SIP URI/]]);
valid(8, "workflows", "lineUri tel:+digits", { lineUri: "tel:+14255551219", displayNumber: "+1 (425) 555-1219" }, {
  lineUri: "tel:+14255551219",
  displayNumber: "+1 (425) 555-1219",
});
valid(8, "workflows", "lineUri in upper case: the scheme is folded, as Lync's Uri writes it", { lineUri: "TEL:+14255551220" }, { lineUri: "tel:+14255551220" });
invalid(8, "workflows", "lineUri with spaces", { lineUri: "tel:+1 425 555 1219" }, [
  ["lineUri", /must be tel:\+ followed by 2 to 15 digits .*\(got "tel:\+1 425 555 1219"\)/],
]);
invalid(8, "workflows", "lineUri without tel:", { lineUri: "+14255551219" }, [["lineUri", /must be tel:\+ .*\(got "\+14255551219"\)/]]);
invalid(8, "workflows", "lineUri with an extension", { lineUri: "tel:+14255551219;ext=123" }, [["lineUri", /must be tel:\+/]]);
invalid(8, "workflows", "a name with < and >", { name: "<Help Desk>" }, [["name", /must not contain < or > \(got "<Help Desk>"\)/]]);
invalid(8, "workflows", "the reserved name RGS Presence Watcher", { name: "RGS Presence Watcher" }, [
  ["name", /must not be a reserved name \(RGS Presence Watcher, Announcement Service\) \(got "RGS Presence Watcher"\)/],
]);
invalid(8, "workflows", "a reserved name in another case", { name: "announcement service" }, [["name", /reserved name/]]);

// ---- 9. Language and time zone ----

valid(9, "workflows", "language fr-FR", { language: "fr-FR" }, { language: "fr-FR" });
valid(9, "workflows", "language compared without case", { language: "ca-es" }, { language: "ca-ES" });
invalid(9, "workflows", "a language outside the 26", { language: "xx-XX" }, [
  ["language", /must be one of the 26 Response Group languages: ca-ES, .*zh-TW \(got "xx-XX"\)/],
]);
invalid(9, "workflows", "a language name instead of its code", { language: "English" }, [["language", /\(got "English"\)/]]);
valid(9, "workflows", "timeZone Pacific Standard Time", { timeZone: "Pacific Standard Time" }, { timeZone: "Pacific Standard Time" });
valid(9, "workflows", "timeZone compared without case", { timeZone: "w. europe standard time" }, { timeZone: "W. Europe Standard Time" });
invalid(9, "workflows", "an IANA time zone", { timeZone: "America/Los_Angeles" }, [
  ["timeZone", /must be a Windows time zone id .*\(got "America\/Los_Angeles"\)/],
]);

// ---- 10. References are well formed (that they resolve is checked in test/integration) ----

valid(10, "workflows", "business hours and holiday sets by id", (f) => ({ businessHoursId: f.hoursId, holidaySetIds: [f.holidaySetId], timeZone: "Pacific Standard Time" }), (f) => ({
  businessHoursId: f.hoursId,
  holidaySetIds: [f.holidaySetId],
}));
invalid(9, "workflows", "business hours without a time zone", (f) => ({ businessHoursId: f.hoursId }), [
  ["timeZone", /is required when businessHoursId is set: hours and holidays are read in the workflow's time zone/],
]);
invalid(9, "workflows", "holiday sets without a time zone", (f) => ({ holidaySetIds: [f.holidaySetId] }), [
  ["timeZone", /is required when holidaySetIds is set/],
]);
valid(9, "workflows", "no hours and no holidays: the time zone defaults to UTC", {}, { timeZone: "UTC" });
invalid(10, "workflows", "the same holiday set twice", (f) => ({ holidaySetIds: [f.holidaySetId, f.holidaySetId], timeZone: "UTC" }), [
  ["holidaySetIds.1", /appears more than once/],
]);
invalid(10, "queues", "a queue id that is not a GUID", { timeoutAction: { action: "TransferToQueue", queueId: "Overflow queue" } }, [
  ["timeoutAction.queueId", /must be the id \(a GUID\) .*\(got "Overflow queue"\)/],
]);

// ---- 11. IVR questions and answers ----

const ivr = (q: (f: Fixtures) => Body): BodyFn => (f) => ({ defaultAction: { action: "TransferToQuestion", question: q(f) } });
const Q = "defaultAction.question";
const activeIvr = (q: (f: Fixtures) => Body): BodyFn => (f) => ({ active: true, ...ivr(q)(f) });
invalid(7, "workflows", "an active workflow whose question has no answers", activeIvr(() => question([])), [
  [`${Q}.answers`, /must list at least one answer on an active workflow/],
]);
invalid(7, "workflows", "an active workflow whose nested question has no answers", activeIvr(() => question([
  { dtmfResponse: "1", action: { action: "TransferToQuestion", question: question([]) } },
])), [[`${Q}.answers.0.action.question.answers`, /must list at least one answer on an active workflow/]]);

valid(11, "workflows", "a question with key and voice answers", ivr((f) => question([
  { name: "Sales", dtmfResponse: "1", voiceResponses: ["sales", "buy"], action: toQueue(f) },
  { dtmfResponse: "*", action: { action: "Terminate" } },
  { voiceResponses: ["operator"], action: { action: "TransferToUri", uri: "sip:reception@contoso.com" } },
], { name: "Main menu", invalidAnswerPrompt: tts("Sorry."), noAnswerPrompt: tts("Are you there?") })));
valid(11, "workflows", "a question with no answers yet", ivr(() => ({ prompt: tts("Hello.") })), {
  defaultAction: { action: "TransferToQuestion", question: { prompt: { textToSpeech: "Hello." }, answers: [] } },
});
valid(11, "workflows", "three levels of questions", (f) => ({ defaultAction: nestedQuestion(3, f) }));
invalid(11, "workflows", "a question without a prompt", ivr((f) => ({ answers: [{ dtmfResponse: "1", action: toQueue(f) }] })), [
  [`${Q}.prompt`, /^is required$/],
]);
valid(11, "workflows", "a question name of 128 characters", ivr((f) => question([{ dtmfResponse: "1", action: toQueue(f) }], { name: "q".repeat(128) })));
invalid(11, "workflows", "a question name of 129 characters", ivr((f) => question([{ dtmfResponse: "1", action: toQueue(f) }], { name: "q".repeat(129) })), [
  [`${Q}.name`, /at most 128 characters \(got "q+"\.\.\. \(129 characters\)\)/],
]);
invalid(11, "workflows", "an answer without key or voice", ivr((f) => question([{ name: "Sales", action: toQueue(f) }])), [
  [`${Q}.answers.0`, /an answer needs dtmfResponse, voiceResponses or both/],
]);
invalid(11, "workflows", "an answer with an empty voice list and no key", ivr((f) => question([{ voiceResponses: [], action: toQueue(f) }])), [
  [`${Q}.answers.0`, /an answer needs dtmfResponse, voiceResponses or both/],
]);
invalid(11, "workflows", "an answer without an action", ivr(() => question([{ dtmfResponse: "1" }])), [[`${Q}.answers.0.action`, /^is required$/]]);
invalid(11, "workflows", "a key that is not on a keypad", ivr((f) => question([{ dtmfResponse: "A", action: toQueue(f) }])), [
  [`${Q}.answers.0.dtmfResponse`, /must be one keypad key: 0-9, \* or # \(got "A"\)/],
]);
invalid(11, "workflows", "two keys in one answer", ivr((f) => question([{ dtmfResponse: "12", action: toQueue(f) }])), [
  [`${Q}.answers.0.dtmfResponse`, /one keypad key.*\(got "12"\)/],
]);
invalid(11, "workflows", "a voice response with a double quote", ivr((f) => question([{ voiceResponses: ["sales", 'say "help"'], action: toQueue(f) }])), [
  [`${Q}.answers.0.voiceResponses.1`, /must not contain double quotes .*\(got "say \\"help\\""\)/],
]);
invalid(11, "workflows", "the same key for two answers", ivr((f) => question([
  { dtmfResponse: "1", action: toQueue(f) },
  { dtmfResponse: "2", action: { action: "Terminate" } },
  { dtmfResponse: "1", action: { action: "Terminate" } },
])), [[`${Q}.answers.2.dtmfResponse`, /key 1 is already the key of answer 0; each key may answer once per question \(got "1"\)/]]);
valid(11, "workflows", "questions nested twenty levels deep (Lync sets no depth)", (f) => ({ defaultAction: nestedQuestion(20, f) }));
invalid(11, "workflows", "a misplaced target deep in the tree", (f) => ({
  defaultAction: nestedQuestion(2, f),
  holidayAction: { action: "Terminate", queueId: f.queueId },
}), [["holidayAction.queueId", /must be absent when action is Terminate/]]);

// ---- 12. Prompts ----

valid(12, "workflows", "a prompt of 4096 characters", (f) => ({ defaultAction: toQueue(f, { prompt: tts("w".repeat(4096)) }) }));
invalid(12, "workflows", "a prompt of 4097 characters", (f) => ({ defaultAction: toQueue(f, { prompt: tts("w".repeat(4097)) }) }), [
  ["defaultAction.prompt.textToSpeech", /must be at most 4096 characters \(got "w+"\.\.\. \(4097 characters\)\)/],
]);
valid(12, "queues", "a prompt with an audio file only", (f) => ({ timeoutAction: { action: "Terminate", prompt: { audioFileId: f.audioFileIds[0] } } }));
valid(12, "queues", "a prompt with text and an audio file", (f) => ({ timeoutAction: { action: "Terminate", prompt: { textToSpeech: "Bye.", audioFileId: f.audioFileIds[1] } } }));
valid(
  12,
  "workflows",
  "music on hold of its own and audio prompts in a question",
  (f) => ({
    customMusicOnHoldFileId: f.audioFileIds[0].toUpperCase(),
    ...ivr((g) => question([{ dtmfResponse: "1", action: toQueue(g) }], { prompt: { audioFileId: f.audioFileIds[1] }, noAnswerPrompt: { audioFileId: f.audioFileIds[0], textToSpeech: "Sorry." } }))(f),
  }),
  (f) => ({ customMusicOnHoldFileId: f.audioFileIds[0] }),
);
invalid(12, "queues", "an audio file named by its file name, not its id", { timeoutAction: { action: "Terminate", prompt: { audioFileId: "closed.wav" } } }, [
  ["timeoutAction.prompt.audioFileId", /must be the id \(a GUID\) of an object in the same pool \(got "closed.wav"\)/],
]);
invalid(12, "workflows", "music on hold named by its file name", { customMusicOnHoldFileId: "hold.wma" }, [
  ["customMusicOnHoldFileId", /must be the id \(a GUID\) of an object in the same pool \(got "hold.wma"\)/],
]);
invalid(12, "queues", "an empty prompt", { timeoutAction: { action: "Terminate", prompt: {} } }, [
  ["timeoutAction.prompt", /a prompt needs textToSpeech, audioFileId or both/],
]);
invalid(12, "workflows", "an empty prompt inside a question", ivr((f) => question([{ dtmfResponse: "1", action: toQueue(f) }], { noAnswerPrompt: {} })), [
  [`${Q}.noAnswerPrompt`, /a prompt needs textToSpeech, audioFileId or both/],
]);

// ---- 13. Time ranges, hours and holidays ----

const range = (openTime: string, closeTime: string, extra: Body = {}) => ({ openTime, closeTime, ...extra });

valid(13, "hours-of-business", "weekdays with a split shift on Friday", {
  mondayHours1: range("08:00", "17:00"),
  fridayHours1: range("08:00", "12:00", { name: "Morning" }),
  fridayHours2: range("13:00", "17:00", { name: "Afternoon" }),
}, { custom: false, mondayHours1: range("08:00", "17:00"), sundayHours1: null, sundayHours2: null });
valid(13, "hours-of-business", "ranges that touch", { mondayHours1: range("08:00", "12:00"), mondayHours2: range("12:00", "17:00") });
valid(13, "hours-of-business", "a custom schedule", { custom: true, tuesdayHours1: range("00:00", "23:59") }, { custom: true });
invalid(13, "hours-of-business", "close before open", { mondayHours1: range("17:00", "08:00") }, [
  ["mondayHours1.closeTime", /must be after openTime 17:00 \(got "08:00"\)/],
]);
invalid(13, "hours-of-business", "close equal to open", { sundayHours1: range("09:00", "09:00") }, [["sundayHours1.closeTime", /must be after openTime 09:00/]]);
valid(13, "hours-of-business", "times as New-CsRgsTimeRange's examples write them", { mondayHours1: range("8:30", "17:00:00") }, {
  mondayHours1: range("08:30", "17:00"),
});
invalid(13, "hours-of-business", "a time with seconds", { mondayHours1: range("08:00:30", "17:00") }, [
  ["mondayHours1.openTime", /must be a 24-hour time from 00:00 to 23:59, written 8:00, 08:00 or 08:00:00 \(whole minutes\) \(got "08:00:30"\)/],
]);
invalid(13, "hours-of-business", "24:00", { mondayHours1: range("08:00", "24:00") }, [["mondayHours1.closeTime", /from 00:00 to 23:59.*\(got "24:00"\)/]]);
invalid(13, "hours-of-business", "a range without closeTime", { mondayHours1: { openTime: "08:00" } }, [["mondayHours1.closeTime", /^is required$/]]);
invalid(13, "hours-of-business", "two ranges of a day that overlap", { wednesdayHours1: range("08:00", "13:00"), wednesdayHours2: range("12:00", "17:00") }, [
  ["wednesdayHours2", /overlaps wednesdayHours1 \(08:00-13:00\); the two ranges of a day must not overlap/],
]);
invalid(13, "hours-of-business", "a second range without a first", { thursdayHours2: range("13:00", "17:00") }, [
  ["thursdayHours2", /needs thursdayHours1/],
]);
invalid(13, "hours-of-business", "a range name of 129 characters", { mondayHours1: range("08:00", "17:00", { name: "r".repeat(129) }) }, [
  ["mondayHours1.name", /at most 128 characters/],
]);
invalid(13, "hours-of-business", "custom that is not a boolean", { custom: "yes" }, [["custom", /must be true or false \(got "yes"\)/]]);
valid(13, "holiday-sets", "holidays with exclusive ends", {
  holidays: [holiday(), holiday({ name: "Boxing Day", startDate: "2026-12-26T00:00:00", endDate: "2026-12-27T00:00:00" })],
}, { holidays: [holiday(), holiday({ name: "Boxing Day", startDate: "2026-12-26T00:00:00", endDate: "2026-12-27T00:00:00" })] });
invalid(13, "holiday-sets", "a holiday that ends before it starts", { holidays: [holiday({ endDate: "2026-12-24T00:00:00" })] }, [
  ["holidays.0.endDate", /must be after startDate 2026-12-25T00:00:00 \(got "2026-12-24T00:00:00"\)/],
]);
invalid(13, "holiday-sets", "a holiday that ends as it starts", { holidays: [holiday({ endDate: "2026-12-25T00:00:00" })] }, [
  ["holidays.0.endDate", /must be after startDate/],
]);
invalid(13, "holiday-sets", "a holiday without endDate", { holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00" }] }, [
  ["holidays.0.endDate", /^is required$/],
]);
invalid(13, "holiday-sets", "a date that does not exist", { holidays: [holiday({ startDate: "2026-02-30T00:00:00", endDate: "2026-03-01T00:00:00" })] }, [
  ["holidays.0.startDate", /must be a local date and time YYYY-MM-DDTHH:MM:SS.*\(got "2026-02-30T00:00:00"\)/],
]);
invalid(13, "holiday-sets", "a date with a time zone", { holidays: [holiday({ startDate: "2026-12-25T00:00:00Z" })] }, [
  ["holidays.0.startDate", /local date and time .*\(got "2026-12-25T00:00:00Z"\)/],
]);
invalid(13, "holiday-sets", "no holidays when the set is created", { holidays: [] }, [["holidays", /at least one holiday when the set is created/]]);
invalid(13, "holiday-sets", "holidays left out", without("holidays"), [["holidays", /^is required$/]]);
{
  const b = base("holiday-sets");
  cases.push({
    rule: 13,
    title: "the list may be emptied after the set is created",
    kind: "holiday-sets",
    mode: "update",
    seed: () => b,
    body: () => ({ ...b, holidays: [] }),
    stored: () => ({ holidays: [] }),
  });
}

valid(13, "holiday-sets", "a holiday without a name (New-CsRgsHoliday makes it optional)", {
  holidays: [{ startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }],
}, { holidays: [{ startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }] });

// ---- 14. Service settings ----

valid(14, "settings", "defaults are filled in", {}, { agentRingbackGracePeriod: 60, disableCallContext: false, defaultMusicOnHoldFileId: null });
valid(14, "settings", "a default music on hold", (f) => ({ defaultMusicOnHoldFileId: f.audioFileIds[1] }), (f) => ({ defaultMusicOnHoldFileId: f.audioFileIds[1] }));
invalid(14, "settings", "a default music on hold named by its file name", { defaultMusicOnHoldFileId: "x.wav" }, [
  ["defaultMusicOnHoldFileId", /must be the id \(a GUID\) of an object in the same pool \(got "x.wav"\)/],
]);
valid(14, "settings", "agentRingbackGracePeriod 30", { agentRingbackGracePeriod: 30 }, { agentRingbackGracePeriod: 30 });
valid(14, "settings", "agentRingbackGracePeriod 600 and call context off", { agentRingbackGracePeriod: 600, disableCallContext: true }, {
  agentRingbackGracePeriod: 600,
  disableCallContext: true,
});
invalid(14, "settings", "agentRingbackGracePeriod 29", { agentRingbackGracePeriod: 29 }, [["agentRingbackGracePeriod", /from 30 to 600 seconds \(got 29\)/]]);
invalid(14, "settings", "agentRingbackGracePeriod 601", { agentRingbackGracePeriod: 601 }, [["agentRingbackGracePeriod", /from 30 to 600 seconds \(got 601\)/]]);
invalid(14, "settings", "disableCallContext not a boolean", { disableCallContext: "no" }, [["disableCallContext", /must be true or false \(got "no"\)/]]);
invalid(14, "settings", "an unknown setting", { defaultMusicOnHold: "x.wav" }, [["", /unknown field 'defaultMusicOnHold'/]]);

export const RULE_CASES: readonly RuleCase[] = cases;

/** Made-up ids for running the cases against the schemas alone. */
export const SCHEMA_FIXTURES: Fixtures = {
  agentGroupIds: ["0f8fad5b-d9cb-469f-a165-70867728950e", "7c9e6679-7425-40de-944b-e07fc1f90ae7"],
  queueId: "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed",
  otherQueueId: "6ec0bd7f-11c0-43da-975e-2a8ad9ebae0b",
  hoursId: "9a3f1e2c-4b5d-4e6f-8a7b-1c2d3e4f5a6b",
  holidaySetId: "c56a4180-65aa-42ec-a945-5fd21dec0538",
  audioFileIds: ["3f2504e0-4f89-41d3-9a0c-0305e82c3301", "5f3a8c1e-2b7d-4e9a-8c6f-1d2e3f4a5b6c"],
};

/** The body a case sends, as JSON would carry it. */
export function caseBody(c: RuleCase, f: Fixtures, which: "body" | "seed" = "body"): Record<string, unknown> {
  const fn = which === "seed" ? c.seed : c.body;
  return JSON.parse(JSON.stringify(fn!(f))) as Record<string, unknown>;
}

/** A case's title as test output shows it. */
export function caseName(c: RuleCase): string {
  return `rule ${c.rule}: ${c.kind} ${c.mode === "update" ? "(update) " : ""}${c.title}`;
}
