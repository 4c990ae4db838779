// Benchmark: how fast the virtual coordinator can feed attribute reports to an unmodified zigbee-herdsman.
// usage: npm run build && node scripts/bench-simulator.mjs [reports=50000] [bulbs=20] [adapter=zstack|deconz]
// deCONZ runs on the simulator's pty (needs socat), as a ConBee is a serial port; its bulbs join on permit join.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Controller, setLogger } from "zigbee-herdsman";
import { Simulator } from "../dist/simulator/simulator.js";

const reports = Number(process.argv[2] ?? 50_000);
const bulbs = Number(process.argv[3] ?? 20);
const adapter = process.argv[4] ?? "zstack";
const quiet = () => {};
setLogger({ debug: quiet, info: quiet, warning: quiet, error: (m) => console.error(m) });
const dir = mkdtempSync(join(tmpdir(), "zsim-bench-"));
const ptyPath = adapter === "deconz" ? join(dir, "ttyConBee") : undefined;
const sim = await new Simulator({ scenario: `scale:${bulbs}`, nvFile: join(dir, "nv.json"), adapter, ptyPath }).start();
const ctrl = new Controller({
  network: {
    panID: 0x1a62,
    extendedPanID: [1, 2, 3, 4, 5, 6, 7, 8],
    channelList: [15],
    networkKey: Array.from({ length: 16 }, (_, i) => i),
  },
  transport: { path: ptyPath ?? sim.url, adapter, baudRate: 115200 },
  databasePath: join(dir, "database.db"),
  databaseBackupPath: join(dir, "db.backup"),
  backupPath: join(dir, "backup.json"),
  adapter: { disableLED: false },
  acceptJoiningDeviceHandler: async () => true,
});
let interviewed = 0;
ctrl.on("deviceInterview", (e) => {
  if (e.status === "successful") interviewed++;
});
let t = performance.now();
const result = await ctrl.start();
const startMs = performance.now() - t;
if (adapter === "deconz") await ctrl.permitJoin(254);
while (interviewed < bulbs) await new Promise((r) => setTimeout(r, 20));
const joinMs = performance.now() - t - startMs;
let messages = 0;
let resolveAll;
const all = new Promise((r) => {
  resolveAll = r;
});
ctrl.on("message", (m) => {
  if (m.type === "attributeReport" && ++messages === reports) resolveAll();
});
const cpu0 = process.cpuUsage();
t = performance.now();
const gen = await sim.generateReports({ count: reports });
await Promise.race([all, new Promise((r) => setTimeout(r, 120_000))]);
const elapsed = performance.now() - t;
const cpu = process.cpuUsage(cpu0);
const out = {
  date: new Date().toISOString(),
  node: process.version,
  adapter,
  startResult: result,
  resetStartMs: Math.round(startMs),
  joinInterviewMs: Math.round(joinMs),
  bulbs,
  reportsSent: gen.sent,
  messagesAtHerdsman: messages,
  lost: gen.sent - messages,
  reportsPerSecond: Math.round((messages / elapsed) * 1000),
  cpuMsPerReport: +((cpu.user + cpu.system) / 1000 / messages).toFixed(4),
};
console.log(JSON.stringify(out, null, 2));
await ctrl.stop();
await sim.stop();
rmSync(dir, { recursive: true, force: true });
// herdsman's deconz adapter leaves its timers running after stop() (and would reopen the port): end here
process.exit(0);
