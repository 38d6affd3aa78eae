#!/usr/bin/env node
// npm run demo: starts the Response Group service (SQLite under ./.rgs), deploys the quickstart
// (Pulumi.yaml, quickstart.ts) with local file state, and shows the preview, the result and the
// objects in the service. The service keeps running until Ctrl-C; `npm run demo -- --exit` stops it.
"use strict";
const { execFileSync, spawn, spawnSync } = require("node:child_process");
const { existsSync, mkdirSync, readFileSync } = require("node:fs");
const net = require("node:net");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const data = path.resolve(process.env.RGS_DEMO_DATA || path.join(root, ".rgs"));
const pool = "pool01.contoso.com";
const stackName = process.env.RGS_DEMO_STACK || "dev";
const exitAfter = process.argv.includes("--exit");

function step(text) {
  process.stdout.write(`\n\x1b[1m== ${text}\x1b[0m\n`);
}

// The preferred port when it is free, else any free one.
function freePort(preferred) {
  const listen = (port) =>
    new Promise((resolve, reject) => {
      const probe = net.createServer();
      probe.once("error", reject);
      probe.listen(port, "127.0.0.1", () => {
        const { port: got } = probe.address();
        probe.close(() => resolve(got));
      });
    });
  return listen(preferred).catch(() => listen(0));
}

function startService(port) {
  const child = spawn(process.execPath, [path.join(root, "dist/cli/main.js"), "serve", "--host", "127.0.0.1", "--port", String(port), "--data", data, "--pool", pool], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, RGS_TOKENS: "" },
  });
  return new Promise((resolve, reject) => {
    let buffered = "";
    const onData = (chunk) => {
      buffered += chunk;
      for (const line of buffered.split("\n")) {
        if (line.includes('"msg":"listening"')) {
          child.stdout.off("data", onData);
          // Request logs are for operators; the demo shows its own summary.
          child.stdout.resume();
          resolve(child);
          return;
        }
      }
    };
    child.stdout.setEncoding("utf8").on("data", onData);
    child.once("exit", (code) => reject(new Error(`rgs serve exited with ${code} before it listened`)));
  });
}

function pulumi(env, args, input) {
  const r = spawnSync("pulumi", args, { cwd: root, env, stdio: [input === undefined ? "inherit" : "pipe", "inherit", "inherit"], input });
  if (r.status !== 0) throw new Error(`pulumi ${args[0]} failed (exit ${r.status})`);
}

async function main() {
  if (!existsSync(path.join(root, "dist/cli/main.js")) || !existsSync(path.join(root, "node_modules/@pulumi/pulumi"))) {
    throw new Error("run `npm install` first");
  }
  execFileSync(process.execPath, [path.join(__dirname, "link-self.js")]);
  step("Pulumi CLI");
  const bin = execFileSync(path.join(__dirname, "ensure-pulumi"), { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim().split("\n").pop();
  process.stdout.write(`using ${bin}\n`);

  mkdirSync(data, { recursive: true });
  const port = await freePort(Number(process.env.RGS_DEMO_PORT || 8080));
  step(`Response Group service on http://127.0.0.1:${port} (data in ${data})`);
  const service = await startService(port);
  const stop = () => service.exitCode === null && service.kill("SIGTERM");
  process.on("exit", stop);
  const token = readFileSync(path.join(data, "admin-token"), "utf8").trim();
  const endpoint = `http://127.0.0.1:${port}`;

  const env = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${path.join(data, "pulumi-state")}`,
    PULUMI_HOME: path.join(data, "pulumi-home"),
    // The passphrase protects the stack's secrets (the token) in Pulumi.<stack>.yaml; set your own for real use.
    PULUMI_CONFIG_PASSPHRASE: process.env.PULUMI_CONFIG_PASSPHRASE ?? "pulumi-rgs-demo",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  mkdirSync(path.join(data, "pulumi-state"), { recursive: true });
  pulumi(env, ["stack", "select", "--create", stackName, "--non-interactive"]);
  pulumi(env, ["config", "set", "rgs:endpoint", endpoint]);
  pulumi(env, ["config", "set", "--secret", "rgs:token"], token);

  step("pulumi preview");
  pulumi(env, ["preview", "--non-interactive"]);
  step("pulumi up");
  pulumi(env, ["up", "--yes", "--skip-preview", "--non-interactive"]);

  step(`Objects in pool ${pool}`);
  const { HttpBackend, KIND_NAMES } = require(path.join(root, "dist/sdk"));
  const api = new HttpBackend({ endpoint, token });
  const rows = [];
  for (const kind of KIND_NAMES) {
    for (const o of (await api.list(pool, kind, { limit: 1000 })).items) rows.push([kind, o.name, o.id, o.etag]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...[["kind", "name", "id", "etag"], ...rows].map((r) => String(r[i]).length)));
  for (const r of [["kind", "name", "id", "etag"], ...rows]) {
    process.stdout.write(`${r.map((c, i) => String(c).padEnd(widths[i])).join("  ")}\n`);
  }
  process.stdout.write(`\nTry: curl -H "Authorization: Bearer $(cat ${path.relative(process.cwd(), path.join(data, "admin-token"))})" ${endpoint}/v1/pools/${pool}/workflows\n`);

  if (exitAfter) {
    stop();
    return;
  }
  process.stdout.write(`\nThe service keeps running at ${endpoint}; press Ctrl-C to stop it.\n`);
  process.on("SIGINT", () => process.exit(0));
  process.on("SIGTERM", () => process.exit(0));
  await new Promise(() => undefined);
}

main().catch((e) => {
  process.stderr.write(`demo: ${e.message}\n`);
  process.exit(1);
});
