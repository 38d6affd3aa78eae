/** DELETE /v1/pools/{pool}/{kind}/{id}: removes an object nothing references (Remove-CsRgs*). */
import { z } from "zod";
import { aLabel } from "../../sdk/model/index";
import { IfMatch, ObjectParams } from "./parameters";
import { defineRoute } from "./route";
import { kindWords } from "./views";

export const deleteObject = defineRoute({
  method: "DELETE",
  path: "/v1/pools/{pool}/{kind}/{id}",
  access: "operator",
  params: ObjectParams,
  headers: z.object({ "If-Match": IfMatch.optional() }),
  errors: ["not_found", "in_use", "etag_mismatch"],
  operation: (kind) => {
    const w = kindWords(kind);
    return {
      operationId: `delete${w.typeName}`,
      summary: `Delete ${aLabel(kind)} (Remove-${w.noun})`,
      description: "Refused with 409 in_use while another object references it, listing those objects.",
      responses: { 204: { description: "Deleted." } },
    };
  },
  async handle({ params, headers }, reply, { configuration }) {
    await configuration.deleteObject(params.pool, params.kind, params.id, headers["If-Match"]);
    return reply.status(204).send();
  },
});
