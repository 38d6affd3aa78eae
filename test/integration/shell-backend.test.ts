/**
 * The shell backend against the cmdlet-level fake agent (test/helpers/fake-agent): every kind
 * through its lifecycle, the checks the cmdlets do not make, agents that misbehave, and what a
 * refresh costs in agent requests.
 */
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { RgsObject } from "../../sdk/backend";
import { RgsError } from "../../sdk/errors";
import type { KindArgs } from "../../sdk/model/index";
import { AgentProcess, ShellBackend } from "../../sdk/shell/index";
import { fakeAgentCommand, type FakeAgentCommand, type FakeAgentOptions } from "../helpers/fake-agent/spawn";

const POOL = "pool01.contoso.com";
const POOL2 = "pool02.contoso.com";

const open: ShellBackend[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

function start(options: FakeAgentOptions = {}, timeoutMs = 20_000): { fake: FakeAgentCommand; backend: ShellBackend } {
  const fake = fakeAgentCommand(options);
  return { fake, backend: connect(fake, timeoutMs) };
}

/** Another backend with its own agent on the same pools: an administrator working beside us. */
function connect(fake: FakeAgentCommand, timeoutMs = 20_000): ShellBackend {
  // The fake agent starts through ts-node, which takes a while on a loaded machine.
  const backend = new ShellBackend({ command: fake.commandLine, env: fake.env, timeoutMs, readyTimeoutMs: 30_000, audioStore: join(dirname(fake.stateFile), "audio") });
  open.push(backend);
  return backend;
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

const group: KindArgs["agent-groups"] = { name: "Tier 1", routingMethod: "Serial", agentsByUri: ["sip:ann@contoso.com", "sip:bob@contoso.com"] };

describe("ShellBackend lifecycle of every kind", () => {
  it("creates, reads, updates and deletes agent groups, queues, hours, holiday sets and IVR workflows", async () => {
    const { fake, backend } = start();
    const g = (await backend.create(POOL, "agent-groups", group)).object;
    expect(g).toMatchObject({ name: "Tier 1", routingMethod: "Serial", participationPolicy: "Informal", agentAlertTime: 20, ownerPool: POOL });
    expect(g.identity).toBe(`service:ApplicationServer:${POOL}/${g.id}`);
    expect(g.etag).toMatch(/^[0-9a-f]{64}$/);
    expect(g.createdAt).toBeNull();

    const overflow = (await backend.create(POOL, "queues", { name: "Overflow" })).object;
    const q = (
      await backend.create(POOL, "queues", {
        name: "Help Desk",
        agentGroupIds: [g.id],
        timeoutThreshold: 300,
        timeoutAction: { action: "TransferToVoicemailUri", uri: "sip:helpdesk@contoso.com", prompt: { textToSpeech: "Please leave a message." } },
        overflowThreshold: 10,
        overflowCandidate: "OldestCall",
        overflowAction: { action: "TransferToQueue", queueId: overflow.id },
      })
    ).object;
    expect(q.overflowAction).toEqual({ action: "TransferToQueue", queueId: overflow.id });

    const hours = (
      await backend.create(POOL, "hours-of-business", {
        name: "Office",
        mondayHours1: { name: "Morning", openTime: "08:00", closeTime: "12:00" },
        mondayHours2: { openTime: "13:00", closeTime: "17:30" },
      })
    ).object;
    expect(hours.mondayHours2).toEqual({ openTime: "13:00", closeTime: "17:30" });
    expect(hours.tuesdayHours1).toBeNull();

    const holidays = (
      await backend.create(POOL, "holiday-sets", {
        name: "2026",
        holidays: [{ name: "Christmas", startDate: "2026-12-25T00:00:00", endDate: "2026-12-26T00:00:00" }],
      })
    ).object;

    const ivr: KindArgs["workflows"] = {
      name: "Main Line",
      primaryUri: "sip:main@contoso.com",
      lineUri: "tel:+14255551219",
      active: true,
      language: "de-DE",
      timeZone: "W. Europe Standard Time",
      businessHoursId: hours.id,
      holidaySetIds: [holidays.id],
      defaultAction: {
        action: "TransferToQuestion",
        prompt: { textToSpeech: "Welcome" },
        question: {
          name: "Department",
          prompt: { textToSpeech: "Press 1 for sales, or say support" },
          answers: [
            { dtmfResponse: "1", action: { action: "TransferToQueue", queueId: q.id } },
            {
              voiceResponses: ["support", "help"],
              action: {
                action: "TransferToQuestion",
                question: { prompt: { textToSpeech: "Press 9 for the operator" }, answers: [{ dtmfResponse: "9", action: { action: "TransferToUri", uri: "sip:operator@contoso.com" } }] },
              },
            },
          ],
          invalidAnswerPrompt: { textToSpeech: "Sorry?" },
        },
      },
      nonBusinessHoursAction: { action: "Terminate", prompt: { textToSpeech: "We are closed" } },
      holidayAction: { action: "TransferToPSTN", uri: "sip:+14255550100@contoso.com" },
    };
    const w = (await backend.create(POOL, "workflows", ivr)).object;
    const { id: _id, identity: _identity, etag: _etag, ownerPool: _owner, createdAt: _c, updatedAt: _u, ...wBody } = w;
    expect(wBody).toEqual({ description: null, displayNumber: null, anonymous: false, enabledForFederation: false, managed: false, managersByUri: [], customMusicOnHoldFileId: null, ...ivr });

    // Read back through a second backend: what the pool holds, not what the first one cached.
    const other = connect(fake);
    expect(await other.get(POOL, "workflows", w.id)).toEqual(w);
    expect(await other.get(POOL, "queues", q.id)).toEqual(q);
    expect(await other.findByName(POOL, "agent-groups", "TIER 1")).toEqual(g);
    expect((await other.list(POOL, "queues")).items.map((x) => x.name).sort()).toEqual(["Help Desk", "Overflow"]);

    const g2 = await backend.update(POOL, "agent-groups", g.id, { ...group, name: "Tier One", agentAlertTime: 45, agentsByUri: ["sip:bob@contoso.com"] }, g.etag);
    expect(g2).toMatchObject({ id: g.id, name: "Tier One", agentAlertTime: 45, agentsByUri: ["sip:bob@contoso.com"] });
    expect(g2.etag).not.toBe(g.etag);
    const w2 = await backend.update(POOL, "workflows", w.id, { ...ivr, active: false, holidayAction: null, defaultAction: { action: "TransferToQueue", queueId: q.id } }, w.etag);
    expect(w2).toMatchObject({ active: false, holidayAction: null, defaultAction: { action: "TransferToQueue", queueId: q.id } });
    const h2 = await backend.update(POOL, "hours-of-business", hours.id, { name: "Office", sundayHours1: { openTime: "10:00", closeTime: "14:00" } }, hours.etag);
    expect(h2).toMatchObject({ mondayHours1: null, mondayHours2: null, sundayHours1: { openTime: "10:00", closeTime: "14:00" } });
    const s2 = await backend.update(POOL, "holiday-sets", holidays.id, { name: "2026", holidays: [] }, holidays.etag);
    expect(s2.holidays).toEqual([]);
    expect(await connect(fake).get(POOL, "workflows", w.id)).toEqual(w2);

    expect(await backend.delete(POOL, "workflows", w.id)).toBe(true);
    expect(await backend.delete(POOL, "hours-of-business", hours.id)).toBe(true);
    expect(await backend.delete(POOL, "holiday-sets", holidays.id)).toBe(true);
    expect(await backend.delete(POOL, "queues", q.id)).toBe(true);
    expect(await backend.delete(POOL, "queues", overflow.id)).toBe(true);
    expect(await backend.delete(POOL, "agent-groups", g.id)).toBe(true);
    expect(await backend.delete(POOL, "agent-groups", g.id)).toBe(false);
    expect(await backend.get(POOL, "agent-groups", g.id)).toBeUndefined();
    expect((await connect(fake).list(POOL, "queues")).items).toEqual([]);
  });

  it("reads and replaces the service settings, and lists the pools", async () => {
    const { backend } = start({ pools: [POOL, POOL2] });
    expect(backend.agentInfo).toBeUndefined();
    expect(await backend.ping()).toBe(true);
    expect(backend.agentInfo).toEqual({ agent: "fake-1", module: "SkypeForBusiness", protocol: 1 });
    const s = await backend.getSettings(POOL);
    expect(s).toMatchObject({ pool: POOL, identity: `service:ApplicationServer:${POOL}`, agentRingbackGracePeriod: 60, disableCallContext: false, updatedAt: null });
    const s2 = await backend.updateSettings(POOL, { agentRingbackGracePeriod: 90, disableCallContext: true }, s.etag);
    expect(s2).toMatchObject({ agentRingbackGracePeriod: 90, disableCallContext: true });
    expect((await rgsError(backend.updateSettings(POOL, { agentRingbackGracePeriod: 120 }, s.etag))).code).toBe("etag_mismatch");
    const s3 = await backend.updateSettings(POOL, {});
    expect(s3).toMatchObject({ agentRingbackGracePeriod: 60, disableCallContext: false });
    expect((await rgsError(backend.updateSettings(POOL, { agentRingbackGracePeriod: 5 }))).code).toBe("validation_failed");
    expect(await backend.listPools()).toEqual([
      { fqdn: POOL, identity: `service:ApplicationServer:${POOL}`, createdAt: null },
      { fqdn: POOL2, identity: `service:ApplicationServer:${POOL2}`, createdAt: null },
    ]);
  });
});

describe("ShellBackend checks the cmdlets do not make", () => {
  it("refuses a second object of the same name, and answers a create whose answer was lost with replayed", async () => {
    const { backend } = start();
    const first = await backend.create(POOL, "agent-groups", group, { requestKey: "k1" });
    expect(first.replayed).toBe(false);
    const again = await backend.create(POOL, "agent-groups", group, { requestKey: "k1" });
    expect(again).toEqual({ object: first.object, replayed: true });
    const e = await rgsError(backend.create(POOL, "agent-groups", { ...group, name: "tier 1", agentAlertTime: 30 }, { requestKey: "k2" }));
    expect(e.code).toBe("name_conflict");
    expect(e.message).toContain(first.object.id);
    expect((await rgsError(backend.create(POOL, "agent-groups", group))).code).toBe("name_conflict");
  });

  it("finds a name taken by another administrator after this backend listed the kind", async () => {
    const { fake, backend } = start();
    await backend.list(POOL, "agent-groups");
    const admin = connect(fake);
    const made = await admin.create(POOL, "agent-groups", group);
    const e = await rgsError(backend.create(POOL, "agent-groups", group));
    expect(e.code).toBe("name_conflict");
    expect(e.message).toContain(made.object.id);
    expect(await backend.create(POOL, "agent-groups", group, { requestKey: "k" })).toEqual({ object: made.object, replayed: true });
  });

  it("answers etag_mismatch when the object was edited outside since it was read", async () => {
    const { fake, backend } = start();
    const g = (await backend.create(POOL, "agent-groups", group)).object;
    const admin = connect(fake);
    await admin.update(POOL, "agent-groups", g.id, { ...group, agentAlertTime: 99 }, g.etag);
    const e = await rgsError(backend.update(POOL, "agent-groups", g.id, { ...group, description: "mine" }, g.etag));
    expect(e.code).toBe("etag_mismatch");
    expect(e.message).toMatch(/agent group 'Tier 1' changed since it was read/);
    const now = (await backend.get(POOL, "agent-groups", g.id))!;
    expect(now.agentAlertTime).toBe(99);
    const mine = await backend.update(POOL, "agent-groups", g.id, { ...group, agentAlertTime: 99, description: "mine" }, now.etag);
    expect(mine).toMatchObject({ agentAlertTime: 99, description: "mine" });
  });

  it("refuses references to objects that do not exist, and primary URIs taken in another pool", async () => {
    const { backend } = start({ pools: [POOL, POOL2] });
    const missing = "00000000-0000-4000-8000-000000000001";
    const e = await rgsError(backend.create(POOL, "queues", { name: "Q", agentGroupIds: [missing] }));
    expect(e.code).toBe("reference_not_found");
    expect(e.fieldProblems).toEqual([{ path: "agentGroupIds.0", message: `no agent group with id ${missing} in pool ${POOL}` }]);

    await backend.create(POOL2, "workflows", { name: "Elsewhere", primaryUri: "sip:main@contoso.com" });
    const u = await rgsError(backend.create(POOL, "workflows", { name: "Main", primaryUri: "sip:MAIN@contoso.com" }));
    expect(u.code).toBe("uri_conflict");
    expect(u.message).toContain(POOL2);
  });

  it("names the address when the cmdlets find it taken in a pool this account may not list", async () => {
    const { fake, backend } = start({ pools: [POOL, POOL2] });
    await connect(fake).create(POOL2, "workflows", { name: "Elsewhere", primaryUri: "sip:main@contoso.com" });
    fake.setFaults([{ when: "Get-CsService", fault: "denied" }]);
    const e = await rgsError(backend.create(POOL, "workflows", { name: "Main", primaryUri: "sip:main@contoso.com" }));
    expect(e.code).toBe("uri_conflict");
    expect(e.message).toMatch(/^primaryUri sip:main@contoso.com is already taken in the directory/);
    expect(fake.requests().map((r) => r.cmdlet)).toContain("New-CsRgsWorkflow");
  });

  it("refuses to delete what a workflow or another queue uses, queue-to-queue included", async () => {
    const { backend } = start();
    const g = (await backend.create(POOL, "agent-groups", group)).object;
    const target = (await backend.create(POOL, "queues", { name: "Target", agentGroupIds: [g.id] })).object;
    const front = (await backend.create(POOL, "queues", { name: "Front", timeoutThreshold: 60, timeoutAction: { action: "TransferToQueue", queueId: target.id } })).object;
    const hours = (await backend.create(POOL, "hours-of-business", { name: "Office", fridayHours1: { openTime: "09:00", closeTime: "17:00" } })).object;
    const w = (
      await backend.create(POOL, "workflows", { name: "Sales", primaryUri: "sip:sales@contoso.com", timeZone: "Pacific Standard Time", businessHoursId: hours.id, defaultAction: { action: "TransferToQueue", queueId: front.id } })
    ).object;

    const q2q = await rgsError(backend.delete(POOL, "queues", target.id));
    expect(q2q.code).toBe("in_use");
    expect(q2q.referencedBy).toEqual([{ kind: "queues", id: front.id, name: "Front" }]);
    expect((await rgsError(backend.delete(POOL, "queues", front.id))).referencedBy).toEqual([{ kind: "workflows", id: w.id, name: "Sales" }]);
    expect((await rgsError(backend.delete(POOL, "agent-groups", g.id))).referencedBy).toEqual([{ kind: "queues", id: target.id, name: "Target" }]);
    expect((await rgsError(backend.delete(POOL, "hours-of-business", hours.id))).message).toMatch(/still used by workflow 'Sales'/);

    // As Pulumi replaces an object: the referrer is updated first, then the old object goes.
    const target2 = (await backend.create(POOL, "queues", { name: "Target 2" })).object;
    await backend.update(POOL, "queues", front.id, { name: "Front", timeoutThreshold: 60, timeoutAction: { action: "TransferToQueue", queueId: target2.id } }, front.etag);
    expect(await backend.delete(POOL, "queues", target.id)).toBe(true);
  });
  it("holds the rules across objects: agents behind an active workflow, a managed workflow's queues its own", async () => {
    const { backend } = start();
    const empty = (await backend.create(POOL, "queues", { name: "Empty" })).object;
    const e = await rgsError(backend.create(POOL, "workflows", { name: "Live", primaryUri: "sip:live@contoso.com", active: true, defaultAction: { action: "TransferToQueue", queueId: empty.id } }));
    expect(e.code).toBe("validation_failed");
    expect(e.fieldProblems).toEqual([{ path: "defaultAction.queueId", message: expect.stringMatching(/queue 'Empty' has no agent groups/) }]);

    const g = (await backend.create(POOL, "agent-groups", group)).object;
    const q = (await backend.create(POOL, "queues", { name: "Staffed", agentGroupIds: [g.id] })).object;
    const managed = (
      await backend.create(POOL, "workflows", {
        name: "Managed",
        primaryUri: "sip:managed@contoso.com",
        active: true,
        managed: true,
        managersByUri: ["sip:boss@contoso.com"],
        defaultAction: { action: "TransferToQueue", queueId: q.id },
      })
    ).object;
    const shared = await rgsError(backend.create(POOL, "workflows", { name: "Other", primaryUri: "sip:other@contoso.com", defaultAction: { action: "TransferToQueue", queueId: q.id } }));
    expect(shared.code).toBe("in_use");
    expect(shared.referencedBy).toEqual([{ kind: "workflows", id: managed.id, name: "Managed" }]);
  });

  it("keeps a custom schedule to one workflow", async () => {
    const { backend } = start();
    const tz = "W. Europe Standard Time";
    const custom = (await backend.create(POOL, "hours-of-business", { name: "Own", custom: true, mondayHours1: { openTime: "09:00", closeTime: "17:00" } })).object;
    const preset = (await backend.create(POOL, "hours-of-business", { name: "Shared", mondayHours1: { openTime: "08:00", closeTime: "18:00" } })).object;
    const a = (await backend.create(POOL, "workflows", { name: "A", primaryUri: "sip:a@contoso.com", timeZone: tz, businessHoursId: custom.id })).object;
    const e = await rgsError(backend.create(POOL, "workflows", { name: "B", primaryUri: "sip:b@contoso.com", timeZone: tz, businessHoursId: custom.id }));
    expect(e.code).toBe("in_use");
    expect(e.referencedBy).toEqual([{ kind: "workflows", id: a.id, name: "A" }]);
    // The workflow that owns the schedule may be updated and keep it.
    await backend.update(POOL, "workflows", a.id, { name: "A", description: "mine", primaryUri: "sip:a@contoso.com", timeZone: tz, businessHoursId: custom.id }, a.etag);

    await backend.create(POOL, "workflows", { name: "C", primaryUri: "sip:c@contoso.com", timeZone: tz, businessHoursId: preset.id });
    await backend.create(POOL, "workflows", { name: "D", primaryUri: "sip:d@contoso.com", timeZone: tz, businessHoursId: preset.id });
    const u = await rgsError(backend.update(POOL, "hours-of-business", preset.id, { name: "Shared", custom: true }, preset.etag));
    expect(u.code).toBe("in_use");
    expect(u.message).toMatch(/cannot become custom: workflow 'C', workflow 'D' use it/);
  });
});

describe("ShellBackend and audio prompts", () => {
  it("keeps an audio prompt imported outside Pulumi while other fields change, and refuses to rewrite it without its bytes", async () => {
    const { fake, backend } = start();
    const g = (await backend.create(POOL, "agent-groups", group)).object;
    const q = (await backend.create(POOL, "queues", { name: "Q", agentGroupIds: [g.id] })).object;
    // As the Configuration Tool would: a recorded welcome message, imported and used once.
    const admin = new AgentProcess({ command: fake.commandLine, env: fake.env, timeoutMs: 20_000, readyTimeoutMs: 30_000 });
    try {
      const audio = { step: { cmdlet: "Import-CsRgsAudioFile", params: { Identity: `service:ApplicationServer:${POOL}`, FileName: "welcome.wav", Content: { bytes: Buffer.from("RIFF....WAVE").toString("base64") } } } };
      const prompt = { step: { cmdlet: "New-CsRgsPrompt", params: { AudioFilePrompt: audio, TextToSpeechPrompt: "Welcome" } } };
      const action = { step: { cmdlet: "New-CsRgsCallAction", params: { Action: "TransferToQueue", QueueID: q.identity, Prompt: prompt } } };
      await admin.request({ op: "run", step: { cmdlet: "New-CsRgsWorkflow", params: { Parent: `service:ApplicationServer:${POOL}`, Name: "Recorded", PrimaryUri: "sip:recorded@contoso.com", DefaultAction: action } } }, "write");
    } finally {
      await admin.close();
    }
    // Read by another backend: this one listed workflows before the workflow was made, and answers from that list.
    const w = (await connect(fake).findByName(POOL, "workflows", "Recorded"))!;
    const audioFileId = w.defaultAction?.prompt?.audioFileId;
    expect(audioFileId).toMatch(/^[0-9a-f-]{36}$/);

    const { id: _i, identity: _d, etag: _e, ownerPool: _o, createdAt: _c, updatedAt: _u, ...body } = w;
    const w2 = await backend.update(POOL, "workflows", w.id, { ...body, description: "Main line" }, w.etag);
    expect(w2.description).toBe("Main line");
    expect(w2.defaultAction).toEqual(w.defaultAction);

    const e = await rgsError(backend.update(POOL, "workflows", w.id, { ...body, defaultAction: { ...w.defaultAction!, prompt: { textToSpeech: "Hi", audioFileId } } }, w2.etag));
    expect(e.code).toBe("reference_not_found");
    expect(e.fieldProblems.map((p) => p.path)).toEqual(["defaultAction.prompt.audioFileId"]);
    expect(e.fieldProblems[0].message).toMatch(/not in the audio store/);
    const w3 = await backend.update(POOL, "workflows", w.id, { ...body, description: "Main line", defaultAction: { action: "TransferToQueue", queueId: q.id, prompt: { textToSpeech: "Hi" } } }, w2.etag);
    expect(w3.defaultAction).toEqual({ action: "TransferToQueue", queueId: q.id, prompt: { textToSpeech: "Hi" } });
  });
});

describe("ShellBackend with agents that misbehave", () => {
  it("refuses an agent that starts with junk, speaks protocol 2 or has no module", async () => {
    const junk = await rgsError(start({ startup: "junk" }).backend.listPools());
    expect(junk.code).toBe("bad_response");
    expect(junk.message).toMatch(/did not start with a ready line; it wrote "Windows PowerShell/);
    expect(junk.message).toContain(`the agent (${process.execPath} `);

    const v2 = await rgsError(start({ startup: "protocol2" }).backend.listPools());
    expect(v2.code).toBe("bad_response");
    expect(v2.message).toMatch(/speaks protocol 2 .*this pulumi-rgs speaks protocol 1/);

    const noModule = await rgsError(start({ startup: "no-module" }).backend.listPools());
    expect(noModule.code).toBe("unavailable");
    expect(noModule.message).toMatch(/module 'SkypeForBusiness' was not loaded/);
  });

  it("reports an agent that exits before it is ready with its last stderr lines, secrets masked", async () => {
    const backend = new ShellBackend({
      command: `/bin/sh -c "echo 'ssh: connect to host jump01 port 22: Connection refused' >&2; exit 255" ssh -Password hunter2 https://ann:hunter3@jump01/x`,
      timeoutMs: 5_000,
    });
    open.push(backend);
    const e = await rgsError(backend.get(POOL, "queues", "00000000-0000-4000-8000-000000000001"));
    expect(e.code).toBe("connection_failed");
    expect(e.message).toMatch(/exited with code 255 before it was ready; its last stderr lines: ssh: connect to host jump01 port 22: Connection refused/);
    expect(e.message).toContain("-Password ***");
    expect(e.message).not.toMatch(/hunter[23]/);
  });

  it("names a command that does not exist", async () => {
    const backend = new ShellBackend({ command: "/nonexistent/powershell.exe -File C:\\rgs\\rgs-agent.ps1", timeoutMs: 5_000 });
    open.push(backend);
    const e = await rgsError(backend.listPools());
    expect(e.code).toBe("connection_failed");
    expect(e.message).toMatch(/\/nonexistent\/powershell\.exe was not found/);
  });

  it("retries a read on a new agent when the agent crashes", async () => {
    const { fake, backend } = start();
    await backend.create(POOL, "agent-groups", group);
    const reader = connect(fake);
    fake.setFaults([{ when: "Get-CsRgsAgentGroup", fault: "crash" }]);
    expect((await reader.list(POOL, "agent-groups")).items.map((g) => g.name)).toEqual(["Tier 1"]);
    expect(reader.agentStarts).toBe(2);
  });

  it("looks a create up by name when the agent died after New, and does not make a second object", async () => {
    const { fake, backend } = start();
    fake.setFaults([{ when: "New-CsRgsAgentGroup", fault: "lose-answer" }]);
    fake.clearRequests();
    const created = await backend.create(POOL, "agent-groups", group);
    expect(created.object.name).toBe("Tier 1");
    expect(fake.requests().filter((r) => r.cmdlet === "New-CsRgsAgentGroup")).toHaveLength(1);
    expect((await connect(fake).list(POOL, "agent-groups")).items).toHaveLength(1);
    expect(backend.agentStarts).toBe(2);
  });

  it("writes a create again only after the lookup shows the agent died before New", async () => {
    const { fake, backend } = start();
    fake.setFaults([{ when: "New-CsRgsQueue", fault: "crash" }]);
    fake.clearRequests();
    await backend.create(POOL, "queues", { name: "Q" });
    expect(fake.requests().map((r) => r.cmdlet)).toEqual(["Get-CsRgsQueue", "New-CsRgsQueue", "Get-CsRgsQueue", "New-CsRgsQueue"]);
    expect((await connect(fake).list(POOL, "queues")).items).toHaveLength(1);
  });

  it("times out a slow answer, and checks the object before writing an update again", async () => {
    const { fake, backend } = start({}, 1_500);
    const g = (await backend.create(POOL, "agent-groups", group)).object;
    fake.setFaults([{ when: "Get-CsRgsQueue", fault: "slow", ms: 5_000, times: 2 }]);
    const e = await rgsError(backend.list(POOL, "queues"));
    expect(e.code).toBe("timeout");
    expect(e.message).toMatch(/did not answer run Get-CsRgsQueue within 1500 ms/);

    fake.setFaults([{ when: "Set-CsRgsAgentGroup", fault: "slow", ms: 5_000, id: "slow-set" }]);
    const g2 = await backend.update(POOL, "agent-groups", g.id, { ...group, agentAlertTime: 33 }, g.etag);
    expect(g2.agentAlertTime).toBe(33);
    expect((await connect(fake).get(POOL, "agent-groups", g.id))!.agentAlertTime).toBe(33);
  });

  it("fails a garbled answer as bad_response and carries on with a new agent", async () => {
    const { fake, backend } = start();
    fake.setFaults([{ when: "Get-CsRgsConfiguration", fault: "malformed", times: 2 }]);
    const e = await rgsError(backend.getSettings(POOL));
    expect(e.code).toBe("bad_response");
    expect(e.message).toMatch(/not a protocol 1 answer to run Get-CsRgsConfiguration/);
    expect((await backend.getSettings(POOL)).agentRingbackGracePeriod).toBe(60);
  });

  it("turns an RBAC refusal into forbidden, with the role to ask for", async () => {
    const { fake, backend } = start();
    fake.setFaults([{ when: "New-CsRgsAgentGroup", fault: "denied" }]);
    const e = await rgsError(backend.create(POOL, "agent-groups", group));
    expect(e.code).toBe("forbidden");
    expect(e.message).toMatch(/may not run New-CsRgsAgentGroup: Access is denied/);
    expect(e.message).toContain("CsResponseGroupAdministrator");
  });

  it("serializes parallel requests on one agent", async () => {
    const { fake, backend } = start();
    const names = Array.from({ length: 8 }, (_, i) => `Group ${i}`);
    const made = await Promise.all(names.map((name) => backend.create(POOL, "agent-groups", { name })));
    expect(made.map((m) => m.object.name)).toEqual(names);
    expect(backend.agentStarts).toBe(1);
    expect((await connect(fake).list(POOL, "agent-groups")).items).toHaveLength(8);
  });
});

describe("ShellBackend request counts", () => {
  it("costs one list per kind for a refresh of many objects, one request per create, update and delete", async () => {
    const { fake, backend } = start();
    const groups: RgsObject<"agent-groups">[] = [];
    for (let i = 0; i < 6; i++) groups.push((await backend.create(POOL, "agent-groups", { name: `G${i}` })).object);
    // The first create lists the kind to look the name up; the others find it in the cache.
    expect(backend.requests.create).toBe(6 + 1);
    const queues: RgsObject<"queues">[] = [];
    for (let i = 0; i < 4; i++) queues.push((await backend.create(POOL, "queues", { name: `Q${i}`, agentGroupIds: [groups[i].id] })).object);
    // The first queue lists queues and workflows: an agent group of a managed workflow serves it alone.
    expect(backend.requests.create).toBe(7 + 4 + 2);

    // A refresh reads every resource at once, as Pulumi runs its steps in parallel.
    const refresher = connect(fake);
    const read = await Promise.all([...groups.map((g) => refresher.get(POOL, "agent-groups", g.id)), ...queues.map((q) => refresher.get(POOL, "queues", q.id))]);
    expect(read).toEqual([...groups, ...queues]);
    expect(refresher.requests.get).toBe(2);
    expect(refresher.requests.total).toBe(2);

    const before = backend.requests.total;
    await backend.update(POOL, "agent-groups", groups[0].id, { name: "G0", agentAlertTime: 30 }, groups[0].etag);
    expect(backend.requests.total - before).toBe(1);
    await backend.delete(POOL, "agent-groups", groups[5].id);
    expect(backend.requests.delete).toBe(1);
  });
});
