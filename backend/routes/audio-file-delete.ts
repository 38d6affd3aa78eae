/** DELETE /v1/pools/{pool}/audio-files/{id}: removes an audio file nothing plays. */
import { AUDIO_FILES } from "../../sdk/model/audio-file";
import { AudioFileParams } from "./parameters";
import { defineRoute } from "./route";

export const deleteAudioFile = defineRoute({
  method: "DELETE",
  path: `/v1/pools/{pool}/${AUDIO_FILES}/{id}`,
  access: "operator",
  params: AudioFileParams,
  errors: ["not_found", "in_use"],
  operation: {
    operationId: "deleteAudioFile",
    summary: "Delete an audio file",
    description: "Refused with 409 in_use while a prompt, a workflow's music on hold or the pool's default music on hold plays it, listing what does.",
    responses: { 204: { description: "Deleted." } },
  },
  async handle({ params }, reply, { configuration }) {
    await configuration.deleteAudioFile(params.pool, params.id);
    return reply.status(204).send();
  },
});
