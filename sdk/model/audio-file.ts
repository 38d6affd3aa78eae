/**
 * Audio file (Import-CsRgsAudioFile): a recording that prompts and music on hold play.
 *
 * Lync embeds a fresh import in every prompt that plays it; the service keeps each recording once
 * per pool and content hash, and prompts, workflows and settings reference it by id, like any
 * other object. The bytes are uploaded as they are, not in JSON.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { label } from "./common";
import { type AudioDetails, type AudioFormat, inspectAudio, MAX_WAV_BYTES, MAX_WMA_BYTES } from "./audio-format";
import type { FieldIssue } from "./kind";

export * from "./audio-format";

/** The route segment of `/v1/pools/{fqdn}/audio-files`. */
export const AUDIO_FILES = "audio-files";

/** The content types an upload may carry, and the format each names. */
export const AUDIO_CONTENT_TYPES: Readonly<Record<string, AudioFormat>> = {
  "audio/wav": "wav",
  "audio/x-wav": "wav",
  "audio/wave": "wav",
  "audio/x-ms-wma": "wma",
};

/** The content type the service answers with for each format. */
export const CONTENT_TYPE_OF: Readonly<Record<AudioFormat, string>> = { wav: "audio/wav", wma: "audio/x-ms-wma" };

const EXTENSIONS: Readonly<Record<AudioFormat, string>> = { wav: ".wav", wma: ".wma" };

/** The file name Lync keeps as OriginalFileName: a name, not a path, ending in the format's extension. */
export const AudioFileName = label(255)
  .refine((s) => !/[\\/]/.test(s), { error: "must be a file name without a folder (no / or \\)" })
  .refine((s) => !/^\.[^.]*$/.test(s.trim()), { error: "must have a name before its extension" })
  .describe("The recording's file name, kept as Lync's OriginalFileName; .wav or .wma.");

/** The format a content type names, or the issue of one that names none. */
export function contentTypeFormat(contentType: string | undefined): { format: AudioFormat } | { issue: FieldIssue } {
  const type = contentType?.split(";")[0].trim().toLowerCase();
  const format = type === undefined ? undefined : AUDIO_CONTENT_TYPES[type];
  if (format !== undefined) return { format };
  return {
    issue: {
      path: "Content-Type",
      message: `${type === undefined ? "is required" : `must be audio/wav or audio/x-ms-wma (got ${JSON.stringify(type)})`}; Lync plays .wav and .wma only`,
    },
  };
}

/** Issues with an upload's content type and file name, before its bytes are read. */
export function uploadIssues(contentType: string | undefined, fileName: string | undefined): { format?: AudioFormat; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const named = contentTypeFormat(contentType);
  const format = "format" in named ? named.format : undefined;
  if ("issue" in named) issues.push(named.issue);
  if (fileName === undefined) {
    issues.push({ path: "X-File-Name", message: "is required: the recording's file name, such as welcome.wav" });
  } else {
    const parsed = AudioFileName.safeParse(fileName, { reportInput: true });
    if (!parsed.success) {
      issues.push(...parsed.error.issues.map((i) => ({ path: "X-File-Name", message: `${i.message} (got ${JSON.stringify(fileName)})` })));
    } else if (format !== undefined && !fileName.toLowerCase().endsWith(EXTENSIONS[format])) {
      issues.push({ path: "X-File-Name", message: `must end in ${EXTENSIONS[format]} for ${CONTENT_TYPE_OF[format]} content (got ${JSON.stringify(fileName)})` });
    }
  }
  return { format, issues };
}

/** The size issue of a recording, or none: WAV as Lync documents it, WMA by the service's own limit. */
export function sizeIssue(format: AudioFormat, size: number): FieldIssue | undefined {
  if (size === 0) return { path: "content", message: "is empty; upload the recording's bytes" };
  if (format === "wav" && size > MAX_WAV_BYTES) {
    return { path: "content", message: `is ${size} bytes; Lync plays WAV files of 4 MB (${MAX_WAV_BYTES} bytes) or less` };
  }
  if (format === "wma" && size > MAX_WMA_BYTES) {
    return { path: "content", message: `is ${size} bytes; this service keeps WMA files of ${MAX_WMA_BYTES} bytes or less (a limit of this service, not of Lync)` };
  }
  return undefined;
}

/** An audio file as the service answers it; the bytes are at `…/audio-files/{id}/content`. */
export const AudioFileView = z
  .object({
    id: z.string().describe("GUID assigned by the service."),
    ownerPool: z.string().describe("FQDN of the pool that holds the recording."),
    fileName: z.string().describe("The file name it was uploaded with (Lync's OriginalFileName)."),
    contentType: z.enum(["audio/wav", "audio/x-ms-wma"]).describe("audio/wav or audio/x-ms-wma."),
    format: z.enum(["wav", "wma"]),
    size: z.int().describe("Bytes."),
    sha256: z.string().describe("SHA-256 of the bytes, hex; the pool holds one audio file per hash."),
    encoding: z.enum(["pcm", "a-law", "mu-law"]).nullable().describe("WAV sample encoding; null for WMA."),
    channels: z.int(),
    sampleRate: z.int().describe("Samples per second."),
    bitsPerSample: z.int().nullable(),
    durationSeconds: z.number().nullable().describe("Playing time, from the header; null when the header does not say."),
    etag: z.string().describe("Version of the audio file; it never changes, since the bytes cannot."),
    createdAt: z.string().nullable().describe("When it was first uploaded (ISO 8601, UTC); null where the pool keeps no time."),
  })
  .meta({ id: "AudioFile" });
export type AudioFileView = z.infer<typeof AudioFileView>;

/** One use of an audio file by an object: where, dot-joined. */
export interface AudioUse {
  readonly id: string;
  readonly path: string;
}

/** Every audio file the prompts of a call action play, through nested questions and answers. */
export function promptAudioFiles(action: unknown, path: string): AudioUse[] {
  if (typeof action !== "object" || action === null) return [];
  const out: AudioUse[] = [];
  const fromPrompt = (p: unknown, at: string) => {
    const id = (p as { audioFileId?: unknown } | undefined)?.audioFileId;
    if (typeof id === "string") out.push({ id, path: `${at}.audioFileId` });
  };
  const a = action as { prompt?: unknown; question?: Record<string, unknown> & { answers?: unknown[] } };
  fromPrompt(a.prompt, `${path}.prompt`);
  const q = a.question;
  if (typeof q === "object" && q !== null) {
    for (const slot of ["prompt", "invalidAnswerPrompt", "noAnswerPrompt"]) fromPrompt(q[slot], `${path}.question.${slot}`);
    if (Array.isArray(q.answers)) {
      q.answers.forEach((ans, i) => out.push(...promptAudioFiles((ans as { action?: unknown })?.action, `${path}.question.answers.${i}.action`)));
    }
  }
  return out;
}

/** An upload that passed every check: what the service keeps besides the bytes. */
export interface CheckedAudio {
  fileName: string;
  contentType: "audio/wav" | "audio/x-ms-wma";
  details: AudioDetails;
  size: number;
  sha256: string;
}

/**
 * Checks an upload as Import-CsRgsAudioFile and the Response Group service would take it: the
 * content type and file name, the size, then the header of the bytes.
 */
export function checkAudioUpload(
  contentType: string | undefined,
  fileName: string | undefined,
  content: Uint8Array,
): { ok: true; value: CheckedAudio } | { ok: false; issues: FieldIssue[] } {
  const { format, issues } = uploadIssues(contentType, fileName);
  if (format === undefined || issues.length > 0) return { ok: false, issues };
  const size = sizeIssue(format, content.length);
  if (size) return { ok: false, issues: [size] };
  const inspected = inspectAudio(format, content);
  if (!inspected.ok) return { ok: false, issues: [{ path: "content", message: inspected.message }] };
  return {
    ok: true,
    value: {
      fileName: fileName!,
      contentType: CONTENT_TYPE_OF[format] as CheckedAudio["contentType"],
      details: inspected.value,
      size: content.length,
      sha256: createHash("sha256").update(content).digest("hex"),
    },
  };
}
