/**
 * Requests per token: a token bucket each, refilled at a steady rate, kept under the token's
 * digest (never the token). Registered after auth, so only known tokens have a bucket; unknown
 * ones are throttled by address in auth.ts.
 */
import type { FastifyInstance } from "fastify";
import { RgsError } from "../../sdk/errors";

export interface RateLimit {
  /** Requests per second each token may make, sustained. */
  perSecond: number;
  /** Requests a token may make at once. */
  burst: number;
}

const MAX_RATE = 100_000;
const MAX_BURST = 1_000_000;

/** RGS_RATE_LIMIT: "<rate>" or "<rate>/<burst>" (burst defaults to twice the rate). */
export function parseRateLimit(value: string): RateLimit {
  const m = /^(\d{1,9})(?:\/(\d{1,9}))?$/.exec(value.trim());
  const perSecond = Number(m?.[1]);
  const burst = m?.[2] === undefined ? perSecond * 2 : Number(m[2]);
  if (!m || perSecond < 1 || perSecond > MAX_RATE || burst < 1 || burst > MAX_BURST) {
    const why = m && burst < 1 ? ": a burst below 1 would refuse every request" : "";
    throw new Error(
      `RGS_RATE_LIMIT must be "<rate>" or "<rate>/<burst>" in requests per second, a rate from 1 to ${MAX_RATE} and a burst from 1 to ${MAX_BURST} (got '${value}'${why})`,
    );
  }
  return { perSecond, burst };
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
