/**
 * What each emulated cmdlet does with the pool, given parameters already bound to their types.
 * Each behaviour cites the cmdlet page it comes from (PS:<Cmdlet> = MicrosoftDocs/office-docs-powershell,
 * skype/skype-ps/SkypeForBusiness/<Cmdlet>.md). Results are stored-form objects, arrays or null;
 * main.ts projects them.
 */
import { randomUUID } from "node:crypto";
import { type Bindable, formatIdentity, type ParsedIdentity, parseIdentity } from "./binding";
import { CmdletError, conflict, invalid, notFound } from "./cmdlet-error";
import {
  blankObject,
  fullTypeName,
  PERSISTED_NOUNS,
  type ObjectType,
  type PersistedType,
  PROPERTY_TYPES,
  type RgsObject,
} from "./object-types";
import type { PoolState } from "./pool-state";
import { validateObject } from "./validation";

export type BoundArgs = Record<string, Bindable>;
type Handler = (args: BoundArgs, state: PoolState) => unknown;

const CONTROL = new Set(["Parent", "Force", "InMemory", "Confirm", "WhatIf", "Identity", "Instance", "Name", "Owner", "ShowAll"]);

/** Names compare without case: SFB-DEP (rgs-model.md §3) describes the names as case-insensitive. */
const sameName = (a: unknown, b: unknown): boolean =>
  typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();

function service(field: string, v: Bindable, state: PoolState): ParsedIdentity {
  const id = parseIdentity(field, v);
  if (id.instanceId) throw invalid(`${field} must be a service identity "service:ApplicationServer:<pool fqdn>", not an object's identity`);
  if (!state.hasPool(id.pool)) {
    throw notFound(`Cannot find the Response Group service "${formatIdentity(id)}": no Application service of that pool runs the Response Group application`, "ServiceNotFound");
  }
  return id;
}

function assign(obj: RgsObject, t: ObjectType, args: BoundArgs): void {
  for (const [p, v] of Object.entries(args)) {
    if (!CONTROL.has(p) && p in PROPERTY_TYPES[t]) obj[p] = v;
  }
  if ("Name" in args && "Name" in PROPERTY_TYPES[t]) obj.Name = args.Name;
}

/** PS:New-CsRgs<Kind> -Name: "Unique name to be assigned to the ..." (per Parent: "The combination of the Parent property and the Name property enables you to uniquely identify"). */
function checkUnique(t: PersistedType, obj: RgsObject, state: PoolState): void {
  const pool = parseIdentity("Identity", obj.Identity as string).pool;
  for (const other of state.all()) {
    if (other.$type !== obj.$type || other.Identity === obj.Identity) continue;
    if (parseIdentity("Identity", other.Identity as string).pool === pool && sameName(other.Name, obj.Name)) {
      throw conflict(`${t} name "${String(obj.Name)}" is already taken on service:ApplicationServer:${pool} (${String(other.Identity)})`, "DuplicateName");
    }
    // A workflow's PrimaryUri becomes an Active Directory contact, which must be unique (SFB-WF, rgs-model.md §11).
    if (t === "Workflow" && sameName(other.PrimaryUri, obj.PrimaryUri)) {
      throw conflict(`PrimaryUri ${String(obj.PrimaryUri)} is already used by workflow ${String(other.Identity)}`, "DuplicatePrimaryUri");
    }
  }
}

function checkSavable(t: PersistedType, obj: RgsObject): void {
  if (typeof obj.Name !== "string" || obj.Name.trim() === "") throw invalid(`a ${t} needs a Name (PS:New-${PERSISTED_NOUNS[t]} -Name)`, "MissingName");
  validateObject(obj);
}

/**
 * PS:Get-CsRgs<Kind> -Identity: "If you specify the service Identity ... then all the agent groups hosted on
 * that service will be returned. If you specify the Identity of the group, then only the specified agent group
 * will be returned. ... An alternate way to return a single group is to specify the service Identity, then
 * include the Name parameter" and "If called without any parameters, Get-CsRgsAgentGroup returns a collection
 * of all the agent groups configured for use in your organization." -ShowAll/-Owner filter on the owner pool;
 * this fake never moves objects between pools, so every object is owned by its hosting pool.
 */
function getHandler(t: PersistedType): Handler {
  return (args, state) => {
    let items = state.all().filter((o) => o.$type === fullTypeName(t));
    if (args.Owner !== undefined && args.Owner !== null) {
      const owner = parseIdentity("Owner", args.Owner).pool;
      items = items.filter((o) => o.OwnerPool === owner);
    }
    if (args.Identity !== undefined && args.Identity !== null) {
      const id = parseIdentity("Identity", args.Identity);
      if (!state.hasPool(id.pool)) service("Identity", args.Identity, state);
      if (id.instanceId) {
        const found = items.find((o) => o.Identity === formatIdentity(id));
        // Taken as an error, not as empty output: the pages do not say (README, "Facts taken without a page").
        if (!found) throw notFound(`Cannot find ${t} "${formatIdentity(id)}"`, `${t}NotFound`);
        return args.Name === undefined || sameName(found.Name, args.Name) ? found : null;
      }
      items = items.filter((o) => parseIdentity("Identity", o.Identity as string).pool === id.pool);
      if (args.Name !== undefined && args.Name !== null) return items.find((o) => sameName(o.Name, args.Name)) ?? null;
      return items;
    }
    if (args.Name !== undefined && args.Name !== null) return items.filter((o) => sameName(o.Name, args.Name));
    return items;
  };
}

/**
 * PS:New-CsRgs<Kind>: saves the new object on -Parent at once; -InMemory: "Creates an object reference without
 * actually committing the object as a permanent change ... then commit those changes by calling this cmdlet's
 * matching Set-<cmdlet>." The identity is the service identity followed by a new GUID (PS:Get-CsRgsAgentGroup -Identity).
 */
function newHandler(t: PersistedType): Handler {
  return (args, state) => {
    const parent = service("Parent", args.Parent, state);
    const obj = blankObject(t);
    obj.Identity = formatIdentity({ pool: parent.pool, instanceId: randomUUID() });
    obj.OwnerPool = parent.pool;
    assign(obj, t, args);
    checkSavable(t, obj);
    if (args.WhatIf === true) return null;
    if (args.InMemory !== true) {
      checkUnique(t, obj, state);
      state.put(obj);
    }
    return obj;
  };
}

/**
 * PS:Set-CsRgs<Kind>: takes only -Instance ("Set-CsRgsAgentGroup does not directly modify the properties of an
 * agent group ... you must then call Set-CsRgsAgentGroup to write the changes"); the instance is written whole.
 * An instance made with New-* -InMemory is saved by it (PS:New-CsRgsAgentGroup -InMemory). OUTPUTS: None.
 */
function setHandler(t: PersistedType): Handler {
  return (args, state) => {
    const obj = args.Instance as RgsObject;
    const id = parseIdentity("Instance.Identity", obj.Identity as string);
    if (!id.instanceId) throw invalid(`Instance.Identity ${String(obj.Identity)} is not the identity of a ${t}`);
    service("Instance.Identity", formatIdentity({ pool: id.pool }), state);
    const stored = state.find(formatIdentity(id));
    const written: RgsObject = { ...obj, Identity: formatIdentity(id), OwnerPool: stored?.OwnerPool ?? id.pool };
    checkSavable(t, written);
    if (args.WhatIf === true) return null;
    checkUnique(t, written, state);
    state.put(written);
    return null;
  };
}

/**
 * PS:Remove-CsRgs<Kind> -Instance: "you can only remove a single agent group at a time when using the Instance
 * parameter". The agent always passes -Force (shell-agent.md), so the confirmation that PS:Remove-CsRgsQueue,
 * -AgentGroup, -HoursOfBusiness and -HolidaySet ask for objects used by an active workflow never blocks here;
 * the client checks references itself. PS:Remove-CsRgsQueue: "the cmdlet does not verify whether or not the queue
 * is being used by another queue as either the timeout or overflow queue": nothing else is touched.
 */
function removeHandler(t: PersistedType): Handler {
  return (args, state) => {
    const obj = args.Instance as RgsObject;
    if (args.WhatIf === true) return null;
    if (!state.delete(String(obj.Identity))) throw notFound(`Cannot find ${t} "${String(obj.Identity)}" to remove`, `${t}NotFound`);
    return null;
  };
}

/** An in-memory builder: PS:New-CsRgsCallAction "the new call action you create initially exists only in memory". */
function builder(t: ObjectType): Handler {
  return (args) => {
    const obj = blankObject(t);
    assign(obj, t, args);
    validateObject(obj);
    return obj;
  };
}

/** PS:Get-CsRgsConfiguration: "Because there can only be one collection of settings per service, this command will never return more than a single item." */
const getConfiguration: Handler = (args, state) => state.serviceSettings(service("Identity", args.Identity, state).pool);

/** PS:Set-CsRgsConfiguration: the Identity set changes the named properties, the Instance set writes the object whole. */
const setConfiguration: Handler = (args, state) => {
  let settings: RgsObject;
  let pool: string;
  if (args.Instance !== undefined) {
    settings = args.Instance as RgsObject;
    pool = service("Instance.Identity", settings.Identity as string, state).pool;
  } else {
    pool = service("Identity", args.Identity, state).pool;
    settings = state.serviceSettings(pool);
    assign(settings, "ServiceSettings", args);
  }
  settings = { ...settings, Identity: formatIdentity({ pool }) };
  validateObject(settings);
  if (args.WhatIf !== true) state.putServiceSettings(pool, settings);
  return null;
};

/**
 * PS:Import-CsRgsAudioFile: "-Identity: Identity of the service where the audio file is to be imported. (This
 * must be the same service that hosts the Response Group application.)"; "audio files (.WAV or .WMA formats
 * only)", told apart by -FileName ("the file name for the file C:\Media\Welcome.wav is this: Welcome.wav"),
 * since the page names no check of the content; OUTPUTS "Creates new instances of the
 * Microsoft.Rtc.Rgs.Management.WritableSettings.AudioFile object", one per call: "you must run
 * Import-CsRgsAudioFile each time you want to use an audio file, even if that file is already being used
 * elsewhere", so every import gets a UniqueName of its own. It saves nothing on its own (example 1 assigns
 * the result to a workflow and calls Set-CsRgsWorkflow). -WhatIf: "Describes what would happen".
 */
const importAudioFile: Handler = (args, state) => {
  service("Identity", args.Identity, state);
  const name = String(args.FileName);
  if (!/\.(wav|wma)$/i.test(name)) throw invalid(`FileName ${JSON.stringify(name)} is not a .wav or .wma file (PS:Import-CsRgsAudioFile)`, "UnsupportedAudioFormat");
  // -Content is mandatory (PS:Import-CsRgsAudioFile, "Required: True"): an empty Byte[] binds to nothing.
  if ((args.Content as Buffer).length === 0) throw invalid("Content is empty (PS:Import-CsRgsAudioFile -Content)", "EmptyAudioFile");
  if (args.WhatIf === true) return null;
  const audio = blankObject("AudioFile");
  audio.OriginalFileName = name;
  audio.UniqueName = randomUUID();
  return audio;
};

/** PS:Get-CsService -ApplicationServer [-PoolFqdn]: "Returns information about the Application service." */
const getService: Handler = (args, state) =>
  state.pools
    .filter((p) => args.PoolFqdn === undefined || args.PoolFqdn === null || sameName(p, args.PoolFqdn))
    .map((p) => ({ $type: "Microsoft.Rtc.Management.Xds.DisplayApplicationServer", Identity: `ApplicationServer:${p}`, PoolFqdn: p }));

const notEmulated: Handler = () => {
  throw new CmdletError("failed", "this cmdlet has no data semantics in the fake agent and is not emulated", "NotEmulated", "NotImplemented");
};

function handlers(): Map<string, Handler> {
  const h = new Map<string, Handler>();
  for (const [t, noun] of Object.entries(PERSISTED_NOUNS) as [PersistedType, string][]) {
    h.set(`Get-${noun}`, getHandler(t));
    h.set(`New-${noun}`, newHandler(t));
    h.set(`Set-${noun}`, setHandler(t));
    h.set(`Remove-${noun}`, removeHandler(t));
  }
  for (const t of ["CallAction", "Prompt", "Question", "Answer", "TimeRange", "Holiday"] as const) h.set(`New-CsRgs${t}`, builder(t));
  h.set("Get-CsRgsConfiguration", getConfiguration);
  h.set("Set-CsRgsConfiguration", setConfiguration);
  h.set("Import-CsRgsAudioFile", importAudioFile);
  h.set("Get-CsService", getService);
  for (const c of ["Export-CsRgsConfiguration", "Import-CsRgsConfiguration", "Move-CsRgsConfiguration", "Invoke-CsRgsStoreReplicateData"]) {
    h.set(c, notEmulated);
  }
  return h;
}

const HANDLERS = handlers();

export function runCmdlet(cmdlet: string, args: BoundArgs, state: PoolState): unknown {
  const handler = HANDLERS.get(cmdlet);
  if (!handler) throw invalid(`${cmdlet} is not on the agent's whitelist`, "CommandNotAllowed");
  return handler(args, state);
}

/** The Set-* cmdlet that writes objects of a type, for `op: update`. */
export function setCmdletFor(type: string): string | undefined {
  const noun = Object.entries(PERSISTED_NOUNS).find(([t]) => fullTypeName(t as ObjectType) === type)?.[1];
  if (noun) return `Set-${noun}`;
  return type === fullTypeName("ServiceSettings") ? "Set-CsRgsConfiguration" : undefined;
}
