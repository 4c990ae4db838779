// What a bench target's process costs, read from outside it: CPU time and RSS from /proc, and (opt-in) instructions
// counted by valgrind's callgrind around one phase.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const TICKS_PER_SECOND = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** User + system CPU of the whole process (every thread, the exited ones too), in ms; 1/CLK_TCK resolution. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // fields after the command name, which is in parentheses and may contain spaces
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICKS_PER_SECOND;
}

/** Resident set size in MB. */
export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 102.4) / 10;
}

export function hasValgrind() {
  return spawnSync("valgrind", ["--version"], { stdio: "ignore" }).status === 0;
}

/** The command prefix that starts a process under callgrind with instrumentation off until `instructions.start()`. */
export function callgrindPrefix(outDir) {
  return [
    "valgrind",
    "--tool=callgrind",
    "--instr-atstart=no",
    "--dump-instr=no",
    `--callgrind-out-file=${join(outDir, "callgrind.%p.out")}`,
  ];
}

/**
 * Counts the instructions a process under `callgrindPrefix` runs between `start()` and `stop()` (every thread).
 * callgrind_control talks to the process through a file valgrind polls: it answers within a fraction of a second.
 */
export function instructionCounter(pid, outDir) {
  const ctl = (...args) => execFileSync("callgrind_control", [...args, String(pid)], { stdio: "ignore" });
  return {
    start() {
      ctl("-z");
      ctl("-i", "on");
    },
    stop() {
      ctl("-d");
      ctl("-i", "off");
      const dumps = readdirSync(outDir)
        .filter((f) => f.startsWith(`callgrind.${pid}.out.`))
        .sort((a, b) => Number(a.split(".").at(-1)) - Number(b.split(".").at(-1)));
      const text = readFileSync(join(outDir, dumps.at(-1)), "utf8");
      const m = /^totals:\s+(\d+)/m.exec(text);
      if (!m) throw new Error(`no totals in ${join(dirname(outDir), dumps.at(-1))}`);
      return Number(m[1]);
    },
  };
}

/** Whether `perf stat` can count `event` here (hardware counters are often missing in VMs: `<not supported>`). */
export function perfCounts(event = "instructions") {
  const r = spawnSync("perf", ["stat", "-x", ",", "-e", event, "true"], { encoding: "utf8" });
  return r.status === 0 && /^\d/.test(r.stderr.trim().split("\n").at(-1) ?? "");
}

/** Counts `event` in a running process (all threads) between `start()` and `await stop()` with `perf stat -p`. */
export function perfCounter(pid, event = "instructions") {
  let child;
  let out = "";
  return {
    start() {
      child = spawn("perf", ["stat", "-x", ",", "-e", event, "-p", String(pid)], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      child.stderr.on("data", (d) => {
        out += d;
      });
    },
    async stop() {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGINT");
      await exited;
      const line = out
        .trim()
        .split("\n")
        .find((l) => l.split(",")[2]?.startsWith(event.split(":")[0]));
      const n = Number(line?.split(",")[0]);
      return Number.isFinite(n) ? n : undefined;
    },
  };
}
