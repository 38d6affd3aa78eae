/**
 * Errors as data: one closed set of codes shared by the service, its client and the provider.
 *
 * Errors are recognised by their `code` and a brand, never by `instanceof`: the provider's code is
 * serialized into Pulumi state and may be loaded beside another copy of this module.
 */

/** Every error code the service answers with, and the HTTP status that carries it. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  name_conflict: 409,
  uri_conflict: 409,
  in_use: 409,
  etag_mismatch: 412,
  payload_too_large: 413,
  unsupported_media_type: 415,
  reference_not_found: 422,
  idempotency_key_reused: 422,
  precondition_required: 428,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

/** A code from the service's error table. */
export type ServiceErrorCode = keyof typeof ERROR_STATUS;

/** Codes the client raises itself when no answer came back. */
export type ClientErrorCode = "connection_failed" | "timeout" | "bad_response";

export type ErrorCode = ServiceErrorCode | ClientErrorCode;

/** A problem with one field of a body, `path` dot-joined (`timeoutAction.uri`, `holidays.0.endDate`). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** An object that references another one and so keeps it from being deleted. */
export interface Referrer {
  readonly kind: string;
  readonly id: string;
  readonly name: string;
}

export type ErrorDetails = readonly FieldProblem[] | { readonly referencedBy: readonly Referrer[] };

const BRAND = Symbol.for("pulumi-rgs.RgsError");

export interface RgsErrorOptions {
  details?: ErrorDetails;
  requestId?: string;
  /** Seconds the caller should wait before trying again (429, 503). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** An error with a code from the closed set above. */
export class RgsError extends Error {
  /** True for any RgsError, from this copy of the module or another. */
  static isRgsError(e: unknown): e is RgsError {
    return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[BRAND] === true;
  }

  readonly code: ErrorCode;
  readonly details?: ErrorDetails;
  readonly requestId?: string;
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message: string, options: RgsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RgsError";
    this.code = code;
    this.details = options.details;
    this.requestId = options.requestId;
    this.retryAfterSeconds = options.retryAfterSeconds;
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** HTTP status for a service code; 0 for errors raised by the client itself. */
  get status(): number {
    return (ERROR_STATUS as Record<string, number>)[this.code] ?? 0;
  }

  /** Field problems, when the error is about a body. */
  get fieldProblems(): readonly FieldProblem[] {
    return Array.isArray(this.details) ? (this.details as readonly FieldProblem[]) : [];
  }

  /** The objects that reference the target, for `in_use`. */
  get referencedBy(): readonly Referrer[] {
    const d = this.details as { referencedBy?: readonly Referrer[] } | undefined;
    return d && !Array.isArray(d) && Array.isArray(d.referencedBy) ? d.referencedBy : [];
  }
}

export function isServiceErrorCode(code: unknown): code is ServiceErrorCode {
  return typeof code === "string" && Object.prototype.hasOwnProperty.call(ERROR_STATUS, code);
}

/** The message followed by each field problem, for people reading a terminal. */
export function describeError(e: RgsError): string {
  const lines = [e.message];
  for (const p of e.fieldProblems) lines.push(`  ${p.path || "(body)"}: ${p.message}`);
  const refs = e.referencedBy;
  if (refs.length > 0) {
    lines.push(`  referenced by: ${refs.map((r) => `${r.kind} '${r.name}' (${r.id})`).join(", ")}`);
  }
  return lines.join("\n");
}
