/**
 * The Markdown summary and the scaling chart of one benchmark run.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResults } from "./main";
import { STEPS, type Step } from "./engine";
import { lineChart, type Series } from "./plot";

const STEP_LABEL: Record<Step, string> = {
  up: "first `up`",
  noopPreview: "`preview`, no change",
  noopUp: "`up`, no change",
  changeUp: "`up`, 10% changed",
  destroy: "`destroy`",
};

const COLORS: Record<Step, string> = {
  up: "#1f77b4",
  noopPreview: "#ff7f0e",
  noopUp: "#2ca02c",
  changeUp: "#9467bd",
  destroy: "#d62728",
};

export function scalingChart(r: BenchResults): string {
  const s = r.engine.scaling;
  const series: Series[] = [];
  for (const step of STEPS) {
    series.push({ label: `${plain(STEP_LABEL[step])}`, color: COLORS[step], points: s.counts.map((c, i) => [c, s.seconds[step][i]]) });
  }
  series.push({ label: "first up, no-op floor", color: COLORS.up, dashed: true, points: s.counts.map((c, i) => [c, s.floorSeconds.up[i]]) });
  return lineChart(series, {
    title: `pulumi-rgs: seconds per Pulumi operation against resources in the stack (${r.mode} run)`,
    xLabel: "resources in the stack",
    yLabel: "seconds",
  });
}

export function renderSummary(r: BenchResults, chartFile: string): string {
  const L: string[] = [];
  const m = r.machine;
  const s = (v: number) => v.toFixed(2);
  L.push(
    `# Benchmark: pulumi-rgs against its floors`,
    "",
    `${r.mode === "quick" ? `A quick run (\`npm run bench -- --quick\`: one small count, ${r.service.secondsPerRun} s load runs)` : "A full run (`npm run bench`)"} started ${r.startedAt}, ` +
      `took ${Math.round(r.durationSeconds)} s on ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, Node ${m.node}, Pulumi ${m.pulumi}. ` +
      "The machine is shared: absolute times move from run to run, so every figure that is judged is a ratio of two measurements taken seconds apart in the same run.",
    "",
    "## Goals",
    "",
    "| figure | goal | this run | |",
    "| --- | --- | --- | --- |",
    ...r.goals.map((g) => `| \`${g.key}\` | ${g.op} ${g.target} | ${g.value} | ${g.met ? "met" : "**not met**"} |`),
    "",
    `## 1. The provider against the engine's floor (${r.engine.count} resources)`,
    "",
    "The same graph (agent groups → queues → workflows, a third each) deployed with pulumi-rgs against a running service, " +
      "and with a no-op dynamic provider of the same types, inputs and dependencies whose `create` only returns an id. " +
      "Wall-clock seconds of each Automation API call, CLI and program start included, file backend, default `--parallel`, " +
      `${Object.entries(r.engine.env)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(", ")}. Each step runs for one provider right after the other, after a pause of its own` +
      `${r.mode === "full" ? "; the no-op preview is timed three times each and the median kept" : ""}.`,
    "",
    `| step | ${r.engine.counts.map((c) => `pulumi-rgs ${c}`).join(" | ")} | ${r.engine.counts.map((c) => `floor ${c}`).join(" | ")} | ${r.engine.counts.map((c) => `ratio ${c}`).join(" | ")} |`,
    `| --- | ${r.engine.counts.map(() => "---:").join(" | ")} | ${r.engine.counts.map(() => "---:").join(" | ")} | ${r.engine.counts.map(() => "---:").join(" | ")} |`,
  );
  const run = (p: string, c: number) => r.engine.runs.find((x) => x.provider === p && x.count === c)!;
  for (const step of STEPS) {
    L.push(
      `| ${STEP_LABEL[step]} | ${r.engine.counts.map((c) => s(run("rgs", c).seconds[step])).join(" | ")} | ${r.engine.counts
        .map((c) => s(run("floor", c).seconds[step]))
        .join(" | ")} | ${r.engine.counts.map((c) => r.engine.ratioByCount[String(c)][step].toFixed(2)).join(" | ")} |`,
    );
  }
  L.push("");
  const aa = r.engine.aa;
  if (aa) {
    L.push(
      `How much a ratio strays by chance: the floor against itself at ${aa.count} resources, run the same way, gave ` +
        `${STEPS.map((step) => `${aa.ratio[step].toFixed(2)} (${plain(STEP_LABEL[step])})`).join(", ")}.`,
      "",
    );
  }
  const cp = r.engine.withCheckpoints;
  if (cp) {
    const rgs = cp.runs.find((x) => x.provider === "rgs")!;
    const floor = cp.runs.find((x) => x.provider === "floor")!;
    L.push(
      `With the engine's default checkpoints (\`PULUMI_SKIP_CHECKPOINTS=false\`: the whole snapshot written as each step starts and ends), ${cp.count} resources:`,
      "",
      "| step | pulumi-rgs | floor | ratio |",
      "| --- | ---: | ---: | ---: |",
      ...STEPS.map((step) => `| ${STEP_LABEL[step]} | ${s(rgs.seconds[step])} | ${s(floor.seconds[step])} | ${cp.ratio[step].toFixed(2)} |`),
      "",
    );
  }

  const sv = r.service;
  L.push(
    "## 2. The service against its floors",
    "",
    `\`rgs serve\` (SQLite, WAL, synchronous=FULL) under autocannon from the benchmark's process, ${sv.secondsPerRun} s per run ` +
      "(delete: as many requests as the create run made objects). The HTTP floor is `GET /bench/floor` on a Fastify server with the " +
      "service's options in a process of its own (no auth, no store, no log; `bench/floor-server.ts`). Every request but the floor carries a bearer token; " +
      "create sends an Idempotency-Key, update an If-Match with the etag its connection last got.",
    "",
    `| operation | ${sv.concurrencies.map((c) => `ops/s c=${c}`).join(" | ")} | ${sv.concurrencies.map((c) => `p50 / p99 ms c=${c}`).join(" | ")} |`,
    `| --- | ${sv.concurrencies.map(() => "---:").join(" | ")} | ${sv.concurrencies.map(() => "---:").join(" | ")} |`,
  );
  for (const op of ["floor", "get", "listByName", "create", "update", "delete"]) {
    const row = sv.concurrencies.map((c) => sv.load.find((x) => x.op === op && x.concurrency === c)!);
    const label = op === "floor" ? "HTTP floor (no-op route)" : op === "listByName" ? "list by name" : op === "update" ? "update (If-Match)" : op === "get" ? "GET one object" : op;
    L.push(
      `| ${label} | ${row.map((x) => `${Math.round(x.opsPerSecond)}${x.errors ? ` (${x.errors} errors)` : ""}`).join(" | ")} | ${row
        .map((x) => `${x.p50Ms} / ${x.p99Ms}`)
        .join(" | ")} |`,
    );
  }
  L.push(
    "",
    `Storage floor (better-sqlite3 alone, same pragmas): ${Math.round(sv.storageFloor.insertsPerSecond)} inserts/s one to a transaction, ` +
      `${Math.round(sv.storageFloor.batchedInsertsPerSecond)}/s eight to a transaction; point SELECTs: ${Math.round(sv.storageFloor.selectsPerSecond)}/s.`,
    "",
    "Ratios at concurrency 8 (this service's ops/s over the HTTP floor's; `read` and `write` are the slowest of their operations):",
    "",
    "| ratio | value |",
    "| --- | ---: |",
    ...Object.entries(sv.ratio).map(([k, v]) => `| ${k} | ${v.toFixed(3)} |`),
    "",
  );

  const st = r.state;
  L.push(
    "## 3. State and closure size",
    "",
    `After the first \`up\` of ${st.resources} resources the stack's checkpoint file is ${st.fileBytes} bytes: ` +
      `**${st.bytesPerResource} bytes per resource** (the floor's: ${st.floorBytesPerResource}). ` +
      `The serialized provider (\`__provider\`) is ${Object.entries(st.providerBytesByKind)
        .map(([k, v]) => `${v} bytes (${k})`)
        .join(", ")}, stored ${st.providerCopiesPerResource} times per resource (inputs and outputs).`,
    "",
    "Where a resource's bytes go (average over the stack, as the file writes them, indentation included):",
    "",
    "| part | bytes per resource |",
    "| --- | ---: |",
    ...Object.entries(st.breakdown)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `| ${k} | ${v} |`),
    "",
  );

  const sc = r.engine.scaling;
  L.push(
    "## 4. Scaling",
    "",
    `![seconds against resources](${chartFile})`,
    "",
    "| step | fixed s | s per resource | r² | marginal cost, largest / smallest counts |",
    "| --- | ---: | ---: | ---: | ---: |",
    ...STEPS.map((step) => `| ${STEP_LABEL[step]} | ${sc.fit[step].fixed.toFixed(2)} | ${sc.fit[step].perResource.toFixed(4)} | ${sc.fit[step].r2.toFixed(3)} | ${sc.marginalGrowth[step].toFixed(2)} |`),
    "",
    sc.counts.length < 3
      ? "Fewer than three counts (quick run): too few to judge linearity."
      : sc.linear
        ? `Time grows linearly with the resource count: for every step a straight line fits (r² ≥ 0.98), or one more resource costs no more, within a third, between ${sc.counts[sc.counts.length - 2]} and ${sc.counts[sc.counts.length - 1]} resources than between ${sc.counts[0]} and ${sc.counts[1]}. ` +
          "The marginal ratio is the noisier figure: it divides by the difference of two runs, so the A/A spread moves it by a third or more."
        : `Time does not grow linearly for every step: neither does a straight line fit (r² < 0.98) nor does one more resource cost the same in a larger stack (${STEPS.filter((x) => sc.fit[x].r2 < 0.98 && sc.marginalGrowth[x] > 1.33)
            .map((x) => plain(STEP_LABEL[x]))
            .join(", ")}).`,
    "",
  );

  const notes = join(__dirname, "notes.md");
  if (existsSync(notes)) L.push(readFileSync(notes, "utf8").trim(), "");
  return `${L.join("\n")}\n`;
}

function plain(s: string): string {
  return s.replace(/`/g, "");
}
