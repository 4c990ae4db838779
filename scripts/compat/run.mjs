#!/usr/bin/env node
// `npm run compat`: the differential harness. Runs the scripted session (session.mjs) against zigbee2mqtt (the
// oracle, installed from npm into a cache folder outside the repository: we run it, we never ship or copy it) and
// against our bridge, each on its own simulator and mosquitto, then compares every published message.
// Last line: `compat: N points compared, M identical, K allowed`.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { category, compare, loadAllowlist, normaliseMessage } from "./compare.mjs";
import { findDevices, isRequestTopic, responseOf, STEPS } from "./session.mjs";
import { ensureZigbee2mqtt, prepareSide } from "./targets.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const z2mDir = process.env.COMPAT_Z2M_DIR ?? join(homedir(), ".cache/zigmqtt-compat");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function runSide(side, startBridge) {
  const messages = [];
  let step = "start";
  let lastAt = Date.now();
  let devices;
  let until;
  let reached = true;
  const client = await mqtt.connectAsync(side.mqttUrl, {
    clientId: `compat-recorder-${side.name}`,
    reconnectPeriod: 0,
  });
  client.on("message", (topic, payload, packet) => {
    if (isRequestTopic(topic)) return;
    lastAt = Date.now();
    const text = payload.toString();
    if (topic === "zigbee2mqtt/bridge/devices") {
      try {
        devices = JSON.parse(text);
      } catch {}
    }
    messages.push({ step, topic, payload: text, retain: packet.retain, qos: packet.qos });
    if (!reached && until?.(topic, text)) reached = true;
  });
  await client.subscribeAsync("#", { qos: 1 });
  const ctx = { ieee: {} };
  for (const s of STEPS) {
    step = s.name;
    const started = Date.now();
    lastAt = started;
    until = s.until;
    reached = !s.until;
    if (s.start) startBridge();
    if (s.stop) await side.stopBridge();
    if (s.publish) {
      if (devices) ctx.ieee = findDevices(devices);
      const { topic, payload } = s.publish(ctx);
      const response = responseOf(topic);
      if (response && !s.noResponse) {
        until = (t) => t === response;
        reached = false;
      }
      await client.publishAsync(topic, payload);
    }
    const quiet = s.quietMs ?? 2000;
    const max = s.maxMs ?? 20000;
    while ((!reached || Date.now() - lastAt < quiet) && Date.now() - started < max) await sleep(100);
    if (!reached) console.log(`compat: ${side.name}: step '${s.name}' did not see what it waits for in ${max} ms`);
  }
  await client.endAsync();
  // the retained snapshot a client subscribing after the session sees
  step = "retained";
  const snap = await mqtt.connectAsync(side.mqttUrl, { clientId: `compat-snapshot-${side.name}`, reconnectPeriod: 0 });
  const retained = [];
  snap.on("message", (topic, payload, packet) => {
    if (packet.retain) retained.push({ step, topic, payload: payload.toString(), retain: true, qos: packet.qos });
  });
  await snap.subscribeAsync("#", { qos: 1 });
  await sleep(1500);
  await snap.endAsync();
  retained.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : 0));
  return { messages: [...messages, ...retained], ieee: ctx.ieee };
}

async function main() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22) throw new Error(`our bridge needs Node >= 22 (this is ${process.version}); see .ci/run`);
  ensureZigbee2mqtt(z2mDir);
  if (!existsSync(join(repo, "dist/index.js"))) throw new Error("run `npm run build` first");
  const root = process.env.COMPAT_OUT ?? mkdtempSync(join(tmpdir(), "zigmqtt-compat-"));
  const sides = [];
  // stopped by a signal: stop the brokers, simulators and bridges we started
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, () => {
      Promise.all(sides.map((s) => s.close())).finally(() => process.exit(130));
    });
  }
  try {
    const z2m = await prepareSide({ name: "zigbee2mqtt", kind: "z2m", root, repo, z2mDir });
    sides.push(z2m);
    const ours = await prepareSide({ name: "zigmqtt", kind: "ours", root, repo, z2mDir });
    sides.push(ours);
    const [a, b] = await Promise.all([runSide(z2m, () => z2m.start()), runSide(ours, () => ours.start())]);
    const theirs = a.messages.map((m) => normaliseMessage(m, z2m));
    const mine = b.messages.map((m) => normaliseMessage(m, ours));
    writeFileSync(join(root, "zigbee2mqtt.json"), JSON.stringify(theirs, null, 1));
    writeFileSync(join(root, "zigmqtt.json"), JSON.stringify(mine, null, 1));
    const allowlist = loadAllowlist(join(here, "allowlist.json"));
    const points = compare(theirs, mine, allowlist);
    const report = [];
    const byCat = new Map();
    for (const p of points) {
      if (p.verdict !== "different") continue;
      byCat.set(category(p), (byCat.get(category(p)) ?? 0) + 1);
      const show = (m) => (m ? JSON.stringify(m.payload).slice(0, 600) : "-");
      report.push(
        `## ${p.key}\n  differs at: ${p.paths.slice(0, 12).join(", ")}\n  z2m : ${show(p.theirs)}\n  ours: ${show(p.ours)}`,
      );
    }
    const summary = [...byCat.entries()].sort((x, y) => y[1] - x[1]).map(([c, n]) => `${String(n).padStart(4)}  ${c}`);
    writeFileSync(join(root, "report.txt"), `${summary.join("\n")}\n\n${report.join("\n")}\n`);
    const identical = points.filter((p) => p.verdict === "identical").length;
    const allowed = points.filter((p) => p.verdict === "allowed").length;
    console.log(`compat: devices found: ${JSON.stringify(a.ieee)} / ${JSON.stringify(b.ieee)}`);
    console.log(`compat: differences by category:\n${summary.join("\n")}`);
    for (const e of allowlist)
      if (e.used === 0) console.log(`compat: allowlist entry not used: ${e.topic} ${e.path ?? ""}`);
    console.log(`compat: report and recordings in ${root}`);
    console.log(`compat: ${points.length} points compared, ${identical} identical, ${allowed} allowed`);
  } finally {
    for (const s of sides) await s.close();
  }
}

main().catch((e) => {
  console.error(`compat: ${e.stack ?? e}`);
  process.exit(1);
});
