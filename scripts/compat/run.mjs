#!/usr/bin/env node
// `npm run compat`: the differential harness. Runs the scripted session (session.mjs) against zigbee2mqtt (the
// oracle, installed from npm into a cache folder outside the repository: we run it, we never ship or copy it) and
// against our bridge, each on its own simulator and mosquitto, then compares every published message.
// Last line: `compat: N points compared, M identical, K allowed`.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { compare, loadAllowlist, normaliseMessage } from "./compare.mjs";
import { report } from "./report.mjs";
import { findDevices, isRequestTopic, responseOf, STEPS } from "./session.mjs";
import { ensureZigbee2mqtt, prepareSide } from "./targets.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../..");
const z2mDir = process.env.COMPAT_Z2M_DIR ?? join(homedir(), ".cache/zigmqtt-oracle");

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function runSide(side) {
  const messages = [];
  let step = "start";
  let lastAt = Date.now();
  let devices;
  let until;
  let reached = true;
  const missed = [];
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
    if (side.crashed) break;
    step = s.name;
    const started = Date.now();
    lastAt = started;
    until = s.until?.();
    reached = !until;
    if (s.stop) await side.stopBridge();
    if (s.start) side.start();
    if (s.control) await side.control(s.control);
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
    while ((!reached || Date.now() - lastAt < quiet) && Date.now() - started < max && !side.crashed) await sleep(100);
    if (!reached) {
      missed.push(s.name);
      console.log(`compat: ${side.name}: step '${s.name}' did not see what it waits for in ${max} ms`);
    }
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
  return { messages: [...messages, ...retained], ieee: ctx.ieee, missed };
}

/** Harness breakage, not a difference of output: the run fails whatever the mode. */
function breakage(a, b, z2m, ours, self) {
  const problems = [];
  for (const side of [z2m, ours]) if (side.crashed) problems.push(side.crashed);
  for (const step of a.missed)
    if (b.missed.includes(step)) problems.push(`step '${step}': neither side saw what it waits for`);
    else problems.push(`step '${step}': zigbee2mqtt (the oracle) did not see what it waits for`);
  // our side: a missed wait is a difference of output, except when the bridge did not come up (or, in self mode, the
  // second zigbee2mqtt missed anything)
  for (const s of STEPS)
    if ((s.startup || self) && b.missed.includes(s.name) && !a.missed.includes(s.name))
      problems.push(`step '${s.name}': ${ours.name} ${s.startup ? "did not come up" : "missed it"}`);
  return problems;
}

async function main() {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 22) throw new Error(`our bridge needs Node >= 22 (this is ${process.version}); see .ci/run`);
  const strict = process.env.COMPAT_STRICT === "1" || process.argv.includes("--strict");
  // COMPAT_SELF=1 / --self: the oracle against itself, to see its own nondeterminism (README "Rules")
  const self = process.env.COMPAT_SELF === "1" || process.argv.includes("--self");
  const converters = JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).dependencies[
    "zigbee-herdsman-converters"
  ];
  ensureZigbee2mqtt(z2mDir, { converters });
  if (!existsSync(join(repo, "dist/index.js"))) throw new Error("run `npm run build` first");
  const root = process.env.COMPAT_OUT ?? mkdtempSync(join(tmpdir(), "zigmqtt-compat-"));
  const sides = [];
  // stopped by a signal: stop the brokers, simulators and bridges we started
  for (const sig of ["SIGINT", "SIGTERM"]) {
    process.once(sig, () => {
      Promise.all(sides.map((s) => s.close())).finally(() => process.exit(130));
    });
  }
  let exitCode = 0;
  try {
    const z2m = await prepareSide({ name: "zigbee2mqtt", kind: "z2m", root, repo, z2mDir });
    sides.push(z2m);
    const ours = await prepareSide({
      name: self ? "zigbee2mqtt-2" : "zigmqtt",
      kind: self ? "z2m" : "ours",
      root,
      repo,
      z2mDir,
    });
    sides.push(ours);
    const [a, b] = await Promise.all([runSide(z2m), runSide(ours)]);
    const theirs = a.messages.map((m) => normaliseMessage(m, z2m));
    const mine = b.messages.map((m) => normaliseMessage(m, ours));
    writeFileSync(join(root, "zigbee2mqtt.json"), JSON.stringify(theirs, null, 1));
    writeFileSync(join(root, `${ours.name}.json`), JSON.stringify(mine, null, 1));
    const allowlist = loadAllowlist(join(here, "allowlist.json"));
    const points = compare(theirs, mine, self ? [] : allowlist, STEPS);
    const { summary, text } = report(points, { self, missedByUs: b.missed.filter((s) => !a.missed.includes(s)) });
    writeFileSync(join(root, "report.txt"), text);
    const identical = points.filter((p) => p.verdict === "identical").length;
    const allowed = points.filter((p) => p.verdict === "allowed").length;
    const different = points.length - identical - allowed;
    console.log(`compat: devices found: ${JSON.stringify(a.ieee)} / ${JSON.stringify(b.ieee)}`);
    for (const n of points.notes) console.log(`compat: note: ${n}`);
    console.log(`compat: differences by category (first ${Math.min(summary.length, 25)} of ${summary.length}):`);
    for (const line of summary.slice(0, 25)) console.log(line);
    if (!self)
      for (const e of allowlist)
        if (e.used === 0) console.log(`compat: allowlist entry not used: ${e.topic} ${e.step ?? ""} ${e.path ?? ""}`);
    const problems = breakage(a, b, z2m, ours, self);
    for (const p of problems) console.log(`compat: HARNESS FAILURE: ${p}`);
    if (problems.length > 0) exitCode = 2;
    else if (strict && (different > 0 || allowed > points.length * 0.05)) {
      console.log(
        `compat: strict: FAILED: ${different} points differ, ${allowed} allowed (at most ${Math.floor(points.length * 0.05)})`,
      );
      exitCode = 1;
    }
    console.log(`compat: report: ${join(root, "report.txt")} (recordings and process logs beside it)`);
    console.log(`compat: ${points.length} points compared, ${identical} identical, ${allowed} allowed`);
  } finally {
    for (const s of sides) await s.close();
  }
  process.exit(exitCode);
}

main().catch((e) => {
  console.error(`compat: ${e.stack ?? e}`);
  process.exit(2);
});
