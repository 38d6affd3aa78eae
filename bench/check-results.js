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
const summary = fs.existsSync(path.join(dir, "summary.md")) ? fs.readFileSync(path.join(dir, "summary.md"), "utf8") : "";
if (!summary.includes("](scaling.svg)")) problems.push("summary.md is missing or does not show scaling.svg");
const svg = fs.existsSync(path.join(dir, "scaling.svg")) ? fs.readFileSync(path.join(dir, "scaling.svg"), "utf8") : "";
if (!svg.startsWith("<svg") || !svg.includes("<polyline")) problems.push("scaling.svg is missing or has no line");
if (problems.length > 0) {
  console.error(`bench results in ${dir}:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`bench results in ${dir}: ${KEYS.length} figures, summary.md and scaling.svg present`);
