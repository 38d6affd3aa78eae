/**
 * Objects as they go on the wire (shell-agent.md, PROJECTION): the stored form plus, on persisted
 * objects, `$fingerprint` = SHA-256 hex of the canonical projection (keys sorted at every level,
 * `$fingerprint` left out). The fingerprint stands in for the ETag the cmdlets lack.
 */
import { createHash } from "node:crypto";
import { FINGERPRINTED, type RgsObject } from "./object-types";

export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v !== null && typeof v === "object") {
    const entries = Object.keys(v as object)
      .filter((k) => k !== "$fingerprint")
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(v);
}

export function fingerprint(obj: RgsObject): string {
  return createHash("sha256").update(canonicalJson(obj)).digest("hex");
}

/** A result as answered: objects get their fingerprint, arrays are projected item by item. */
export function project(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(project);
  if (value !== null && typeof value === "object" && typeof (value as RgsObject).$type === "string") {
    const obj = value as RgsObject;
    const out: RgsObject = { ...obj };
    delete out.$fingerprint;
    if (FINGERPRINTED.has(obj.$type)) out.$fingerprint = fingerprint(out);
    return out;
  }
  return value ?? null;
}
