/** GET /v1/pools/{pool}/audio-files/{id}: what an audio file is, without its bytes. */
import { AUDIO_FILES } from "../../sdk/model/audio-file";
import { AudioFileParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER } from "./headers";
import { AUDIO_FILE } from "./views";

export const getAudioFile = defineRoute({
  method: "GET",
  path: `/v1/pools/{pool}/${AUDIO_FILES}/{id}`,
  access: "reader",
  params: AudioFileParams,
  errors: ["not_found"],
  operation: {
    operationId: "getAudioFile",
    summary: "Get an audio file's metadata",
    responses: { 200: { description: "The audio file; its bytes are at …/content.", body: AUDIO_FILE, headers: { ETag: ETAG_HEADER } } },
  },
  async handle({ params }, reply, { configuration }) {
    const a = await configuration.getAudioFile(params.pool, params.id);
    return reply.header("etag", `"${a.etag}"`).send(a);
  },
});
