/**
 * Errors for people: Pulumi prints them as they are, without a stack trace.
 */
import { describeError, RgsError } from "../sdk/errors";

export function userError(message: string): Error {
  const e = new Error(message);
  // The dynamic-provider process prints `${error}: ${error.stack}`; the message alone is what users need.
  e.stack = "";
  e.toString = () => message;
  return e;
}

/** What went wrong, in one message: the service's or the agent's words and each field problem. */
export function describe(e: unknown): string {
  return RgsError.isRgsError(e) ? describeError(e) : String((e as Error)?.message ?? e);
}
