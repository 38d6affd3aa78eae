/**
 * Bearer tokens: parsing RGS_TOKENS without echoing a token, and the role lookup that compares
 * against every configured token in constant time.
 */
import { timingSafeEqual } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { allows, parseTokens, roleOf } from "../../backend/auth";

// Counts the constant-time comparisons auth.ts makes, still comparing for real.
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});

const SPEC = "tok-admin-0123456789abcdefghijklmn:admin,tok-oper-0123456789abcdefghijklmno:operator,tok-read-0123456789abcdefghijklmno:reader";

describe("parseTokens", () => {
  it.each([
    ["a role that does not exist", "tok-secret-aaaa:superuser", /entry 1 must be <token>:<role> with role one of reader, operator, admin/],
    ["a token without a role", "tok-secret-aaaa", /entry 1 must be <token>:<role>/],
    ["a short token", "tok-read-0123456789abcdefghijklmno:reader,tiny:admin", /entry 2 \(admin\): a token must be at least 32 characters, since a shorter one can be guessed/],
    ["a token of 31 characters", `${"s".repeat(31)}:operator`, /entry 1 \(operator\): a token must be at least 32 characters/],
    ["a token with a space", `tok-secret-0123456789 abcdefghijklmnop:reader`, /entry 1 \(reader\): a token cannot hold spaces/],
    ["nothing", " , ", /lists no token/],
  ])("refuses %s without repeating the token", (_what, spec, message) => {
    let error: Error | undefined;
    try {
      parseTokens(spec);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toMatch(/secret|tiny|sss/);
  });

  it("takes a token of 32 characters", () => {
    expect(parseTokens(`${"t".repeat(32)}:reader`).map((e) => e.role)).toEqual(["reader"]);
  });

  it("keeps digests, not the tokens", () => {
    const entries = parseTokens(SPEC);
    expect(entries.map((e) => e.role)).toEqual(["admin", "operator", "reader"]);
    expect(JSON.stringify(entries)).not.toMatch(/tok-/);
  });
});

describe("roleOf", () => {
  const entries = parseTokens(SPEC);

  it.each([
    ["tok-admin-0123456789abcdefghijklmn", "admin"],
    ["tok-oper-0123456789abcdefghijklmno", "operator"],
    ["tok-read-0123456789abcdefghijklmno", "reader"],
    ["tok-read-012345678", undefined],
    ["tok-read-0123456789abcdefghijklmno0", undefined],
    ["TOK-READ-0123456789", undefined],
    ["", undefined],
    ["x".repeat(10_000), undefined],
  ])("%s → %s", (token, role) => {
    expect(roleOf(entries, token)).toBe(role);
  });

  it("compares with every entry in constant time, whether or not one matches", () => {
    const spy = vi.mocked(timingSafeEqual);
    for (const token of ["tok-admin-0123456789abcdefghijklmn", "tok-read-0123456789abcdefghijklmno", "nobody", "y".repeat(500)]) {
      spy.mockClear();
      roleOf(entries, token);
      expect(spy).toHaveBeenCalledTimes(entries.length);
    }
  });
});

describe("allows", () => {
  it.each([
    ["admin", "admin", true],
    ["admin", "reader", true],
    ["operator", "operator", true],
    ["operator", "admin", false],
    ["reader", "reader", true],
    ["reader", "operator", false],
  ] as const)("%s for what needs %s: %s", (role, needed, ok) => {
    expect(allows(role, needed)).toBe(ok);
  });
});

describe("the address failed authentications are counted by", () => {
  it.each([
    ["203.0.113.7", "203.0.113.7"],
    ["::ffff:203.0.113.7", "203.0.113.7"],
    ["2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    // A request whose socket its client already closed carries no address.
    [undefined, ""],
  ] as const)("%s counts as %s", async (ip, client) => {
    const { clientOf } = await import("../../backend/plugins/auth");
    expect(clientOf(ip)).toBe(client);
  });
});
