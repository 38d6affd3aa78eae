/** GET /v1/pools/{pool}/settings: the pool's service settings (Get-CsRgsConfiguration). */
import { PoolParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER } from "./headers";
import { SETTINGS } from "./views";

export const getSettings = defineRoute({
  method: "GET",
  path: "/v1/pools/{pool}/settings",
  access: "reader",
  params: PoolParams,
  errors: ["not_found"],
  operation: {
    operationId: "getSettings",
    summary: "Get the pool's settings (Get-CsRgsConfiguration)",
    responses: { 200: { description: "The settings, with their version as ETag.", body: SETTINGS, headers: { ETag: ETAG_HEADER } } },
  },
  async handle({ params }, reply, { configuration }) {
    const s = await configuration.getSettings(params.pool);
    return reply.header("etag", `"${s.etag}"`).send(s);
  },
});
