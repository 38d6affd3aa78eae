/** GET /v1/pools/{pool}/audio-files: a page of a pool's audio files. */
import { z } from "zod";
import { AUDIO_FILES } from "../../sdk/model/audio-file";
import { Cursor, PageLimit, PoolParams } from "./parameters";
import { defineRoute } from "./route";
import { AUDIO_FILE_PAGE } from "./views";

export const listAudioFiles = defineRoute({
  method: "GET",
  path: `/v1/pools/{pool}/${AUDIO_FILES}`,
  access: "reader",
  params: PoolParams,
  query: z.object({ limit: PageLimit, cursor: Cursor }),
  errors: ["validation_failed", "not_found"],
  operation: {
    operationId: "listAudioFiles",
    summary: "List the audio files of a pool",
    description: "In the order they were imported, a page at a time: pass nextCursor as ?cursor= for the next.",
    responses: { 200: { description: "A page of audio files.", body: AUDIO_FILE_PAGE } },
  },
  async handle({ params, query }, _reply, { configuration }) {
    return configuration.listAudioFiles(params.pool, { limit: query.limit, cursor: query.cursor });
  },
});
