/**
 * Bearer tokens and their roles: admin (pools, settings, everything), operator (objects), reader (GET).
 */
import { hash, timingSafeEqual } from "node:crypto";

export const ROLES = ["reader", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

export interface TokenEntry {
  digest: Buffer;
  role: Role;
}

/** Tokens shorter than this could be guessed, however slowly failures are let through. */
export const MIN_TOKEN_LENGTH = 32;

/** Tokens as RGS_TOKENS writes them: "<token>:<role>,<token>:<role>". */
export function parseTokens(spec: string): TokenEntry[] {
  const entries: TokenEntry[] = [];
  spec
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .forEach((item, i) => {
      const at = item.lastIndexOf(":");
      const token = at > 0 ? item.slice(0, at) : "";
      const role = at > 0 ? item.slice(at + 1) : "";
      if (!(ROLES as readonly string[]).includes(role)) {
        // The token itself is never echoed, only its position.
        throw new Error(`RGS_TOKENS entry ${i + 1} must be <token>:<role> with role one of ${ROLES.join(", ")}`);
      }
      entries.push(tokenEntry(token, role as Role, `RGS_TOKENS entry ${i + 1}`));
    });
  if (entries.length === 0) throw new Error("RGS_TOKENS lists no token");
  return entries;
}

/** One token and its role; `where` says where it came from, for the message (never the token). */
export function tokenEntry(token: string, role: Role, where: string): TokenEntry {
  if (/\s/.test(token)) throw new Error(`${where} (${role}): a token cannot hold spaces`);
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(`${where} (${role}): a token must be at least ${MIN_TOKEN_LENGTH} characters, since a shorter one can be guessed; generate one with: openssl rand -base64 32`);
  }
  return { digest: tokenDigest(token), role };
}

/** The SHA-256 of a token: what the service keeps and compares instead of the token. */
export function tokenDigest(token: string): Buffer {
  // The one-shot form: a Hash object per request costs more than the hashing.
  return hash("sha256", token, "buffer");
}

/** The role of a presented token, comparing against every entry in constant time. */
export function roleOf(entries: readonly TokenEntry[], presented: string): Role | undefined {
  return roleOfDigest(entries, tokenDigest(presented));
}

/** The role of a presented token's digest (see tokenDigest), compared against every entry in constant time. */
export function roleOfDigest(entries: readonly TokenEntry[], d: Buffer): Role | undefined {
  let found: Role | undefined;
  for (const e of entries) {
    if (timingSafeEqual(d, e.digest) && found === undefined) found = e.role;
  }
  return found;
}

export function allows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}
