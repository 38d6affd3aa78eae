/**
 * The shell backend: a real pool through the Management Shell agent (shared/design/shell-agent.md).
 */
export { ShellBackend, BACKEND_OPS, type BackendOp, type RequestCounts, type ShellBackendOptions } from "./shell-backend";
export { splitCommandLine, maskSecrets } from "./command-line";
export { AgentProcess, type AgentProcessOptions } from "./agent-process";
export { isOutcomeUnknown } from "./agent-errors";
export { PROTOCOL_VERSION, type AgentRequest, type Projection, type Step, type Value } from "./protocol";
export { AudioStore, defaultAudioStore, type StoredAudio } from "./audio-store";
export { recordingId, foreignImportId } from "./audio-ids";
