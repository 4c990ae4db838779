// Child process: subscribes and counts messages, so the subscriber's CPU is not billed to the bridge.
// argv: url topic; stdin lines: "reset" | "report"; stdout: JSON {count, first, last} for "report".

import { createInterface } from "node:readline";
import { connectAsync } from "mqtt";

const [url, topic] = process.argv.slice(2);
const client = await connectAsync(url, { clean: true });
let count = 0;
let first = 0;
let last = 0;
client.on("message", (_topic, _payload, packet) => {
  if (packet.retain) return; // what was there before subscribing is not throughput
  const now = Date.now();
  if (count === 0) first = now;
  last = now;
  count++;
});
await client.subscribeAsync(topic, { qos: 0 });
process.stdout.write("ready\n");
for await (const line of createInterface({ input: process.stdin })) {
  if (line === "reset") {
    count = 0;
    first = last = 0;
    process.stdout.write("ok\n");
  } else if (line === "report") process.stdout.write(`${JSON.stringify({ count, first, last })}\n`);
  else if (line === "quit") break;
}
await client.endAsync();
process.exit(0);
