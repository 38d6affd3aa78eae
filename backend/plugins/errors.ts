/**
 * The one error envelope of api.md, whatever failed: a route, the router before any route ran, or
 * Node's HTTP parser before Fastify saw the request.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifyServerOptions } from "fastify";
import { RgsError, type ServiceErrorCode } from "../../sdk/errors";
import type { ErrorEnvelope } from "../../sdk/views";
import { StoreUnavailable } from "../store/store";
import { pathOf, type Log } from "./logging";

/** Longest path segment the router takes; a pool FQDN may be 253 characters. */
export const MAX_PARAM_LENGTH = 512;

/** The body of every non-2xx answer. */
export function envelope(e: RgsError, requestId: string): ErrorEnvelope {
  return {
    error: {
      code: e.code as ServiceErrorCode,
      message: e.message,
      requestId,
      ...(e.details ? { details: e.details as ErrorEnvelope["error"]["details"] } : {}),
    },
  };
}

/** What a thrown value means to the caller; anything unforeseen is `internal`. */
export function toRgsError(error: unknown): RgsError {
  if (RgsError.isRgsError(error)) return error;
  if (error instanceof StoreUnavailable) {
    return new RgsError("unavailable", "the store is unavailable; nothing was written, retry later", { retryAfterSeconds: 5 });
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  const status = e.statusCode ?? 500;
  if (status === 413) return new RgsError("payload_too_large", "the request body is larger than the service accepts");
  if (status === 415) return new RgsError("unsupported_media_type", "send the body as JSON with Content-Type: application/json, or an audio file's bytes as audio/wav or audio/x-ms-wma");
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

/** Answers errors of routes and unknown routes in the envelope, and logs what the caller cannot fix. */
export function registerErrors(app: FastifyInstance, log: Log): void {
  app.setNotFoundHandler(async (req) => {
    throw new RgsError("not_found", `no route ${req.method} ${pathOf(req.url)}`);
  });

  app.setErrorHandler(async (error, req, reply) => {
    const e = toRgsError(error);
    const path = pathOf(req.url);
    if (error instanceof StoreUnavailable) {
      log({ level: "warn", msg: "store unavailable", requestId: req.id, method: req.method, path, error: error.message });
    }
    if (e.code === "internal") {
      log({ level: "error", msg: "unexpected error", requestId: req.id, method: req.method, path, error: String((error as Error)?.stack ?? error) });
    }
    if (e.retryAfterSeconds !== undefined) reply.header("retry-after", String(e.retryAfterSeconds));
    return reply.status(e.status || 500).type("application/json").send(envelope(e, req.id));
  });
}

/** Errors the router raises before any route runs (Fastify's `frameworkErrors`). */
export function frameworkErrors(log: Log): NonNullable<FastifyServerOptions["frameworkErrors"]> {
  return (error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const e =
      error.code === "FST_ERR_BAD_URL"
        ? new RgsError("validation_failed", "the URL path is not valid percent-encoding", {
            details: [{ path: "", message: "the URL path is not valid percent-encoding" }],
          })
        : error.code === "FST_ERR_MAX_PARAM_LENGTH"
          ? new RgsError("not_found", `no route ${req.method} with a path segment longer than ${MAX_PARAM_LENGTH} characters`)
          : new RgsError("internal", "the service failed to route the request");
    log({ level: "info", msg: "request", requestId: req.id, method: req.method, status: e.status, error: error.code });
    void reply.status(e.status).type("application/json").send(envelope(e, req.id));
  };
}

/**
 * Requests Node's HTTP parser refuses (a broken request line, headers over its limit, ambiguous
 * framing) never reach Fastify's routing (Fastify's `clientErrorHandler`).
 */
export function clientErrorHandler(log: Log): (error: Error, socket: Socket) => void {
  return (error, socket) => {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown";
    if (code === "ECONNRESET" || socket.destroyed) return;
    const e =
      code === "HPE_HEADER_OVERFLOW"
        ? new RgsError("payload_too_large", "the request line and headers are larger than the service accepts")
        : new RgsError("validation_failed", `the request is not valid HTTP/1.1 (${code})`, {
            details: [{ path: "", message: code === "ERR_HTTP_REQUEST_TIMEOUT" ? "the request did not arrive in full in time" : "the request is not valid HTTP/1.1" }],
          });
    const requestId = randomUUID();
    // The code only: the error's rawPacket holds the request's bytes, bearer token included.
    log({ level: "info", msg: "request", requestId, status: e.status, error: code });
    const body = JSON.stringify(envelope(e, requestId));
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
