/**
 * A cmdlet failure as protocol v1 reports it (shell-agent.md, "Agent → client"): a code from the
 * closed set, the message, and the PowerShell error record's FullyQualifiedErrorId and category.
 */
export type AgentErrorCode =
  | "not_found"
  | "conflict"
  | "version_mismatch"
  | "invalid"
  | "denied"
  | "unavailable"
  | "failed";

/** PowerShell's ErrorCategory names, the ones this fake reports. */
export type ErrorCategory =
  | "ObjectNotFound"
  | "ResourceExists"
  | "InvalidArgument"
  | "InvalidData"
  | "InvalidOperation"
  | "PermissionDenied"
  | "ResourceUnavailable"
  | "NotImplemented"
  | "NotSpecified";

export interface WireError {
  code: AgentErrorCode;
  message: string;
  cmdlet?: string;
  errorId: string;
  category: ErrorCategory;
}

export class CmdletError extends Error {
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    readonly errorId: string,
    readonly category: ErrorCategory,
    public cmdlet?: string,
  ) {
    super(message);
  }

  toWire(): WireError {
    return { code: this.code, message: this.message, cmdlet: this.cmdlet, errorId: this.errorId, category: this.category };
  }
}

export const invalid = (message: string, errorId = "InvalidArgument"): CmdletError =>
  new CmdletError("invalid", message, errorId, "InvalidArgument");

export const notFound = (message: string, errorId = "ObjectNotFound"): CmdletError =>
  new CmdletError("not_found", message, errorId, "ObjectNotFound");

export const conflict = (message: string, errorId = "DuplicateName"): CmdletError =>
  new CmdletError("conflict", message, errorId, "ResourceExists");
