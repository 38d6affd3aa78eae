/**
 * What a route declares: its method and path, who may call it, the schemas of its path, query
 * string and headers, what it answers, and its handler. The app validates each request with the
 * route's schemas before the handler runs; the OpenAPI document is written from the same
 * declarations (backend/openapi.ts).
 */
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import { RgsError, type FieldProblem, type ServiceErrorCode } from "../../sdk/errors";
import { preview } from "../../sdk/model/index";
import type { KindName } from "../../sdk/model/kind";
import type { Configuration } from "../configuration";
import type { Access } from "../plugins/auth";

/** A schema the document lists under components/schemas by `id`. */
export interface Named {
  id: string;
  schema: z.ZodType;
}

/** A body of bytes, not JSON, in one of these content types. */
export interface RawBody {
  contentTypes: readonly string[];
  description: string;
}

export interface ResponseDoc {
  description: string;
  body?: Named;
  /** An answer of bytes in place of JSON. */
  raw?: RawBody;
  headers?: Record<string, { description: string; schema: z.ZodType }>;
}

/** The route as the OpenAPI document tells it. */
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  /** What the body must be; the service validates it with the same schema. Bytes for a RawBody. */
  requestBody?: Named | RawBody;
  /** Answers other than errors, by status. */
  responses: Record<number, ResponseDoc>;
}

export interface RouteContext {
  configuration: Configuration;
  /** The service's OpenAPI document. */
  openApi(): Record<string, unknown>;
}

export interface RouteInput<P extends z.ZodObject, Q extends z.ZodObject, H extends z.ZodObject> {
  params: z.output<P>;
  query: z.output<Q>;
  /** Header values under the names the schema gives them (`Idempotency-Key`). */
  headers: z.output<H>;
  body: unknown;
  /** The body's Content-Type, as sent. */
  contentType: string | undefined;
  /** See FastifyRequest.tokenScope; null on public routes. */
  tokenScope: string | null;
}

const NONE = z.object({});
type None = typeof NONE;

export interface Route<P extends z.ZodObject = None, Q extends z.ZodObject = None, H extends z.ZodObject = None> {
  method: "GET" | "PUT" | "POST" | "DELETE";
  /** As OpenAPI writes it: `/v1/pools/{pool}/settings`. */
  path: string;
  access: Access;
  params: P;
  query: Q;
  headers: H;
  /** Error codes of this route's own, besides those of its access and body (see openapi.ts). */
  errors: readonly ServiceErrorCode[];
  /** Largest body in bytes, where it differs from the service's. */
  bodyLimit?: number;
  /**
   * The route takes its body as bytes of these content types, and only those (anything else is
   * 415 before the body is read); the other routes take JSON.
   */
  bytes?: { contentTypes: readonly string[]; refusal(contentType: string | undefined): RgsError };
  /** One operation, or one per kind for the routes of `/v1/pools/{pool}/{kind}`. */
  operation: Operation | ((kind: KindName) => Operation);
  handle(input: RouteInput<P, Q, H>, reply: FastifyReply, ctx: RouteContext): Promise<unknown>;
}

/** A route with the request parts it takes nothing from left out. */
export function defineRoute<P extends z.ZodObject = None, Q extends z.ZodObject = None, H extends z.ZodObject = None>(
  route: Omit<Route<P, Q, H>, "params" | "query" | "headers"> & Partial<Pick<Route<P, Q, H>, "params" | "query" | "headers">>,
): Route<P, Q, H> {
  return { ...route, params: route.params ?? (NONE as P), query: route.query ?? (NONE as Q), headers: route.headers ?? (NONE as H) };
}

// Route is invariant in its schemas through handle(); a list of routes holds them all alike.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRoute = Route<any, any, any>;

export function registerRoute(app: FastifyInstance, route: AnyRoute, ctx: RouteContext): void {
  const bytes = route.bytes;
  if (bytes === undefined) return addRoute(app, route, ctx);
  // A scope of its own, so no other route takes bytes.
  app.register(async (scope) => {
    for (const type of bytes.contentTypes) scope.addContentTypeParser(type, { parseAs: "buffer" }, (_req, body, done) => done(null, body));
    scope.addHook("onRequest", async (req) => {
      const type = req.headers["content-type"]?.split(";")[0].trim().toLowerCase();
      if (type === undefined || !bytes.contentTypes.includes(type)) throw bytes.refusal(req.headers["content-type"]);
    });
    addRoute(scope, route, ctx);
  });
}

function addRoute(app: FastifyInstance, route: AnyRoute, ctx: RouteContext): void {
  app.route({
    method: route.method,
    url: route.path.replace(/\{(\w+)\}/g, ":$1"),
    config: { access: route.access },
    ...(route.bodyLimit !== undefined ? { bodyLimit: route.bodyLimit } : {}),
    // Parsed here, not by a Fastify validator compiler, which would put what the schema keeps in
    // place of req.headers.
    handler: async (req, reply) => {
      const input: RouteInput<z.ZodObject, z.ZodObject, z.ZodObject> = {
        params: parseParams(route.params, req.params),
        query: parsePart("query", route.query, req.query),
        headers: parsePart("headers", route.headers, req.headers),
        body: req.body,
        contentType: req.headers["content-type"],
        tokenScope: req.tokenScope,
      };
      return route.handle(input, reply, ctx);
    },
  });
}

/** The path's parameters; a path that does not parse names nothing this service has: 404. */
function parseParams(schema: z.ZodObject, raw: unknown): Record<string, unknown> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw new RgsError("not_found", parsed.error.issues[0].message);
  return parsed.data as Record<string, unknown>;
}

/**
 * The query string or the headers, parsed with the route's schema. Only the names the schema
 * declares are read; a name given twice (`?name=a&name=b`) is refused, not half-read.
 */
function parsePart(part: "query" | "headers", schema: z.ZodObject, raw: unknown): Record<string, unknown> {
  const source = (raw ?? {}) as Record<string, unknown>;
  const given: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  for (const name of Object.keys(schema.shape)) {
    const key = part === "headers" ? name.toLowerCase() : name;
    if (!Object.hasOwn(source, key)) continue;
    const value = source[key];
    if (Array.isArray(value)) problems.push({ path: name, message: "appears more than once" });
    else given[name] = value;
  }
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const value = given[String(issue.path[0])];
      problems.push({ path: issue.path.join("."), message: value === undefined ? issue.message : `${issue.message} (got ${preview(value)})` });
    }
  }
  if (problems.length === 0) return parsed.data as Record<string, unknown>;
  const where = part === "query" ? "the query string is not valid" : "the headers are not valid";
  throw new RgsError("validation_failed", `${where}: ${problems.map((p) => `${p.path} ${p.message}`).join("; ")}`, { details: problems });
}
