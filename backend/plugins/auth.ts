/**
 * Bearer tokens: who is calling (on request) and whether their role may do what the route does
 * (once the body is read, so a malformed body is still answered 400 whoever sends it).
 */
import type { FastifyInstance } from "fastify";
import { RgsError } from "../../sdk/errors";
import { allows, roleOfDigest, tokenDigest, type Role, type TokenEntry } from "../auth";

/** What a route asks of its caller: a token of at least that role, or none at all. */
export type Access = Role | "public";

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

export function registerAuth(app: FastifyInstance, tokens: readonly TokenEntry[]): void {
  app.decorateRequest("role", null);
  app.decorateRequest("tokenScope", null);

  app.addHook("onRequest", async (req) => {
    if (req.routeOptions.config.access === "public") return;
    const header = req.headers.authorization;
    const m = typeof header === "string" ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!m) throw new RgsError("unauthorized", "send Authorization: Bearer <token>");
    const digest = tokenDigest(m[1]);
    const role = roleOfDigest(tokens, digest);
    if (!role) throw new RgsError("unauthorized", "the bearer token is not one this service knows");
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
