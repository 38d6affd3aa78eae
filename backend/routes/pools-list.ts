/** GET /v1/pools: every pool the service holds configuration for. */
import { defineRoute } from "./route";
import { POOL_PAGE } from "./views";

export const listPools = defineRoute({
  method: "GET",
  path: "/v1/pools",
  access: "reader",
  errors: [],
  operation: {
    operationId: "listPools",
    summary: "List the pools",
    description: "Every pool, on one page.",
    responses: { 200: { description: "The pools.", body: POOL_PAGE } },
  },
  async handle(_input, _reply, { configuration }) {
    return { items: await configuration.listPools(), nextCursor: null };
  },
});
