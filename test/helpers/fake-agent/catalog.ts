/**
 * The whitelist: every documented `*-CsRgs*` cmdlet with its parameter sets, names and types, as
 * extracted from Microsoft's cmdlet reference into rgs-cmdlets.json (a copy of
 * shared/lync/rgs-cmdlets.json), plus `Get-CsService -ApplicationServer [-PoolFqdn]` to list pools
 * (shell-agent.md, "Whitelist"). Anything else answers `invalid`, as the real agent's whitelist does.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface ParameterSpec {
  readonly type: string;
  readonly required: boolean;
}

export interface CmdletSpec {
  readonly name: string;
  readonly parameterSets: readonly (readonly string[])[];
  readonly parameters: Readonly<Record<string, ParameterSpec>>;
}

interface CatalogFile {
  cmdlets: Record<string, { parameterSets: string[][]; parameters: Record<string, { type: string; required: string }> }>;
}

function load(): Map<string, CmdletSpec> {
  const file = JSON.parse(readFileSync(join(__dirname, "rgs-cmdlets.json"), "utf8")) as CatalogFile;
  const specs = new Map<string, CmdletSpec>();
  for (const [name, c] of Object.entries(file.cmdlets)) {
    const parameters: Record<string, ParameterSpec> = {};
    for (const [p, s] of Object.entries(c.parameters)) parameters[p] = { type: s.type, required: s.required === "True" };
    specs.set(name, { name, parameterSets: c.parameterSets, parameters });
  }
  // PS:Get-CsService: "Get-CsService [-ApplicationServer] [-PoolFqdn <String>]" (the ApplicationServer parameter set).
  specs.set("Get-CsService", {
    name: "Get-CsService",
    parameterSets: [["ApplicationServer", "PoolFqdn"]],
    parameters: { ApplicationServer: { type: "SwitchParameter", required: true }, PoolFqdn: { type: "String", required: false } },
  });
  return specs;
}

const CATALOG = load();

export function cmdletSpec(name: string): CmdletSpec | undefined {
  return CATALOG.get(name);
}

export function allCmdlets(): readonly CmdletSpec[] {
  return [...CATALOG.values()];
}
