/**
 * Short, legible text for call-flow objects: prompts, actions, queue settings.
 */
import type { CallAction, Prompt } from "../model/call-action";

/** Text cut at a word boundary to at most `max` characters, with an ellipsis when cut. */
export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max - 1);
  const space = cut.lastIndexOf(" ");
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:]+$/, "")}…`;
}

/** An audio file's id as text: its file name where the pool's audio files are known (PoolIndex.audioName). */
export type AudioName = (id: string) => string;

/** What a prompt says, shortened: its text, or the audio file it plays (`♪ welcome.wav`), the text being its fallback. */
export function promptText(prompt: Prompt | undefined | null, max = 60, audioName: AudioName = (id) => id): string | undefined {
  if (!prompt) return undefined;
  if (prompt.audioFileId !== undefined) {
    const file = `♪ ${audioName(prompt.audioFileId)}`;
    return prompt.textToSpeech !== undefined ? `${file} ("${shorten(prompt.textToSpeech, max)}")` : file;
  }
  return `"${shorten(prompt.textToSpeech ?? "", max)}"`;
}

/** A terminal action in words: "Disconnect", "Voice mail sip:…", "PSTN sip:+1…", "Transfer to sip:…". */
export function endText(action: Pick<CallAction, "action" | "uri">): string {
  switch (action.action) {
    case "Terminate":
      return "Disconnect";
    case "TransferToVoicemailUri":
      return `Voice mail ${action.uri}`;
    case "TransferToPSTN":
      return `PSTN ${action.uri}`;
    case "TransferToUri":
      return `Transfer to ${action.uri}`;
    default:
      return action.action;
  }
}

/** The caller's answer as offered: "1", "say billing", "1 / say billing". */
export function answerText(answer: { dtmfResponse?: string; voiceResponses?: readonly string[] }): string {
  const parts: string[] = [];
  if (answer.dtmfResponse !== undefined) parts.push(answer.dtmfResponse);
  if (answer.voiceResponses && answer.voiceResponses.length > 0) parts.push(`say ${answer.voiceResponses.map((v) => shorten(v, 20)).join(" | ")}`);
  return parts.join(" / ");
}
