/**
 * `rgs:shell` connections: a real pool through the Management Shell agent. One agent serves the
 * provider process; Pulumi's parallel steps queue on it.
 */
import { ShellBackend } from "../sdk/shell/index";
import { registerShellBackend } from "./connection";

registerShellBackend((c) => new ShellBackend({ command: c.shell, audioStore: c.audioStore || undefined }));
