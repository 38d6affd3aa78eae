/**
 * Masking the database password wherever a URL is printed, in every form the `pg` driver takes.
 * For each form that pg-connection-string parses, the password the driver would send appears
 * nowhere in the masked text; the rest of the URL stays readable.
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { maskUrl, redactPassword } from "../../backend/store/mask-url";

// The parser of the pg this service runs with, not some other copy.
const { parse } = createRequire(require.resolve("pg"))("pg-connection-string") as typeof import("pg-connection-string");

const S = "s3cr3tpw";

// [what, url, masked, the secret texts that must not remain]
const CASES: [string, string, string, string[]][] = [
  ["postgres://", `postgres://rgs:${S}@db01.contoso.com:5432/rgs`, "postgres://rgs:***@db01.contoso.com:5432/rgs", [S]],
  ["postgresql://", `postgresql://rgs:${S}@db01.contoso.com/rgs`, "postgresql://rgs:***@db01.contoso.com/rgs", [S]],
  ["a password with /", `postgres://rgs:ab/${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S, "ab/"]],
  ["a password with /, percent-encoded", `postgres://rgs:ab%2F${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a password with @", `postgres://rgs:ab@${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S, "ab@"]],
  ["a password with @, percent-encoded", `postgres://rgs:ab%40${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a password with :", `postgres://rgs:ab:${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a password with #", `postgres://rgs:ab#${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a password with #, percent-encoded", `postgres://rgs:ab%23${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a password with ?", `postgres://rgs:ab?${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a password of nothing but :", "postgres://rgs::::@db01/rgs", "postgres://rgs:***@db01/rgs", [":::"]],
  ["?password=", `postgres://rgs@db01/rgs?password=${S}`, "postgres://rgs@db01/rgs?password=***", [S]],
  ["?password= after other parameters", `postgres://db01/rgs?user=rgs&sslmode=disable&password=${S}`, "postgres://db01/rgs?user=rgs&sslmode=disable&password=***", [S]],
  ["?password= before other parameters", `postgres://db01/rgs?password=${S}&user=rgs`, "postgres://db01/rgs?password=***&user=rgs", [S]],
  ["?password= holding & and #", `postgres://db01/rgs?password=Zq&b#${S}&user=rgs`, "postgres://db01/rgs?password=***&user=rgs", [S, "Zq&b"]],
  ["?password= with an encoded name", `postgres://db01/rgs?pass%77ord=${S}`, "postgres://db01/rgs?pass%77ord=***", [S]],
  ["?password= twice", `postgres://db01/rgs?password=x${S}&password=${S}y`, "postgres://db01/rgs?password=***&password=***", [S]],
  ["?sslpassword=", `postgres://rgs@db01/rgs?sslmode=require&sslpassword=${S}`, "postgres://rgs@db01/rgs?sslmode=require&sslpassword=***", [S]],
  ["both user info and ?password=", `postgres://rgs:${S}1@db01/rgs?password=${S}2`, "postgres://rgs:***@db01/rgs?password=***", [S]],
  ["socket://", `socket://rgs:${S}@/var/run/postgresql?db=rgs`, "socket://rgs:***@/var/run/postgresql?db=rgs", [S]],
  ["socket:// with ?password=", `socket:///var/run/postgresql?db=rgs&password=${S}`, "socket:///var/run/postgresql?db=rgs&password=***", [S]],
  ["a socket directory as host", `postgres:///rgs?host=/var/run/postgresql&password=${S}`, "postgres:///rgs?host=/var/run/postgresql&password=***", [S]],
  ["an encoded socket directory", `postgres://rgs:${S}@%2Fvar%2Frun%2Fpostgresql/rgs`, "postgres://rgs:***@%2Fvar%2Frun%2Fpostgresql/rgs", [S]],
  ["an empty host", `postgres://rgs:${S}@/rgs`, "postgres://rgs:***@/rgs", [S]],
  ["an IPv6 host", `postgres://rgs:${S}@[::1]:5432/rgs`, "postgres://rgs:***@[::1]:5432/rgs", [S]],
  ["a port new URL refuses", `postgres://rgs:${S}@db01:port/rgs`, "postgres://rgs:***@db01:port/rgs", [S]],
  ["spaces", `postgres://rgs:a b ${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["a bad percent escape", `postgres://rgs:%zz${S}@db01/rgs`, "postgres://rgs:***@db01/rgs", [S]],
  ["another scheme", `mysql://root:${S}@db/rgs`, "mysql://root:***@db/rgs", [S]],
  ["the keyword form", `host=db01 user=rgs password=${S} dbname=rgs`, "host=db01 user=rgs password=*** dbname=rgs", [S]],
  ["the keyword form, quoted", `host=db01 password='a b ${S}' dbname=rgs`, "host=db01 password=*** dbname=rgs", [S]],
  ["a socket path", "/var/run/postgresql rgs", "/var/run/postgresql rgs", []],
];

// Forms without a password: nothing to mask, so nothing changes.
const UNCHANGED = [
  "postgres://db01.contoso.com:5432/rgs",
  "postgres://rgs@db01.contoso.com/rgs",
  "postgres://rgs@[::1]:5432/rgs",
  "postgres://db01/rgs?sslmode=require&user=rgs",
  "postgres:///rgs?host=/var/run/postgresql",
  "socket:///var/run/postgresql?db=rgs",
];

describe("maskUrl", () => {
  it.each(CASES)("masks %s", (_what, url, masked, secrets) => {
    const out = maskUrl(url);
    expect(out).toBe(masked);
    for (const s of secrets) expect(out).not.toContain(s);
  });

  it.each(CASES.filter(([, url]) => parses(url)))("leaves nothing of the password pg reads from %s", (_what, url) => {
    const { password, sslpassword } = parse(url) as { password?: string; sslpassword?: string };
    const out = maskUrl(url);
    for (const p of [password, sslpassword]) if (p) expect(out).not.toContain(p);
    const reparsed = parse(out) as { password?: string; host?: string | null };
    expect(reparsed.host).toBe(parse(url).host);
  });

  it.each(UNCHANGED)("leaves %s as it is", (url) => {
    expect(maskUrl(url)).toBe(url);
  });
});

describe("redactPassword", () => {
  it("takes the password and its pieces out of a driver's message", () => {
    const url = `postgres://rgs:5432/${S}@db01/rgs`;
    expect(redactPassword(`database "${S}@db01/rgs" does not exist`, url)).toBe('database "***@db01/rgs" does not exist');
    expect(redactPassword(`getaddrinfo ENOTFOUND rgs`, url)).toBe("getaddrinfo ENOTFOUND rgs");
    expect(redactPassword(`bad ${S}`, `postgres://db01/rgs?password=${encodeURIComponent(`#${S}`)}`)).toBe("bad ***");
  });
});

function parses(url: string): boolean {
  try {
    parse(url);
    return true;
  } catch {
    return false;
  }
}
