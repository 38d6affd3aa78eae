/**
 * Protocol v1's requests evaluated against the pool (shell-agent.md, "Protocol, version 1"):
 * a STEP is checked against the whitelist, its VALUEs evaluated (nested steps first, `{"bytes"}`
 * to Byte[]), bound like PowerShell binds splatted parameters, then run; `op: update` reads one
 * object, compares its fingerprint, assigns properties and writes it with the `with` cmdlet.
 */
import { type Bindable, convert, parseIdentity } from "./binding";
import { cmdletSpec } from "./catalog";
import { CmdletError, invalid, notFound } from "./cmdlet-error";
import { type BoundArgs, runCmdlet, setCmdletFor } from "./cmdlets";
import { propertyTypeOf, PROPERTY_TYPES, READ_ONLY, type RgsObject, shortTypeName, FINGERPRINTED } from "./object-types";
import type { PoolState } from "./pool-state";
import { fingerprint } from "./projection";

export interface Step {
  cmdlet: string;
  params?: Record<string, unknown>;
  switches?: string[];
}

export interface UpdateRequest {
  get: Step;
  ifFingerprint?: string;
  set?: Record<string, unknown>;
  with: string;
}

function isStep(v: unknown): v is Step {
  return v !== null && typeof v === "object" && !Array.isArray(v) && typeof (v as Step).cmdlet === "string";
}

/** VALUE: a JSON scalar or array, `{"step":STEP}` (its object is the value) or `{"bytes":"<base64>"}`. */
function evaluateValue(field: string, v: unknown, state: PoolState): Bindable {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (Array.isArray(v)) return v.map((item, i) => evaluateValue(`${field}[${i}]`, item, state));
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === "step") {
    if (!isStep(o.step)) throw invalid(`${field}: "step" must be a STEP object with a "cmdlet"`, "MalformedRequest");
    return runStep(o.step, state) as Bindable;
  }
  if (keys.length === 1 && keys[0] === "bytes") {
    if (typeof o.bytes !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(o.bytes)) throw invalid(`${field}: "bytes" must be base64 text`, "MalformedRequest");
    return Buffer.from(o.bytes, "base64");
  }
  throw invalid(`${field}: a VALUE is a JSON scalar, an array, {"step":STEP} or {"bytes":"<base64>"}`, "MalformedRequest");
}

function isEmpty(v: Bindable): string | undefined {
  if (v === null) return "null";
  if (v === "") return "an empty string";
  if (Array.isArray(v) && v.length === 0) return "an empty collection";
  return undefined;
}

/** Binds evaluated values to the cmdlet's parameters: names, parameter set, mandatory parameters, types. */
export function bind(cmdlet: string, values: Record<string, Bindable>, switches: readonly string[]): BoundArgs {
  const spec = cmdletSpec(cmdlet);
  if (!spec) throw invalid(`The cmdlet ${JSON.stringify(cmdlet)} is not on the agent's whitelist`, "CommandNotAllowed");
  const given = [...Object.keys(values), ...switches];
  for (const p of given) {
    // Common parameters (-ErrorAction, -Verbose ...) are not on the whitelist either.
    if (!spec.parameters[p]) throw invalid(`A parameter cannot be found that matches parameter name '${p}' (${cmdlet})`, `NamedParameterNotFound,${cmdlet}`);
  }
  for (const s of switches) {
    if (spec.parameters[s].type !== "SwitchParameter") throw invalid(`-${s} of ${cmdlet} is not a switch; pass it in "params"`, `MissingArgument,${cmdlet}`);
    if (s in values) throw invalid(`-${s} of ${cmdlet} is given twice`, `ParameterAlreadyBound,${cmdlet}`);
  }
  const set = spec.parameterSets.find((ps) => given.every((p) => ps.includes(p)));
  if (!set) throw invalid(`Parameter set cannot be resolved using the specified named parameters: ${given.join(", ")} (${cmdlet})`, `AmbiguousParameterSet,${cmdlet}`);
  const missing = set.filter((p) => spec.parameters[p].required && !given.includes(p));
  if (missing.length > 0) {
    throw invalid(`Cannot process command because of one or more missing mandatory parameters: ${missing.join(" ")} (${cmdlet})`, `MissingMandatoryParameter,${cmdlet}`);
  }
  const args: BoundArgs = {};
  for (const s of switches) args[s] = true;
  for (const [p, raw] of Object.entries(values)) {
    const value = convert(p, raw, propertyTypeOf(p, spec.parameters[p].type));
    const empty = isEmpty(value);
    if (spec.parameters[p].required && empty) {
      throw invalid(`Cannot bind argument to parameter '${p}' because it is ${empty} (${cmdlet})`, `ParameterArgumentValidationError,${cmdlet}`);
    }
    args[p] = value;
  }
  return args;
}

export function runStep(step: Step, state: PoolState): unknown {
  if (!isStep(step)) throw invalid('a STEP is {"cmdlet":"…","params":{…},"switches":[…]}', "MalformedRequest");
  const params = step.params ?? {};
  if (typeof params !== "object" || Array.isArray(params)) throw invalid(`${step.cmdlet}: "params" must be an object`, "MalformedRequest");
  const switches = step.switches ?? [];
  if (!Array.isArray(switches) || !switches.every((s) => typeof s === "string")) throw invalid(`${step.cmdlet}: "switches" must be a list of names`, "MalformedRequest");
  try {
    if (!cmdletSpec(step.cmdlet)) throw invalid(`The cmdlet ${JSON.stringify(step.cmdlet)} is not on the agent's whitelist`, "CommandNotAllowed");
    const values: Record<string, Bindable> = {};
    for (const [p, v] of Object.entries(params)) values[p] = evaluateValue(p, v, state);
    return runCmdlet(step.cmdlet, bind(step.cmdlet, values, switches), state);
  } catch (e) {
    if (e instanceof CmdletError && e.cmdlet === undefined) e.cmdlet = step.cmdlet;
    throw e;
  }
}

/**
 * `op: update` (shell-agent.md): the object read by `get`, its fingerprint compared (a difference answers
 * version_mismatch and changes nothing), each property of `set` assigned (a collection cleared and refilled),
 * `with -Instance <object>` called, and the object answered as read again.
 */
export function runUpdate(req: UpdateRequest, state: PoolState): unknown {
  if (!isStep(req.get) || typeof req.with !== "string") throw invalid('an update needs "get" (a STEP) and "with" (a Set-* cmdlet)', "MalformedRequest");
  const current = runStep(req.get, state);
  if (current === null || current === undefined) throw new CmdletError("not_found", `${req.get.cmdlet} found no object to update`, "ObjectNotFound", "ObjectNotFound", req.get.cmdlet);
  if (Array.isArray(current) || typeof current !== "object" || !FINGERPRINTED.has((current as RgsObject).$type)) {
    throw invalid(`${req.get.cmdlet} must yield one persisted object for an update`, "MalformedRequest");
  }
  const obj = current as RgsObject;
  if (req.ifFingerprint !== undefined && fingerprint(obj) !== req.ifFingerprint) {
    throw new CmdletError("version_mismatch", `${String(obj.Identity)} changed since it was read: its fingerprint is no longer ${req.ifFingerprint}`, "VersionMismatch", "InvalidOperation", req.with);
  }
  const expected = setCmdletFor(obj.$type);
  if (req.with !== expected) throw invalid(`"with" must be ${String(expected)} for a ${obj.$type}, not ${req.with}`, "MalformedRequest");
  const types = PROPERTY_TYPES[shortTypeName(obj.$type)!];
  try {
    for (const [prop, raw] of Object.entries(req.set ?? {})) {
      if (!(prop in types)) throw invalid(`The property '${prop}' cannot be found on this object (${obj.$type})`, "PropertyNotFound");
      if (READ_ONLY.has(prop)) throw invalid(`'${prop}' is a ReadOnly property (${obj.$type})`, "PropertyAssignmentException");
      obj[prop] = convert(prop, evaluateValue(prop, raw, state), types[prop]);
    }
  } catch (e) {
    if (e instanceof CmdletError && e.cmdlet === undefined) e.cmdlet = req.with;
    throw e;
  }
  try {
    runCmdlet(req.with, bind(req.with, { Instance: obj }, []), state);
  } catch (e) {
    if (e instanceof CmdletError && e.cmdlet === undefined) e.cmdlet = req.with;
    throw e;
  }
  // Read again by identity: `get` may have found the object by a Name that `set` just changed.
  const identity = String(obj.Identity);
  if (shortTypeName(obj.$type) === "ServiceSettings") return state.serviceSettings(parseIdentity("Identity", identity).pool);
  const again = state.find(identity);
  if (!again) throw notFound(`${identity} cannot be read back after ${req.with}`);
  return again;
}
