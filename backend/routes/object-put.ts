/** PUT /v1/pools/{pool}/{kind}/{id}: replaces an object whole (Set-CsRgs*), guarded by If-Match. */
import { z } from "zod";
import { aLabel } from "../../sdk/model/index";
import { IfMatch, ObjectParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER } from "./headers";
import { KIND_VIEWS, kindWords } from "./views";

export const putObject = defineRoute({
  method: "PUT",
  path: "/v1/pools/{pool}/{kind}/{id}",
  access: "operator",
  params: ObjectParams,
  // Optional here so that a PUT without it is answered 428 precondition_required, not 400.
  headers: z.object({ "If-Match": IfMatch.optional().describe("Required: the ETag the change was based on. Without it 428 precondition_required; 412 etag_mismatch when the object has moved on.") }),
  errors: ["validation_failed", "not_found", "name_conflict", "uri_conflict", "in_use", "etag_mismatch", "reference_not_found", "precondition_required"],
  operation: (kind) => {
    const w = kindWords(kind);
    return {
      operationId: `replace${w.typeName}`,
      summary: `Replace ${aLabel(kind)} (Set-${w.noun})`,
      description: "The whole object: a field left out goes back to its default.",
      requestBody: KIND_VIEWS[kind].input,
      responses: { 200: { description: "The object as stored, with its new version as ETag.", body: KIND_VIEWS[kind].object, headers: { ETag: ETAG_HEADER } } },
    };
  },
  async handle({ params, headers, body }, reply, { configuration }) {
    const o = await configuration.updateObject(params.pool, params.kind, params.id, body, headers["If-Match"]);
    return reply.header("etag", `"${o.etag}"`).send(o);
  },
});
