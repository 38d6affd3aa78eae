/**
 * The rules of rgs-model.md §20 against the sdk schemas alone: the same case table the service is
 * tested with over HTTP (test/integration/rules-http.test.ts).
 */
import { describe, expect, it } from "vitest";
import { parseBody, SettingsSchema, toFieldIssues, type FieldIssue } from "../../sdk/model/index";
import { caseBody, caseName, RULE_CASES, SCHEMA_FIXTURES, type RuleCase } from "../cases/rules";

function parseCase(c: RuleCase): { ok: true; value: Record<string, unknown> } | { ok: false; issues: FieldIssue[] } {
  const body = caseBody(c, SCHEMA_FIXTURES);
  if (c.kind === "settings") {
    const r = SettingsSchema.safeParse(body, { reportInput: true });
    return r.success ? { ok: true, value: r.data } : { ok: false, issues: toFieldIssues(r.error) };
  }
  if (c.mode === "update") {
    // The seed must be a valid create, or the update case proves nothing.
    expect(parseBody(c.kind, caseBody(c, SCHEMA_FIXTURES, "seed"), "create").ok).toBe(true);
  }
  return parseBody(c.kind, body, c.mode);
}

describe("rgs-model §20 rules, schemas", () => {
  it.each(RULE_CASES.filter((c) => c.problems === undefined).map((c) => [caseName(c), c] as const))("accepts %s", (_name, c) => {
    const r = parseCase(c);
    expect(r.ok ? [] : r.issues).toEqual([]);
    if (r.ok) expect(r.value).toMatchObject(c.stored!(SCHEMA_FIXTURES));
  });

  it.each(RULE_CASES.filter((c) => c.problems !== undefined).map((c) => [caseName(c), c] as const))("refuses %s", (_name, c) => {
    const r = parseCase(c);
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.issues;
    expect(issues.map((i) => i.path)).toEqual(c.problems!.map((p) => p.path));
    c.problems!.forEach((p, i) => expect(issues[i].message).toMatch(p.message));
  });

  it("has valid and invalid cases for every configuration rule", () => {
    // Rule 15 (deletion) spans objects and is tested over HTTP only.
    for (let rule = 1; rule <= 14; rule++) {
      const of = RULE_CASES.filter((c) => c.rule === rule);
      expect({ rule, valid: of.some((c) => !c.problems), invalid: of.some((c) => c.problems) }).toEqual({ rule, valid: true, invalid: true });
    }
  });
});
