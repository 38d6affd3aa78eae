import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RgsError } from "../../sdk/errors";
import { maskSecrets, splitCommandLine } from "../../sdk/shell/command-line";

describe("splitCommandLine", () => {
  it("splits the local and ssh agent commands into words, Windows paths intact", () => {
    expect(splitCommandLine("powershell.exe -NoProfile -NonInteractive -File C:\\rgs\\rgs-agent.ps1")).toEqual([
      "powershell.exe",
      "-NoProfile",
      "-NonInteractive",
      "-File",
      "C:\\rgs\\rgs-agent.ps1",
    ]);
    expect(splitCommandLine("ssh admin@jump01 powershell.exe -NoProfile -NonInteractive -File C:\\rgs\\rgs-agent.ps1")).toEqual([
      "ssh",
      "admin@jump01",
      "powershell.exe",
      "-NoProfile",
      "-NonInteractive",
      "-File",
      "C:\\rgs\\rgs-agent.ps1",
    ]);
  });

  it("keeps a quoted Windows path with spaces as one word", () => {
    expect(splitCommandLine('powershell.exe -File "C:\\Program Files\\rgs\\rgs-agent.ps1"')).toEqual([
      "powershell.exe",
      "-File",
      "C:\\Program Files\\rgs\\rgs-agent.ps1",
    ]);
    expect(splitCommandLine("powershell.exe -File 'C:\\Program Files\\rgs\\rgs-agent.ps1'")).toEqual([
      "powershell.exe",
      "-File",
      "C:\\Program Files\\rgs\\rgs-agent.ps1",
    ]);
  });

  it("honours quotes and backslashes before quotes and backslashes as sh does", () => {
    expect(splitCommandLine(`a "b \\"c\\" d" 'e "f" \\g' h\\"i \\\\j k''l "" ''`)).toEqual([
      "a",
      'b "c" d',
      'e "f" \\g',
      'h"i',
      "\\j",
      "kl",
      "",
      "",
    ]);
    expect(splitCommandLine("  tabs\tand\nnewlines  ")).toEqual(["tabs", "and", "newlines"]);
  });

  it("agrees with sh on words without backslashes", () => {
    const piece = fc.oneof(
      fc.stringMatching(/^[a-zA-Z0-9:@._=-]{1,8}$/),
      fc.stringMatching(/^[a-zA-Z0-9 :@"._-]{0,8}$/).map((s) => `'${s}'`),
      fc.stringMatching(/^[a-zA-Z0-9 :@'._-]{0,8}$/).map((s) => `"${s}"`),
    );
    const line = fc.array(fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join("")), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(line, (words) => {
        const cmd = words.join(" ");
        const bySh = execFileSync("/bin/sh", ["-c", `for w in ${cmd}; do printf '%s\\0' "$w"; done`], { encoding: "utf8" });
        expect(splitCommandLine(`x ${cmd}`).slice(1)).toEqual(bySh.split("\0").slice(0, -1));
      }),
      { numRuns: 60 },
    );
  });

  it("refuses an unterminated quote and an empty command with a clear error", () => {
    const e = catchError(() => splitCommandLine('ssh admin@jump01 "powershell.exe -File C:\\rgs'));
    expect(e.code).toBe("validation_failed");
    expect(e.message).toMatch(/unterminated double quote/);
    expect(e.fieldProblems[0].message).toMatch(/character 18/);
    expect(catchError(() => splitCommandLine("a 'b")).message).toMatch(/unterminated single quote/);
    expect(catchError(() => splitCommandLine("   ")).message).toMatch(/agent command is empty/);
  });
});

describe("maskSecrets", () => {
  it("masks the value after password-like flags", () => {
    expect(maskSecrets("rgs-agent.ps1 -Password hunter2 -Pool p1")).toBe("rgs-agent.ps1 -Password *** -Pool p1");
    expect(maskSecrets('agent --password "two words" -x')).toBe("agent --password *** -x");
    expect(maskSecrets("agent -Password:hunter2")).toBe("agent -Password:***");
    expect(maskSecrets("agent -ApiToken abc123 -Secret 'x y'")).toBe("agent -ApiToken *** -Secret ***");
    expect(maskSecrets("sshpass -p hunter2 ssh admin@jump01")).toBe("sshpass -p *** ssh admin@jump01");
  });

  it("masks key=value secrets and the password of a URL", () => {
    expect(maskSecrets("connect password=hunter2;user=ann")).toBe("connect password=***;user=ann");
    expect(maskSecrets("RGS_TOKEN=abc agent")).toBe("RGS_TOKEN=*** agent");
    expect(maskSecrets("-Uri https://ann:hunter2@pool01.contoso.com/OcsPowershell")).toBe(
      "-Uri https://ann:***@pool01.contoso.com/OcsPowershell",
    );
    expect(maskSecrets("error: token: abc123 refused")).toBe("error: token: *** refused");
  });

  it("leaves a command without secrets as it is", () => {
    const cmd = "ssh admin@jump01 powershell.exe -NoProfile -NonInteractive -File C:\\rgs\\rgs-agent.ps1";
    expect(maskSecrets(cmd)).toBe(cmd);
    expect(maskSecrets("https://pool01.contoso.com/OcsPowershell")).toBe("https://pool01.contoso.com/OcsPowershell");
  });

  it("never lets a password-flag value through", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9!#%+]{4,16}$/), fc.constantFrom("-Password", "--password", "-Credential", "-pwd"), (secret, flag) => {
        expect(maskSecrets(`agent ${flag} ${secret} -x`)).not.toContain(secret);
        expect(maskSecrets(`agent ${flag.replace(/^-+/, "")}=${secret}`)).not.toContain(secret);
        expect(maskSecrets(`https://ann:${secret}@host/x`)).not.toContain(secret);
      }),
    );
  });
});

function catchError(fn: () => unknown): RgsError {
  try {
    fn();
  } catch (e) {
    if (RgsError.isRgsError(e)) return e;
    throw e;
  }
  throw new Error("expected an RgsError");
}
