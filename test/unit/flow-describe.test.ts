/**
 * The semantic diff: what changes for callers and agents, one sentence per change, with objects
 * paired by id and, across sources whose ids differ, by name.
 */
import { describe, expect, it } from "vitest";
import { describeChanges, formatChange } from "../../sdk/flow/describe";
import type { PoolObjects } from "../../sdk/flow/pool";
import { contoso } from "./flow-fixtures";

function change(edit: (after: PoolObjects, c: ReturnType<typeof contoso>) => void): string[] {
  const c = contoso();
  const after = structuredClone(c.objects);
  edit(after, c);
  return describeChanges(c.objects, after).map(formatChange);
}

const byName = <T extends { name: string }>(list: T[], name: string) => list.find((o) => o.name === name)!;

describe("describeChanges", () => {
  it("says nothing when nothing changes", () => {
    const c = contoso();
    expect(describeChanges(c.objects, structuredClone(c.objects))).toEqual([]);
  });

  it.each<[string, (after: PoolObjects, c: ReturnType<typeof contoso>) => void, string[]]>([
    [
      "an IVR key sent to another queue",
      (a, c) => {
        byName(a.workflows, "Main Line").defaultAction!.question!.answers[1].action.queueId = c.billing.id;
      },
      ["Main Line: key 2 now goes to queue Billing (was Support)"],
    ],
    [
      "a close time on Fridays",
      (a) => {
        byName(a["hours-of-business"], "Office").fridayHours2 = { openTime: "13:00", closeTime: "17:00" };
      },
      ["Office (Main Line): closes 17:00 on Fridays (was 18:00)"],
    ],
    [
      "an opening time on several days",
      (a) => {
        const h = byName(a["hours-of-business"], "Office");
        for (const d of ["monday", "tuesday", "wednesday"] as const) h[`${d}Hours1`] = { openTime: "08:00", closeTime: "17:00" };
      },
      ["Office (Main Line): opens 08:00 on Mondays, Tuesdays and Wednesdays (was 09:00)"],
    ],
    [
      "a day closed",
      (a) => {
        const h = byName(a["hours-of-business"], "Office");
        h.fridayHours1 = null;
        h.fridayHours2 = null;
      },
      ["Office (Main Line): closed on Fridays (was open 09:00-12:00, 13:00-18:00)"],
    ],
    [
      "a key at the second level, a new answer and a removed one",
      (a) => {
        const q = byName(a.workflows, "Main Line").defaultAction!.question!;
        q.answers[2].action.question!.answers[1].action = { action: "Terminate" };
        q.answers.push({ name: "Operator", dtmfResponse: "0", action: { action: "TransferToUri", uri: "sip:operator@contoso.com" } });
        q.answers.splice(0, 1);
      },
      [
        "Main Line: key 3 then key 2 now goes to disconnect (was voice mail sip:main-vm@contoso.com)",
        "Main Line: key 0 now goes to sip:operator@contoso.com (new answer)",
        "Main Line: key 1 removed (went to queue Billing)",
      ],
    ],
    [
      "a question's prompt and the welcome",
      (a) => {
        const d = byName(a.workflows, "Main Line").defaultAction!;
        d.prompt = { textToSpeech: "Welcome to Contoso Ltd." };
        d.question!.prompt = { textToSpeech: "Press 1 for billing, 2 for support." };
      },
      [
        'Main Line: welcome message now "Welcome to Contoso Ltd." (was "Welcome to Contoso.")',
        'Main Line: question Department now "Press 1 for billing, 2 for support." (was "For billing press 1 or say billing…")',
      ],
    ],
    [
      "a workflow switched off and its after-hours action",
      (a) => {
        const w = byName(a.workflows, "Main Line");
        w.active = false;
        w.nonBusinessHoursAction = { action: "TransferToPSTN", uri: "sip:+4930999@contoso.com" };
      },
      [
        "Main Line: now inactive (was active): it no longer takes calls",
        "Main Line: when closed, the call now goes to PSTN sip:+4930999@contoso.com (was voice mail sip:main-vm@contoso.com)",
        'Main Line: closed message removed (was "We are closed.")',
      ],
    ],
    [
      "a hunt group sent to another queue",
      (a, c) => {
        byName(a.workflows, "Help Desk").defaultAction!.queueId = c.billing.id;
      },
      ["Help Desk: calls now go to queue Billing (was Support)"],
    ],
    [
      "queue timeout, overflow and groups",
      (a, c) => {
        const q = byName(a.queues, "Support");
        q.timeoutThreshold = 120;
        q.overflowThreshold = null;
        q.agentGroupIds = [c.tier2.id];
        byName(a.queues, "Billing").timeoutAction = { action: "TransferToQueue", queueId: c.front.id };
      },
      [
        "Support: agent groups now Tier 2 (was Tier 1, Tier 2)",
        "Support: times out after 120 s (was 300 s)",
        "Support: no longer overflows (was above 10 calls)",
        "Billing: on timeout, the call now goes to queue Front Desk (was Support)",
      ],
    ],
    [
      "agents, routing and alert time",
      (a) => {
        const g = byName(a["agent-groups"], "Tier 1");
        g.routingMethod = "Serial";
        g.agentAlertTime = 15;
        g.agentsByUri = ["sip:bob@contoso.com", "sip:zoe@contoso.com"];
      },
      ["Tier 1: routing now Serial (was LongestIdle)", "Tier 1: rings each agent 15 s (was 20 s)", "Tier 1: adds agent sip:zoe@contoso.com", "Tier 1: removes agent sip:alice@contoso.com"],
    ],
    [
      "holidays added, moved and removed",
      (a) => {
        const s = byName(a["holiday-sets"], "Holidays 2026");
        s.holidays = [
          { name: "Christmas Day", startDate: "2026-12-25T00:00:00", endDate: "2026-12-27T00:00:00" },
          { name: "New Year", startDate: "2027-01-01T00:00:00", endDate: "2027-01-02T00:00:00" },
        ];
      },
      [
        "Holidays 2026 (Main Line): holiday Christmas Day now 2026-12-25T00:00:00 to 2026-12-27T00:00:00 (was 2026-12-25T00:00:00 to 2026-12-26T00:00:00)",
        "Holidays 2026 (Main Line): adds holiday New Year (2027-01-01T00:00:00 to 2027-01-02T00:00:00)",
        "Holidays 2026 (Main Line): removes holiday Christmas Eve afternoon (2026-12-24T12:00:00 to 2026-12-25T00:00:00)",
      ],
    ],
    [
      "objects added, removed and renamed",
      (a, c) => {
        a.queues.push({ ...structuredClone(c.front), id: "00000000-0000-4000-8000-0000000000aa", name: "Sales" });
        a.workflows.splice(a.workflows.findIndex((w) => w.name === "Help Desk"), 1);
        byName(a["agent-groups"], "Reception").name = "Front Office";
      },
      ["Front Office: renamed (was Reception)", "Sales: queue added", "Help Desk: workflow removed"],
    ],
  ])("%s", (_what, edit, lines) => {
    expect(change(edit)).toEqual(lines);
  });

  it("pairs objects by name when their ids differ, as between a program and the service", () => {
    const c = contoso();
    const after = structuredClone(c.objects);
    const remap = new Map<string, string>();
    for (const kind of ["agent-groups", "queues", "hours-of-business", "holiday-sets", "workflows"] as const) {
      for (const o of after[kind]) {
        const fresh = o.id.replace(/^00000000/, "11111111");
        remap.set(o.id, fresh);
        o.id = fresh;
      }
    }
    const json = JSON.stringify(after).replace(/00000000-0000-4000-8000-\d{12}/g, (id) => remap.get(id) ?? id);
    const moved: PoolObjects = JSON.parse(json);
    expect(describeChanges(c.objects, moved)).toEqual([]);
    byName(moved.workflows, "Main Line").defaultAction!.question!.answers[1].action.queueId = remap.get(c.billing.id)!;
    expect(describeChanges(c.objects, moved).map(formatChange)).toEqual(["Main Line: key 2 now goes to queue Billing (was Support)"]);
  });
});
