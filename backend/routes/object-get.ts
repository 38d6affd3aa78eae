/** GET /v1/pools/{pool}/{kind}/{id}: one object. */
import { aLabel } from "../../sdk/model/index";
import { ObjectParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER } from "./headers";
import { KIND_VIEWS, kindWords } from "./views";

export const getObject = defineRoute({
  method: "GET",
  path: "/v1/pools/{pool}/{kind}/{id}",
  access: "reader",
  params: ObjectParams,
  errors: ["not_found"],
  operation: (kind) => {
    const w = kindWords(kind);
    return {
      operationId: `get${w.typeName}`,
      summary: `Get ${aLabel(kind)} by id (Get-${w.noun} -Identity)`,
      responses: { 200: { description: "The object, with its version as ETag.", body: KIND_VIEWS[kind].object, headers: { ETag: ETAG_HEADER } } },
    };
  },
  async handle({ params }, reply, { configuration }) {
    const o = await configuration.getObject(params.pool, params.kind, params.id);
    return reply.header("etag", `"${o.etag}"`).send(o);
  },
});
