/** PUT /v1/pools/{pool}/settings: replaces the pool's settings whole (Set-CsRgsConfiguration). */
import { z } from "zod";
import { IfMatch, PoolParams } from "./parameters";
import { defineRoute } from "./route";
import { ETAG_HEADER } from "./headers";
import { SETTINGS, SETTINGS_INPUT } from "./views";

export const putSettings = defineRoute({
  method: "PUT",
  path: "/v1/pools/{pool}/settings",
  access: "admin",
  params: PoolParams,
  headers: z.object({ "If-Match": IfMatch.optional() }),
  errors: ["validation_failed", "not_found", "etag_mismatch"],
  operation: {
    operationId: "putSettings",
    summary: "Replace the pool's settings (Set-CsRgsConfiguration)",
    description: "A setting left out takes its default. With If-Match, only if the settings are still at that version.",
    requestBody: SETTINGS_INPUT,
    responses: { 200: { description: "The settings as stored, with their new version as ETag.", body: SETTINGS, headers: { ETag: ETAG_HEADER } } },
  },
  async handle({ params, headers, body }, reply, { configuration }) {
    const s = await configuration.putSettings(params.pool, body, headers["If-Match"]);
    return reply.header("etag", `"${s.etag}"`).send(s);
  },
});
