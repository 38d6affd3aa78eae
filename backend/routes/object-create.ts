/** POST /v1/pools/{pool}/{kind}: creates an object (New-CsRgs*); safe to retry with an Idempotency-Key. */
import { z } from "zod";
import { aLabel } from "../../sdk/model/index";
import { CollectionParams, IdempotencyKey } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER, LOCATION_HEADER, REPLAYED_HEADER } from "./headers";
import { KIND_VIEWS, kindWords } from "./views";

export const createObject = defineRoute({
  method: "POST",
  path: "/v1/pools/{pool}/{kind}",
  access: "operator",
  params: CollectionParams,
  headers: z.object({ "Idempotency-Key": IdempotencyKey.optional() }),
  errors: ["validation_failed", "not_found", "name_conflict", "uri_conflict", "in_use", "reference_not_found", "idempotency_key_reused"],
  operation: (kind) => {
    const w = kindWords(kind);
    return {
      operationId: `create${w.typeName}`,
      summary: `Create ${aLabel(kind)} (New-${w.noun})`,
      description: "The service assigns the id; defaults are filled in and answered.",
      requestBody: KIND_VIEWS[kind].input,
      responses: {
        201: {
          description: `The ${w.label} as stored, with its version as ETag.`,
          body: KIND_VIEWS[kind].object,
          headers: { ETag: ETAG_HEADER, Location: LOCATION_HEADER, "Idempotent-Replayed": REPLAYED_HEADER },
        },
      },
    };
  },
  async handle({ params, headers, body, tokenScope }, reply, { configuration }) {
    const { pool, kind } = params;
    const r = await configuration.createObject(pool, kind, body, headers["Idempotency-Key"], tokenScope ?? undefined);
    if (r.replayed) reply.header("idempotent-replayed", "true");
    return reply
      .status(r.status)
      .header("etag", `"${r.body.etag}"`)
      .header("location", `/v1/pools/${pool}/${kind}/${r.body.id}`)
      .send(r.body);
  },
});
