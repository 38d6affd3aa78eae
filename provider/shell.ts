/**
 * `rgs:shell` connections: a real pool through the Management Shell agent.
 */
import { registerShellBackend } from "./connection";

registerShellBackend(() => {
  throw new Error("the shell backend is not available in this build");
});
