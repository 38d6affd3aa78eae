/**
 * A database URL with its password replaced by ***, for logs and messages, in every form the `pg`
 * driver (pg-connection-string) takes: the password in the user info, in `?password=` or
 * `?sslpassword=`, socket URLs, and strings `new URL` cannot parse. Where the form is unclear,
 * more is masked rather than less.
 */

const MASK = "***";

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

export function maskUrl(url: string): string {
  const scheme = SCHEME.exec(url)?.[0];
  if (scheme === undefined) return maskQuery(maskUserInfo(maskKeywords(url)));
  return scheme + maskQuery(maskUserInfo(url.slice(scheme.length)));
}

/**
 * Where the password of the user info is in what follows `scheme://`: from the first `:` to the
 * last `@` before the query, since passwords may hold `@`, `/`, `:` or `#` without
 * percent-encoding and the driver still reads the last `@` as the end of them.
 */
function userInfoPassword(rest: string): { start: number; end: number } | undefined {
  const first = rest.indexOf("@");
  if (first < 0) return undefined;
  const query = rest.indexOf("?", first);
  const at = rest.lastIndexOf("@", query < 0 ? rest.length : query);
  const colon = rest.indexOf(":");
  return colon < 0 || colon > at ? undefined : { start: colon + 1, end: at };
}

function maskUserInfo(rest: string): string {
  const p = userInfoPassword(rest);
  return p === undefined ? rest : `${rest.slice(0, p.start)}${MASK}${rest.slice(p.end)}`;
}

// A parameter's value runs to the next `&name=`, so a password holding `&`, `#` or `=` is masked whole.
const PARAMETER = /([?&;])([^&=]*)=(.*?)(?=&[^&=]*=|$)/gs;

function maskQuery(text: string): string {
  return text.replace(PARAMETER, (whole, sep: string, name: string) => (isPasswordName(name) ? `${sep}${name}=${MASK}` : whole));
}

const KEYWORD = /(^|\s)([^\s=]+)\s*=\s*('(?:[^'\\]|\\.)*'?|\S*)/g;

/** `host=… password=…`, libpq's keyword form, where values end at a space unless quoted. */
function maskKeywords(text: string): string {
  return text.replace(KEYWORD, (whole, lead: string, name: string) =>
    isPasswordName(name) ? `${lead}${name}=${MASK}` : whole,
  );
}

/** The driver decodes parameter names, so `pass%77ord` is `password` to it. */
function isPasswordName(name: string): boolean {
  return /password|passwd/i.test(safeDecode(name.replace(/\+/g, " ")));
}

/**
 * `text` (a driver's error message, say) with the password of `url` replaced by ***, and the
 * pieces of it a misread URL may have turned into a host, port or database name.
 */
export function redactPassword(text: string, url: string): string {
  const secrets = new Set<string>();
  for (const password of passwordsOf(url)) {
    for (const form of [password, safeDecode(password)]) {
      secrets.add(form);
      for (const piece of form.split(/[/#?@:&=]/)) if (piece.length >= 3) secrets.add(piece);
    }
  }
  let out = text;
  for (const s of [...secrets].filter((x) => x.length > 0).sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  return out;
}

/** The texts maskUrl replaces, as written in `url`. */
function passwordsOf(url: string): string[] {
  const found: string[] = [];
  const rest = url.slice(SCHEME.exec(url)?.[0].length ?? 0);
  const p = userInfoPassword(rest);
  if (p !== undefined) found.push(rest.slice(p.start, p.end));
  for (const m of url.matchAll(PARAMETER)) if (isPasswordName(m[2])) found.push(m[3]);
  for (const m of url.matchAll(KEYWORD)) if (isPasswordName(m[2])) found.push(m[3].replace(/^'|'$/g, ""));
  return found;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
