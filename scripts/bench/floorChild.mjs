// The floor as its own process: bare zigbee-herdsman + zigbee-herdsman-converters on the simulator at argv[2], its
// files in argv[3], doing a bridge's conversion work with no MQTT. Talks to the bench over the IPC channel:
//   → {online: true} once started with a definition for every device (what a bridge needs before it is online)
//   ← {status: true} → {interviewed, converted}
//   → {converted}: at most once per event-loop turn, when conversions happened (the bench's flow control)
//   ← {set: level}   → {done: level}: brightness to bulb_1's endpoint through its converter, answered when the bulb's
//                      level report has come back through herdsman (the bridge's commands are paced the same way)
// SIGTERM stops herdsman and exits.
import * as zhc from "zigbee-herdsman-converters";
import { bareHerdsman } from "./bareHerdsman.mjs";

const [url, dir, bulbIeee] = process.argv.slice(2);
const herdsman = bareHerdsman(url, dir);
const defs = new Map();
const convCache = new Map();
let converted = 0;
let awaited = -1;
let onReport = () => {};
let pushPending = false;

async function definition(device) {
  let def = defs.get(device.ieeeAddr);
  if (!def) {
    def = await zhc.findByDevice(device);
    defs.set(device.ieeeAddr, def);
  }
  return def;
}

herdsman.on("message", async (msg) => {
  if (msg.device.ieeeAddr === bulbIeee && msg.cluster === "genLevelCtrl" && msg.data.currentLevel === awaited)
    onReport();
  const def = await definition(msg.device);
  if (!def) return;
  const key = `${def.model}|${msg.cluster}|${msg.type}`;
  let convs = convCache.get(key);
  if (!convs) {
    convs = def.fromZigbee.filter(
      (c) => c.cluster === msg.cluster && (Array.isArray(c.type) ? c.type.includes(msg.type) : c.type === msg.type),
    );
    convCache.set(key, convs);
  }
  const payload = {};
  for (const c of convs) {
    const r = c.convert(def, msg, () => {}, {}, { device: msg.device, state: {}, deviceExposesChanged() {} });
    if (r) Object.assign(payload, r);
  }
  JSON.stringify(payload);
  converted++;
  if (!pushPending) {
    pushPending = true;
    setImmediate(() => {
      pushPending = false;
      process.send({ converted });
    });
  }
});

async function set(level) {
  const device = herdsman.getDeviceByIeeeAddr(bulbIeee);
  const def = await definition(device);
  const converter = def.toZigbee.find((c) => c.key?.includes("brightness"));
  awaited = level;
  const reportedBack = new Promise((resolve) => {
    onReport = resolve;
  });
  await converter.convertSet(device.getEndpoint(1), "brightness", level, {
    message: { brightness: level },
    device,
    mapped: def,
    options: {},
    state: {},
    endpoint_name: undefined,
    publish() {},
    deviceExposesChanged() {},
  });
  await reportedBack;
  process.send({ done: level });
}

process.on("message", (m) => {
  if (m.status) {
    const interviewed = herdsman
      .getDevices()
      .filter((d) => d.type !== "Coordinator" && d.interviewState === "SUCCESSFUL").length;
    process.send({ interviewed, converted });
  } else if (m.set !== undefined) {
    set(m.set).catch((e) => process.send({ error: String(e) }));
  }
});
process.once("SIGTERM", () => {
  herdsman.stop().finally(() => process.exit(0));
});

await herdsman.start();
for (const d of herdsman.getDevicesIterator()) if (d.type !== "Coordinator") await definition(d);
process.send({ online: true });
