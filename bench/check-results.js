#!/usr/bin/env node
// Smoke check of a benchmark run: latest.json has every figure as a number, and the summary and
// the chart are beside it. Timings are not judged; the machine is shared.
const fs = require("node:fs");
const path = require("node:path");

const dir = path.resolve(process.argv[2] ?? path.join(__dirname, "results"));
const KEYS = [
  "engine.ratio.up",
  "engine.ratio.noopPreview",
  "engine.ratio.noopUp",
  "engine.ratio.changeUp",
  "engine.ratio.destroy",
  "service.ratio.read",
  "service.ratio.write",
  "service.readP99Ms",
  "service.writeP99Ms",
  "state.bytesPerResource",
  "state.providerBytes",
  "machine.cores",
  "engine.count",
  "durationSeconds",
];
const results = JSON.parse(fs.readFileSync(path.join(dir, "latest.json"), "utf8"));
const problems = [];
for (const key of KEYS) {
  const v = key.split(".").reduce((o, k) => (o == null ? undefined : o[k]), results);
  if (typeof v !== "number" || !Number.isFinite(v)) problems.push(`${key} is ${JSON.stringify(v)}, not a number`);
}
if (typeof results.machine?.node !== "string") problems.push("machine.node is missing");
if (!Array.isArray(results.engine?.runs) || results.engine.runs.length < 2) problems.push("engine.runs lacks the two providers");
for (const run of results.engine?.runs ?? []) {
  for (const [step, samples] of Object.entries(run.samples ?? {})) {
    if (!Array.isArray(samples) || samples.length !== results.engine.rounds) problems.push(`${run.provider} ${step} has ${samples?.length} samples for ${results.engine.rounds} rounds`);
  }
}
if (results.mode === "full") {
  if (results.engine?.rounds < 3) problems.push(`a full run takes each step's median of ${results.engine?.rounds} rounds, not at least 3`);
  if (!results.engine?.aa) problems.push("a full run has no A/A ratio");
  if (!results.engine?.skipCheckpoints) problems.push("a full run has no table without checkpoints");
  if (results.engine?.env?.PULUMI_SKIP_CHECKPOINTS === "true") problems.push("the headline skips checkpoints");
}
const requests = results.agentRequests;
if (!requests || !Array.isArray(requests.results) || requests.results.length === 0) problems.push("agentRequests is missing");
else if (requests.allWithinBounds !== true) problems.push("an agent-request count is over its bound");
if (!fs.existsSync(path.join(dir, "agent-requests.json"))) problems.push("agent-requests.json is missing");
const summary = fs.existsSync(path.join(dir, "summary.md")) ? fs.readFileSync(path.join(dir, "summary.md"), "utf8") : "";
if (!summary.includes("](scaling.svg)")) problems.push("summary.md is missing or does not show scaling.svg");
const svg = fs.existsSync(path.join(dir, "scaling.svg")) ? fs.readFileSync(path.join(dir, "scaling.svg"), "utf8") : "";
if (!svg.startsWith("<svg") || !svg.includes("<polyline")) problems.push("scaling.svg is missing or has no line");
if (problems.length > 0) {
  console.error(`bench results in ${dir}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`bench results in ${dir}: ${KEYS.length} figures, agent requests within their bounds, summary.md and scaling.svg present`);
