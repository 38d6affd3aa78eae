/**
 * The agent process at the protocol's edges, against scripted agents: one request at a time,
 * stream lines skipped, ASCII on the wire, a start that hangs, a crash with secrets on stderr.
 */
import { afterEach, describe, expect, it } from "vitest";
import { RgsError } from "../../sdk/errors";
import { AgentProcess, isOutcomeUnknown } from "../../sdk/shell/index";
import { scriptedAgent } from "../helpers/scripted-agent";

const started: AgentProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((a) => a.close()));
});

function agent(command: string, timeoutMs = 5_000): AgentProcess {
  const a = new AgentProcess({ command, timeoutMs, readyTimeoutMs: 10_000 });
  started.push(a);
  return a;
}

async function rgsError(p: Promise<unknown>): Promise<RgsError> {
  try {
    await p;
  } catch (e) {
    if (RgsError.isRgsError(e)) return e;
    throw e;
  }
  throw new Error("expected the call to fail with an RgsError");
}

const ping = { op: "ping" } as const;

describe("AgentProcess", () => {
  it("sends one request at a time however many callers wait", async () => {
    const s = scriptedAgent(`
      ready();
      let busy = false;
      onRequest((req) => {
        if (busy) return send({ id: req.id, ok: false, error: { code: "failed", message: "two requests at once" } });
        busy = true;
        setTimeout(() => { busy = false; send({ id: req.id, ok: true, value: req.step.params.n }); }, 5);
      });
    `);
    const a = agent(s.command);
    const values = await Promise.all(
      Array.from({ length: 20 }, (_, n) => a.request({ op: "run", step: { cmdlet: "Get-CsRgsQueue", params: { n } } }, "read")),
    );
    expect(values).toEqual(Array.from({ length: 20 }, (_, n) => n));
    expect(a.starts).toBe(1);
  });

  it("skips the lines of PowerShell's other streams, before the ready line and between answers", async () => {
    const s = scriptedAgent(`
      raw("WARNING: The names of some imported commands include unapproved verbs.");
      raw("");
      ready();
      onRequest((req) => { raw("VERBOSE: Loading module"); send({ id: req.id, ok: true, value: "pong" }); });
    `);
    expect(await agent(s.command).request(ping, "read")).toBe("pong");
  });

  it("writes requests as ASCII, non-ASCII characters escaped, and reads them back unchanged", async () => {
    const s = scriptedAgent(`
      ready();
      onRequest((req, line) => { log({ line }); send({ id: req.id, ok: true, value: req.step.params.Name }); });
    `);
    const name = "Zürich ‘Support’ “24/7” — 客服 😀";
    expect(await agent(s.command).request({ op: "run", step: { cmdlet: "Get-CsRgsQueue", params: { Name: name } } }, "read")).toBe(name);
    const [{ line }] = s.read() as { line: string }[];
    expect(line).toMatch(/^[\x20-\x7e]+$/);
    expect(line).toContain("\\u2018");
  });

  it("gives up on an agent that never says it is ready, and says what may be waiting", async () => {
    const s = scriptedAgent(`setTimeout(() => {}, 60000);`);
    const a = new AgentProcess({ command: s.command, readyTimeoutMs: 500 });
    started.push(a);
    const e = await rgsError(a.request(ping, "read"));
    expect(e.code).toBe("timeout");
    expect(e.message).toMatch(/did not say it was ready within 500 ms.*password or host-key prompt/);
  });

  it("fails a write when the agent dies, marked as of unknown outcome, with stderr masked, and starts again next time", async () => {
    const s = scriptedAgent(`
      ready();
      onRequest((req) => {
        if (req.op === "run") { process.stderr.write("Connecting to https://ann:hunter2@pool01/OcsPowershell failed\\n"); process.exit(9); }
        send({ id: req.id, ok: true, value: "pong" });
      });
    `);
    const a = agent(s.command);
    const e = await rgsError(a.request({ op: "run", step: { cmdlet: "New-CsRgsQueue", params: {} } }, "write"));
    expect(e.code).toBe("unavailable");
    expect(isOutcomeUnknown(e)).toBe(true);
    expect(e.message).toMatch(/exited with code 9 while running run New-CsRgsQueue; its last stderr lines: Connecting to https:\/\/ann:\*\*\*@pool01/);
    expect(e.message).not.toContain("hunter2");
    expect(a.starts).toBe(1);
    expect(await a.request(ping, "read")).toBe("pong");
    expect(a.starts).toBe(2);
  });

  it("replaces an agent that says its session is unusable, and tries a read again", async () => {
    const s = scriptedAgent(`
      ready();
      const fs2 = require("node:fs");
      const marker = path.join(__dirname, "broken-once");
      onRequest((req) => {
        if (!fs2.existsSync(marker)) {
          fs2.writeFileSync(marker, "");
          return send({ id: req.id, ok: false, error: { code: "unavailable", message: "The remote session was closed", cmdlet: "Get-CsRgsQueue" } });
        }
        send({ id: req.id, ok: true, value: [] });
      });
    `);
    const a = agent(s.command);
    expect(await a.request({ op: "run", step: { cmdlet: "Get-CsRgsQueue" } }, "read")).toEqual([]);
    expect(a.starts).toBe(2);
  });

  it("ends the agent on close", async () => {
    const s = scriptedAgent(`ready(); log({ pid: process.pid }); onRequest((req) => send({ id: req.id, ok: true, value: "pong" }));`);
    const a = agent(s.command);
    await a.request(ping, "read");
    const [{ pid }] = s.read() as { pid: number }[];
    await a.close();
    expect(() => process.kill(pid, 0)).toThrow();
    expect((await rgsError(a.request(ping, "read"))).message).toMatch(/was closed/);
  });
});
