/**
 * The embedded values of a call flow: call action, prompt, question and answer
 * (New-CsRgsCallAction, New-CsRgsPrompt, New-CsRgsQuestion, New-CsRgsAnswer).
 *
 * Where each action may stand is part of the schema: one call-action schema per place
 * (rgs-model §6), so a misplaced action is refused with the place's own list.
 */
import { z } from "zod";
import { label, listLimit, ObjectId, PstnSipUri, SERVICE_LIST_LIMIT, SipUri, text } from "./common";

export const ACTIONS = [
  "Terminate",
  "TransferToQueue",
  "TransferToQuestion",
  "TransferToUri",
  "TransferToVoicemailUri",
  "TransferToPSTN",
] as const;
export type ActionName = (typeof ACTIONS)[number];

// Lync's pages spell them TransferToPstn and TransferToVoiceMailUri too; PowerShell binds enums without regard to case.
const actionByKey = new Map(ACTIONS.map((a) => [a.toLowerCase(), a] as const));

/** The action's one spelling, whatever its case; the value itself when it names no action. */
export function canonicalAction(s: string): string {
  return actionByKey.get(s.toLowerCase()) ?? s;
}


export const MAX_PROMPT_TEXT = 4096;

export const Prompt = z
  .strictObject({
    textToSpeech: text(MAX_PROMPT_TEXT)
      .optional()
      .describe(`Text spoken in the workflow's language; at most ${MAX_PROMPT_TEXT} characters.`),
    audioFileId: ObjectId.optional().describe(
      "An audio file of the same pool (.wav or .wma); played in place of the text when both are set, the text being the fallback.",
    ),
  })
  .refine((p) => p.textToSpeech !== undefined || p.audioFileId !== undefined, {
    error: "a prompt needs textToSpeech, audioFileId or both",
  })
  .describe("What the caller hears: text to speech, an audio file, or both.");
export type Prompt = z.output<typeof Prompt>;

const DTMF_KEYS = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#"] as const;
export type DtmfKey = (typeof DTMF_KEYS)[number];

// A question nests answers whose actions nest questions; TypeScript needs the shape written out
// once to follow that cycle. The schemas below are checked against these types.
export interface CallActionOf<Q> {
  action: ActionName;
  prompt?: Prompt;
  queueId?: string;
  question?: Q;
  uri?: string;
}
export interface AnswerOf<Q> {
  name?: string;
  dtmfResponse?: DtmfKey;
  voiceResponses?: string[];
  action: CallActionOf<Q>;
}
/** A question as stored: answers always present. */
export interface Question {
  name?: string;
  prompt: Prompt;
  answers: AnswerOf<Question>[];
  invalidAnswerPrompt?: Prompt;
  noAnswerPrompt?: Prompt;
}
/** A question as written: answers may be left out. */
export interface QuestionInput {
  name?: string;
  prompt: Prompt;
  answers?: AnswerOf<QuestionInput>[];
  invalidAnswerPrompt?: Prompt;
  noAnswerPrompt?: Prompt;
}
export type Answer = AnswerOf<Question>;
export type CallAction = CallActionOf<Question>;
export type CallActionInput = CallActionOf<QuestionInput>;

const VoiceResponse = label(256).refine((s) => !s.includes('"'), {
  error: 'must not contain double quotes (the speech engine cannot match them)',
});

export const Answer: z.ZodType<Answer, AnswerOf<QuestionInput>> = z
  .strictObject({
    name: label(128).optional().describe("A label for the answer; need not be unique."),
    dtmfResponse: z
      .enum(DTMF_KEYS, { error: "must be one keypad key: 0-9, * or #" })
      .optional()
      .describe("The key the caller presses: 0-9, * or #; unique within its question."),
    voiceResponses: z
      .array(VoiceResponse)
      .max(SERVICE_LIST_LIMIT, listLimit("voice responses"))
      .optional()
      .describe("Words the caller may say instead of pressing a key."),
    get action(): z.ZodType<CallAction, CallActionInput> {
      return AnswerAction;
    },
  })
  .refine((a) => a.dtmfResponse !== undefined || (a.voiceResponses !== undefined && a.voiceResponses.length > 0), {
    error: "an answer needs dtmfResponse, voiceResponses or both",
  })
  .describe("One answer to a question and the action it leads to.");

export const Question: z.ZodType<Question, QuestionInput> = z
  .strictObject({
    name: label(128).optional().describe("A label for the question; at most 128 characters, need not be unique."),
    prompt: Prompt.describe("The question itself."),
    get answers(): z.ZodDefault<z.ZodArray<z.ZodType<Answer, AnswerOf<QuestionInput>>>> {
      return z
        .array(Answer)
        .max(SERVICE_LIST_LIMIT, listLimit("answers"))
        .default(() => [])
        .describe("The answers, in the order the prompt offers them; each key at most once.");
    },
    invalidAnswerPrompt: Prompt.optional().describe("Played after a wrong answer; the question then repeats."),
    noAnswerPrompt: Prompt.optional().describe("Played when the caller gives no answer."),
  })
  .superRefine((q, ctx) => {
    const seen = new Map<string, number>();
    q.answers.forEach((a, i) => {
      if (a.dtmfResponse === undefined) return;
      const first = seen.get(a.dtmfResponse);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["answers", i, "dtmfResponse"],
          input: a.dtmfResponse,
          message: `key ${a.dtmfResponse} is already the key of answer ${first}; each key may answer once per question`,
        });
      } else {
        seen.set(a.dtmfResponse, i);
      }
    });
  })
  .describe("An IVR question: a prompt and the answers it accepts.");

function actionFields() {
  return {
    prompt: Prompt.optional().describe("Played before the action runs; in a workflow's defaultAction, the welcome message."),
    queueId: ObjectId.optional().describe("The queue, for TransferToQueue."),
    get question(): z.ZodOptional<z.ZodType<Question, QuestionInput>> {
      return Question.optional().describe("The question, for TransferToQuestion.");
    },
    uri: z.string().optional().describe(
      "The target, for TransferToUri (sip:), TransferToVoicemailUri (sip:user@domain) and TransferToPSTN (sip:+<E.164>@domain).",
    ),
  };
}

interface ActionShape {
  action: ActionName;
  queueId?: string;
  question?: unknown;
  uri?: string;
}

// The target a value must carry follows from its action; any other target is refused rather than dropped.
function checkTarget(a: ActionShape, ctx: z.RefinementCtx): void {
  const needs: Record<ActionName, "queueId" | "question" | "uri" | null> = {
    Terminate: null,
    TransferToQueue: "queueId",
    TransferToQuestion: "question",
    TransferToUri: "uri",
    TransferToVoicemailUri: "uri",
    TransferToPSTN: "uri",
  };
  const want = needs[a.action];
  for (const field of ["queueId", "question", "uri"] as const) {
    const present = a[field] !== undefined;
    if (field === want && !present) {
      ctx.addIssue({ code: "custom", path: [field], input: undefined, message: `is required when action is ${a.action}` });
    } else if (field !== want && present) {
      ctx.addIssue({
        code: "custom",
        path: [field],
        input: a[field],
        message: `must be absent when action is ${a.action}${want ? ` (it takes ${want})` : ""}`,
      });
    }
  }
  if (want === "uri" && a.uri !== undefined) {
    const rule = a.action === "TransferToPSTN" ? PstnSipUri : SipUri;
    const r = rule.safeParse(a.uri);
    if (!r.success) {
      ctx.addIssue({ code: "custom", path: ["uri"], input: a.uri, message: r.error.issues[0]?.message ?? "is not a valid SIP URI" });
    }
  }
}

function callAction<const A extends readonly [ActionName, ...ActionName[]]>(
  allowed: A,
  where: string,
): z.ZodType<CallActionOf<Question> & { action: A[number] }, CallActionOf<QuestionInput> & { action: A[number] }> {
  // Typed with the one spelling; at run time the others Lync writes are accepted and folded to it.
  return z
    .strictObject({
      action: z
        .string({ error: `must be one of ${allowed.join(", ")} ${where}` })
        .overwrite(canonicalAction)
        .pipe(z.enum(allowed, { error: `must be one of ${allowed.join(", ")} ${where}` }))
        .describe("What happens to the call; which actions are allowed depends on where the action stands."),
      ...actionFields(),
    })
    .superRefine(checkTarget) as unknown as z.ZodType<CallActionOf<Question> & { action: A[number] }, CallActionOf<QuestionInput> & { action: A[number] }>;
}

/** Workflow.DefaultAction: a hunt group transfers to a queue, an IVR asks a question. */
export const DefaultAction = callAction(["TransferToQueue", "TransferToQuestion"], "in a workflow's defaultAction").describe(
  "What happens to a call during business hours: TransferToQueue (hunt group) or TransferToQuestion (IVR). Its prompt is the welcome message.",
);

/** Workflow.NonBusinessHoursAction and HolidayAction: never a queue or a question. */
export const ClosedAction = callAction(
  ["Terminate", "TransferToUri", "TransferToVoicemailUri", "TransferToPSTN"],
  "outside business hours or on a holiday",
).describe("What happens to a call outside business hours or on a holiday: Terminate or a transfer to a URI, voice mail or a PSTN number.");

/** Queue.TimeoutAction and OverflowAction: anything but a question. */
export const QueueAction = callAction(
  ["Terminate", "TransferToQueue", "TransferToUri", "TransferToVoicemailUri", "TransferToPSTN"],
  "in a queue's timeout or overflow action",
).describe("What happens to a call that times out or overflows: anything but TransferToQuestion.");

/** Answer.Action: any of the six, a nested question included. */
export const AnswerAction = callAction(ACTIONS, "in an answer").describe("What happens when the caller gives this answer.");


/** Depth of the question tree below an action: 0 for no question. */
export function questionDepth(action: { question?: { answers?: readonly { action?: unknown }[] } } | null | undefined): number {
  if (!action || !action.question) return 0;
  let deepest = 0;
  for (const a of action.question.answers ?? []) {
    deepest = Math.max(deepest, questionDepth(a.action as Parameters<typeof questionDepth>[0]));
  }
  return 1 + deepest;
}

/** Paths of the questions below an action that have no answer: a call reaching one is disconnected. */
export function unansweredQuestions(action: unknown, path: string): string[] {
  if (typeof action !== "object" || action === null) return [];
  const q = (action as { question?: { answers?: unknown[] } }).question;
  if (typeof q !== "object" || q === null) return [];
  const answers = Array.isArray(q.answers) ? q.answers : [];
  if (answers.length === 0) return [`${path}.question.answers`];
  return answers.flatMap((a, i) => unansweredQuestions((a as { action?: unknown })?.action, `${path}.question.answers.${i}.action`));
}

/** Every queue id an action leads to, through nested questions, with the path to each. */
export function queueTargets(action: unknown, path: string): { id: string; path: string }[] {
  if (typeof action !== "object" || action === null) return [];
  const a = action as { queueId?: unknown; question?: { answers?: unknown[] } };
  const out: { id: string; path: string }[] = [];
  if (typeof a.queueId === "string") out.push({ id: a.queueId, path: `${path}.queueId` });
  const answers = a.question?.answers;
  if (Array.isArray(answers)) {
    answers.forEach((ans, i) => {
      out.push(...queueTargets((ans as { action?: unknown })?.action, `${path}.question.answers.${i}.action`));
    });
  }
  return out;
}
