/** GET /v1/pools/{pool}/{kind}: a page of a collection, or the object of a name (Get-CsRgs*). */
import { z } from "zod";
import { CollectionParams, Cursor, PageLimit } from "./parameters";
import { defineRoute } from "./route";
import { KIND_VIEWS, kindWords } from "./views";

export const listObjects = defineRoute({
  method: "GET",
  path: "/v1/pools/{pool}/{kind}",
  access: "reader",
  params: CollectionParams,
  query: z.object({
    name: z.string().optional().describe("An exact name, compared without regard to case: the page holds that object or nothing."),
    limit: PageLimit,
    cursor: Cursor,
  }),
  errors: ["validation_failed", "not_found"],
  operation: (kind) => {
    const w = kindWords(kind);
    return {
      operationId: `list${w.Collection}`,
      summary: `List the ${w.collection} of a pool (Get-${w.noun})`,
      description: "In the order they were created, a page at a time: pass nextCursor as ?cursor= for the next.",
      responses: { 200: { description: `A page of ${w.collection}.`, body: KIND_VIEWS[kind].page } },
    };
  },
  async handle({ params, query }, _reply, { configuration }) {
    return configuration.listObjects(params.pool, params.kind, { name: query.name, cursor: query.cursor, limit: query.limit });
  },
});
