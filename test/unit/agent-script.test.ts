import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CATALOG, SCRIPT, rewrite, whitelistOf } from "../../agent/generate-whitelist";
import { AGENT_ERROR_CODES, PROTOCOL_VERSION } from "../../sdk/shell/protocol";
import { checkAgentScript, type CheckOptions } from "../helpers/agent-script-check";

const root = join(__dirname, "..", "..");
const script = readFileSync(SCRIPT, "utf8");
const catalog = JSON.parse(readFileSync(CATALOG, "utf8")) as { cmdlets: Record<string, { parameters: Record<string, { type: string }> }> };
const documented = new Set(Object.keys(catalog.cmdlets));
const cmdlets = new Set([...documented, "Get-CsService"]);
const options: CheckOptions = { whitelistedCmdlets: cmdlets };
// One parse of the real script serves every test that reads it unchanged.
const agent = checkAgentScript(script, options);
// Snippets have no $Evaluate of their own.
const snippet: CheckOptions = { whitelistedCmdlets: cmdlets, scriptBlockVariables: [] };

const rules = async (source: string): Promise<string[]> => {
  const report = await checkAgentScript(source, snippet);
  return [...report.syntax, ...report.findings].map((f) => f.rule);
};

describe("agent/rgs-agent.ps1, parsed by tree-sitter-powershell", () => {
  it("parses without a single ERROR or missing node", async () => {
    const report = await agent;
    expect(report.syntax).toEqual([]);
    expect(report.commands.length).toBeGreaterThan(20);
  });

  it("contains none of the forbidden constructs and names only allowed commands", async () => {
    const report = await agent;
    expect(report.findings).toEqual([]);
  });

  it("runs cmdlets from requests at exactly one place, & $command inside Invoke-Whitelisted", async () => {
    const report = await agent;
    expect(report.dispatchSites.map((s) => s.text)).toEqual(["& $command @Parameters"]);
  });

  it("runs only whitelist keys there, and every Set-* and Remove-* with -Force and -Confirm:$false", async () => {
    const report = await agent;
    const dispatch = report.functions["Invoke-Whitelisted"];
    expect(dispatch).toMatch(/if \(-not \$Whitelist\.ContainsKey\(\$Name\)\) \{\s*throw/);
    expect(dispatch).toMatch(/if \(\$Name -like 'Set-\*' -or \$Name -like 'Remove-\*'\) \{\s*\$Parameters\['Force'\] = \$true\s*\$Parameters\['Confirm'\] = \$false/);
    expect(dispatch).toMatch(/Get-Command -Name \$Name /);
    // Both the steps of a request and an update's "with" go through it.
    expect(report.functions["Invoke-Step"]).toMatch(/Invoke-Whitelisted \$name \$parameters/);
    expect(report.functions["Invoke-Update"]).toMatch(/Invoke-Whitelisted \$setter /);
  });

  it("does not count code that is commented out", async () => {
    const tampered = script.replace("            $Parameters['Force'] = $true\n", "            # $Parameters['Force'] = $true\n");
    expect(tampered).not.toBe(script);
    const report = await checkAgentScript(tampered, options);
    expect(report.functions["Invoke-Whitelisted"]).not.toMatch(/\$Parameters\['Force'\] = \$true/);
  });

  it("names no Lync or Skype for Business cmdlet that is not on the whitelist", async () => {
    const report = await agent;
    const csCommands = report.commands.map((c) => c.name).filter((n) => /-Cs/i.test(n));
    for (const name of csCommands) expect(cmdlets, name).toContain(name);
  });
});

describe("the agent's side of protocol 1", () => {
  it("speaks the client's protocol version and says so on its ready line", async () => {
    const report = await agent;
    expect(report.code).toMatch(new RegExp(`\\n\\$ProtocolVersion = ${PROTOCOL_VERSION}\\n`));
    expect(report.code).toMatch(/\n\$AgentVersion = '\d+\.\d+\.\d+'\n/);
    expect(report.code).toContain("Write-Answer ([ordered]@{ 'ready' = $true; 'protocol' = $ProtocolVersion; 'agent' = $AgentVersion; 'module' = $ModuleName })");
  });

  it("answers only the error codes the client knows", async () => {
    const report = await agent;
    const used = new Set([
      ...[...report.code.matchAll(/New-(?:Refusal|StartupError) '([a-z_]+)'/g)].map((m) => m[1]),
      ...[...report.code.matchAll(/\$code = '([a-z_]+)'/g)].map((m) => m[1]),
      ...[...report.functions["Get-ErrorCode"].matchAll(/return '([a-z_]+)'/g)].map((m) => m[1]),
    ]);
    expect([...used].sort()).toEqual([...AGENT_ERROR_CODES].sort());
  });
});

describe("the agent's whitelist", () => {
  it("is what generate-whitelist.js writes from rgs-cmdlets.json", () => {
    expect(rewrite(script, catalog)).toBe(script);
  });

  it("holds, as the script parses it, the cmdlets of rgs-cmdlets.json and Get-CsService, no more", async () => {
    const report = await agent;
    expect(report.whitelist).toEqual(whitelistOf(catalog));
    expect(new Set(Object.keys(report.whitelist ?? {}))).toEqual(cmdlets);
    expect(report.requiredSwitches).toEqual({ "Get-CsService": ["ApplicationServer"] });
  });

  it("lists for each documented cmdlet only parameters that the cmdlet has, with their documented types", async () => {
    const report = await agent;
    for (const [name, parameters] of Object.entries(report.whitelist ?? {})) {
      if (name === "Get-CsService") continue;
      for (const [parameter, type] of Object.entries(parameters)) {
        expect(catalog.cmdlets[name].parameters[parameter]?.type, `${name} -${parameter}`).toBe(type);
      }
    }
  });

  it("gives every Set-* and Remove-* the -Force and -Confirm the agent always passes", async () => {
    const report = await agent;
    const writers = Object.entries(report.whitelist ?? {}).filter(([name]) => /^(Set|Remove)-/.test(name));
    expect(writers.length).toBe(11);
    for (const [name, parameters] of writers) {
      expect(parameters.Force, name).toBe("SwitchParameter");
      expect(parameters.Confirm, name).toBe("SwitchParameter");
    }
  });

  it.skipIf(!existsSync(join(root, "..", "shared", "lync", "rgs-cmdlets.json")))("is built from the same rgs-cmdlets.json as shared/lync", () => {
    expect(readFileSync(CATALOG, "utf8")).toBe(readFileSync(join(root, "..", "shared", "lync", "rgs-cmdlets.json"), "utf8"));
  });

  it("is rewritten when the JSON changes, and refuses a name that is not a plain name", () => {
    const changed = structuredClone(catalog);
    delete changed.cmdlets["Remove-CsRgsQueue"];
    expect(rewrite(script, changed)).not.toContain("'Remove-CsRgsQueue'");
    changed.cmdlets["New-CsRgsQueue"].parameters["Name'; Remove-Item C:\\"] = { type: "String" };
    expect(() => rewrite(script, changed)).toThrow(/not a plain name/);
  });
});

describe("the checker flags what it must", () => {
  it("flags the agent script itself once a forbidden line is slipped into it", async () => {
    const tampered = script.replace("        param($Request)\n        $op =", "        param($Request)\n        Invoke-Expression $Line\n        & $Request.cmdlet\n        $op =");
    expect(tampered).not.toBe(script);
    const report = await checkAgentScript(tampered, options);
    expect(report.findings.map((f) => f.rule)).toEqual(["forbidden-command", "call-operator"]);
  });

  it("sees a whitelist entry added by hand, which the generator would not write", () => {
    const tampered = script.replace("'Get-CsService' = @{ ", "'Get-CsService' = @{ 'Identity' = 'String'; ");
    expect(tampered).not.toBe(script);
    expect(rewrite(tampered, catalog)).toBe(script);
  });

  it("flags Invoke-Expression, iex and Add-Type as commands, not in comments or strings", async () => {
    expect(await rules("Invoke-Expression $request.code\n")).toContain("forbidden-command");
    expect(await rules("iex $text\n")).toContain("forbidden-command");
    expect(await rules("Add-Type -TypeDefinition $source\n")).toContain("forbidden-command");
    expect(await rules("# Invoke-Expression $x\n$s = 'iex Add-Type [scriptblock]::Create(1)'\n$t = \"& $x\"\n")).toEqual([]);
  });

  it("flags a cmdlet that is on no list, and one of Lync's that is not on the whitelist", async () => {
    expect(await rules("Remove-Item -Path C:\\rgs -Recurse\n")).toEqual(["command-not-allowed"]);
    expect(await rules("Remove-CsUser -Identity 'sip:ann@contoso.com'\n")).toEqual(["command-not-allowed"]);
    expect(await rules("Get-CsRgsQueue -Identity 'service:ApplicationServer:pool01.contoso.com'\n")).toEqual([]);
  });

  it("flags code built from text: [scriptblock]::Create, ExpandString, InvokeScript, AddScript, -Command", async () => {
    expect(await rules("$b = [scriptblock]::Create($text)\n")).toContain("scriptblock-create");
    expect(await rules("$b = [System.Management.Automation.ScriptBlock]::Create($text)\n")).toContain("scriptblock-create");
    expect(await rules("$t = $ExecutionContext.InvokeCommand.ExpandString($text)\n")).toContain("code-from-text");
    expect(await rules("$p = [powershell]::Create().AddScript($text)\n")).toEqual(expect.arrayContaining(["powershell-instance", "code-from-text"]));
    expect(await rules("powershell.exe -NoProfile -Command $text\n")).toEqual(expect.arrayContaining(["forbidden-command", "command-text-parameter"]));
  });

  it("flags dot-sourcing and the call operator on anything but the dispatch", async () => {
    expect(await rules(". $path\n")).toContain("dot-source");
    expect(await rules(". .\\helpers.ps1\n")).toContain("dot-source");
    expect(await rules("& $name @params\n")).toContain("call-operator");
    expect(await rules("function Invoke-Whitelisted {\n    param($Name)\n    & $other @Parameters\n}\n")).toContain("call-operator");
    expect(await rules("function Invoke-Whitelisted {\n    param($Name)\n    $command = @(Get-Command -Name $Name)[0]\n    & $command @Parameters\n}\n")).toEqual([]);
  });

  it("flags Invoke-Command with a script block it was not given as a fixed literal, and New-Object of a run-time type", async () => {
    expect(await rules("Invoke-Command -Session $s -ScriptBlock $fromRequest -ArgumentList $line\n")).toContain("invoke-command-block");
    const fixed: CheckOptions = { whitelistedCmdlets: cmdlets, scriptBlockVariables: ["Evaluate"] };
    const bad = await checkAgentScript("$Evaluate = $request.code\nInvoke-Command -ScriptBlock $Evaluate\n", fixed);
    expect(bad.findings.map((f) => f.rule)).toContain("script-block-variable");
    const good = await checkAgentScript("$Evaluate = {\n    param($Line)\n    $Line\n}\nInvoke-Command -ScriptBlock $Evaluate -ArgumentList 'x'\n", fixed);
    expect(good.findings).toEqual([]);
    expect(await rules("$o = New-Object $request.type\n")).toContain("new-object-type");
    expect(await rules("$o = New-Object System.Text.StringBuilder\n")).toEqual([]);
  });

  it("flags Get-Command of a name that is neither whitelisted nor the dispatch's", async () => {
    expect(await rules("$c = Get-Command -Name 'Remove-CsUser'\n")).toContain("get-command-target");
    expect(await rules("$c = Get-Command -Name $requested\n")).toContain("get-command-target");
  });

  it("flags typographic quotes, which PowerShell reads as quotes and the grammar does not", async () => {
    expect(await rules("$n = 'O\u2019Brien'\n")).toContain("non-ascii");
  });

  it("reports a syntax error", async () => {
    expect(await rules("$x = @{ 'a' = \n")).not.toEqual([]);
    const report = await checkAgentScript("if ($x) {\n", snippet);
    expect(report.syntax.length).toBeGreaterThan(0);
  });
});
