/**
 * Bearer tokens: who is calling (on request) and whether their role may do what the route does
 * (once the body is read, so a malformed body is still answered 400 whoever sends it). An address
 * that keeps presenting tokens the service does not know is refused for a while, whatever it
 * sends then, so tokens cannot be guessed at the rate the service answers.
 */
import { isIPv6 } from "node:net";
import type { FastifyInstance } from "fastify";
import { RgsError } from "../../sdk/errors";
import { allows, roleOfDigest, tokenDigest, type Role, type TokenEntry } from "../auth";

/** What a route asks of its caller: a token of at least that role, or none at all. */
export type Access = Role | "public";

/** Failed authentications one client address may make in a window before it is refused; "off" for none. */
export type AuthFailureLimit = { failures: number; windowSeconds: number } | "off";

export const DEFAULT_AUTH_FAILURE_LIMIT: AuthFailureLimit = { failures: 20, windowSeconds: 60 };

const MAX_FAILURES = 100_000;
const MAX_WINDOW_SECONDS = 86_400;

/**
 * RGS_AUTH_FAILURE_LIMIT: "<failures>/<seconds>" (default "20/60"), or "off" where every client
 * reaches the service through one address (a proxy) and one guesser would lock all of them out.
 */
export function parseAuthFailureLimit(value: string | undefined): AuthFailureLimit {
  if (value === undefined || value.trim() === "") return DEFAULT_AUTH_FAILURE_LIMIT;
  if (value.trim() === "off") return "off";
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(value.trim());
  const failures = Number(m?.[1]);
  const windowSeconds = Number(m?.[2]);
  if (!m || failures < 1 || failures > MAX_FAILURES || windowSeconds < 1 || windowSeconds > MAX_WINDOW_SECONDS) {
    throw new Error(
      `RGS_AUTH_FAILURE_LIMIT must be "<failures>/<seconds>" with failures from 1 to ${MAX_FAILURES} and seconds from 1 to ${MAX_WINDOW_SECONDS}, or "off" (got '${value}'; default "20/60")`,
    );
  }
  return { failures, windowSeconds };
}

declare module "fastify" {
  interface FastifyRequest {
    role: Role | null;
    /**
     * The SHA-256 of the caller's token, hex: keeps one caller's Idempotency-Keys and rate apart
     * from another's without keeping the token.
     */
    tokenScope: string | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** `failureLimit` is what `rgs serve` read from RGS_AUTH_FAILURE_LIMIT, or the default. */
export function registerAuth(
  app: FastifyInstance,
  tokens: readonly TokenEntry[],
  failureLimit: AuthFailureLimit = DEFAULT_AUTH_FAILURE_LIMIT,
): void {
  app.decorateRequest("role", null);
  app.decorateRequest("tokenScope", null);
  const failures = failureLimit === "off" ? undefined : failureWindows(failureLimit);

  app.addHook("onRequest", async (req, reply) => {
    if (req.routeOptions.config.access === "public") return;
    // A socket already closed by its client has no address left; such requests share one entry.
    const client = clientOf(req.ip ?? req.socket?.remoteAddress ?? "");
    const wait = failures?.wait(client) ?? 0;
    if (wait > 0) {
      reply.header("retry-after", String(wait));
      throw new RgsError("rate_limited", `too many failed authentications from this address; retry in ${wait} s`, { retryAfterSeconds: wait });
    }
    const header = req.headers.authorization;
    const m = typeof header === "string" ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!m) {
      failures?.fail(client);
      throw new RgsError("unauthorized", "send Authorization: Bearer <token>");
    }
    const digest = tokenDigest(m[1]);
    const role = roleOfDigest(tokens, digest);
    if (!role) {
      failures?.fail(client);
      throw new RgsError("unauthorized", "the bearer token is not one this service knows");
    }
    req.role = role;
    req.tokenScope = digest.toString("hex");
  });

  app.addHook("preValidation", async (req) => {
    const needed = req.routeOptions.config.access;
    if (needed === undefined || needed === "public") return;
    if (!req.role || !allows(req.role, needed)) {
      throw new RgsError("forbidden", `this token's role (${req.role}) cannot do that; it needs ${needed}`);
    }
  });
}

/**
 * Whom failures are counted against: an IPv4 address, or the /64 an IPv6 address is in, since
 * one IPv6 host is routinely given a /64 and could otherwise guess from every address in it.
 */
export function clientOf(ip: string | undefined): string {
  const address = (ip ?? "").replace(/%.*$/, "");
  if (!isIPv6(address)) return address;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups = [...headGroups, ...Array(8 - headGroups.length - tailGroups.length).fill("0"), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}

// Addresses remembered at most; past it, those whose failures have all expired are forgotten.
const MAX_ADDRESSES = 10_000;

/**
 * The times of each address's last `failures` failures. An address is refused while all of them
 * fall within the window; a success does not wipe them, or one known token would reset the count
 * for guessing another.
 */
function failureWindows(limit: { failures: number; windowSeconds: number }) {
  const windowMs = limit.windowSeconds * 1000;
  const byAddress = new Map<string, number[]>();
  const forgetExpired = (now: number) => {
    for (const [address, times] of byAddress) if (now - times[times.length - 1] >= windowMs) byAddress.delete(address);
  };
  return {
    /** Seconds `address` must wait, 0 when it may try. */
    wait(address: string): number {
      const times = byAddress.get(address);
      if (times === undefined || times.length < limit.failures) return 0;
      const left = times[0] + windowMs - Date.now();
      return left > 0 ? Math.ceil(left / 1000) : 0;
    },
    fail(address: string): void {
      const now = Date.now();
      const times = byAddress.get(address) ?? [];
      times.push(now);
      if (times.length > limit.failures) times.shift();
      byAddress.set(address, times);
      if (byAddress.size > MAX_ADDRESSES) forgetExpired(now);
    },
  };
}
