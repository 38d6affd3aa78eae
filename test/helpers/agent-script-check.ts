/**
 * Static checks of the Management Shell agent script (shell-agent.md, "Testing where no Lync server
 * exists"), on the syntax tree of tree-sitter-powershell, so that comments and strings cannot hide
 * or fake a construct: commands are command nodes, calls are invocation nodes.
 *
 * What it refuses: code built from text (Invoke-Expression, Add-Type, [scriptblock]::Create,
 * ExpandString, InvokeScript, NewScriptBlock, AddScript, -Command), dot-sourcing, the call operator
 * on anything but the one whitelisted-cmdlet dispatch, Invoke-Command with any script block but the
 * script's fixed ones, New-Object of a type named at run time, any command that is neither the
 * script's own function, a PowerShell built-in it is allowed, nor on the cmdlet whitelist, and any
 * character outside ASCII (PowerShell reads U+2018-U+201E as quotes, tree-sitter does not).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Language, Parser, type Node } from "web-tree-sitter";

export interface Finding {
  readonly rule: string;
  readonly line: number;
  readonly text: string;
}

export interface ScriptReport {
  /** Syntax errors: ERROR and missing nodes. */
  readonly syntax: Finding[];
  /** Forbidden constructs and commands off the allowed lists. */
  readonly findings: Finding[];
  /** Every command invoked by a literal name, with its line. */
  readonly commands: { name: string; line: number }[];
  /** The `& $variable` dispatch sites that the rules allowed. */
  readonly dispatchSites: Finding[];
  /** The `$Whitelist` hashtable literal: cmdlet → parameter → type; null when the script has none. */
  readonly whitelist: Record<string, Record<string, string>> | null;
  /** The `$RequiredSwitches` hashtable literal: cmdlet → switches. */
  readonly requiredSwitches: Record<string, string[]> | null;
  /** Each function's text with its comments blanked out, by function name. */
  readonly functions: Record<string, string>;
  /** The whole script with its comments blanked out. */
  readonly code: string;
}

export interface CheckOptions {
  /** Cmdlet names the dispatch may run and the script may name: rgs-cmdlets.json plus Get-CsService. */
  readonly whitelistedCmdlets: ReadonlySet<string>;
  /** The one variable the call operator may invoke, and the function it must sit in. */
  readonly dispatch?: { variable: string; insideFunction: string };
  /** Variables Invoke-Command -ScriptBlock may take: each must be assigned once, from a script block literal. */
  readonly scriptBlockVariables?: readonly string[];
}

/**
 * PowerShell built-ins the agent needs to read requests, open the session and write answers. None of
 * them runs text as code.
 */
export const AGENT_BUILTINS: ReadonlySet<string> = new Set(
  [
    "ConvertFrom-Json",
    "ConvertTo-Json",
    "Get-Command",
    "Get-Module",
    "Import-Clixml",
    "Import-Module",
    "Invoke-Command",
    "New-Object",
    "New-PSSession",
    "Remove-PSSession",
    "Set-StrictMode",
  ].map((n) => n.toLowerCase()),
);

const FORBIDDEN_COMMANDS = new Set(
  ["Invoke-Expression", "iex", "Add-Type", "powershell", "powershell.exe", "pwsh", "pwsh.exe", "cmd", "cmd.exe", "Start-Process", "New-Module", "Invoke-Item", "Start-Job", "Register-ObjectEvent"].map((n) =>
    n.toLowerCase(),
  ),
);
// Parameters that hand text to a PowerShell to run (powershell.exe -Command, -EncodedCommand).
const COMMAND_TEXT_PARAMETERS = /^-(c|command|e|ec|enc|encodedcommand)$/i;
// Members that turn text into code, wherever they are called from.
const CODE_FROM_TEXT_MEMBERS = new Set(["expandstring", "invokescript", "newscriptblock", "addscript", "addcommand", "invokecommand"]);
const SCRIPTBLOCK_TYPES = new Set(["scriptblock", "system.management.automation.scriptblock"]);
const POWERSHELL_TYPES = new Set(["powershell", "system.management.automation.powershell", "runspacefactory", "system.management.automation.runspaces.runspacefactory"]);

let parserReady: Promise<Parser> | undefined;

/** tree-sitter's WASM runtime with the PowerShell grammar that tree-sitter-powershell ships as WASM. */
export function powershellParser(): Promise<Parser> {
  parserReady ??= (async () => {
    await Parser.init();
    const wasm = createRequire(__filename).resolve("tree-sitter-powershell/tree-sitter-powershell.wasm");
    const language = await Language.load(readFileSync(wasm));
    const parser = new Parser();
    parser.setLanguage(language);
    return parser;
  })();
  return parserReady;
}

const lineOf = (n: Node): number => n.startPosition.row + 1;
const finding = (rule: string, n: Node, text = n.text): Finding => ({ rule, line: lineOf(n), text: text.split("\n")[0].slice(0, 160) });

function walk(n: Node, visit: (n: Node) => void): void {
  visit(n);
  for (const c of n.children) if (c) walk(c, visit);
}

function enclosingFunction(n: Node): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === "function_statement") return p.children.find((c) => c?.type === "function_name")?.text ?? null;
  }
  return null;
}

/** The value of a single-quoted literal: the quotes off, doubled quotes undone. */
function verbatim(n: Node): string | null {
  const lit = n.descendantsOfType("verbatim_string_characters")[0];
  if (!lit || lit.text.length < 2) return null;
  return lit.text.slice(1, -1).replace(/''/g, "'");
}

// Nodes that only wrap one expression: the precedence levels of the grammar.
const WRAPPER = /^(pipeline|left_assignment_expression|pipeline_chain|argument_expression|(logical|bitwise|comparison|additive|multiplicative|format|range|array_literal|unary)(_argument)?_expression)$/;

/** The expression inside a chain of wrappers, e.g. the variable of an argument. */
function core(n: Node): Node {
  let cur = n;
  while (WRAPPER.test(cur.type) && cur.namedChildCount === 1) {
    const next = cur.namedChildren[0];
    if (!next) break;
    cur = next;
  }
  return cur;
}

function hashEntries(hash: Node): { key: string | null; value: Node | null; node: Node }[] {
  const body = hash.children.find((c) => c?.type === "hash_literal_body");
  if (!body) return [];
  return body.namedChildren
    .filter((c): c is Node => c?.type === "hash_entry")
    .map((entry) => {
      const key = entry.children.find((c) => c?.type === "key_expression");
      const value = entry.children.find((c) => c?.type === "pipeline") ?? null;
      return { key: key ? verbatim(key) : null, value, node: entry };
    });
}

function assignmentsTo(root: Node, variable: string): Node[] {
  return root.descendantsOfType("assignment_expression").filter((a) => {
    const left = a.children.find((c) => c?.type === "left_assignment_expression");
    return left ? core(left).type === "variable" && core(left).text.toLowerCase() === `$${variable.toLowerCase()}` : false;
  });
}

function assignedValue(assignment: Node): Node | null {
  const value = assignment.children.find((c) => c?.type === "pipeline");
  return value ? core(value) : null;
}

function readWhitelist(root: Node, findings: Finding[]): ScriptReport["whitelist"] {
  const assignments = assignmentsTo(root, "Whitelist");
  if (assignments.length !== 1) return null;
  const hash = assignedValue(assignments[0]);
  if (hash?.type !== "hash_literal_expression") {
    findings.push(finding("whitelist-shape", assignments[0], "$Whitelist is not a hashtable literal"));
    return null;
  }
  const table: Record<string, Record<string, string>> = {};
  for (const entry of hashEntries(hash)) {
    const inner = entry.value ? core(entry.value) : null;
    if (entry.key === null || inner?.type !== "hash_literal_expression") {
      findings.push(finding("whitelist-shape", entry.node));
      continue;
    }
    const parameters: Record<string, string> = {};
    for (const p of hashEntries(inner)) {
      const type = p.value ? verbatim(p.value) : null;
      if (p.key === null || type === null) findings.push(finding("whitelist-shape", p.node));
      else parameters[p.key] = type;
    }
    table[entry.key] = parameters;
  }
  return table;
}

function readRequiredSwitches(root: Node, findings: Finding[]): ScriptReport["requiredSwitches"] {
  const assignments = assignmentsTo(root, "RequiredSwitches");
  if (assignments.length !== 1) return null;
  const hash = assignedValue(assignments[0]);
  if (hash?.type !== "hash_literal_expression") return null;
  const table: Record<string, string[]> = {};
  for (const entry of hashEntries(hash)) {
    const list = entry.value ? core(entry.value) : null;
    if (entry.key === null || list?.type !== "array_expression") {
      findings.push(finding("whitelist-shape", entry.node));
      continue;
    }
    table[entry.key] = list.descendantsOfType("verbatim_string_characters").map((s) => s.text.slice(1, -1));
  }
  return table;
}

/** The argument node that follows `-Name` among a command's elements, if any. */
function argumentAfter(command: Node, parameter: string): Node | null {
  const elements = command.children.find((c) => c?.type === "command_elements");
  if (!elements) return null;
  const items = elements.namedChildren.filter((c): c is Node => !!c && c.type !== "command_argument_sep");
  const at = items.findIndex((c) => c.type === "command_parameter" && c.text.toLowerCase() === `-${parameter.toLowerCase()}`);
  const value = at >= 0 ? items[at + 1] : undefined;
  return value ? core(value) : null;
}

function firstArgument(command: Node): Node | null {
  const elements = command.children.find((c) => c?.type === "command_elements");
  const value = elements?.namedChildren.find((c): c is Node => !!c && c.type !== "command_argument_sep");
  return value ? core(value) : null;
}

/** A node's text with the comments inside it blanked out, so that commented-out code does not count. */
function codeText(n: Node): string {
  let text = n.text;
  for (const c of n.descendantsOfType("comment").reverse()) {
    const from = c.startIndex - n.startIndex;
    const to = c.endIndex - n.startIndex;
    text = text.slice(0, from) + " ".repeat(to - from) + text.slice(to);
  }
  return text;
}

export async function checkAgentScript(source: string, options: CheckOptions): Promise<ScriptReport> {
  const parser = await powershellParser();
  const tree = parser.parse(source);
  if (!tree) throw new Error("tree-sitter returned no tree");
  const root = tree.rootNode;
  const syntax: Finding[] = [];
  const findings: Finding[] = [];
  const commands: { name: string; line: number }[] = [];
  const dispatchSites: Finding[] = [];
  const dispatch = options.dispatch ?? { variable: "command", insideFunction: "Invoke-Whitelisted" };
  const blockVariables = new Set((options.scriptBlockVariables ?? ["Evaluate", "DescribeModule"]).map((v) => `$${v.toLowerCase()}`));
  const whitelisted = new Set([...options.whitelistedCmdlets].map((n) => n.toLowerCase()));

  source.split("\n").forEach((text, i) => {
    if (/[^\x00-\x7f]/.test(text)) findings.push({ rule: "non-ascii", line: i + 1, text });
  });

  const ownFunctions = new Set(root.descendantsOfType("function_name").map((n) => n.text.toLowerCase()));

  walk(root, (n) => {
    if (n.type === "ERROR" || n.isMissing) syntax.push(finding(n.isMissing ? "missing" : "error", n));

    if (n.type === "command") {
      const operator = n.children.find((c) => c?.type === "command_invokation_operator");
      const name = n.children.find((c) => c?.type === "command_name");
      if (operator) {
        const target = n.children.find((c) => c?.type === "command_name_expr");
        const variable = target?.namedChildren[0]?.type === "path_command_name" ? target.namedChildren[0].namedChildren : [];
        const isDispatch =
          operator.text === "&" &&
          variable.length === 1 &&
          variable[0]?.type === "variable" &&
          variable[0].text.toLowerCase() === `$${dispatch.variable.toLowerCase()}` &&
          target?.text === variable[0].text &&
          enclosingFunction(n)?.toLowerCase() === dispatch.insideFunction.toLowerCase();
        if (operator.text === ".") findings.push(finding("dot-source", n));
        else if (isDispatch) dispatchSites.push(finding("dispatch", n));
        else findings.push(finding("call-operator", n));
      } else if (name) {
        const lower = name.text.toLowerCase();
        commands.push({ name: name.text, line: lineOf(name) });
        if (FORBIDDEN_COMMANDS.has(lower)) findings.push(finding("forbidden-command", n));
        else if (!ownFunctions.has(lower) && !AGENT_BUILTINS.has(lower) && !whitelisted.has(lower)) findings.push(finding("command-not-allowed", n));
        if (lower === "invoke-command") {
          const block = argumentAfter(n, "ScriptBlock");
          if (!block || block.type !== "variable" || !blockVariables.has(block.text.toLowerCase())) findings.push(finding("invoke-command-block", n));
        }
        if (lower === "new-object") {
          const type = argumentAfter(n, "TypeName") ?? firstArgument(n);
          if (!type || type.type !== "generic_token") findings.push(finding("new-object-type", n));
        }
        if (lower === "get-command") {
          const target = argumentAfter(n, "Name");
          const literal = target ? verbatim(target) : null;
          const allowed = target?.type === "variable" ? enclosingFunction(n)?.toLowerCase() === dispatch.insideFunction.toLowerCase() : literal !== null && whitelisted.has(literal.toLowerCase());
          if (!allowed) findings.push(finding("get-command-target", n));
        }
      }
      const elements = n.children.find((c) => c?.type === "command_elements");
      for (const p of elements?.namedChildren ?? []) {
        if (p?.type === "command_parameter" && COMMAND_TEXT_PARAMETERS.test(p.text)) findings.push(finding("command-text-parameter", n));
      }
    }

    if (n.type === "member_name" && CODE_FROM_TEXT_MEMBERS.has(n.text.toLowerCase())) findings.push(finding("code-from-text", n.parent ?? n));

    if (n.type === "invokation_expression" || n.type === "member_access") {
      const type = n.children.find((c) => c?.type === "type_literal");
      const member = n.children.find((c) => c?.type === "member_name");
      const typeName = type?.descendantsOfType("type_name")[0]?.text.toLowerCase();
      if (typeName && SCRIPTBLOCK_TYPES.has(typeName) && member?.text.toLowerCase() === "create") findings.push(finding("scriptblock-create", n));
      if (typeName && POWERSHELL_TYPES.has(typeName)) findings.push(finding("powershell-instance", n));
    }

    if (n.type === "variable" && n.text.toLowerCase() === "$executioncontext") findings.push(finding("execution-context", n));
  });

  for (const variable of blockVariables) {
    const assignments = assignmentsTo(root, variable.slice(1));
    const value = assignments.length === 1 ? assignedValue(assignments[0]) : null;
    if (value?.type !== "script_block_expression") {
      findings.push({ rule: "script-block-variable", line: assignments[0] ? lineOf(assignments[0]) : 0, text: `${variable} must be assigned once, from a script block literal` });
    }
  }

  const functions: Record<string, string> = {};
  for (const f of root.descendantsOfType("function_statement")) {
    const name = f.children.find((c) => c?.type === "function_name")?.text;
    if (name) functions[name] = codeText(f);
  }

  return {
    code: codeText(root),
    functions,
    syntax,
    findings,
    commands,
    dispatchSites,
    whitelist: readWhitelist(root, findings),
    requiredSwitches: readRequiredSwitches(root, findings),
  };
}
