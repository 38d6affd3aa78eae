/**
 * The agent's command line: split into words without a shell, and shown with its secrets masked.
 *
 * Words follow POSIX sh quoting with one change for Windows paths: outside single quotes a
 * backslash escapes only a quote or another backslash, and stays literal before anything else, so
 * `-File C:\rgs\rgs-agent.ps1` reaches the agent as written, quoted or not. A UNC path written
 * plainly loses one leading backslash (`\\host` is an escaped backslash); write it in single quotes.
 */
import { RgsError } from "../errors";

/** The words of a command line, as sh would pass them to the program (no expansion of any kind). */
export function splitCommandLine(command: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < command.length) {
    const c = command[i];
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw unterminated("single", i, command);
      word += command.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      for (;;) {
        if (j >= command.length) throw unterminated("double", i, command);
        const d = command[j];
        if (d === '"') break;
        if (d === "\\" && (command[j + 1] === '"' || command[j + 1] === "\\")) {
          word += command[j + 1];
          j += 2;
        } else {
          word += d;
          j++;
        }
      }
      i = j + 1;
    } else if (c === "\\" && (command[i + 1] === '"' || command[i + 1] === "'" || command[i + 1] === "\\")) {
      word += command[i + 1];
      i += 2;
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) {
    throw new RgsError("validation_failed", "the agent command is empty; set rgs:shell to the command that starts rgs-agent.ps1", {
      details: [{ path: "command", message: "must name a program, such as powershell.exe -NoProfile -NonInteractive -File C:\\rgs\\rgs-agent.ps1" }],
    });
  }
  return words;
}

function unterminated(kind: "single" | "double", at: number, command: string): RgsError {
  return new RgsError("validation_failed", `the agent command has an unterminated ${kind} quote: ${maskSecrets(command)}`, {
    details: [{ path: "command", message: `the ${kind} quote at character ${at + 1} is never closed` }],
  });
}

const MASK = "***";
const SECRET_WORD = "[\\w.-]*(?:password|passwd|passphrase|pwd|secret|token|apikey|api_key|api-key|credential)[\\w.-]*";

/**
 * The text with secrets masked: the value after a `-Password`-like flag, after `password=` or
 * `token:`-like keys, after `sshpass -p`, and the password of a `user:pass@` in a URL.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+):[^\s@/]*@/gi, `$1:${MASK}@`)
    .replace(/(\bsshpass\s+-p)\s*(?:"[^"]*"|'[^']*'|\S+)/gi, `$1 ${MASK}`)
    .replace(new RegExp(`(^|[\\s"'(])((?:--?|/)${SECRET_WORD})(\\s+|:)(?:"[^"]*"|'[^']*'|[^\\s"']+)`, "gi"), `$1$2$3${MASK}`)
    .replace(new RegExp(`(^|[^\\w-])(${SECRET_WORD}\\s*[=:]\\s*)(?:"[^"]*"|'[^']*'|[^\\s"',;&]+)`, "gi"), `$1$2${MASK}`);
}
