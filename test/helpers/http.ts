/**
 * Plain HTTP calls to the service and checks of its error envelope.
 *
 *   call(base, method, path, { token?, body?, rawBody?, contentType?, headers? }) → Reply
 *   expectError(reply, status, code) → the envelope's error, after checking its shape
 */
import { expect } from "vitest";

export interface Reply {
  status: number;
  headers: Headers;
  /** The parsed JSON body; undefined when there is none. */
  body: any;
  text: string;
}

export interface CallOptions {
  token?: string;
  /** Sent as JSON with Content-Type: application/json. */
  body?: unknown;
  /** Sent as is, with `contentType` (default none). */
  rawBody?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function call(base: string, method: string, path: string, options: CallOptions = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let payload: string | Buffer | undefined;
  if (options.body !== undefined) {
    headers["content-type"] = options.contentType ?? "application/json";
    payload = JSON.stringify(options.body);
  } else if (options.rawBody !== undefined) {
    if (options.contentType !== undefined) headers["content-type"] = options.contentType;
    payload = options.rawBody;
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown;
  if (text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  return { status: res.status, headers: res.headers, body, text };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface EnvelopeError {
  code: string;
  message: string;
  requestId: string;
  details?: any;
}

/** Checks a reply is `status` with the one error envelope of api.md carrying `code`. */
export function expectError(reply: Reply, status: number, code: string): EnvelopeError {
  expect({ status: reply.status, code: reply.body?.error?.code }, reply.text).toEqual({ status, code });
  expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(reply.body)).toEqual(["error"]);
  const e = reply.body.error as EnvelopeError;
  expect(Object.keys(e).every((k) => ["code", "message", "requestId", "details"].includes(k)), JSON.stringify(e)).toBe(true);
  expect(typeof e.message).toBe("string");
  expect(e.message.length).toBeGreaterThan(10);
  expect(e.requestId).toMatch(UUID);
  if (e.details !== undefined) {
    if (Array.isArray(e.details)) {
      for (const d of e.details) {
        expect(Object.keys(d).sort()).toEqual(["message", "path"]);
        expect(typeof d.path).toBe("string");
        expect(typeof d.message).toBe("string");
      }
    } else {
      expect(Object.keys(e.details)).toEqual(["referencedBy"]);
      for (const r of e.details.referencedBy) expect(Object.keys(r).sort()).toEqual(["id", "kind", "name"]);
    }
  }
  return e;
}

/** A Retry-After header of whole seconds, at least 1. */
export function expectRetryAfter(reply: Reply): number {
  const v = reply.headers.get("retry-after");
  expect(v, "Retry-After header").toMatch(/^\d+$/);
  expect(Number(v)).toBeGreaterThanOrEqual(1);
  return Number(v);
}
