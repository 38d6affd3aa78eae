/**
 * The Markdown summary and the scaling chart of one benchmark run.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { BenchResults } from "./main";
import { STEPS, type EngineRun, type Step } from "./engine";
import { AGENT_STEPS } from "./agent-requests";
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
    `## 1. The provider against the engine's floor (${r.engine.count} resources, the engine's default checkpoints)`,
    "",
    "The same graph (agent groups → queues → workflows, a third each) deployed with pulumi-rgs against a running service, " +
      "and with a no-op dynamic provider of the same types, inputs and dependencies whose `create` only returns an id (`bench/program/floor.ts`). " +
      "The floor gets what the provider gets: its resource constructors run with stack traces off as pulumi-rgs's do, the same program, the same " +
      "`PULUMI_NODEJS_TRANSPILE_ONLY`, the same CLI and environment. Wall-clock seconds of each Automation API call, CLI and program start included, " +
      `file backend, default \`--parallel\`, ${envText(r.engine.env)}: checkpoints as the engine writes them by default (the whole snapshot as each step starts and ends) and a backup of each update. ` +
      `${roundsText(r.engine.rounds, r.mode === "quick")} Each step runs for every side right after the other, the order rotating, after a pause of its own.`,
    "",
  );
  const run = (runs: EngineRun[], p: string, c: number, replica = 0) => runs.find((x) => x.provider === p && x.count === c && (x.replica ?? 0) === replica)!;
  const spread = (x: EngineRun, step: Step) => (x.samples[step].length > 1 ? ` (${s(Math.min(...x.samples[step]))}–${s(Math.max(...x.samples[step]))})` : "");
  const rgs = run(r.engine.runs, "rgs", r.engine.count);
  const floor = run(r.engine.runs, "floor", r.engine.count);
  const aa = r.engine.aa;
  const floor2 = aa ? run(r.engine.runs, "floor", r.engine.count, 1) : undefined;
  L.push(
    `| step | pulumi-rgs s | floor s | ratio |${floor2 ? " second floor s | A/A ratio |" : ""}`,
    `| --- | ---: | ---: | ---: |${floor2 ? " ---: | ---: |" : ""}`,
    ...STEPS.map(
      (step) =>
        `| ${STEP_LABEL[step]} | ${s(rgs.seconds[step])}${spread(rgs, step)} | ${s(floor.seconds[step])}${spread(floor, step)} | **${r.engine.ratio[step].toFixed(2)}** |` +
        (floor2 && aa ? ` ${s(floor2.seconds[step])}${spread(floor2, step)} | ${aa.ratio[step].toFixed(2)} |` : ""),
    ),
    "",
  );
  if (aa) {
    L.push(
      `The A/A column is a second stack of the floor, run in the same rounds as the other two: its ratio to the first floor stack shows how far a ratio of two equal runs strays on this machine (${STEPS.map((step) => `${aa.ratio[step].toFixed(2)}`).join(", ")}).`,
      "",
    );
  }
  const sk = r.engine.skipCheckpoints;
  if (sk) {
    L.push(
      `### Without checkpoints, at ${sk.counts.join(", ")} resources`,
      "",
      `${envText(sk.env)}: the engine writes the state once at the end, so the cost of writing a snapshot that grows with the stack at every step ` +
        `(the same engine code for both providers, but proportional to the size of state) is left out and per-resource costs show. ${roundsText(sk.rounds, r.mode === "quick")}`,
      "",
      `| step | ${sk.counts.map((c) => `pulumi-rgs ${c}`).join(" | ")} | ${sk.counts.map((c) => `floor ${c}`).join(" | ")} | ${sk.counts.map((c) => `ratio ${c}`).join(" | ")} |`,
      `| --- | ${sk.counts.map(() => "---:").join(" | ")} | ${sk.counts.map(() => "---:").join(" | ")} | ${sk.counts.map(() => "---:").join(" | ")} |`,
      ...STEPS.map(
        (step) =>
          `| ${STEP_LABEL[step]} | ${sk.counts.map((c) => s(run(sk.runs, "rgs", c).seconds[step])).join(" | ")} | ${sk.counts
            .map((c) => s(run(sk.runs, "floor", c).seconds[step]))
            .join(" | ")} | ${sk.counts.map((c) => sk.ratioByCount[String(c)][step].toFixed(2)).join(" | ")} |`,
      ),
      "",
    );
  }

  const sv = r.service;
  L.push(
    "## 2. The service against its floors",
    "",
    `\`rgs serve\` (SQLite, WAL, synchronous=FULL) under autocannon from the benchmark's process, ${sv.secondsPerRun} s per run ` +
      "(delete: as many requests as the create run made objects). The HTTP floor is `GET /bench/floor` on a Fastify server with the " +
      "service's options (no auth, no store, no log; `bench/floor-server.js`). Like with like: the service and the floor each run as a plain " +
      "`node <file>.js` process of their own from the built JavaScript (no TypeScript loader in either), stdout to a file nobody reads during the load " +
      "(the service writes its request log there as it would in production), started and stopped the same way; the load generator is the " +
      "benchmark's process, so on two cores the server under test has a core to itself. Every request but the floor carries a bearer token; " +
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
    sk ? `From the table without checkpoints (${sk.counts.join(", ")} resources), medians of ${sk.rounds} rounds.` : "From the headline runs.",
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

  const ar = r.agentRequests;
  if (ar) {
    const at = (n: number) => ar.results.find((x) => x.objects === n)!;
    L.push(
      "## 5. Agent requests per step (shell backend)",
      "",
      "Counted, not timed: the shell backend (`sdk/shell`) against the cmdlet-level fake agent (`test/helpers/fake-agent`), N objects in one pool " +
        "(agent groups, queues, workflows, a third each, each referencing one of the kind before). Each step runs in a backend of its own, as each " +
        "Pulumi run has a provider process of its own whose cache starts cold: create every object in order, refresh them all at once, update a tenth " +
        "of each kind, delete everything (workflows, queues, agent groups). The agent's request log and the backend's counters agree on every count " +
        `(\`bench/agent-requests.ts\`, \`agent-requests.json\`; \`test/integration/shell-request-counts.test.ts\` asserts the bounds for 10 and 100). ` +
        "The bounds: a refresh costs at most one list per kind plus one (5 kinds: 6); a create costs one write plus its name lookup, the lookups " +
        "answered from one list per kind; an update and a delete one request each, plus the same lists.",
      "",
      `| step | ${ar.counts.map((n) => `N=${n}: requests / operations`).join(" | ")} | ${ar.counts.map((n) => `bound N=${n}`).join(" | ")} | what the requests were (N=${ar.counts[ar.counts.length - 1]}) |`,
      `| --- | ${ar.counts.map(() => "---:").join(" | ")} | ${ar.counts.map(() => "---:").join(" | ")} | --- |`,
      ...AGENT_STEPS.map((step) => {
        const last = at(ar.counts[ar.counts.length - 1]).steps[step];
        const what = Object.entries(last.byCmdlet)
          .map(([c, k]) => `${k} ${c}`)
          .join(", ");
        return `| ${step} | ${ar.counts.map((n) => `${at(n).steps[step].requests} / ${at(n).steps[step].operations}`).join(" | ")} | ${ar.counts.map((n) => `${at(n).steps[step].bound}${at(n).steps[step].withinBound ? "" : " **exceeded**"}`).join(" | ")} | ${what} |`;
      }),
      "",
    );
  }

  const fl = r.flow;
  if (fl) {
    L.push(
      "## 6. Call flows (`bench/flow.ts`)",
      "",
      `${fl.mode === "quick" ? "Quick mode. " : ""}Simulated calls over a pool of ${fl.pool.objects} objects: **${fl.simulate.callsPerSecond} calls/s** ` +
        `(${fl.simulate.calls} calls in ${fl.simulate.seconds} s; indexing the pool ${fl.simulate.indexMs} ms). A ${fl.draw.nodes}-node, ${fl.draw.edges}-edge flow ` +
        `drawn as SVG in **${fl.draw.svgMs} ms** (median of ${fl.draw.draws}; the first draw, loading Graphviz's WebAssembly, ${fl.draw.firstSvgMs} ms), as Mermaid in ${fl.draw.mermaidMs} ms. ` +
        `Whole-pool passes over 1,000 objects: graph ${fl.pool1000.graphMs} ms, lint ${fl.pool1000.lintMs} ms. Figures in \`flow.json\`.`,
      "",
    );
  }

  const ex = r.export;
  if (ex) {
    L.push(
      "## 7. `rgs export` (`bench/export.ts`)",
      "",
      `A pool of N objects in \`rgs serve\` read over HTTP, the program generated and written; median of ${ex.runsPerCount} runs. Goal: 1,000 objects in ≤ ${ex.goal.target} s ` +
        `(${ex.goal.met ? "met" : "**not met**"}${ex.results.some((x) => x.count === 1000) ? "" : ": not measured at 1,000 in this run"}).`,
      "",
      "| objects | seconds | read | generate | write | program bytes |",
      "| ---: | ---: | ---: | ---: | ---: | ---: |",
      ...ex.results.map((x) => `| ${x.count} | ${x.seconds} | ${x.readSeconds} | ${x.generateSeconds} | ${x.writeSeconds} | ${x.programBytes} |`),
      "",
      ex.results.length >= 3 ? `Fit: ${ex.fit.fixed} s + ${ex.fit.perObject} s per object, r² ${ex.fit.r2}; growth of the per-object cost, largest over smallest counts, ${ex.growth}.` : "",
      "",
    );
  }

  const notes = join(__dirname, "notes.md");
  if (existsSync(notes)) L.push(readFileSync(notes, "utf8").trim(), "");
  return `${L.join("\n")}\n`;
}

function envText(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `\`${k}=${v}\``)
    .join(", ");
}

function roundsText(rounds: number, quick: boolean): string {
  if (rounds > 1) return `Each figure is the median of ${rounds} rounds, a round being the stack's whole life (up, no-op preview, no-op up, change, destroy); the lowest and highest are in brackets.`;
  return quick
    ? "One round (the stack's whole life once): a smoke run, not a measurement."
    : "One round per count (each figure is one run), to keep the full run within its time; the A/A column above shows how far one run may stray.";
}

function plain(s: string): string {
  return s.replace(/`/g, "");
}
