/**
 * docs/reference.md is generated from the schemas; it must match them.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const root = join(__dirname, "../..");

it("docs/reference.md is what npm run docs writes from the current schemas", () => {
  const generated = execFileSync(process.execPath, [join(root, "scripts/docs.js"), "--print"], { encoding: "utf8" });
  expect(generated).toContain("## Workflow");
  expect(generated).toContain("`agentAlertTime` | integer 10–600 | `20`");
  expect(readFileSync(join(root, "docs/reference.md"), "utf8")).toBe(generated);
});
