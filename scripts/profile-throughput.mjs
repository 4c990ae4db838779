// Dev tool: profile a hot path of the bridge on the virtual coordinator. Run:
//   npm run build && node --cpu-prof --cpu-prof-dir=bench-results scripts/profile-throughput.mjs [reports]
//   … scripts/profile-throughput.mjs --commands [commands]   (MQTT /set → Zigbee frame instead of Zigbee → MQTT)

import { commandLatency, startBridge, throughput } from "./bench/bridgeBench.mjs";
import { startBroker } from "./bench/broker.mjs";

const commands = process.argv[2] === "--commands";
const count = Number(process.argv[commands ? 3 : 2] ?? (commands ? 3000 : 100_000));
const broker = await startBroker({ nodelay: true });
const bridge = await startBridge(broker.url, 20);
const result = commands ? await commandLatency(bridge, broker.url, count) : await throughput(bridge, broker.url, count);
console.log(JSON.stringify(result));
await bridge.stop();
await broker.stop();
process.exit(0);
