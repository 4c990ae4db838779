// Dev tool: profile the MQTT /set → Zigbee frame path. Run: npm run build && node --cpu-prof --cpu-prof-dir=bench-results scripts/profile-commands.mjs [commands]

import { commandLatency, startBridge } from "./bench/bridgeBench.mjs";
import { startBroker } from "./bench/broker.mjs";

const commands = Number(process.argv[2] ?? 3000);
const broker = await startBroker({ nodelay: true });
const bridge = await startBridge(broker.url, 20);
console.log(JSON.stringify(await commandLatency(bridge, broker.url, commands)));
await bridge.stop();
await broker.stop();
process.exit(0);
