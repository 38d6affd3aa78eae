/**
 * What the agent's answers and failures mean to a caller: each agent error code as the service's
 * code, and a mark on failures after which nobody knows whether a write happened.
 */
import { RgsError } from "../errors";
import { maskSecrets } from "./command-line";
import type { AgentErrorData } from "./protocol";

const OUTCOME_UNKNOWN = Symbol.for("pulumi-rgs.shell.outcomeUnknown");

/**
 * True when a request reached the agent and no answer came back (the agent died, timed out or
 * wrote junk): a write may or may not have happened.
 */
export function isOutcomeUnknown(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[OUTCOME_UNKNOWN] === true;
}

export function markOutcomeUnknown<E extends object>(e: E): E {
  Object.defineProperty(e, OUTCOME_UNKNOWN, { value: true });
  return e;
}

/** An agent's error answer as an RgsError; `command` is the agent's command line, masked. */
export function agentError(error: Partial<AgentErrorData>, command: string): RgsError {
  const cmdlet = error.cmdlet ?? "the agent";
  const said = maskSecrets(String(error.message ?? "no message")).trim();
  const id = error.errorId ? ` [${error.errorId}]` : "";
  switch (error.code) {
    case "not_found":
      return new RgsError("not_found", `${cmdlet}: ${said}`);
    case "conflict":
      return new RgsError("name_conflict", `${cmdlet}: ${said}`);
    case "version_mismatch":
      return new RgsError("etag_mismatch", `${cmdlet}: ${said}`);
    case "invalid":
      return new RgsError("validation_failed", `${cmdlet} refused a parameter or value: ${said}${id}`);
    case "denied":
      return new RgsError(
        "forbidden",
        `the account that runs the agent (${command}) may not run ${cmdlet}: ${said}${id}. ` +
          "Writing Response Group objects takes the CsResponseGroupAdministrator role (or CsAdministrator); CsViewOnlyAdministrator may only read. " +
          "Add the account to the role's group (check with Get-CsAdminRoleAssignment) or start the agent as another account",
      );
    case "unavailable":
      return new RgsError(
        "unavailable",
        `the agent (${command}) cannot reach the Management Shell: ${said}${id}. ` +
          "Check that the Lync or SkypeForBusiness module loads on the agent's host, or that its session to https://<pool>/OcsPowershell is open",
      );
    default:
      return new RgsError("internal", `${cmdlet} failed: ${said}${id}`);
  }
}
