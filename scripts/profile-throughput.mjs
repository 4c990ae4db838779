// Dev tool: profile the Zigbee → MQTT hot path. Run: npm run build && node --cpu-prof --cpu-prof-dir=bench-results scripts/profile-throughput.mjs [reports]

import { startBridge, throughput } from "./bench/bridgeBench.mjs";
import { startBroker } from "./bench/broker.mjs";

const reports = Number(process.argv[2] ?? 100_000);
const broker = await startBroker({ nodelay: true });
const bridge = await startBridge(broker.url, 20);
console.log(JSON.stringify(await throughput(bridge, broker.url, reports)));
await bridge.stop();
await broker.stop();
process.exit(0);
