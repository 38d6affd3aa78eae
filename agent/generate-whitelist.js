#!/usr/bin/env node
// Writes the agent's whitelist, the block between the rgs-whitelist markers in rgs-agent.ps1, from
// rgs-cmdlets.json, so that the script and the cmdlet reference cannot drift apart.
//   node agent/generate-whitelist.js           rewrite the block
//   node agent/generate-whitelist.js --check   exit 1 if the block differs from the JSON
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const SCRIPT = path.join(__dirname, "rgs-agent.ps1");
const CATALOG = path.join(__dirname, "rgs-cmdlets.json");
const BEGIN = "# BEGIN rgs-whitelist";
const END = "# END rgs-whitelist";

// shell-agent.md, "Whitelist": Get-CsService to list the pools, only as Get-CsService -ApplicationServer.
const EXTRA = {
  "Get-CsService": { ApplicationServer: "SwitchParameter", PoolFqdn: "String" },
};
const REQUIRED_SWITCHES = { "Get-CsService": ["ApplicationServer"] };

const CMDLET_NAME = /^[A-Z][a-z]+-Cs[A-Za-z]+$/;
const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]*$/;
// Type names as the reference writes them, e.g. System.Collections.ObjectModel.Collection`1[System.Uri].
const TYPE_NAME = /^[A-Za-z][A-Za-z0-9.`[\]]*$/;

const ordinal = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** cmdlet → parameter → type, from the catalog's "cmdlets" plus the extra Get-CsService entry. */
function whitelistOf(catalog) {
  if (!catalog || typeof catalog.cmdlets !== "object" || catalog.cmdlets === null) {
    throw new Error('rgs-cmdlets.json: expected an object with "cmdlets"');
  }
  const table = {};
  for (const [name, spec] of Object.entries(catalog.cmdlets)) {
    if (!spec || typeof spec.parameters !== "object" || spec.parameters === null) {
      throw new Error(`rgs-cmdlets.json: ${name} has no "parameters" object`);
    }
    table[name] = {};
    for (const [parameter, p] of Object.entries(spec.parameters)) table[name][parameter] = p.type;
  }
  for (const [name, parameters] of Object.entries(EXTRA)) table[name] = { ...parameters };
  return table;
}

function quote(text, pattern, what) {
  if (!pattern.test(text)) throw new Error(`rgs-cmdlets.json: ${what} ${JSON.stringify(text)} is not a plain name`);
  return `'${text}'`;
}

/** The lines between the markers, indented as the BEGIN marker is. */
function renderBlock(catalog, indent) {
  const table = whitelistOf(catalog);
  const lines = [`${indent}$Whitelist = @{`];
  for (const name of Object.keys(table).sort(ordinal)) {
    const entries = Object.keys(table[name])
      .sort(ordinal)
      .map((p) => `${quote(p, PARAMETER_NAME, "parameter")} = ${quote(table[name][p], TYPE_NAME, "type")}`);
    lines.push(`${indent}    ${quote(name, CMDLET_NAME, "cmdlet")} = @{ ${entries.join("; ")} }`);
  }
  lines.push(`${indent}}`, `${indent}$RequiredSwitches = @{`);
  for (const name of Object.keys(REQUIRED_SWITCHES).sort(ordinal)) {
    const switches = REQUIRED_SWITCHES[name].map((s) => quote(s, PARAMETER_NAME, "switch"));
    lines.push(`${indent}    ${quote(name, CMDLET_NAME, "cmdlet")} = @(${switches.join(", ")})`);
  }
  lines.push(`${indent}}`);
  return lines;
}

/** The script with its whitelist block rewritten from the catalog. */
function rewrite(script, catalog) {
  const eol = script.includes("\r\n") ? "\r\n" : "\n";
  const lines = script.split(/\r?\n/);
  const begin = lines.findIndex((l) => l.trimStart().startsWith(BEGIN));
  const end = lines.findIndex((l) => l.trimStart().startsWith(END));
  if (begin < 0 || end < begin || lines.filter((l) => l.trimStart().startsWith(BEGIN)).length !== 1) {
    throw new Error(`rgs-agent.ps1: expected one "${BEGIN}" line followed by one "${END}" line`);
  }
  const indent = /^\s*/.exec(lines[begin])[0];
  return [...lines.slice(0, begin + 1), ...renderBlock(catalog, indent), ...lines.slice(end)].join(eol);
}

function main(argv) {
  const catalog = JSON.parse(fs.readFileSync(CATALOG, "utf8"));
  const script = fs.readFileSync(SCRIPT, "utf8");
  const next = rewrite(script, catalog);
  if (argv.includes("--check")) {
    if (next !== script) {
      process.stderr.write("agent/rgs-agent.ps1: the whitelist block differs from agent/rgs-cmdlets.json; run node agent/generate-whitelist.js\n");
      return 1;
    }
    return 0;
  }
  if (next !== script) fs.writeFileSync(SCRIPT, next);
  return 0;
}

module.exports = { whitelistOf, renderBlock, rewrite, SCRIPT, CATALOG };

if (require.main === module) process.exitCode = main(process.argv.slice(2));
