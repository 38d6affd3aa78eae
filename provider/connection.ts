/**
 * Where the provider's objects live, from stack config and the environment, and the one backend
 * per provider process that serves it: the Response Group service over HTTP (`rgs:endpoint`), or
 * a real pool through the Management Shell agent (`rgs:shell`).
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import type { Backend } from "../sdk/backend";
import { HttpBackend } from "../sdk/http-client";
import { userError } from "./user-error";

/** Connection settings from stack config, captured by `configure` in the provider process. */
export interface Connection {
  endpoint?: string;
  token?: string;
  shell?: string;
  pool?: string;
  /** Where the shell backend keeps recordings (sdk/shell/audio-store.ts); its default when empty. */
  audioStore?: string;
}

/** Reads connection settings from stack config (`rgs:endpoint`, `rgs:token`, `rgs:shell`, `rgs:pool`, `rgs:audioStore`). */
export function connectionFromConfig(config: pulumi.dynamic.Config): Connection {
  return {
    endpoint: config.get("rgs:endpoint"),
    token: config.get("rgs:token"),
    shell: config.get("rgs:shell"),
    pool: config.get("rgs:pool"),
    audioStore: config.get("rgs:audioStore"),
  };
}

/** The environment wins over stack config, so CI and a destroy after a credentials change work. */
export function resolveConnection(conn: Connection | undefined): Required<Connection> {
  return {
    endpoint: process.env.RGS_ENDPOINT || conn?.endpoint || "",
    token: process.env.RGS_TOKEN || conn?.token || "",
    shell: process.env.RGS_SHELL || conn?.shell || "",
    pool: process.env.RGS_POOL || conn?.pool || "",
    audioStore: process.env.RGS_AUDIO_STORE || conn?.audioStore || "",
  };
}

/** Makes a backend for a resolved connection; one entry per kind of place configuration can live. */
export type BackendMaker = (c: Required<Connection>) => Backend;

const makers: { endpoint: BackendMaker; shell?: BackendMaker } = {
  endpoint: (c) => {
    if (!c.token) {
      throw userError("no token for the Response Group service: run `pulumi config set --secret rgs:token <token>` or set RGS_TOKEN");
    }
    return new HttpBackend({ endpoint: c.endpoint, token: c.token, userAgent: "pulumi-rgs-provider" });
  },
};

/** Registers how `rgs:shell` connections are served (the shell backend registers itself when loaded). */
export function registerShellBackend(make: BackendMaker): void {
  makers.shell = make;
}

// One backend per connection for the life of the provider process: a shell backend owns one agent,
// and requests of parallel steps queue on it.
const backends = new Map<string, Backend>();

export function backendFor(conn: Connection | undefined): Backend {
  const c = resolveConnection(conn);
  if (c.endpoint && c.shell) {
    throw userError(
      "both rgs:endpoint (or RGS_ENDPOINT) and rgs:shell (or RGS_SHELL) are set; a stack talks to the Response Group service or to a pool's Management Shell, so remove one",
    );
  }
  if (!c.endpoint && !c.shell) {
    throw userError(
      "no Response Group service endpoint and no Management Shell: run `pulumi config set rgs:endpoint http://host:port` (or set RGS_ENDPOINT), or `pulumi config set rgs:shell '<agent command>'` (or set RGS_SHELL)",
    );
  }
  const key = createHash("sha256").update(JSON.stringify([c.endpoint, c.shell, c.token, c.audioStore])).digest("hex");
  let backend = backends.get(key);
  if (!backend) {
    const make = c.shell ? makers.shell : makers.endpoint;
    if (!make) throw userError("rgs:shell is set, but this copy of pulumi-rgs has no shell backend");
    backend = make(c);
    backends.set(key, backend);
  }
  return backend;
}
