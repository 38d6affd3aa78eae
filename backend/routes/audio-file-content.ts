/** GET /v1/pools/{pool}/audio-files/{id}/content: the recording's bytes, as they were uploaded. */
import { AUDIO_FILES } from "../../sdk/model/audio-file";
import { AudioFileParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER } from "./headers";

export const getAudioFileContent = defineRoute({
  method: "GET",
  path: `/v1/pools/{pool}/${AUDIO_FILES}/{id}/content`,
  access: "reader",
  params: AudioFileParams,
  errors: ["not_found"],
  operation: {
    operationId: "getAudioFileContent",
    summary: "Get an audio file's bytes",
    responses: {
      200: {
        description: "The bytes, with the Content-Type they were uploaded as.",
        raw: { contentTypes: ["audio/wav", "audio/x-ms-wma"], description: "The recording." },
        headers: { ETag: ETAG_HEADER },
      },
    },
  },
  async handle({ params }, reply, { configuration }) {
    const { view, content } = await configuration.getAudioFileContent(params.pool, params.id);
    return reply
      .header("content-type", view.contentType)
      .header("etag", `"${view.etag}"`)
      .header("content-disposition", `attachment; filename*=UTF-8''${attrValue(view.fileName)}`)
      .send(Buffer.from(content.buffer, content.byteOffset, content.byteLength));
  },
});

/** RFC 8187's attr-char: encodeURIComponent leaves ' ( ) * as they are, which the header may not hold. */
function attrValue(name: string): string {
  return encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
