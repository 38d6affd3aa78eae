/** DELETE /v1/pools/{pool}/audio-files/{id}: removes an audio file nothing plays. */
import { AUDIO_FILES } from "../../sdk/model/audio-file";
import { z } from "zod";
import { AudioFileParams, Holder } from "./parameters";
import { defineRoute } from "./route";

export const deleteAudioFile = defineRoute({
  method: "DELETE",
  path: `/v1/pools/{pool}/${AUDIO_FILES}/{id}`,
  access: "operator",
  params: AudioFileParams,
  headers: z.object({ "X-Holder": Holder.optional() }),
  errors: ["not_found", "in_use"],
  operation: {
    operationId: "deleteAudioFile",
    summary: "Delete an audio file",
    description:
      "Refused with 409 in_use while a prompt, a workflow's music on hold or the pool's default music on hold plays it, listing what does. With X-Holder, only that hold goes while other holders are left.",
    responses: { 204: { description: "Deleted." } },
  },
  async handle({ params, headers }, reply, { configuration }) {
    await configuration.deleteAudioFile(params.pool, params.id, headers["X-Holder"]);
    return reply.status(204).send();
  },
});
