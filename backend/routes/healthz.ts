/** GET /healthz: whether the service can reach its configuration, for load balancers; no token. */
import { RgsError } from "../../sdk/errors";
import { defineRoute } from "./route";
import { HEALTH } from "./views";

export const healthz = defineRoute({
  method: "GET",
  path: "/healthz",
  access: "public",
  errors: ["unavailable"],
  operation: {
    operationId: "getHealth",
    summary: "Whether the service reaches its store",
    description: "200 while the store answers, 503 unavailable otherwise. Needs no token.",
    responses: { 200: { description: "The store answers.", body: HEALTH } },
  },
  async handle(_input, _reply, { configuration }) {
    if (await configuration.ping()) return { status: "ok" };
    throw new RgsError("unavailable", "the store does not answer; the service cannot read or write configuration", { retryAfterSeconds: 5 });
  },
});
