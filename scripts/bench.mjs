// npm run bench: zigmqtt, zigbee2mqtt and the floor (bare zigbee-herdsman + converters) on the same workload, each
// in its own process on its own simulator and mosquitto; prints a Markdown table with zigmqtt ÷ zigbee2mqtt and
// writes bench-results/bench-<date>.json. See README "Performance" and `npm run bench -- --help`.
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { hasValgrind, perfCounts } from "./bench/proc.mjs";
import { table } from "./bench/report.mjs";
import { benchTarget } from "./bench/session.mjs";
import { ensureZ2m, START_FLAGS, TARGETS } from "./bench/targets.mjs";

const HELP = `usage: npm run bench -- [options]
  (default)        20 bulbs, 20,000 reports, 300 commands, 3 restarts; zigmqtt, zigbee2mqtt and the floor
  --quick          5,000 reports, 100 commands, 1 restart
  --scale=N        N devices (e.g. 1000): 20 reports per device, 100 commands, 1 restart
  --soak[=N]       then N more reports (default 1,000,000) with RSS before and after (long: minutes per target)
  --instructions   instead: instructions per message, counted by valgrind's callgrind around the reports
                   (2,000 by default, after as many to warm up; each process runs ~50x slower under it, so
                   nothing else is measured). Where \`perf stat -e instructions\` works (hardware counters;
                   not in most VMs) the default run counts them during the reports as well
  --in-bridge      also time each command inside each bridge, from the socket read of its /set to the write of
                   its frame (scripts/bench/latencyProbe.mjs, loaded with --import): the bridge's own share,
                   without the broker hop and the bench's side, which vary far more between runs
  --no-z2m         without zigbee2mqtt (otherwise a failed install of it is an error)
  --only=a,b       of: ours, z2m, floor
  --devices=N --reports=N --commands=N --restarts=N --log-level=info|warning|debug`;

const { values: a } = parseArgs({
  options: {
    help: { type: "boolean" },
    quick: { type: "boolean" },
    scale: { type: "string" },
    soak: { type: "string" },
    instructions: { type: "boolean" },
    "in-bridge": { type: "boolean" },
    "no-z2m": { type: "boolean" },
    only: { type: "string" },
    devices: { type: "string" },
    reports: { type: "string" },
    commands: { type: "string" },
    restarts: { type: "string" },
    "log-level": { type: "string" },
  },
  // --soak alone means the default count
  args: process.argv.slice(2).map((x) => (x === "--soak" ? "--soak=1000000" : x)),
});
if (a.help) {
  console.log(HELP);
  process.exit(0);
}
const num = (v, d) => (v === undefined ? d : Number(v));
const scale = num(a.scale, 0);
const devices = num(a.devices, scale || 20);
const o = {
  devices,
  reports: num(a.reports, a.instructions ? 2000 : scale ? devices * 20 : a.quick ? 5000 : 20_000),
  commands: num(a.commands, a.instructions ? 0 : scale || a.quick ? 100 : 300),
  restarts: num(a.restarts, a.instructions ? 0 : scale || a.quick ? 1 : 3),
  soak: num(a.soak, 0),
  logLevel: a["log-level"] ?? "info",
  instructionsOnly: Boolean(a.instructions),
  inBridge: Boolean(a["in-bridge"]),
  // `perf stat -e instructions` on the target during the flood, where the machine has hardware counters
  perf: !a.instructions && perfCounts("instructions"),
  log: (m) => process.stderr.write(`[bench] ${m}\n`),
};
for (const [k, v] of Object.entries(o))
  if (typeof v === "number" && !(Number.isInteger(v) && v >= 0)) throw new Error(`--${k}: not a count: ${v}`);
const kinds = (a.only ?? "floor,ours,z2m").split(",").filter((k) => !(a["no-z2m"] && k === "z2m"));
for (const k of kinds) if (!TARGETS[k]) throw new Error(`--only: unknown target ${k} (ours, z2m, floor)`);
if (kinds.includes("z2m")) ensureZ2m();
if (o.instructionsOnly && !hasValgrind()) throw new Error("--instructions needs valgrind (apt-get install valgrind)");

const t0 = Date.now();
const result = {
  date: new Date().toISOString(),
  machine: {
    cpus: `${cpus()[0]?.model} x${cpus().length}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((x) => +x.toFixed(2)),
    node: process.version,
    zigmqttNodeFlags: START_FLAGS,
    perfInstructions: o.perf,
  },
  parameters: { ...o, log: undefined, targets: kinds },
  results: {},
};
for (const kind of kinds) {
  o.log(`${TARGETS[kind].label}: ${devices} devices, ${o.reports} reports, ${o.commands} commands`);
  result.results[kind] = await benchTarget(kind, o);
}
result.elapsedSeconds = Math.round((Date.now() - t0) / 1000);
mkdirSync("bench-results", { recursive: true });
const file = `bench-results/bench-${result.date.replace(/[:.]/g, "-")}.json`;
writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
const brokers = [...new Set(Object.values(result.results).flatMap((r) => r.broker ?? []))];
console.log(
  `\n${devices} devices, ${o.reports} reports, ${o.commands} commands, log_level ${o.logLevel}, ` +
    `broker ${brokers.join(", ") || "none"}, instructions ${o.instructionsOnly ? "by callgrind" : o.perf ? "by perf stat" : "not counted (no hardware counters: --instructions)"}; load average at start ${result.machine.loadAverageAtStart.join(" ")}\n`,
);
console.log(table(result.results));
console.log(`\nwritten to ${file} in ${result.elapsedSeconds} s`);
process.exit(0);
