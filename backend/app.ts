/**
 * The HTTP face of the Response Group service (contract: api.md): routes, auth, the error
 * envelope and request logs. `buildApp` composes it without listening.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { RgsError, type ErrorEnvelope, type ServiceErrorCode } from "../sdk/errors";
import { isKindName, KINDS } from "../sdk/model/index";
import type { KindName } from "../sdk/model/kind";
import { allows, roleOf, type Role, type TokenEntry } from "./auth";
import { buildOpenApi } from "./openapi";
import { ResponseGroupService } from "./service";
import { type Store, StoreUnavailable } from "./store/store";

export interface RateLimit {
  /** Requests per second each token may make, sustained. */
  perSecond: number;
  /** Requests a token may make at once. */
  burst: number;
}

export interface AppOptions {
  store: Store;
  tokens: readonly TokenEntry[];
  /** Receives one structured entry per request and per unexpected error. */
  log?: (entry: Record<string, unknown>) => void;
  /** Largest request body in bytes. */
  bodyLimit?: number;
  rateLimit?: RateLimit;
  clock?: () => Date;
  /**
   * Serves GET /bench/floor: a constant answer without auth, store or log, the HTTP floor the
   * benchmark measures the routes against. `rgs serve` turns it on only when RGS_BENCH_FLOOR_ROUTE=1.
   */
  floorRoute?: boolean;
}

export interface RgsApp {
  fastify: FastifyInstance;
  service: ResponseGroupService;
  /**
   * Refuses new requests with 503, lets those in flight finish, then stops listening. Connections
   * still open after `timeoutMs` (a client that never finishes its request) are cut.
   */
  drain(timeoutMs?: number): Promise<void>;
}

/** The benchmark's no-op route (see AppOptions.floorRoute). */
export const FLOOR_ROUTE = "/bench/floor";
export const DEFAULT_BODY_LIMIT = 1024 * 1024;
const MAX_PARAM_LENGTH = 512;
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

declare module "fastify" {
  interface FastifyRequest {
    role?: Role;
  }
}

// Lines logged in one turn of the event loop go out in one write: a write per line was about a
// tenth of a GET's time under load. What is pending is written before the process exits.
let pendingLog: string[] = [];
let flushOnExit = false;

function flushLog(): void {
  if (pendingLog.length === 0) return;
  const text = pendingLog.join("");
  pendingLog = [];
  process.stdout.write(text);
}

export function jsonLog(entry: Record<string, unknown>): void {
  if (pendingLog.length === 0) {
    setImmediate(flushLog);
    if (!flushOnExit) {
      flushOnExit = true;
      process.on("exit", flushLog);
    }
  }
  pendingLog.push(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

export function buildApp(options: AppOptions): RgsApp {
  const log = options.log ?? jsonLog;
  const service = new ResponseGroupService(options.store, options.clock);
  const limiter = options.rateLimit ? tokenBuckets(options.rateLimit) : undefined;
  let draining = false;

  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    genReqId: () => randomUUID(),
    onProtoPoisoning: "error",
    onConstructorPoisoning: "error",
    return503OnClosing: false,
    forceCloseConnections: false,
    // A pool FQDN may be 253 characters; the router's default limit of 100 would refuse it.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // Errors the router raises before any route runs still answer in the one envelope.
    frameworkErrors: (error, req, reply) => {
      const e =
        error.code === "FST_ERR_BAD_URL"
          ? new RgsError("validation_failed", "the URL path is not valid percent-encoding", {
              details: [{ path: "", message: "the URL path is not valid percent-encoding" }],
            })
          : error.code === "FST_ERR_MAX_PARAM_LENGTH"
            ? new RgsError("not_found", `no route ${req.method} with a path segment longer than ${MAX_PARAM_LENGTH} characters`)
            : new RgsError("internal", "the service failed to route the request");
      const envelope: ErrorEnvelope = {
        error: { code: e.code as ServiceErrorCode, message: e.message, requestId: req.id, ...(e.details ? { details: e.details } : {}) },
      };
      log({ level: "info", msg: "request", requestId: req.id, method: req.method, status: e.status, error: error.code });
      void (reply as FastifyReply).status(e.status).type("application/json").send(envelope);
    },
    // Requests Node's HTTP parser refuses (a broken request line, headers over its limit, ambiguous
    // framing) never reach Fastify's routing; they too answer in the one envelope.
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code ?? "unknown";
      if (code === "ECONNRESET" || socket.destroyed) return;
      const e =
        code === "HPE_HEADER_OVERFLOW"
          ? new RgsError("payload_too_large", "the request line and headers are larger than the service accepts")
          : new RgsError("validation_failed", `the request is not valid HTTP/1.1 (${code})`, {
              details: [{ path: "", message: code === "ERR_HTTP_REQUEST_TIMEOUT" ? "the request did not arrive in full in time" : "the request is not valid HTTP/1.1" }],
            });
      const requestId = randomUUID();
      const envelope: ErrorEnvelope = {
        error: { code: e.code as ServiceErrorCode, message: e.message, requestId, ...(e.details ? { details: e.details } : {}) },
      };
      // The code only: the error's rawPacket holds the request's bytes, bearer token included.
      log({ level: "info", msg: "request", requestId, status: e.status, error: code });
      const body = JSON.stringify(envelope);
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy();
    },
  });

  // Fastify also parses text/plain by default; the contract takes JSON only (anything else is 415).
  app.removeContentTypeParser("text/plain");

  app.addHook("onRequest", async (req, reply) => {
    if (draining) {
      reply.header("retry-after", "5");
      throw new RgsError("unavailable", "the service is shutting down; retry against another instance or after it restarts");
    }
    const path = req.url.split("?")[0];
    if (path === "/healthz" || (options.floorRoute && path === FLOOR_ROUTE)) return;
    const header = req.headers.authorization;
    const m = typeof header === "string" ? /^Bearer ([^\s]+)$/i.exec(header.trim()) : null;
    if (!m) throw new RgsError("unauthorized", "send Authorization: Bearer <token>");
    const role = roleOf(options.tokens, m[1]);
    if (!role) throw new RgsError("unauthorized", "the bearer token is not one this service knows");
    req.role = role;
    if (limiter) {
      const wait = limiter(m[1]);
      if (wait > 0) {
        reply.header("retry-after", String(Math.ceil(wait)));
        throw new RgsError("rate_limited", `too many requests for this token; retry in ${Math.ceil(wait)} s`, { retryAfterSeconds: Math.ceil(wait) });
      }
    }
  });

  // A kept-alive connection would hold close() open until its idle timeout; while draining, every
  // answer (those in flight included) closes its connection.
  app.addHook("onSend", async (_req, reply, payload) => {
    if (draining) reply.header("connection", "close");
    return payload;
  });

  app.addHook("onResponse", async (req, reply) => {
    if (options.floorRoute && req.url === FLOOR_ROUTE) return;
    log({
      level: reply.statusCode >= 500 ? "error" : "info",
      msg: "request",
      requestId: req.id,
      method: req.method,
      path: req.url.split("?")[0],
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    });
  });

  app.setNotFoundHandler(async (req) => {
    throw new RgsError("not_found", `no route ${req.method} ${req.url.split("?")[0]}`);
  });

  app.setErrorHandler(async (error, req, reply) => {
    const e = toRgsError(error);
    if (error instanceof StoreUnavailable) {
      log({ level: "warn", msg: "store unavailable", requestId: req.id, method: req.method, path: req.url.split("?")[0], error: error.message });
    }
    if (e.code === "internal") {
      log({ level: "error", msg: "unexpected error", requestId: req.id, method: req.method, path: req.url.split("?")[0], error: String((error as Error)?.stack ?? error) });
    }
    if (e.retryAfterSeconds !== undefined) reply.header("retry-after", String(e.retryAfterSeconds));
    const envelope: ErrorEnvelope = {
      error: { code: e.code as ServiceErrorCode, message: e.message, requestId: req.id, ...(e.details ? { details: e.details } : {}) },
    };
    return reply.status(e.status || 500).type("application/json").send(envelope);
  });

  const need = (req: FastifyRequest, role: Role) => {
    if (!req.role || !allows(req.role, role)) {
      throw new RgsError("forbidden", `this token's role (${req.role}) cannot do that; it needs ${role}`);
    }
  };

  app.get("/healthz", async () => {
    if (await options.store.ping()) return { status: "ok" };
    throw new RgsError("unavailable", "the store does not answer; the service cannot read or write configuration", { retryAfterSeconds: 5 });
  });

  if (options.floorRoute) app.get(FLOOR_ROUTE, async () => ({ ok: true }));

  const openapi = buildOpenApi();
  app.get("/v1/openapi.json", async () => openapi);

  app.get("/v1/pools", async (req) => {
    need(req, "reader");
    return { items: await service.listPools(), nextCursor: null };
  });

  app.put<{ Params: { pool: string } }>("/v1/pools/:pool", async (req, reply) => {
    need(req, "admin");
    const { created, pool } = await service.putPool(req.params.pool);
    return reply.status(created ? 201 : 200).send(pool);
  });

  app.get<{ Params: { pool: string } }>("/v1/pools/:pool/settings", async (req, reply) => {
    need(req, "reader");
    const s = await service.getSettings(poolOf(req.params.pool));
    return reply.header("etag", `"${s.etag}"`).send(s);
  });

  app.put<{ Params: { pool: string } }>("/v1/pools/:pool/settings", async (req, reply) => {
    need(req, "admin");
    const s = await service.putSettings(poolOf(req.params.pool), req.body, header(req, "if-match"));
    return reply.header("etag", `"${s.etag}"`).send(s);
  });

  app.get<{ Params: { pool: string; kind: string }; Querystring: Record<string, string | string[] | undefined> }>(
    "/v1/pools/:pool/:kind",
    async (req) => {
      need(req, "reader");
      const kind = kindOf(req.params.kind);
      const name = single(req.query, "name");
      const cursor = single(req.query, "cursor");
      return service.listObjects(poolOf(req.params.pool), kind, { name, cursor, limit: pageLimit(single(req.query, "limit")) });
    },
  );

  app.post<{ Params: { pool: string; kind: string } }>("/v1/pools/:pool/:kind", async (req, reply) => {
    need(req, "operator");
    const kind = kindOf(req.params.kind);
    const pool = poolOf(req.params.pool);
    const key = header(req, "idempotency-key");
    if (key !== undefined && !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new RgsError("validation_failed", "Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID", {
        details: [{ path: "Idempotency-Key", message: "must be 1 to 255 visible ASCII characters" }],
      });
    }
    const r = await service.createObject(pool, kind, req.body, key);
    if (r.replayed) reply.header("idempotent-replayed", "true");
    return reply
      .status(r.status)
      .header("etag", `"${r.body.etag}"`)
      .header("location", `/v1/pools/${pool}/${kind}/${r.body.id}`)
      .send(r.body);
  });

  app.get<{ Params: { pool: string; kind: string; id: string } }>("/v1/pools/:pool/:kind/:id", async (req, reply) => {
    need(req, "reader");
    const o = await service.getObject(poolOf(req.params.pool), kindOf(req.params.kind), req.params.id);
    return reply.header("etag", `"${o.etag}"`).send(o);
  });

  app.put<{ Params: { pool: string; kind: string; id: string } }>("/v1/pools/:pool/:kind/:id", async (req, reply) => {
    need(req, "operator");
    const o = await service.updateObject(poolOf(req.params.pool), kindOf(req.params.kind), req.params.id, req.body, header(req, "if-match"));
    return reply.header("etag", `"${o.etag}"`).send(o);
  });

  app.delete<{ Params: { pool: string; kind: string; id: string } }>("/v1/pools/:pool/:kind/:id", async (req, reply) => {
    need(req, "operator");
    await service.deleteObject(poolOf(req.params.pool), kindOf(req.params.kind), req.params.id, header(req, "if-match"));
    return reply.status(204).send();
  });

  return {
    fastify: app,
    service,
    async drain(timeoutMs = 10_000) {
      draining = true;
      const deadline = setTimeout(() => app.server.closeAllConnections(), timeoutMs);
      try {
        await app.close();
      } finally {
        clearTimeout(deadline);
      }
    },
  };
}

function toRgsError(error: unknown): RgsError {
  if (RgsError.isRgsError(error)) return error;
  if (error instanceof StoreUnavailable) {
    return new RgsError("unavailable", "the store is unavailable; nothing was written, retry later", { retryAfterSeconds: 5 });
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  const status = e.statusCode ?? 500;
  if (status === 413) return new RgsError("payload_too_large", "the request body is larger than the service accepts");
  if (status === 415) {
    return new RgsError("unsupported_media_type", "send the body as JSON with Content-Type: application/json");
  }
  if (status >= 400 && status < 500) {
    const what = e.code === "FST_ERR_CTP_EMPTY_JSON_BODY" ? "the body is empty" : "the body is not valid JSON";
    return new RgsError("validation_failed", `${what}: ${sanitize(e.message ?? "")}`, { details: [{ path: "", message: sanitize(e.message ?? what) }] });
  }
  return new RgsError("internal", "the service failed to handle the request; the request id identifies it in the service's log");
}

// Parser messages can quote the body; keep them short and free of control characters.
function sanitize(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f]/g, " ").slice(0, 200);
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function single(query: Record<string, string | string[] | undefined>, key: string): string | undefined {
  const v = query[key];
  if (Array.isArray(v)) {
    throw new RgsError("validation_failed", `give ?${key}= once`, { details: [{ path: key, message: "appears more than once" }] });
  }
  return v;
}

function pageLimit(v: string | undefined): number {
  if (v === undefined) return DEFAULT_PAGE;
  if (!/^\d{1,4}$/.test(v) || Number(v) < 1 || Number(v) > MAX_PAGE) {
    throw new RgsError("validation_failed", `limit must be a whole number from 1 to ${MAX_PAGE}`, {
      details: [{ path: "limit", message: `must be from 1 to ${MAX_PAGE} (got ${JSON.stringify(v.slice(0, 20))})` }],
    });
  }
  return Number(v);
}

function kindOf(segment: string): KindName {
  if (!isKindName(segment)) {
    throw new RgsError("not_found", `no collection '${segment.slice(0, 60)}'; the kinds are ${Object.keys(KINDS).join(", ")}`);
  }
  return segment;
}

function poolOf(segment: string): string {
  return segment.toLowerCase();
}

/** A token bucket per bearer token; answers how many seconds to wait, 0 to go ahead. */
function tokenBuckets(limit: RateLimit): (token: string) => number {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return (token) => {
    const now = Date.now() / 1000;
    const b = buckets.get(token) ?? { tokens: limit.burst, at: now };
    b.tokens = Math.min(limit.burst, b.tokens + (now - b.at) * limit.perSecond);
    b.at = now;
    buckets.set(token, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return (1 - b.tokens) / limit.perSecond;
  };
}
