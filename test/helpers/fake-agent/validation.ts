/**
 * The checks the cmdlet pages document for the values of each object, applied when an object is
 * made (New-*) and when one is written (Set-*). Each rule cites the page that states it. Rules that
 * no page states (Open < Close, Start < End, unique DTMF keys, references that resolve) are left
 * out on purpose: the client must not come to rely on a check the real server may not make.
 */
import { invalid } from "./cmdlet-error";
import { type RgsObject, shortTypeName } from "./object-types";

/** PS:New-CsRgsWorkflow -Language: "The language must be specified using one of the following language codes" */
export const LANGUAGES = [
  "ca-ES", "da-DK", "de-DE", "en-AU", "en-CA", "en-GB", "en-IN", "en-US", "es-ES", "es-MX", "fi-FI", "fr-CA", "fr-FR",
  "it-IT", "ja-JP", "ko-KR", "nb-NO", "nl-NL", "pl-PL", "pt-BR", "pt-PT", "ru-RU", "sv-SE", "zh-CN", "zh-HK", "zh-TW",
] as const;

function range(obj: RgsObject, prop: string, lo: number, hi: number, source: string): void {
  const v = obj[prop];
  if (v === null || v === undefined) return;
  if (typeof v !== "number" || v < lo || v > hi) {
    throw invalid(`${prop} ${String(v)} is out of range: it must be between ${lo} and ${hi} inclusive (${source})`, "ArgumentOutOfRange");
  }
}

function maxLength(obj: RgsObject, prop: string, max: number, source: string): void {
  const v = obj[prop];
  if (typeof v === "string" && v.length > max) {
    throw invalid(`${prop} is ${v.length} characters long; at most ${max} are allowed (${source})`, "ArgumentOutOfRange");
  }
}

function actionOf(v: unknown): string | undefined {
  return v !== null && typeof v === "object" ? ((v as RgsObject).Action as string) : undefined;
}

function allowActions(obj: RgsObject, prop: string, allowed: (a: string) => boolean, rule: string): void {
  const a = actionOf(obj[prop]);
  if (a !== undefined && !allowed(a)) throw invalid(`${prop} cannot be ${a}: ${rule} (PS:New-CsRgsCallAction)`, "InvalidCallAction");
}

const CHECKS: Record<string, (o: RgsObject) => void> = {
  AgentGroup(o) {
    // PS:New-CsRgsAgentGroup: "The AgentAlertTime can be set to any integer value between 10 and 600 seconds (10 minutes), inclusive."
    range(o, "AgentAlertTime", 10, 600, "PS:New-CsRgsAgentGroup -AgentAlertTime");
  },
  Queue(o) {
    // PS:New-CsRgsQueue: "The timeout threshold can be any integer value between 10 and 65535 seconds ..., inclusive"
    range(o, "TimeoutThreshold", 10, 65535, "PS:New-CsRgsQueue -TimeoutThreshold");
    // PS:New-CsRgsQueue: "The OverflowThreshold can be any integer value between 0 and 1000, inclusive."
    range(o, "OverflowThreshold", 0, 1000, "PS:New-CsRgsQueue -OverflowThreshold");
    // PS:New-CsRgsCallAction: "all the call actions except for TransferToQuestion can be used for queue timeouts and overflows"
    const notQuestion = (a: string): boolean => a !== "TransferToQuestion";
    allowActions(o, "TimeoutAction", notQuestion, "queue timeouts take any action except TransferToQuestion");
    allowActions(o, "OverflowAction", notQuestion, "queue overflows take any action except TransferToQuestion");
  },
  Workflow(o) {
    // PS:New-CsRgsWorkflow -PrimaryUri: 'The PrimaryUri must begin with the "sip:" prefix.'
    if (typeof o.PrimaryUri !== "string" || !o.PrimaryUri.toLowerCase().startsWith("sip:")) {
      throw invalid(`PrimaryUri ${JSON.stringify(o.PrimaryUri)} must begin with "sip:" (PS:New-CsRgsWorkflow -PrimaryUri)`, "InvalidPrimaryUri");
    }
    // PS:New-CsRgsWorkflow -LineUri: "the TEL: prefix followed by a plus sign, followed by the country/region
    // calling code, area code, and phone number (using only digits: no blank spaces, periods, or hyphens)"
    if (o.LineUri !== null && !/^tel:\+\d+$/i.test(String(o.LineUri))) {
      throw invalid(`LineUri ${JSON.stringify(o.LineUri)} must be "TEL:+" followed by digits only (PS:New-CsRgsWorkflow -LineUri)`, "InvalidLineUri");
    }
    if (o.Language !== null) {
      const lang = LANGUAGES.find((l) => l.toLowerCase() === String(o.Language).toLowerCase());
      if (!lang) throw invalid(`Language ${JSON.stringify(o.Language)} is not supported; use one of ${LANGUAGES.join(", ")} (PS:New-CsRgsWorkflow -Language)`, "UnsupportedLanguage");
      o.Language = lang;
    }
    // PS:New-CsRgsCallAction: "the only two call actions that can be assigned to the DefaultAction property are
    // TransferToQueue and TransferToQuestion. All the other call actions except for TransferToQueue and
    // TransferToQuestion are valid for actions that take place on holidays or outside business hours."
    const queueOrQuestion = (a: string): boolean => a === "TransferToQueue" || a === "TransferToQuestion";
    allowActions(o, "DefaultAction", queueOrQuestion, "the default action must be TransferToQueue or TransferToQuestion");
    allowActions(o, "NonBusinessHoursAction", (a) => !queueOrQuestion(a), "outside business hours any action except TransferToQueue and TransferToQuestion");
    allowActions(o, "HolidayAction", (a) => !queueOrQuestion(a), "on holidays any action except TransferToQueue and TransferToQuestion");
    // PS:New-CsRgsWorkflow -Active: "When the Active property is set to True then the workflow will be validated
    // before it is created. For example, the workflow will not be created if a DefaultAction has not been specified."
    if (o.Active === true && (o.DefaultAction === null || o.DefaultAction === undefined)) {
      throw invalid("an active workflow needs a DefaultAction (PS:New-CsRgsWorkflow -Active, -DefaultAction)", "ActiveWorkflowWithoutDefaultAction");
    }
  },
  ServiceSettings(o) {
    // PS:Set-CsRgsConfiguration: "The grace period can be set to any integer value between 30 and 600 seconds (10 minutes), inclusive."
    range(o, "AgentRingbackGracePeriod", 30, 600, "PS:Set-CsRgsConfiguration -AgentRingbackGracePeriod");
  },
  CallAction(o) {
    const a = o.Action as string | null;
    // PS:New-CsRgsCallAction -Action: "The Action must be specified each time you create a new call action; there is no default value."
    if (!a) throw invalid("a call action needs an Action (PS:New-CsRgsCallAction -Action)", "MissingAction");
    // PS:New-CsRgsCallAction -QueueID: "This parameter is required if the Action is set to TransferToQueue."
    if (a === "TransferToQueue" && !o.QueueID) throw invalid("Action TransferToQueue needs a QueueID (PS:New-CsRgsCallAction -QueueID)", "MissingQueueID");
    // PS:New-CsRgsCallAction -Question: "This parameter is required if the Action has been set to TransferToQuestion."
    if (a === "TransferToQuestion" && !o.Question) throw invalid("Action TransferToQuestion needs a Question (PS:New-CsRgsCallAction -Question)", "MissingQuestion");
    // PS:New-CsRgsCallAction -Uri: "This parameter is required if the Action has been set to TransferToUri; TransferToVoiceMailUri; or TransferToPSTN."
    if ((a === "TransferToUri" || a === "TransferToVoicemailUri" || a === "TransferToPstn") && !o.Uri) {
      throw invalid(`Action ${a} needs a Uri (PS:New-CsRgsCallAction -Uri)`, "MissingUri");
    }
  },
  Prompt(o) {
    // PS:New-CsRgsPrompt -TextToSpeechPrompt: "can contain a maximum of 4096 characters"
    maxLength(o, "TextToSpeechPrompt", 4096, "PS:New-CsRgsPrompt -TextToSpeechPrompt");
    // PS:New-CsRgsPrompt: "When you create a new workflow prompt you must provide a text-to-speech prompt; if you want,
    // you can provide an audio file prompt as well." The syntax makes both optional; this fake asks for one of the two.
    if (!o.TextToSpeechPrompt && !o.AudioFilePrompt) {
      throw invalid("a prompt needs a TextToSpeechPrompt or an AudioFilePrompt (PS:New-CsRgsPrompt)", "EmptyPrompt");
    }
  },
  Question(o) {
    // PS:New-CsRgsQuestion -Name: "Question names, which do not have to be unique, are limited to a maximum of 128 characters."
    maxLength(o, "Name", 128, "PS:New-CsRgsQuestion -Name");
    if (!o.Prompt) throw invalid("a question needs a Prompt (PS:New-CsRgsQuestion -Prompt)", "MissingPrompt");
  },
  Answer(o) {
    if (!o.Action) throw invalid("an answer needs an Action (PS:New-CsRgsAnswer -Action)", "MissingAction");
    // PS:New-CsRgsAnswer: "Each answer must have at least one of these two response types."
    if (!o.DtmfResponse && (o.VoiceResponseList as unknown[]).length === 0) {
      throw invalid("an answer needs a DtmfResponse or a VoiceResponseList (PS:New-CsRgsAnswer)", "MissingResponse");
    }
  },
  TimeRange(o) {
    // PS:New-CsRgsTimeRange -Name: "The Name is limited to a maximum of 128 characters."
    maxLength(o, "Name", 128, "PS:New-CsRgsTimeRange -Name");
    if (!o.OpenTime || !o.CloseTime) throw invalid("a time range needs an OpenTime and a CloseTime (PS:New-CsRgsTimeRange)", "MissingTime");
  },
  Holiday(o) {
    if (!o.StartDate || !o.EndDate) throw invalid("a holiday needs a StartDate and an EndDate (PS:New-CsRgsHoliday)", "MissingDate");
  },
};

/** Checks the object and every object nested in it; throws `invalid` naming the first problem. */
export function validateObject(obj: RgsObject): void {
  const t = shortTypeName(obj.$type);
  if (t) CHECKS[t]?.(obj);
  for (const v of Object.values(obj)) {
    for (const nested of Array.isArray(v) ? v : [v]) {
      if (nested !== null && typeof nested === "object" && typeof (nested as RgsObject).$type === "string") {
        validateObject(nested as RgsObject);
      }
    }
  }
}
