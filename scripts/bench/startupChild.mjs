// Child process for the startup floor: the simulator (persisted NV) + bare zigbee-herdsman resuming the same network.
// argv: dir (the bridge's data dir). Prints {startMs, rssMb} where startMs counts from process start; RSS is read 3 s
// after the start, as for the bridge (no forced garbage collection: the bridge gets none either).
import { join } from "node:path";
import * as zhc from "zigbee-herdsman-converters";
import { Simulator } from "../../dist/simulator/simulator.js";
import { bareHerdsman } from "./bareHerdsman.mjs";

const dir = join(process.argv[2], "virtual");
const sim = await new Simulator({ scenario: process.argv[3], nvFile: join(dir, "simulator-nv.json") }).start();
const herdsman = bareHerdsman(sim.url, dir);
const result = await herdsman.start();
// what a bridge needs besides: a definition for every device
for (const d of herdsman.getDevicesIterator()) if (d.type !== "Coordinator") await zhc.findByDevice(d);
const startMs = Math.round(performance.now() + (performance.timeOrigin - Number(process.env.SPAWNED_AT)));
await new Promise((r) => setTimeout(r, 3000));
process.stdout.write(
  `${JSON.stringify({ result, startMs, rssMb: Math.round(process.memoryUsage().rss / 1048576) })}\n`,
);
await herdsman.stop();
await sim.stop();
process.exit(0);
