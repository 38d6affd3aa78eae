/** PUT /v1/pools/{pool}: provisions a pool with default settings; an existing one is left as it is. */
import { PoolParams } from "./parameters";
import { defineRoute } from "./route";
import { POOL } from "./views";

export const putPool = defineRoute({
  method: "PUT",
  path: "/v1/pools/{pool}",
  access: "admin",
  params: PoolParams,
  errors: ["validation_failed"],
  operation: {
    operationId: "putPool",
    summary: "Provision a pool",
    description: "Idempotent: a pool that exists already is answered as it is, with 200. The FQDN is kept in lower case.",
    responses: {
      200: { description: "The pool existed already.", body: POOL },
      201: { description: "The pool is provisioned, with default settings.", body: POOL },
    },
  },
  async handle({ params }, reply, { configuration }) {
    const { created, pool } = await configuration.putPool(params.pool);
    return reply.status(created ? 201 : 200).send(pool);
  },
});
