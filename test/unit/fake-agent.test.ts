/**
 * The fake Management Shell agent, spoken to over protocol v1 as the shell backend speaks to it:
 * a real child process, JSON lines on stdin/stdout.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeAgentCommand, type FakeAgentOptions, fakeAgentCommand } from "../helpers/fake-agent/spawn";

const POOL = "pool01.contoso.com";
const SERVICE = `service:ApplicationServer:${POOL}`;
const NS = "Microsoft.Rtc.Rgs.Management.WritableSettings.";

// Answers are checked by assertions, not by types.
type Json = any;

class AgentProcess {
  private buffered: string[] = [];
  private waiting: ((line: string | null) => void)[] = [];
  private closed = false;
  private nextId = 1;
  readonly exited: Promise<number | null>;
  stderr = "";

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    let partial = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => {
      partial += chunk;
      let nl: number;
      while ((nl = partial.indexOf("\n")) >= 0) {
        this.push(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
    });
    child.stderr.on("data", (c) => (this.stderr += String(c)));
    this.exited = new Promise((r) =>
      child.on("exit", (code) => {
        this.closed = true;
        for (const w of this.waiting.splice(0)) w(null);
        r(code);
      }),
    );
  }

  private push(line: string): void {
    const w = this.waiting.shift();
    if (w) w(line);
    else this.buffered.push(line);
  }

  /** The next line the agent prints, or null once it has exited without printing one. */
  nextLine(): Promise<string | null> {
    const line = this.buffered.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closed) return Promise.resolve(null);
    return new Promise((r) => this.waiting.push(r));
  }

  sendRaw(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  send(body: Record<string, unknown>): number {
    const id = this.nextId++;
    this.child.stdin.write(`${JSON.stringify({ id, ...body })}\n`);
    return id;
  }

  async request(body: Record<string, unknown>): Promise<Json> {
    const id = this.send(body);
    const line = await this.nextLine();
    if (line === null) throw new Error(`agent exited without answering request ${id}: ${this.stderr}`);
    const answer = JSON.parse(line);
    expect(answer.id).toBe(id);
    return answer;
  }

  /** Runs one step and returns its value; fails the test on an error answer. */
  async run(cmdlet: string, params: Record<string, unknown> = {}, switches?: string[]): Promise<Json> {
    const a = await this.request({ op: "run", step: { cmdlet, params, ...(switches ? { switches } : {}) } });
    if (!a.ok) throw new Error(`${cmdlet} failed: ${JSON.stringify(a.error)}`);
    return a.value;
  }

  /** Runs one step that must fail; returns the error. */
  async fail(cmdlet: string, params: Record<string, unknown> = {}, switches?: string[]): Promise<Json> {
    const a = await this.request({ op: "run", step: { cmdlet, params, ...(switches ? { switches } : {}) } });
    expect(a.ok, `${cmdlet} should fail`).toBe(false);
    return a.error;
  }

  async stop(): Promise<void> {
    if (!this.closed) {
      this.child.stdin.end();
      await this.exited;
    }
  }
}

const running: AgentProcess[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop()));
});

async function start(cmd: FakeAgentCommand, viaShell = false): Promise<{ agent: AgentProcess; ready: Json }> {
  const [bin, ...args] = cmd.command;
  const env = { ...process.env, ...cmd.env };
  const child = viaShell
    ? spawn(cmd.commandLine, { shell: true, env, stdio: ["pipe", "pipe", "pipe"] })
    : spawn(bin, args, { env, stdio: ["pipe", "pipe", "pipe"] });
  const agent = new AgentProcess(child);
  running.push(agent);
  const first = await agent.nextLine();
  let ready: Json = first;
  try {
    ready = first === null ? null : JSON.parse(first);
  } catch {
    // a start-up fault prints a line that is not JSON
  }
  return { agent, ready };
}

async function startReady(options: FakeAgentOptions | FakeAgentCommand = {}): Promise<{ agent: AgentProcess; cmd: FakeAgentCommand }> {
  const cmd = "command" in options ? options : fakeAgentCommand(options);
  const { agent, ready } = await start(cmd);
  expect(ready).toEqual({ ready: true, protocol: 1, agent: "fake-1", module: "SkypeForBusiness" });
  return { agent, cmd };
}

const step = (cmdlet: string, params: Record<string, unknown> = {}, switches?: string[]) => ({
  step: { cmdlet, params, ...(switches ? { switches } : {}) },
});
const prompt = (text: string) => step("New-CsRgsPrompt", { TextToSpeechPrompt: text });

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v)
      .filter((k) => k !== "$fingerprint")
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

describe("fake agent: protocol", () => {
  it("prints the ready line, answers ping, and lists the pools through Get-CsService -ApplicationServer", async () => {
    const cmd = fakeAgentCommand({ pools: ["pool01.contoso.com", "pool02.fabrikam.com"] });
    const { agent, ready } = await start(cmd, true);
    expect(ready).toEqual({ ready: true, protocol: 1, agent: "fake-1", module: "SkypeForBusiness" });
    expect(await agent.request({ op: "ping" })).toEqual({ id: 1, ok: true, value: "pong" });
    const services = await agent.run("Get-CsService", {}, ["ApplicationServer"]);
    expect(services.map((s: Json) => [s.Identity, s.PoolFqdn])).toEqual([
      ["ApplicationServer:pool01.contoso.com", "pool01.contoso.com"],
      ["ApplicationServer:pool02.fabrikam.com", "pool02.fabrikam.com"],
    ]);
    expect(await agent.run("Get-CsService", { PoolFqdn: "POOL02.fabrikam.com" }, ["ApplicationServer"])).toHaveLength(1);
  });

  it("refuses cmdlets and parameters off the whitelist, wrong parameter sets and unconvertible values with invalid", async () => {
    const { agent } = await startReady();
    expect((await agent.fail("Get-CsUser", {})).code).toBe("invalid");
    expect((await agent.fail("Invoke-Expression", { Command: "calc" })).code).toBe("invalid");
    const unknown = await agent.fail("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "A", Colour: "red" });
    expect(unknown).toMatchObject({ code: "invalid", cmdlet: "New-CsRgsAgentGroup" });
    expect(unknown.message).toContain("'Colour'");
    // Parameter names exactly as the cmdlet reference spells them, common parameters excluded.
    expect((await agent.fail("New-CsRgsAgentGroup", { parent: SERVICE, Name: "A" })).code).toBe("invalid");
    expect((await agent.fail("Get-CsRgsQueue", { ErrorAction: "Stop" })).code).toBe("invalid");
    expect((await agent.fail("Get-CsService", {})).message).toContain("ApplicationServer");
    const missing = await agent.fail("New-CsRgsAgentGroup", { Parent: SERVICE });
    expect(missing.message).toContain("missing mandatory parameters: Name");
    expect((await agent.fail("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "" })).message).toContain("empty string");
    const badEnum = await agent.fail("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "A", RoutingMethod: "Random" });
    expect(badEnum.code).toBe("invalid");
    expect(badEnum.message).toContain("LongestIdle, RoundRobin, Serial, Parallel, Attendant");
    expect((await agent.fail("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "A", AgentAlertTime: "soon" })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsWorkflow", { Parent: SERVICE, Name: "W", PrimaryUri: "sip:w@contoso.com", Active: "true" })).message).toContain("Boolean");
    expect((await agent.fail("Set-CsRgsConfiguration", { Identity: SERVICE, Instance: { step: { cmdlet: "Get-CsRgsConfiguration", params: { Identity: SERVICE } } } })).message).toContain(
      "Parameter set cannot be resolved",
    );
    const bad = await agent.request({ op: "run", step: { cmdlet: "New-CsRgsPrompt", params: { TextToSpeechPrompt: { text: "hi" } } } });
    expect(bad.error.code).toBe("invalid");
    expect((await agent.request({ op: "teleport" })).error.code).toBe("invalid");
    expect(await agent.fail("Export-CsRgsConfiguration", { Source: SERVICE, FileName: "C:\\rgs.zip" })).toMatchObject({ code: "failed", errorId: "NotEmulated" });
    // Input that is not JSON is answered, and the agent goes on serving.
    agent.sendRaw("Get-CsRgsQueue | Remove-CsRgsQueue");
    expect(JSON.parse((await agent.nextLine()) as string)).toMatchObject({ id: null, ok: false, error: { code: "invalid" } });
    agent.send({ op: "ping" });
    expect(await agent.nextLine()).toContain('"value":"pong"');
  });

  it("logs one line per request with op and cmdlet only", async () => {
    const { agent, cmd } = await startReady();
    await agent.request({ op: "ping" });
    await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Secret name" });
    await agent.fail("Get-CsRgsQueue", { Identity: `${SERVICE}/00000000-0000-0000-0000-000000000000` });
    expect(cmd.requests()).toEqual([
      { op: "ping", cmdlet: null },
      { op: "run", cmdlet: "New-CsRgsAgentGroup" },
      { op: "run", cmdlet: "Get-CsRgsQueue" },
    ]);
    expect(readFileSync(cmd.logFile, "utf8")).not.toContain("Secret name");
    cmd.clearRequests();
    await agent.request({ op: "ping" });
    expect(cmd.requests()).toHaveLength(1);
  });
});

describe("fake agent: objects", () => {
  it("agent groups: documented defaults, Get by service, by name and by identity, update, remove", async () => {
    const { agent } = await startReady();
    const g = await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Help Desk", AgentsByUri: "sip:kenmyer@litwareinc.com" });
    expect(g).toMatchObject({
      $type: `${NS}AgentGroup`,
      Name: "Help Desk",
      Description: null,
      ParticipationPolicy: "Informal",
      AgentAlertTime: 20,
      RoutingMethod: "Parallel",
      DistributionGroupAddress: null,
      AgentsByUri: ["sip:kenmyer@litwareinc.com"],
      OwnerPool: POOL,
    });
    expect(g.Identity).toMatch(new RegExp(`^${SERVICE}/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));
    expect(g.$fingerprint).toBe(createHash("sha256").update(canonical(g)).digest("hex"));

    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE })).toEqual([g]);
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE, Name: "help desk" })).toEqual(g);
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: g.Identity })).toEqual(g);
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE, Name: "Nobody" })).toBeNull();
    expect(await agent.run("Get-CsRgsAgentGroup")).toEqual([g]);

    const updated = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: g.Identity } },
      ifFingerprint: g.$fingerprint,
      set: { RoutingMethod: "roundrobin", AgentAlertTime: "30", AgentsByUri: ["sip:a@contoso.com", "sip:b@contoso.com"], ParticipationPolicy: "Formal" },
      with: "Set-CsRgsAgentGroup",
    });
    expect(updated.ok).toBe(true);
    expect(updated.value).toMatchObject({ RoutingMethod: "RoundRobin", AgentAlertTime: 30, ParticipationPolicy: "Formal", AgentsByUri: ["sip:a@contoso.com", "sip:b@contoso.com"] });
    expect(updated.value.$fingerprint).not.toBe(g.$fingerprint);
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: g.Identity })).toEqual(updated.value);

    expect(await agent.run("Remove-CsRgsAgentGroup", { Instance: step("Get-CsRgsAgentGroup", { Identity: g.Identity }) }, ["Force"])).toBeNull();
    expect((await agent.fail("Get-CsRgsAgentGroup", { Identity: g.Identity })).code).toBe("not_found");
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE })).toEqual([]);
  });

  it("agent groups and queues: documented ranges answer invalid, on New and on Set", async () => {
    const { agent } = await startReady();
    for (const [cmdlet, params] of [
      ["New-CsRgsAgentGroup", { AgentAlertTime: 9 }],
      ["New-CsRgsAgentGroup", { AgentAlertTime: 601 }],
      ["New-CsRgsQueue", { TimeoutThreshold: 9 }],
      ["New-CsRgsQueue", { TimeoutThreshold: 65536 }],
      ["New-CsRgsQueue", { OverflowThreshold: -1 }],
      ["New-CsRgsQueue", { OverflowThreshold: 1001 }],
    ] as const) {
      const e = await agent.fail(cmdlet, { Parent: SERVICE, Name: "R", ...params });
      expect(e.code, `${cmdlet} ${JSON.stringify(params)}`).toBe("invalid");
    }
    expect((await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Edges", AgentAlertTime: 600 })).AgentAlertTime).toBe(600);
    const q = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Q", TimeoutThreshold: 10, OverflowThreshold: 0 });
    expect([q.TimeoutThreshold, q.OverflowThreshold, q.OverflowCandidate]).toEqual([10, 0, "NewestCall"]);
    const tooLong = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsQueue", params: { Identity: q.Identity } },
      ifFingerprint: q.$fingerprint,
      set: { TimeoutThreshold: 70000 },
      with: "Set-CsRgsQueue",
    });
    expect(tooLong.error.code).toBe("invalid");
    expect(await agent.run("Get-CsRgsQueue", { Identity: q.Identity })).toEqual(q);
  });

  it("queues: agent groups in order, call actions, and TransferToQuestion refused for timeouts and overflows", async () => {
    const { agent } = await startReady();
    const g1 = await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "G1" });
    const g2 = await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "G2" });
    const overflow = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Overflow" });
    const q = await agent.run("New-CsRgsQueue", {
      Parent: SERVICE,
      Name: "Help Desk",
      Description: "tier 1",
      AgentGroupIDList: [g2.Identity, g1.Identity.replace("service:", "")],
      TimeoutThreshold: 300,
      TimeoutAction: step("New-CsRgsCallAction", { Action: "TransferToVoiceMailUri", Uri: "sip:helpdesk@contoso.com", Prompt: prompt("Leave a message") }),
      OverflowThreshold: 25,
      OverflowCandidate: "oldestcall",
      OverflowAction: step("New-CsRgsCallAction", { Action: "TransferToQueue", QueueID: overflow.Identity }),
    });
    expect(q).toMatchObject({
      $type: `${NS}Queue`,
      AgentGroupIDList: [g2.Identity, g1.Identity],
      OverflowCandidate: "OldestCall",
      TimeoutAction: {
        $type: `${NS}CallAction`,
        Action: "TransferToVoicemailUri",
        Uri: "sip:helpdesk@contoso.com",
        QueueID: null,
        Question: null,
        Prompt: { $type: `${NS}Prompt`, TextToSpeechPrompt: "Leave a message", AudioFilePrompt: null },
      },
      OverflowAction: { Action: "TransferToQueue", QueueID: overflow.Identity },
    });
    expect(q.TimeoutAction.$fingerprint).toBeUndefined();
    const question = step("New-CsRgsQuestion", {
      Prompt: prompt("Sales or support?"),
      AnswerList: [step("New-CsRgsAnswer", { DtmfResponse: "1", Action: step("New-CsRgsCallAction", { Action: "Terminate" }) })],
    });
    const e = await agent.fail("New-CsRgsQueue", {
      Parent: SERVICE,
      Name: "Asks",
      TimeoutAction: step("New-CsRgsCallAction", { Action: "TransferToQuestion", Question: question }),
    });
    expect(e.code).toBe("invalid");
    expect((await agent.fail("New-CsRgsCallAction", { Action: "TransferToQueue" })).message).toContain("QueueID");
    expect((await agent.fail("New-CsRgsCallAction", { Action: "TransferToPstn" })).message).toContain("Uri");
    expect((await agent.fail("New-CsRgsCallAction", {})).message).toContain("mandatory");
  });

  it("Remove-CsRgsQueue does not check whether another queue's overflow or timeout action points at the queue", async () => {
    const { agent } = await startReady();
    const target = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Target" });
    const q = await agent.run("New-CsRgsQueue", {
      Parent: SERVICE,
      Name: "Front",
      OverflowAction: step("New-CsRgsCallAction", { Action: "TransferToQueue", QueueID: target.Identity }),
    });
    expect(await agent.run("Remove-CsRgsQueue", { Instance: step("Get-CsRgsQueue", { Identity: target.Identity }) }, ["Force"])).toBeNull();
    const front = await agent.run("Get-CsRgsQueue", { Identity: q.Identity });
    expect(front.OverflowAction.QueueID).toBe(target.Identity);
    expect((await agent.fail("Get-CsRgsQueue", { Identity: target.Identity })).code).toBe("not_found");
  });

  it("objects used by a workflow are removed when asked (the client checks references)", async () => {
    const { agent } = await startReady();
    const g = await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "G" });
    const q = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Q", AgentGroupIDList: [g.Identity] });
    await agent.run("New-CsRgsWorkflow", {
      Parent: SERVICE,
      Name: "W",
      PrimaryUri: "sip:w@contoso.com",
      Active: true,
      DefaultAction: step("New-CsRgsCallAction", { Action: "TransferToQueue", QueueID: q.Identity }),
    });
    await agent.run("Remove-CsRgsQueue", { Instance: step("Get-CsRgsQueue", { Identity: q.Identity }) }, ["Force"]);
    await agent.run("Remove-CsRgsAgentGroup", { Instance: step("Get-CsRgsAgentGroup", { Identity: g.Identity }) }, ["Force"]);
    expect(await agent.run("Get-CsRgsQueue", { Identity: SERVICE })).toEqual([]);
  });

  it("hours of business: time ranges from 8:00, 08:00 and 08:00:00, read back as hh:mm:ss; a slot cleared by update", async () => {
    const { agent } = await startReady();
    const range = (open: string, close: string, name?: string) => step("New-CsRgsTimeRange", { OpenTime: open, CloseTime: close, ...(name ? { Name: name } : {}) });
    const h = await agent.run("New-CsRgsHoursOfBusiness", {
      Parent: SERVICE,
      Name: "Office",
      MondayHours1: range("8:00", "12:00", "Morning"),
      MondayHours2: range("13:00", "17:30:00"),
      FridayHours1: range("08:00:00", "15:00"),
    });
    expect(h.$type).toBe(`${NS}BusinessHours`);
    expect(h.Custom).toBe(false);
    expect(h.MondayHours1).toEqual({ $type: `${NS}TimeRange`, Name: "Morning", OpenTime: "08:00:00", CloseTime: "12:00:00" });
    expect(h.MondayHours2).toMatchObject({ OpenTime: "13:00:00", CloseTime: "17:30:00" });
    expect(h.SundayHours1).toBeNull();
    expect((await agent.fail("New-CsRgsTimeRange", { OpenTime: "25:00", CloseTime: "26:00" })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsTimeRange", { OpenTime: "8:00", CloseTime: "9:00", Name: "x".repeat(129) })).code).toBe("invalid");
    const u = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsHoursOfBusiness", params: { Identity: SERVICE, Name: "Office" } },
      ifFingerprint: h.$fingerprint,
      set: { MondayHours2: null, Custom: true, SaturdayHours1: range("10:00", "14:00") },
      with: "Set-CsRgsHoursOfBusiness",
    });
    expect(u.value).toMatchObject({ MondayHours2: null, Custom: true, SaturdayHours1: { OpenTime: "10:00:00", CloseTime: "14:00:00" } });
    await agent.run("Remove-CsRgsHoursOfBusiness", { Instance: step("Get-CsRgsHoursOfBusiness", { Identity: h.Identity }) }, ["Force"]);
    expect(await agent.run("Get-CsRgsHoursOfBusiness", { Identity: SERVICE })).toEqual([]);
  });

  it("holiday sets: at least one holiday on New, none after Set; dates bound from the docs' form and ISO", async () => {
    const { agent } = await startReady();
    expect((await agent.fail("New-CsRgsHolidaySet", { Parent: SERVICE, Name: "Empty", HolidayList: [] })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsHolidaySet", { Parent: SERVICE, Name: "Empty" })).code).toBe("invalid");
    const hs = await agent.run("New-CsRgsHolidaySet", {
      Parent: SERVICE,
      Name: "2013 Holidays",
      HolidayList: [
        step("New-CsRgsHoliday", { Name: "Christmas Day", StartDate: "12/25/2013 12:00 AM", EndDate: "12/26/2013 12:00 AM" }),
        step("New-CsRgsHoliday", { Name: "New Year", StartDate: "2014-01-01", EndDate: "2014-01-01T23:59:59" }),
      ],
    });
    expect(hs.HolidayList).toEqual([
      { $type: `${NS}Holiday`, Name: "Christmas Day", StartDate: "2013-12-25T00:00:00", EndDate: "2013-12-26T00:00:00" },
      { $type: `${NS}Holiday`, Name: "New Year", StartDate: "2014-01-01T00:00:00", EndDate: "2014-01-01T23:59:59" },
    ]);
    expect((await agent.fail("New-CsRgsHoliday", { StartDate: "2013-02-30", EndDate: "2013-03-01" })).code).toBe("invalid");
    const cleared = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsHolidaySet", params: { Identity: hs.Identity } },
      ifFingerprint: hs.$fingerprint,
      set: { HolidayList: [] },
      with: "Set-CsRgsHolidaySet",
    });
    expect(cleared.value.HolidayList).toEqual([]);
    await agent.run("Remove-CsRgsHolidaySet", { Instance: step("Get-CsRgsHolidaySet", { Identity: hs.Identity }) }, ["Force"]);
    expect((await agent.fail("Get-CsRgsHolidaySet", { Identity: hs.Identity })).code).toBe("not_found");
  });

  it("workflows: an IVR with nested question, hours, holidays and imported music; the documented checks", async () => {
    const { agent } = await startReady();
    const q = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Q" });
    const hours = await agent.run("New-CsRgsHoursOfBusiness", { Parent: SERVICE, Name: "H" });
    const holidays = await agent.run("New-CsRgsHolidaySet", {
      Parent: SERVICE,
      Name: "HS",
      HolidayList: [step("New-CsRgsHoliday", { StartDate: "2026-12-25", EndDate: "2026-12-26" })],
    });
    const toQueue = step("New-CsRgsCallAction", { Action: "TransferToQueue", QueueID: q.Identity });
    const inner = step("New-CsRgsQuestion", {
      Name: "Level 2",
      Prompt: prompt("Hardware or software?"),
      AnswerList: [step("New-CsRgsAnswer", { Name: "hw", DtmfResponse: "1", VoiceResponseList: ["hardware"], Action: toQueue })],
    });
    const outer = step("New-CsRgsQuestion", {
      Prompt: prompt("Press 1 for support"),
      InvalidAnswerPrompt: prompt("Sorry"),
      AnswerList: [step("New-CsRgsAnswer", { DtmfResponse: "1", Action: step("New-CsRgsCallAction", { Action: "TransferToQuestion", Question: inner }) })],
    });
    const music = step("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "WhileYouWait.wav", Content: { bytes: Buffer.from("RIFF....WAVE").toString("base64") } });
    const w = await agent.run("New-CsRgsWorkflow", {
      Parent: SERVICE,
      Name: "Help Desk",
      PrimaryUri: "sip:helpdesk@contoso.com",
      LineUri: "TEL:+14255551219",
      DisplayNumber: "+1 (425) 555-1219",
      Active: true,
      Language: "EN-gb",
      TimeZone: "Pacific Standard Time",
      BusinessHoursID: hours.Identity,
      HolidaySetIDList: holidays.Identity,
      DefaultAction: step("New-CsRgsCallAction", { Action: "TransferToQuestion", Question: outer, Prompt: prompt("Welcome") }),
      NonBusinessHoursAction: step("New-CsRgsCallAction", { Action: "Terminate", Prompt: prompt("We are closed") }),
      CustomMusicOnHoldFile: music,
      ManagersByUri: ["sip:manager@contoso.com"],
      Managed: 1,
    });
    expect(w).toMatchObject({
      $type: `${NS}Workflow`,
      LineUri: "tel:+14255551219",
      Language: "en-GB",
      Anonymous: false,
      EnabledForFederation: false,
      Managed: true,
      BusinessHoursID: hours.Identity,
      HolidaySetIDList: [holidays.Identity],
      HolidayAction: null,
      CustomMusicOnHoldFile: { $type: `${NS}AudioFile`, OriginalFileName: "WhileYouWait.wav" },
    });
    const level2 = w.DefaultAction.Question.AnswerList[0].Action.Question;
    expect(level2).toMatchObject({ $type: `${NS}Question`, Name: "Level 2", AnswerList: [{ $type: `${NS}Answer`, VoiceResponseList: ["hardware"], Action: { QueueID: q.Identity } }] });

    const base = { Parent: SERVICE, PrimaryUri: "sip:other@contoso.com" };
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "A", Active: true })).message).toContain("DefaultAction");
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "B", DefaultAction: step("New-CsRgsCallAction", { Action: "Terminate" }) })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "C", HolidayAction: toQueue })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "D", PrimaryUri: "tel:+1425" })).message).toContain("sip:");
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "E", LineUri: "tel:+1 425 555" })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "F", Language: "fo-FO" })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsWorkflow", { ...base, Name: "G", PrimaryUri: "SIP:HelpDesk@contoso.com" })).code).toBe("conflict");
    expect((await agent.fail("New-CsRgsAnswer", { Action: toQueue })).code).toBe("invalid");
    expect((await agent.fail("New-CsRgsPrompt", { TextToSpeechPrompt: "x".repeat(4097) })).code).toBe("invalid");
    expect((await agent.fail("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "song.mp3", Content: { bytes: "AAAA" } })).code).toBe("invalid");

    // An inactive workflow is not validated for a DefaultAction (PS:New-CsRgsWorkflow -Active).
    const idle = await agent.run("New-CsRgsWorkflow", { ...base, Name: "Idle" });
    expect([idle.Active, idle.DefaultAction, idle.Language, idle.ManagersByUri]).toEqual([false, null, "en-US", []]);
    const off = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsWorkflow", params: { Identity: w.Identity } },
      ifFingerprint: w.$fingerprint,
      set: { Active: false, DefaultAction: null, Description: "closed for now" },
      with: "Set-CsRgsWorkflow",
    });
    expect(off.value).toMatchObject({ Active: false, DefaultAction: null, Description: "closed for now" });
    await agent.run("Remove-CsRgsWorkflow", { Instance: step("Get-CsRgsWorkflow", { Identity: w.Identity }) }, ["Force"]);
    expect((await agent.run("Get-CsRgsWorkflow", { Identity: SERVICE })).map((x: Json) => x.Name)).toEqual(["Idle"]);
  });

  it("service settings: one per pool with the documented defaults; Set by Identity, by Instance, and by update", async () => {
    const { agent } = await startReady({ pools: [POOL, "pool02.contoso.com"] });
    const s = await agent.run("Get-CsRgsConfiguration", { Identity: SERVICE });
    expect(s).toMatchObject({ $type: `${NS}ServiceSettings`, Identity: SERVICE, AgentRingbackGracePeriod: 60, DisableCallContext: false, DefaultMusicOnHoldFile: null });
    expect(s.$fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(await agent.run("Set-CsRgsConfiguration", { Identity: SERVICE, AgentRingbackGracePeriod: 30 })).toBeNull();
    expect((await agent.fail("Set-CsRgsConfiguration", { Identity: SERVICE, AgentRingbackGracePeriod: 29 })).code).toBe("invalid");
    expect((await agent.fail("Set-CsRgsConfiguration", { Identity: SERVICE, AgentRingbackGracePeriod: 601 })).code).toBe("invalid");
    const u = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsConfiguration", params: { Identity: SERVICE } },
      ifFingerprint: (await agent.run("Get-CsRgsConfiguration", { Identity: SERVICE })).$fingerprint,
      set: { DisableCallContext: true, DefaultMusicOnHoldFile: step("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "hold.WMA", Content: { bytes: "AAAA" } }) },
      with: "Set-CsRgsConfiguration",
    });
    expect(u.value).toMatchObject({ AgentRingbackGracePeriod: 30, DisableCallContext: true, DefaultMusicOnHoldFile: { OriginalFileName: "hold.WMA" } });
    const other = await agent.run("Get-CsRgsConfiguration", { Identity: "service:ApplicationServer:pool02.contoso.com" });
    expect(other.AgentRingbackGracePeriod).toBe(60);
    expect((await agent.fail("Get-CsRgsConfiguration", { Identity: "service:ApplicationServer:nowhere.contoso.com" })).code).toBe("not_found");
  });
});

describe("fake agent: Import-CsRgsAudioFile (PS:Import-CsRgsAudioFile)", () => {
  it("answers an AudioFile per call, each with a UniqueName of its own, that prompts, workflows and settings embed", async () => {
    const { agent } = await startReady();
    const content = { bytes: Buffer.from("RIFF\u0024\u0000\u0000\u0000WAVE").toString("base64") };
    const first = await agent.run("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "Welcome.wav", Content: content });
    const second = await agent.run("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "Welcome.wav", Content: content });
    expect(first).toEqual({ $type: `${NS}AudioFile`, OriginalFileName: "Welcome.wav", UniqueName: expect.any(String) });
    // "you must run Import-CsRgsAudioFile each time you want to use an audio file": the same file imported twice is two imports.
    expect(second.UniqueName).not.toBe(first.UniqueName);
    expect(first.$fingerprint).toBeUndefined();

    const imported = { step: { cmdlet: "Import-CsRgsAudioFile", params: { Identity: SERVICE, FileName: "Welcome.wav", Content: content } } };
    const prompt = await agent.run("New-CsRgsPrompt", { TextToSpeechPrompt: "Welcome", AudioFilePrompt: imported });
    expect(prompt).toMatchObject({ $type: `${NS}Prompt`, TextToSpeechPrompt: "Welcome", AudioFilePrompt: { $type: `${NS}AudioFile`, OriginalFileName: "Welcome.wav" } });
    expect(await agent.run("New-CsRgsPrompt", { AudioFilePrompt: imported })).toMatchObject({ TextToSpeechPrompt: null, AudioFilePrompt: { OriginalFileName: "Welcome.wav" } });
    const w = await agent.run("New-CsRgsWorkflow", { Parent: SERVICE, Name: "Music", PrimaryUri: "sip:music@contoso.com", CustomMusicOnHoldFile: imported });
    expect((await agent.run("Get-CsRgsWorkflow", { Identity: w.Identity })).CustomMusicOnHoldFile).toEqual(w.CustomMusicOnHoldFile);
    expect(await agent.run("Set-CsRgsConfiguration", { Identity: SERVICE, DefaultMusicOnHoldFile: imported })).toBeNull();
    expect((await agent.run("Get-CsRgsConfiguration", { Identity: SERVICE })).DefaultMusicOnHoldFile).toMatchObject({ $type: `${NS}AudioFile`, OriginalFileName: "Welcome.wav" });

    // ".WAV or .WMA formats only", by the file name; the service must host Response Group; -WhatIf imports nothing.
    expect((await agent.fail("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "welcome.mp3", Content: content })).code).toBe("invalid");
    expect((await agent.fail("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "welcome.wav" })).code).toBe("invalid");
    expect((await agent.fail("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "welcome.wav", Content: "UklGRg==" })).code).toBe("invalid");
    expect((await agent.fail("Import-CsRgsAudioFile", { Identity: "service:ApplicationServer:nowhere.contoso.com", FileName: "a.wav", Content: content })).code).toBe("not_found");
    expect((await agent.fail("Import-CsRgsAudioFile", { Identity: `${SERVICE}/${w.Identity.split("/")[1]}`, FileName: "a.wav", Content: content })).code).toBe("invalid");
    expect(await agent.run("Import-CsRgsAudioFile", { Identity: SERVICE, FileName: "hold.WMA", Content: content }, ["WhatIf"])).toBeNull();
  });
});

describe("fake agent: identity, names and versions", () => {
  it("names are unique per service and kind, without regard to case; other pools and kinds may reuse them", async () => {
    const { agent } = await startReady({ pools: [POOL, "pool02.contoso.com"] });
    const a = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Sales" });
    const e = await agent.fail("New-CsRgsQueue", { Parent: SERVICE, Name: "SALES" });
    expect(e).toMatchObject({ code: "conflict", cmdlet: "New-CsRgsQueue" });
    await agent.run("New-CsRgsQueue", { Parent: "service:ApplicationServer:pool02.contoso.com", Name: "Sales" });
    await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Sales" });
    const b = await agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Support" });
    const rename = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsQueue", params: { Identity: b.Identity } },
      ifFingerprint: b.$fingerprint,
      set: { Name: "sales" },
      with: "Set-CsRgsQueue",
    });
    expect(rename.error.code).toBe("conflict");
    expect(await agent.run("Get-CsRgsQueue", { Identity: SERVICE })).toEqual([a, b]);
    expect((await agent.fail("New-CsRgsQueue", { Parent: "service:ApplicationServer:nowhere.contoso.com", Name: "X" })).code).toBe("not_found");
    expect((await agent.fail("Get-CsRgsQueue", { Identity: "service:ApplicationServer:nowhere.contoso.com" })).code).toBe("not_found");
    expect((await agent.fail("Get-CsRgsQueue", { Identity: "queue:Sales" })).code).toBe("invalid");
  });

  it("an update whose fingerprint no longer matches answers version_mismatch and changes nothing", async () => {
    const { agent } = await startReady();
    const g = await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "G" });
    const first = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: g.Identity } },
      ifFingerprint: g.$fingerprint,
      set: { Description: "first" },
      with: "Set-CsRgsAgentGroup",
    });
    expect(first.ok).toBe(true);
    const stale = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: g.Identity } },
      ifFingerprint: g.$fingerprint,
      set: { Description: "second" },
      with: "Set-CsRgsAgentGroup",
    });
    expect(stale).toMatchObject({ ok: false, error: { code: "version_mismatch" } });
    expect((await agent.run("Get-CsRgsAgentGroup", { Identity: g.Identity })).Description).toBe("first");
    const readOnly = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: g.Identity } },
      set: { Identity: `${SERVICE}/00000000-0000-0000-0000-000000000000` },
      with: "Set-CsRgsAgentGroup",
    });
    expect(readOnly.error.code).toBe("invalid");
    const wrongWith = await agent.request({ op: "update", get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: g.Identity } }, set: {}, with: "Set-CsRgsQueue" });
    expect(wrongWith.error.code).toBe("invalid");
    const gone = await agent.request({
      op: "update",
      get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: SERVICE, Name: "Nobody" } },
      set: {},
      with: "Set-CsRgsAgentGroup",
    });
    expect(gone.error.code).toBe("not_found");
  });

  it("New -InMemory saves nothing until Set-* writes the instance", async () => {
    const { agent } = await startReady();
    const made = await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Later" }, ["InMemory"]);
    expect(made.Identity).toMatch(/^service:ApplicationServer:pool01\.contoso\.com\//);
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE })).toEqual([]);
    expect(await agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Later" }, ["WhatIf"])).toBeNull();
    expect(await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE })).toEqual([]);
    expect(await agent.run("Set-CsRgsAgentGroup", { Instance: step("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Later" }, ["InMemory"]) }, ["Force"])).toBeNull();
    expect((await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE })).map((g: Json) => g.Name)).toEqual(["Later"]);
  });
});

describe("fake agent: restarts and faults", () => {
  it("keeps the pools' objects across restarts, whether run under ts-node or compiled", async () => {
    const cmd = fakeAgentCommand();
    const first = await startReady(fakeAgentCommand({ dir: dirname(cmd.stateFile), runner: "ts-node" }));
    expect(first.cmd.command[first.cmd.command.length - 1]).toMatch(/fake-agent\/main\.ts$/);
    const g = await first.agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Persisted" });
    await first.agent.run("Set-CsRgsConfiguration", { Identity: SERVICE, DisableCallContext: true });
    await first.agent.stop();
    const second = await startReady(cmd);
    expect(await second.agent.run("Get-CsRgsAgentGroup", { Identity: g.Identity })).toEqual(g);
    expect((await second.agent.run("Get-CsRgsConfiguration", { Identity: SERVICE })).DisableCallContext).toBe(true);
    expect(JSON.parse(readFileSync(cmd.stateFile, "utf8")).objects).toHaveLength(1);
  });

  it("two agents on one state file see each other's changes between requests", async () => {
    const cmd = fakeAgentCommand();
    const a = await startReady(cmd);
    const b = await startReady(cmd);
    const g = await a.agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "Shared" });
    expect(await b.agent.run("Get-CsRgsAgentGroup", { Identity: g.Identity })).toEqual(g);
    expect((await b.agent.fail("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "shared" })).code).toBe("conflict");
    await b.agent.run("Remove-CsRgsAgentGroup", { Instance: step("Get-CsRgsAgentGroup", { Identity: g.Identity }) }, ["Force"]);
    expect((await a.agent.fail("Get-CsRgsAgentGroup", { Identity: g.Identity })).code).toBe("not_found");
  });

  it("crash: exits without answering and without applying; the fault does not fire again after a restart", async () => {
    const cmd = fakeAgentCommand({ faults: [{ when: "New-CsRgsQueue", fault: "crash" }] });
    const first = await startReady(cmd);
    await first.agent.run("New-CsRgsAgentGroup", { Parent: SERVICE, Name: "G" });
    first.agent.send({ op: "run", step: { cmdlet: "New-CsRgsQueue", params: { Parent: SERVICE, Name: "Q" } } });
    expect(await first.agent.nextLine()).toBeNull();
    expect(await first.agent.exited).not.toBe(0);
    const second = await startReady(cmd);
    expect(await second.agent.run("Get-CsRgsQueue", { Identity: SERVICE })).toEqual([]);
    expect((await second.agent.run("New-CsRgsQueue", { Parent: SERVICE, Name: "Q" })).Name).toBe("Q");
    expect(cmd.requests().map((r) => r.cmdlet)).toEqual(["New-CsRgsAgentGroup", "New-CsRgsQueue", "Get-CsRgsQueue", "New-CsRgsQueue"]);
  });

  it("lose-answer: applies and persists the New-*, then exits without answering", async () => {
    const cmd = fakeAgentCommand({ faults: [{ when: "New-CsRgsWorkflow", fault: "lose-answer" }] });
    const first = await startReady(cmd);
    first.agent.send({ op: "run", step: { cmdlet: "New-CsRgsWorkflow", params: { Parent: SERVICE, Name: "W", PrimaryUri: "sip:w@contoso.com" } } });
    expect(await first.agent.nextLine()).toBeNull();
    const second = await startReady(cmd);
    expect((await second.agent.run("Get-CsRgsWorkflow", { Identity: SERVICE, Name: "W" })).PrimaryUri).toBe("sip:w@contoso.com");
    expect((await second.agent.fail("New-CsRgsWorkflow", { Parent: SERVICE, Name: "W", PrimaryUri: "sip:w2@contoso.com" })).code).toBe("conflict");
  });

  it("slow, malformed and denied, from the control file re-read per request, each as often as times says", async () => {
    const { agent, cmd } = await startReady();
    cmd.setFaults([{ when: "ping", fault: "slow", ms: 400 }]);
    const t0 = Date.now();
    expect((await agent.request({ op: "ping" })).value).toBe("pong");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    const t1 = Date.now();
    await agent.request({ op: "ping" });
    expect(Date.now() - t1).toBeLessThan(400);

    cmd.setFaults([{ when: "New-CsRgsAgentGroup", fault: "malformed" }]);
    agent.send({ op: "run", step: { cmdlet: "New-CsRgsAgentGroup", params: { Parent: SERVICE, Name: "Junk" } } });
    const junk = await agent.nextLine();
    expect(() => JSON.parse(junk as string)).toThrow();
    // The cmdlet ran: only its answer was garbled.
    expect((await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE, Name: "Junk" })).Name).toBe("Junk");

    cmd.setFaults([{ when: "update", fault: "denied", times: 2 }]);
    const g = await agent.run("Get-CsRgsAgentGroup", { Identity: SERVICE, Name: "Junk" });
    const update = { op: "update", get: { cmdlet: "Get-CsRgsAgentGroup", params: { Identity: g.Identity } }, set: { Description: "x" }, with: "Set-CsRgsAgentGroup" };
    expect((await agent.request(update)).error).toMatchObject({ code: "denied", cmdlet: "Set-CsRgsAgentGroup" });
    expect((await agent.request(update)).error.code).toBe("denied");
    expect((await agent.request(update)).ok).toBe(true);

    writeFileSync(cmd.faultsFile, "[{not json");
    expect((await agent.request({ op: "ping" })).error.code).toBe("failed");
    cmd.setFaults([{ when: "*", fault: "denied", id: "again" }]);
    expect((await agent.fail("Get-CsRgsQueue")).code).toBe("denied");
    expect(await agent.run("Get-CsRgsQueue")).toEqual([]);
  });

  it("start-up faults: junk instead of the ready line, protocol 2, and the module missing", async () => {
    const junk = await start(fakeAgentCommand({ startup: "junk" }));
    expect(typeof junk.ready).toBe("string");
    const two = await start(fakeAgentCommand({ startup: "protocol2" }));
    expect(two.ready).toMatchObject({ ready: true, protocol: 2 });
    const none = await start(fakeAgentCommand({ startup: "no-module" }));
    expect(none.ready).toMatchObject({ ready: false, protocol: 1, error: { code: "unavailable", errorId: "Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand" } });
    expect(await none.agent.exited).toBe(3);
  });
});
