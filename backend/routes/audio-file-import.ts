/** POST /v1/pools/{pool}/audio-files: imports a recording (Import-CsRgsAudioFile), once per content. */
import { z } from "zod";
import { RgsError } from "../../sdk/errors";
import { AUDIO_CONTENT_TYPES, AUDIO_FILES, contentTypeFormat, MAX_WMA_BYTES } from "../../sdk/model/audio-file";
import { Holder, PoolParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER, LOCATION_HEADER } from "./headers";
import { AUDIO_FILE } from "./views";

export const importAudioFile = defineRoute({
  method: "POST",
  path: `/v1/pools/{pool}/${AUDIO_FILES}`,
  access: "operator",
  params: PoolParams,
  headers: z.object({
    "X-File-Name": z
      .string()
      .optional()
      .describe("The recording's file name, percent-encoded UTF-8 (encodeURIComponent), such as welcome.wav; kept as Lync's OriginalFileName."),
    "X-Holder": Holder.optional(),
  }),
  bodyLimit: MAX_WMA_BYTES,
  bytes: {
    contentTypes: Object.keys(AUDIO_CONTENT_TYPES),
    refusal: (contentType) => {
      const named = contentTypeFormat(contentType);
      return new RgsError("unsupported_media_type", "send the recording's bytes as audio/wav or audio/x-ms-wma; Lync plays .wav and .wma only", {
        details: "issue" in named ? [named.issue] : [],
      });
    },
  },
  errors: ["validation_failed", "not_found", "unsupported_media_type"],
  operation: {
    operationId: "importAudioFile",
    summary: "Import an audio file (Import-CsRgsAudioFile)",
    description:
      "The body is the file's bytes. WAV must be 8- or 16-bit LPCM, A-law or µ-law, mono or stereo, at most 4 MB; WMA is read by its ASF header. The pool keeps each content once: the same bytes answer 200 with the audio file that holds them.",
    requestBody: { contentTypes: ["audio/wav", "audio/x-ms-wma"], description: "The recording, as it is on disk." },
    responses: {
      201: { description: "The audio file made.", body: AUDIO_FILE, headers: { ETag: ETAG_HEADER, Location: LOCATION_HEADER } },
      200: { description: "The pool held these bytes already: that audio file.", body: AUDIO_FILE, headers: { ETag: ETAG_HEADER, Location: LOCATION_HEADER } },
    },
  },
  async handle({ params, headers, body, contentType }, reply, { configuration }) {
    const r = await configuration.importAudioFile(params.pool, {
      contentType,
      fileName: headers["X-File-Name"] === undefined ? undefined : decodeFileName(headers["X-File-Name"]),
      content: body instanceof Uint8Array ? body : new Uint8Array(0),
      holder: headers["X-Holder"],
    });
    return reply
      .status(r.status)
      .header("etag", `"${r.body.etag}"`)
      .header("location", `/v1/pools/${params.pool}/${AUDIO_FILES}/${r.body.id}`)
      .send(r.body);
  },
});

function decodeFileName(raw: string): string {
  // HTTP carries header values as Latin-1: UTF-8 sent raw would be read as other characters.
  if (!/^[\x20-\x7e]*$/.test(raw)) {
    throw new RgsError("validation_failed", "the headers are not valid: X-File-Name must be percent-encoded", {
      details: [{ path: "X-File-Name", message: "must be ASCII, with other characters percent-encoded as UTF-8 (encodeURIComponent writes it so)" }],
    });
  }
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RgsError("validation_failed", "the headers are not valid: X-File-Name is not percent-encoded UTF-8", {
      details: [{ path: "X-File-Name", message: `must be percent-encoded UTF-8, as encodeURIComponent writes it (got ${JSON.stringify(raw.slice(0, 80))})` }],
    });
  }
}
