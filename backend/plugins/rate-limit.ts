/**
 * Requests per token: a token bucket each, refilled at a steady rate. Registered after auth, so
 * only known tokens have a bucket.
 */
import type { FastifyInstance } from "fastify";
import { RgsError } from "../../sdk/errors";

export interface RateLimit {
  /** Requests per second each token may make, sustained. */
  perSecond: number;
  /** Requests a token may make at once. */
  burst: number;
}

export function registerRateLimit(app: FastifyInstance, limit: RateLimit): void {
  const wait = tokenBuckets(limit);
  app.addHook("onRequest", async (req, reply) => {
    if (req.tokenScope === null) return;
    const seconds = wait(req.tokenScope);
    if (seconds > 0) {
      const retry = Math.ceil(seconds);
      reply.header("retry-after", String(retry));
      throw new RgsError("rate_limited", `too many requests for this token; retry in ${retry} s`, { retryAfterSeconds: retry });
    }
  });
}

/** A token bucket per key; answers how many seconds to wait, 0 to go ahead. */
function tokenBuckets(limit: RateLimit): (key: string) => number {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (key) => {
    const now = Date.now() / 1000;
    const b = buckets.get(key) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + (now - b.at) * limit.perSecond);
    b.at = now;
    buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / limit.perSecond;
  };
}
