/**
 * What the simulator takes Response Group to do, each rule named with the evidence behind it
 * (shared/design/research-simulate-diagram-web.md §A). Where the documentation is silent the rule
 * is a choice with alternatives; a simulation lists every rule its path relied on.
 */

/** How strong the evidence for a rule is, in the research's own labels. */
export type Evidence = "doc" | "MS-blog" | "practitioner" | "inferred" | "assumption";

/** The rules whose behaviour is a choice, and the values each may take. */
export interface AssumptionChoices {
  /** When the welcome prompt (defaultAction.prompt) plays. */
  welcomePlacement: "always-first" | "business-hours-only";
  /** With agents present but none able to take the call, whether the queue timeout still fires. */
  timeoutWhenNoEligibleAgent: "wall-clock" | "never-checked";
  /** Whether the invalid-answer or no-answer prompt plays before the fifth failure disconnects. */
  errorPromptOnLastAttempt: "played" | "skipped";
}

export const DEFAULT_CHOICES: AssumptionChoices = {
  welcomePlacement: "always-first",
  timeoutWhenNoEligibleAgent: "wall-clock",
  errorPromptOnLastAttempt: "played",
};

export const CHOICE_VALUES: { readonly [K in keyof AssumptionChoices]: readonly AssumptionChoices[K][] } = {
  welcomePlacement: ["always-first", "business-hours-only"],
  timeoutWhenNoEligibleAgent: ["wall-clock", "never-checked"],
  errorPromptOnLastAttempt: ["played", "skipped"],
};

export interface AssumptionDef {
  readonly evidence: Evidence;
  /** The rule, as a sentence. */
  readonly rule: string;
  /** Where the research sets it out. */
  readonly source: string;
}

export const ASSUMPTIONS = {
  inactiveNotInService: {
    evidence: "assumption",
    rule: "a call to an inactive workflow is not in service: nothing plays and the call ends",
    source: "§A.2 step 2",
  },
  welcomePlacement: {
    evidence: "practitioner",
    rule: "the welcome prompt (defaultAction.prompt) plays as soon as the call is answered, outside hours and on holidays too (welcomePlacement=always-first)",
    source: "§A.4",
  },
  welcomeBusinessHoursOnly: {
    evidence: "doc",
    rule: "the welcome prompt is part of the business-hours action and plays only when the workflow is open (welcomePlacement=business-hours-only)",
    source: "§A.4",
  },
  windowsZoneAsIana: {
    evidence: "inferred",
    rule: "the workflow's Windows time zone reads as the IANA zone of its CLDR windowsZones 001 row, with today's IANA rules; an unpatched server may use other rules",
    source: "§A.3, §B.2",
  },
  holidayBeforeHours: {
    evidence: "inferred",
    rule: "holidays are checked before business hours: on a holiday the holiday action runs even during business hours",
    source: "§A.2 step 3a",
  },
  holidayEndExclusive: {
    evidence: "doc",
    rule: "a holiday runs from its start date-time up to, not including, its end date-time, read on the workflow's wall clock",
    source: "§A.3 Holidays",
  },
  anyHolidaySet: {
    evidence: "inferred",
    rule: "a holiday in any of the workflow's holiday sets counts",
    source: "§A.3 Holidays",
  },
  noHoursAlwaysOpen: {
    evidence: "doc",
    rule: "a workflow without business hours is always open",
    source: "§A.2 step 3b",
  },
  closeBoundary: {
    evidence: "assumption",
    rule: "a range is open from its open time up to, not at, its close time: at 17:00 a range ending 17:00 is closed",
    source: "§A.3 Range bounds",
  },
  wallClockDst: {
    evidence: "inferred",
    rule: "hours are read on the local wall clock, so a DST change shortens or lengthens the real time a range covers",
    source: "§A.3 DST",
  },
  nullClosedAction: {
    evidence: "assumption",
    rule: "closed, or on a holiday, with no action for it set, the call is disconnected",
    source: "§A.2 step 3d",
  },
  nullQueueAction: {
    evidence: "assumption",
    rule: "a queue that times out or overflows with no action for it set disconnects the call",
    source: "§A.2 step 3d, by analogy",
  },
  fiveAttempts: {
    evidence: "doc",
    rule: "a caller has five attempts to answer a question; the fifth wrong or missing answer disconnects the call",
    source: "§A.5",
  },
  errorPromptOnLastAttempt: {
    evidence: "assumption",
    rule: "the invalid-answer or no-answer prompt plays after the fifth failure too, before the call is disconnected (errorPromptOnLastAttempt)",
    source: "§A.5",
  },
  attemptsPerQuestion: {
    evidence: "assumption",
    rule: "the attempt counter belongs to one question and starts again at a nested question",
    source: "§A.5",
  },
  voiceExactMatch: {
    evidence: "assumption",
    rule: "a spoken answer matches a voice response when the words are the same, ignoring case and spacing; real recognition is fuzzier",
    source: "§A.5",
  },
  noAgentsDisconnect: {
    evidence: "doc",
    rule: "a queue whose agent groups have no agents disconnects the call",
    source: "§A.6 Entry check 1",
  },
  noAgentsBeforeOverflow: {
    evidence: "practitioner",
    rule: "the no-agents check comes before the overflow check",
    source: "§A.6 Order of entry checks",
  },
  overflowThreshold: {
    evidence: "doc",
    rule: "the overflow threshold is the number of calls the queue holds: the call that would make it one more overflows, and 0 overflows every call",
    source: "§A.6 Overflow threshold",
  },
  waitingCallsCount: {
    evidence: "assumption",
    rule: "every unanswered call in the queue counts toward the overflow threshold, calls being offered to an agent included",
    source: "§A.6 What counts as in the queue",
  },
  overflowOldestCall: {
    evidence: "doc",
    rule: "with overflowCandidate OldestCall the longest-waiting call takes the overflow action and the new call joins the queue",
    source: "§A.6 Which call overflows",
  },
  groupsInOrder: {
    evidence: "doc",
    rule: "the queue offers the call to its agent groups in list order, and after the last starts again at the first",
    source: "§A.6 Group order and cycling",
  },
  timeoutAtCycleEnd: {
    evidence: "MS-blog",
    rule: "the queue timeout is checked only when an alert cycle ends, so the wait rounds up to the end of the alert window",
    source: "§A.6 When timeout is checked",
  },
  timeoutWallClock: {
    evidence: "assumption",
    rule: "when no agent can be offered the call, the queue timeout fires once the threshold has passed (timeoutWhenNoEligibleAgent=wall-clock)",
    source: "§A.6 Agents exist but none available",
  },
  timeoutNeverChecked: {
    evidence: "assumption",
    rule: "when no agent can be offered the call, nothing ends an alert cycle and the timeout never fires (timeoutWhenNoEligibleAgent=never-checked)",
    source: "§A.6 Agents exist but none available",
  },
  noTimeoutWaitsForever: {
    evidence: "practitioner",
    rule: "without a timeout the queue offers the call to its groups until an agent answers",
    source: "§A.6 Group order and cycling",
  },
  timerRestartsOnTransfer: {
    evidence: "inferred",
    rule: "a call transferred into another queue starts that queue's timeout afresh",
    source: "§A.6 Timeout start",
  },
  availablePresences: {
    evidence: "assumption",
    rule: "Parallel, Serial, RoundRobin and LongestIdle offer calls only to available agents; busy and offline agents are skipped",
    source: "§A.7",
  },
  attendantRingsBusy: {
    evidence: "doc",
    rule: "Attendant rings every signed-in agent whatever their presence, busy agents included; a busy agent does not pick up",
    source: "§A.7",
  },
  serialFromTop: {
    evidence: "doc",
    rule: "Serial offers each call from the top of the agent list",
    source: "§A.7 Routing methods",
  },
  roundRobinStart: {
    evidence: "assumption",
    rule: "RoundRobin remembers no earlier call here, so it starts at the first agent of the list",
    source: "§A.7 Routing methods",
  },
  longestIdleOrder: {
    evidence: "assumption",
    rule: "idle times are unknown, so LongestIdle takes the agents in list order",
    source: "§A.7 Routing methods",
  },
  formalSignedIn: {
    evidence: "doc",
    rule: "agents of a Formal group take calls only when signed in to the group; an available agent is taken to be signed in",
    source: "§A.7",
  },
  distributionListMembers: {
    evidence: "assumption",
    rule: "the members of a distribution list are unknown here; they are taken as one agent in the state given for the list's address",
    source: "§A.7",
  },
  alertOver180: {
    evidence: "inferred",
    rule: "an alert time over 180 s ends at 180 s, when the agent's client rejects the call",
    source: "§A.7 Timer ranges",
  },
  queueLoopCap: {
    evidence: "inferred",
    rule: "a call that comes back to a queue it has already left would go round for ever; the simulation stops there and reports the loop",
    source: "§A.6 Queue → queue loops",
  },
  promptBeforeAction: {
    evidence: "doc",
    rule: "an action's prompt plays before the action runs",
    source: "§A.2 step 3c",
  },
  audioFileBeforeText: {
    evidence: "doc",
    rule: "a prompt with an audio file and text plays the audio file; the text is spoken only when the file is unavailable",
    source: "§A.8",
  },
  musicOnHold: {
    evidence: "doc",
    rule: "a waiting caller hears the workflow's custom music on hold, else the pool's default music on hold, else the music installed with the server",
    source: "§A.8 Music on hold",
  },
  musicContinuesOnTransfer: {
    evidence: "assumption",
    rule: "after a queue transfers the call to another queue, the same workflow's music on hold goes on",
    source: "§A.8 Music on hold",
  },
} as const satisfies Record<string, AssumptionDef>;

export type AssumptionName = keyof typeof ASSUMPTIONS;

/** An assumption as a simulation reports it. */
export interface AssumptionUse {
  name: AssumptionName;
  evidence: Evidence;
  rule: string;
}

export function assumptionUse(name: AssumptionName): AssumptionUse {
  const def: AssumptionDef = ASSUMPTIONS[name];
  return { name, evidence: def.evidence, rule: def.rule };
}
