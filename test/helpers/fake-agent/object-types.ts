/**
 * The Response Group objects the cmdlets return: their .NET type names, their properties with the
 * property types, and the values a new object starts with.
 *
 * Property names and types are those of the matching New-* (or Set-CsRgsConfiguration) parameters
 * in rgs-cmdlets.json: the cmdlet pages describe each parameter as the property it sets, and their
 * Set-* examples assign the same names on retrieved objects (PS:Set-CsRgsAgentGroup example 1
 * `$x.RoutingMethod = "RoundRobin"`, PS:Set-CsRgsHolidaySet `$y.HolidayList.Add($x)`).
 * Objects live in this fake in their projected form (shell-agent.md, PROJECTION): enums by name,
 * TimeSpan "hh:mm:ss", DateTime "yyyy-MM-ddTHH:mm:ss", identities and URIs as strings.
 */
import { cmdletSpec } from "./catalog";

export const NAMESPACE = "Microsoft.Rtc.Rgs.Management.WritableSettings.";

/** An object as this fake holds and projects it; `$type` is the full .NET type name. */
export interface RgsObject {
  $type: string;
  [property: string]: unknown;
}

/** The short type names of the objects; the persisted ones have Get/New/Set/Remove cmdlets. */
export type ObjectType =
  | "AgentGroup"
  | "Queue"
  | "BusinessHours"
  | "HolidaySet"
  | "Workflow"
  | "ServiceSettings"
  | "CallAction"
  | "Prompt"
  | "Question"
  | "Answer"
  | "TimeRange"
  | "Holiday"
  | "AudioFile";

/** Kinds stored on a pool under their own identity, with the noun of their cmdlets. */
export const PERSISTED_NOUNS = {
  AgentGroup: "CsRgsAgentGroup",
  Queue: "CsRgsQueue",
  // PS:Get-CsRgsHoursOfBusiness OUTPUTS: Microsoft.Rtc.Rgs.Management.WritableSettings.BusinessHours
  BusinessHours: "CsRgsHoursOfBusiness",
  HolidaySet: "CsRgsHolidaySet",
  Workflow: "CsRgsWorkflow",
} as const;

export type PersistedType = keyof typeof PERSISTED_NOUNS;

export function persistedTypeOfNoun(noun: string): PersistedType | undefined {
  return (Object.keys(PERSISTED_NOUNS) as PersistedType[]).find((t) => PERSISTED_NOUNS[t] === noun);
}

/** Types whose objects carry a `$fingerprint` (shell-agent.md: "on every persisted object"). */
export const FINGERPRINTED: ReadonlySet<string> = new Set([
  ...Object.keys(PERSISTED_NOUNS).map((t) => NAMESPACE + t),
  NAMESPACE + "ServiceSettings",
]);

export function fullTypeName(t: ObjectType): string {
  return NAMESPACE + t;
}

export function shortTypeName(fullName: string): ObjectType | undefined {
  if (!fullName.startsWith(NAMESPACE)) return undefined;
  const short = fullName.slice(NAMESPACE.length) as ObjectType;
  return PROPERTY_TYPES[short] ? short : undefined;
}

/** Parameters of the New-* cmdlets that are not properties of the object they make. */
const NOT_PROPERTIES = new Set(["Parent", "InMemory", "Force", "Confirm", "WhatIf", "Identity", "Instance"]);

/**
 * The element type of collection-typed properties. PSListModifier names no element type in the
 * syntax; the parameter pages do: PS:New-CsRgsQuestion -AnswerList "Answers must be created by
 * using the New-CsRgsAnswer cmdlet", PS:New-CsRgsAnswer -VoiceResponseList (words the caller says).
 */
const PS_LIST_ELEMENTS: Record<string, string> = { AnswerList: "Answer", VoiceResponseList: "String" };

/** The type a parameter or property binds to: rgs-cmdlets.json's type, collections as `List<Element>`. */
export function propertyTypeOf(parameter: string, type: string): string {
  const collection = /^System\.Collections\.ObjectModel\.Collection`1\[(.+)\]$/.exec(type);
  if (collection) return `List<${collection[1].split(".").pop()}>`;
  if (type === "PSListModifier") return `List<${PS_LIST_ELEMENTS[parameter]}>`;
  return type;
}

function propertiesOf(cmdlet: string, parameterSet = 0): Record<string, string> {
  const spec = cmdletSpec(cmdlet);
  if (!spec) throw new Error(`rgs-cmdlets.json has no ${cmdlet}`);
  const props: Record<string, string> = {};
  for (const p of spec.parameterSets[parameterSet]) {
    if (NOT_PROPERTIES.has(p)) continue;
    props[p] = propertyTypeOf(p, spec.parameters[p].type);
  }
  return props;
}

/** Read-only properties: the server assigns them (PS:Get-CsRgsAgentGroup -Identity, -Owner). */
export const READ_ONLY: ReadonlySet<string> = new Set(["Identity", "OwnerPool", "OriginalFileName", "UniqueName"]);

const persisted = (cmdlet: string): Record<string, string> => ({
  Identity: "RgsIdentity",
  OwnerPool: "String",
  ...propertiesOf(cmdlet),
});

export const PROPERTY_TYPES: Record<ObjectType, Record<string, string>> = {
  AgentGroup: persisted("New-CsRgsAgentGroup"),
  Queue: persisted("New-CsRgsQueue"),
  BusinessHours: persisted("New-CsRgsHoursOfBusiness"),
  HolidaySet: persisted("New-CsRgsHolidaySet"),
  Workflow: persisted("New-CsRgsWorkflow"),
  ServiceSettings: { Identity: "RgsIdentity", ...propertiesOf("Set-CsRgsConfiguration", 0) },
  CallAction: propertiesOf("New-CsRgsCallAction"),
  Prompt: propertiesOf("New-CsRgsPrompt"),
  Question: propertiesOf("New-CsRgsQuestion"),
  Answer: propertiesOf("New-CsRgsAnswer"),
  TimeRange: propertiesOf("New-CsRgsTimeRange"),
  Holiday: propertiesOf("New-CsRgsHoliday"),
  // Properties seen in exported configurations (rgs-model.md §7.2, RGS2CQAA and AACQ).
  AudioFile: { OriginalFileName: "String", UniqueName: "String" },
};

/**
 * Values a new object starts with, before the New-* parameters are applied. Each default is the
 * one its parameter page states; the rest start empty (null, or an empty collection).
 */
const DEFAULTS: Partial<Record<ObjectType, Record<string, unknown>>> = {
  AgentGroup: {
    // PS:New-CsRgsAgentGroup: "If ParticipationPolicy is set to Informal (the default value)"
    ParticipationPolicy: "Informal",
    // PS:New-CsRgsAgentGroup -AgentAlertTime: "The default value is 20 seconds."
    AgentAlertTime: 20,
    // PS:New-CsRgsAgentGroup -RoutingMethod: "The default routing method is Parallel."
    RoutingMethod: "Parallel",
  },
  // PS:New-CsRgsQueue -OverflowCandidate: "The default value is NewestCall."
  Queue: { OverflowCandidate: "NewestCall" },
  // PS:New-CsRgsHoursOfBusiness -Custom: "If set to False (the default value)"
  BusinessHours: { Custom: false },
  Workflow: {
    // PS:New-CsRgsWorkflow -Active / -Anonymous: "If set to False (the default value)"
    Active: false,
    Anonymous: false,
    // Not stated on PS:New-CsRgsWorkflow (rgs-model.md §19.8); False assumed.
    EnabledForFederation: false,
    Managed: false,
    // PS:New-CsRgsWorkflow -Language: "if no language is specified, the workflow uses the operating
    // system language"; this fake's operating system runs en-US.
    Language: "en-US",
    // Not stated; taken as the server's own time zone, which for this fake is UTC.
    TimeZone: "UTC",
  },
  ServiceSettings: {
    // PS:Set-CsRgsConfiguration -AgentRingbackGracePeriod: "The default value is 60 seconds."
    AgentRingbackGracePeriod: 60,
    // PS:Set-CsRgsConfiguration -DisableCallContext: "If set to False (the default value)"
    DisableCallContext: false,
  },
};

/** A new object of the type: every property present, defaults applied. */
export function blankObject(t: ObjectType): RgsObject {
  const obj: RgsObject = { $type: fullTypeName(t) };
  for (const [p, type] of Object.entries(PROPERTY_TYPES[t])) obj[p] = type.startsWith("List<") ? [] : null;
  return Object.assign(obj, structuredClone(DEFAULTS[t] ?? {}));
}
