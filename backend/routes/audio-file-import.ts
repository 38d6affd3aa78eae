/** POST /v1/pools/{pool}/audio-files: imports a recording (Import-CsRgsAudioFile), once per content. */
import { z } from "zod";
import { RgsError } from "../../sdk/errors";
import { AUDIO_FILES, MAX_WMA_BYTES } from "../../sdk/model/audio-file";
import { PoolParams } from "./parameters";
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
  }),
  bodyLimit: MAX_WMA_BYTES,
  errors: ["validation_failed", "not_found"],
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
    });
    return reply
      .status(r.status)
      .header("etag", `"${r.body.etag}"`)
      .header("location", `/v1/pools/${params.pool}/${AUDIO_FILES}/${r.body.id}`)
      .send(r.body);
  },
});

function decodeFileName(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new RgsError("validation_failed", "the headers are not valid: X-File-Name is not percent-encoded UTF-8", {
      details: [{ path: "X-File-Name", message: `must be percent-encoded UTF-8, as encodeURIComponent writes it (got ${JSON.stringify(raw.slice(0, 80))})` }],
    });
  }
}
