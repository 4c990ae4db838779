// Dev tool: start the simulator and an unmodified zigbee-herdsman against it; print what happens.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Controller, setLogger } from "zigbee-herdsman";
import { Simulator } from "../dist/simulator/simulator.js";

const dir = process.argv[2] ?? mkdtempSync(join(tmpdir(), "zsim-"));
const verbose = process.env.VERBOSE === "1";
const t0 = performance.now();
const ms = () => `${(performance.now() - t0).toFixed(0)}ms`;
const log = (l) => (m, ns) => {
  if (verbose || l !== "debug") console.log(`${ms()} [${l}] ${ns ?? ""} ${typeof m === "function" ? m() : m}`);
};
setLogger({ debug: log("debug"), info: log("info"), warning: log("warn"), error: log("error") });
const sim = new Simulator({ nvFile: join(dir, "nv.json"), log: (l, m) => console.log(`${ms()} [sim ${l}] ${m}`) });
await sim.start();
const ctrl = new Controller({
  network: {
    panID: 0x1a62,
    extendedPanID: [0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd, 0xdd],
    channelList: [11],
    networkKey: [1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 13],
  },
  transport: { path: sim.url, adapter: "zstack" },
  databasePath: join(dir, "database.db"),
  databaseBackupPath: join(dir, "database.db.backup"),
  backupPath: join(dir, "coordinator_backup.json"),
  adapter: { disableLED: false },
  acceptJoiningDeviceHandler: async () => true,
});
ctrl.on("deviceJoined", (e) => console.log(ms(), "joined", e.device.ieeeAddr));
ctrl.on("deviceInterview", (e) => console.log(ms(), "interview", e.status, e.device.ieeeAddr, e.device.modelID));
ctrl.on("message", (e) => console.log(ms(), "message", e.type, e.cluster, JSON.stringify(e.data)));
const result = await ctrl.start();
console.log(ms(), "start result", result);
await new Promise((r) => setTimeout(r, Number(process.env.WAIT ?? 3000)));
console.log(
  "devices",
  ctrl.getDevices().map((d) => `${d.ieeeAddr} ${d.type} ${d.modelID} ${d.interviewState}`),
);
await ctrl.stop();
await sim.stop();
console.log(ms(), "stopped; dir", dir);
