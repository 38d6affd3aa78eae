/**
 * Shutting down without cutting anyone off: new requests are refused with 503 and Retry-After,
 * those in flight finish, and every answer closes its connection.
 */
import type { FastifyInstance } from "fastify";
import { RgsError } from "../../sdk/errors";

export interface Drain {
  /**
   * Refuses new requests, lets those in flight finish, then stops listening. Connections still
   * open after `timeoutMs` (a client that never finishes its request) are cut.
   */
  (timeoutMs?: number): Promise<void>;
}

/** Registered first, so a draining service refuses before it authenticates. */
export function registerDrain(app: FastifyInstance): Drain {
  let draining = false;

  app.addHook("onRequest", async () => {
    if (!draining) return;
    throw new RgsError("unavailable", "the service is shutting down; retry against another instance or after it restarts", { retryAfterSeconds: 5 });
  });

  // A kept-alive connection would hold close() open until its idle timeout.
  app.addHook("onSend", async (_req, reply, payload) => {
    if (draining) reply.header("connection", "close");
    return payload;
  });

  return async (timeoutMs = 10_000) => {
    draining = true;
    const deadline = setTimeout(() => app.server.closeAllConnections(), timeoutMs);
    try {
      await app.close();
    } finally {
      clearTimeout(deadline);
    }
  };
}
