/**
 * The provider under faults, with the real Pulumi CLI: a 503 storm, the service killed in the middle
 * of `pulumi up`, and a create whose answer is lost before a long outage. Every run ends with one
 * object per resource and nothing left behind.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpBackend } from "../../sdk/http-client";
import { KIND_NAMES } from "../../sdk/model/kind";
import { makeTempDir, removeDir, startService, type RunningService } from "../helpers/service";
import { copyProject, selectStack, type Project } from "../helpers/pulumi";

const POOL = "pool01.contoso.com";
const OBJECTS = 5;

type Mode = "pass" | "storm" | "down";

/** Sits between the provider and the service and misbehaves on request. */
class FaultProxy {
  target = "";
  mode: Mode = "pass";
  /** In storm mode, every other request is refused with 503. */
  refused503 = 0;
  dropped = 0;
  forwarded = 0;
  /** Called for each request passed on; may ask for the answer to be lost. */
  onForward?: (req: IncomingMessage) => "lose" | void;
  /** Awaited before a request is passed on: it is held until this settles. */
  hold?: (req: IncomingMessage) => Promise<void> | void;
  /** POSTs passed on whose answers have not come back yet. */
  postsInFlight = 0;
  /** POSTs answered 201 and passed back. */
  created = 0;
  private server!: Server;
  private stormTick = 0;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.mode === "down") {
      this.dropped++;
      req.socket.destroy();
      return;
    }
    if (this.mode === "storm" && this.stormTick++ % 2 === 0) {
      this.refused503++;
      res.writeHead(503, { "content-type": "application/json", "retry-after": "0" });
      res.end(JSON.stringify({ error: { code: "unavailable", message: "storm", requestId: "proxy" } }));
      return;
    }
    await this.hold?.(req);
    const lose = this.onForward?.(req) === "lose";
    const post = req.method === "POST";
    if (post) this.postsInFlight++;
    const done = () => {
      if (post) this.postsInFlight--;
    };
    const upstream = request(`${this.target}${req.url}`, { method: req.method, headers: req.headers });
    upstream.on("response", async (up) => {
      const body: Buffer[] = [];
      for await (const c of up) body.push(c as Buffer);
      this.forwarded++;
      if (post && up.statusCode === 201) this.created++;
      done();
      if (lose) {
        this.dropped++;
        req.socket.destroy();
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      res.end(Buffer.concat(body));
    });
    upstream.on("error", () => {
      done();
      this.dropped++;
      req.socket.destroy();
    });
    upstream.end(Buffer.concat(chunks));
  }
}

let dataDir: string;
let service: RunningService;
let proxy: FaultProxy;
let api: () => HttpBackend;
const projects: Project[] = [];

async function objectsByKind(): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const kind of KIND_NAMES) out[kind] = (await api().list(POOL, kind, { limit: 1000 })).items.map((o) => String(o.name));
  return out;
}

async function newStack(): Promise<Stack> {
  const project = copyProject("quickstart");
  projects.push(project);
  return selectStack(project, "dev", { env: { RGS_ENDPOINT: await proxyUrl, RGS_TOKEN: service.tokens.operator } });
}

/** After a fault: one more `up` converges, with one object per resource and no change left. */
async function expectConverged(stack: Stack): Promise<void> {
  proxy.mode = "pass";
  proxy.onForward = undefined;
  proxy.hold = undefined;
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  const objects = await objectsByKind();
  expect(Object.values(objects).flat()).toHaveLength(OBJECTS);
  for (const names of Object.values(objects)) expect(names).toHaveLength(1);
  const state = await stack.exportStack();
  const ids = state.deployment.resources.filter((r: { type: string }) => r.type.startsWith("pulumi-nodejs:dynamic/rgs:")).map((r: { id: string }) => r.id);
  const live: string[] = [];
  for (const kind of KIND_NAMES) live.push(...(await api().list(POOL, kind)).items.map((o) => o.id));
  expect(ids.sort()).toEqual(live.sort());
  expect((await stack.preview()).changeSummary).toEqual({ same: OBJECTS + 1 });
}

let proxyUrl: Promise<string>;

interface LoggedRequest {
  method: string;
  path: string;
  status: number;
}

/** The request log lines a service process wrote to stdout. */
function requestLog(svc: RunningService): LoggedRequest[] {
  const out: LoggedRequest[] = [];
  for (const line of svc.output.stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    try {
      const e = JSON.parse(line) as { msg?: string } & LoggedRequest;
      if (e.msg === "request") out.push({ method: e.method, path: e.path, status: e.status });
    } catch {
      // a line cut short by the kill
    }
  }
  return out;
}

/** Creates of an object that the service answered 201. */
function createsIn(svc: RunningService): LoggedRequest[] {
  return requestLog(svc).filter((r) => r.method === "POST" && r.status === 201 && /^\/v1\/pools\/[^/]+\/[a-z-]+$/.test(r.path));
}

function kindsOf(creates: LoggedRequest[]): Set<string> {
  return new Set(creates.map((c) => c.path.split("/").pop()!));
}

async function waitFor(ok: () => boolean, what: string): Promise<void> {
  for (let i = 0; !ok(); i++) {
    if (i > 200) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  dataDir = makeTempDir();
  service = await startService({ dataDir, pools: [POOL] });
  api = () => new HttpBackend({ endpoint: service.url, token: service.tokens.admin, maxRetries: 2 });
  proxy = new FaultProxy();
  proxy.target = service.url;
  proxyUrl = proxy.start();
  await proxyUrl;
}, 1_800_000);

afterAll(async () => {
  await proxy?.stop();
  await service?.stop();
  removeDir(dataDir);
  for (const p of projects) p.cleanup();
});

describe("the provider under faults", { timeout: 300_000 }, () => {
  it("rides out a storm of 503s with backoff", async () => {
    const stack = await newStack();
    proxy.mode = "storm";
    const up = await stack.up();
    expect(up.summary.result).toBe("succeeded");
    expect(proxy.refused503).toBeGreaterThanOrEqual(OBJECTS);
    expect(Object.values(await objectsByKind()).flat()).toHaveLength(OBJECTS);
    const destroy = await stack.destroy();
    expect(destroy.summary.result).toBe("succeeded");
    expect(Object.values(await objectsByKind()).flat()).toHaveLength(0);
    console.log(`503 storm: ${proxy.refused503} requests refused, up and destroy succeeded`);
  });

  it("completes or fails clearly when the service is killed between creates of an up, and the next up converges", async () => {
    const stack = await newStack();
    proxy.mode = "pass";
    const killed = service;
    // The same service answered the test before; only what this up creates counts.
    const base = createsIn(killed).length;
    const proxyBase = proxy.created;
    let restarting: Promise<void> | undefined;
    let createdBeforeKill = -1;
    proxy.hold = async (req) => {
      // The queue waits for its agent group, so by the time its POST comes some objects exist.
      // Hold it until every create under way has been answered and logged, then kill the service
      // and pass the POST on to the dead one; a new service starts a moment later.
      if (req.method !== "POST" || !req.url?.endsWith("/queues") || restarting) return;
      await waitFor(() => proxy.postsInFlight === 0, "the creates under way to be answered");
      const answered = proxy.created - proxyBase;
      await waitFor(() => createsIn(killed).length - base >= answered, "the service to log every create it answered");
      await killed.kill();
      // One object of each kind: a retry the service answered from its Idempotency-Key makes no second one.
      createdBeforeKill = kindsOf(createsIn(killed).slice(base)).size;
      restarting = new Promise((r) => setTimeout(r, 300)).then(async () => {
        service = await startService({ dataDir, pools: [POOL], tokens: killed.tokens });
        proxy.target = service.url;
      });
    };
    const outcome = await stack.up().then(
      (r) => r.summary.result,
      (e: Error) => e.message,
    );
    proxy.hold = undefined;
    await restarting;
    expect(restarting, "the service was never killed: no queue create passed the proxy").toBeDefined();
    expect((await killed.exit).signal).toBe("SIGKILL");
    // Some creates were done when the kill landed, and some were not.
    const before = JSON.stringify(createsIn(killed).slice(base));
    expect(createdBeforeKill, before).toBeGreaterThanOrEqual(1);
    expect(createdBeforeKill, before).toBeLessThan(OBJECTS);
    expect(createsIn(killed).slice(base).map((c) => c.path)).not.toContainEqual(expect.stringMatching(/\/queues$/));
    if (outcome !== "succeeded") expect(outcome).toMatch(/cannot reach the Response Group service|got no answer/);
    await expectConverged(stack);
    // The rest were made by the new service, each once: no duplicate, and (expectConverged) no orphan.
    const kindsAfter = kindsOf(createsIn(service));
    expect(kindsAfter.size, JSON.stringify([...kindsAfter])).toBe(OBJECTS - createdBeforeKill);
    for (const k of kindsOf(createsIn(killed).slice(base))) expect(kindsAfter.has(k), `${k} made before and after the kill`).toBe(false);
    expect(Object.values(await objectsByKind()).flat()).toHaveLength(OBJECTS);
    console.log(
      `killed between creates: ${createdBeforeKill} of ${OBJECTS} objects created before the kill, ${OBJECTS - createdBeforeKill} after; ` +
        `the first up ${outcome === "succeeded" ? "completed through retries" : "failed with a clear message"}, the next converged`,
    );
    await stack.destroy();
  });

  it("finds a create whose answer was lost before a long outage on the next up, leaving no orphan", async () => {
    const stack = await newStack();
    proxy.mode = "pass";
    proxy.onForward = (req) => {
      if (req.method === "POST" && req.url?.endsWith("/queues")) {
        // The queue is created, its answer never arrives, and the service stays out of reach.
        setImmediate(() => (proxy.mode = "down"));
        return "lose";
      }
    };
    const err = await stack.up().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toMatch(/cannot create queue 'Help Desk'.*cannot reach the Response Group service/s);
    expect(err?.message).not.toMatch(/\n\s+at .*:\d+:\d+\)/);
    expect((await objectsByKind()).queues).toEqual(["Help Desk"]);
    await expectConverged(stack);
    await stack.destroy();
  });
});
