// One target's bench session, the same for all three: its own simulator (scale:N, over TCP, in this process) and
// mosquitto; first start pairs every device; restarts → online; idle RSS; a report flood (CPU, instructions,
// throughput, lost, RSS after); commands (→ frame at the simulator, → state message); optionally a soak.
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { connectAsync } from "mqtt";
import { Simulator } from "../../dist/simulator/simulator.js";
import { startBroker } from "./broker.mjs";
import { brightnessSeen, stats, tempDir, waitFor } from "./common.mjs";
import { cpuMs, instructionCounter, perfCounter, rssMb } from "./proc.mjs";
import { launch, TARGETS, writeConfig } from "./targets.mjs";

/**
 * Reports are sent BURST at a time, with at most WINDOW on their way to the target's output: about 1 kB queued
 * at most, as from a serial stick. zigbee-herdsman's Z-Stack frame parser formats its whole buffer for a debug line
 * (off or not) for every frame it parses, so its cost per frame grows with what it reads at once: without a small
 * window a slower target would read bigger chunks and pay more per frame for being slower.
 */
const BURST = 10;
const WINDOW = 40;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** What the bench sees of a bridge on MQTT: the latest bridge/state online and bridge/devices. */
async function watchBridge(url) {
  const client = await connectAsync(url, { clean: true });
  const seen = { onlineAt: 0, devicesAt: 0, devicesBytes: 0, interviewed: 0 };
  client.on("message", (topic, payload) => {
    if (topic === "zigbee2mqtt/bridge/devices") {
      seen.devicesAt = performance.now();
      seen.devicesBytes = payload.length;
      seen.interviewed = JSON.parse(payload.toString()).filter(
        (d) => d.type !== "Coordinator" && (d.interview_state === "SUCCESSFUL" || d.interview_completed === true),
      ).length;
    }
    if (topic === "zigbee2mqtt/bridge/state" && payload.toString().includes('"online"'))
      seen.onlineAt = performance.now();
  });
  await client.subscribeAsync(["zigbee2mqtt/bridge/devices", "zigbee2mqtt/bridge/state"]);
  return { seen, stop: () => client.endAsync() };
}

/** A count that can be awaited: `until(n, ms)` resolves true once it reaches n, false after ms without progress. */
function progressCounter() {
  let waiter;
  const p = {
    n: 0,
    lastAt: 0,
    add(k = 1) {
      p.set(p.n + k);
    },
    set(n) {
      p.n = n;
      p.lastAt = performance.now();
      if (waiter && p.n >= waiter.at) waiter.resolve(true);
    },
    until(at, ms) {
      if (p.n >= at) return Promise.resolve(true);
      return new Promise((resolve) => {
        let seenN = p.n;
        const timer = setInterval(() => {
          if (p.n === seenN) done(false);
          seenN = p.n;
        }, ms);
        const done = (ok) => {
          clearInterval(timer);
          waiter = undefined;
          resolve(ok);
        };
        waiter = { at, resolve: done };
      });
    },
  };
  return p;
}

/** Non-retained messages on zigbee2mqtt/+ (device state messages), counted in this process. */
async function countMessages(url) {
  const p = progressCounter();
  const client = await connectAsync(url, { clean: true });
  client.on("message", (_topic, _payload, packet) => {
    if (!packet.retain) p.add();
  });
  await client.subscribeAsync("zigbee2mqtt/+", { qos: 0 });
  p.stop = () => client.endAsync();
  return p;
}

/** The floor's side of the same: its IPC messages. */
function watchFloor(proc) {
  const seen = { onlineAt: 0, interviewed: 0, progress: progressCounter(), done: -1, error: undefined };
  proc.child.on("message", (m) => {
    if (m.online) seen.onlineAt = performance.now();
    if (m.interviewed !== undefined) seen.interviewed = m.interviewed;
    if (m.converted !== undefined) seen.progress.set(m.converted);
    if (m.done !== undefined) seen.done = m.done;
    if (m.error) seen.error = m.error;
  });
  return seen;
}

/**
 * @param kind "ours" | "z2m" | "floor"
 * @param o {devices, reports, commands, restarts, logLevel, soak, instructionsOnly, perf, log}
 */
export async function benchTarget(kind, o) {
  const bridge = TARGETS[kind].bridge;
  const root = tempDir(`zigmqtt-bench-${kind}-`);
  const slow = o.instructionsOnly ? 20 : 1; // under callgrind everything takes longer
  const sim = await new Simulator({ scenario: `scale:${o.devices}`, nvFile: join(root, "simulator-nv.json") }).start();
  const bulb = sim.member("bulb_1");
  const broker = bridge ? await startBroker({ nodelay: true }) : undefined;
  if (bridge) writeConfig(root, { brokerUrl: broker.url, simUrl: sim.url, logLevel: o.logLevel });
  const watcher = bridge ? await watchBridge(broker.url) : undefined;

  // every frame the target sends the coordinator; and when armed, the first AF.dataRequest to bulb_1
  const frames = { lastAt: 0, armed: false, commandAt: 0 };
  sim.coordinator.events.frameIn = (f) => {
    frames.lastAt = performance.now();
    if (frames.armed && f.subsystem === 4 && f.command === 1 && f.data.readUInt16LE(0) === bulb.nwk) {
      frames.armed = false;
      frames.commandAt = frames.lastAt;
    }
  };

  let proc;
  let floor;
  const start = () => {
    proc = launch(kind, {
      dir: root,
      simUrl: sim.url,
      bulbIeee: bulb.ieee,
      callgrindDir: o.instructionsOnly && root,
      latencyOut: o.inBridge && bridge && join(root, "latency"),
    });
    proc.exited.then((code) => {
      if (!proc.stopping) o.log(`${kind} exited (${code}) unexpectedly; its log:\n${proc.logTail()}`);
    });
    if (!bridge) floor = watchFloor(proc);
    return proc;
  };
  const seen = () => (bridge ? watcher.seen : floor);
  const stop = async () => {
    proc.stopping = true;
    await proc.stop();
  };
  const result = { kind, label: TARGETS[kind].label, devices: o.devices, broker: broker?.kind };
  try {
    // first start: pair every device (the simulator's devices join as soon as the network is up)
    let t = performance.now();
    start();
    await waitFor(
      async () => {
        if (!bridge) proc.child.send({ status: true });
        await sleep(100);
        return seen().interviewed >= o.devices;
      },
      (o.devices * 500 + 120_000) * slow,
      `${kind}: ${o.devices} devices interviewed`,
    ).catch((e) => {
      throw new Error(`${e.message} (${seen().interviewed} were)`);
    });
    result.firstStartPairAllMs = Math.round(performance.now() - t);
    // then its own configuring of them (binds, reporting): until 2 s without a frame to the coordinator
    await settle();
    result.firstStartSettledMs = Math.round(frames.lastAt - t);

    const restarts = [];
    for (let i = 0; i < o.restarts; i++) {
      await stop();
      t = performance.now();
      start();
      await waitFor(() => seen().onlineAt > t, 120_000 * slow, `${kind} online after a restart`);
      const sample = { onlineMs: Math.round(seen().onlineAt - t) };
      if (bridge) {
        await waitFor(() => watcher.seen.devicesAt > t, 30_000 * slow, `${kind} bridge/devices after a restart`);
        sample.devicesMs = Math.round(watcher.seen.devicesAt - t);
        sample.devicesBytes = watcher.seen.devicesBytes;
      }
      restarts.push(sample);
    }
    if (restarts.length) {
      result.restartToOnlineMs = median(restarts.map((s) => s.onlineMs));
      if (bridge) {
        result.restartToDevicesMs = median(restarts.map((s) => s.devicesMs));
        result.devicesBytes = restarts.at(-1).devicesBytes;
      }
      result.restarts = restarts;
    }
    await settle();
    await sleep(3000);
    if (o.instructionsOnly) {
      // the first reports run through V8's interpreter and compilers: warm up with as many, then count
      await flood(o.reports);
      const counted = await flood(o.reports, instructionCounter(proc.pid, root));
      result.throughput = { lost: counted.lost, instructionsPerMessage: counted.instructionsPerMessage };
      return result;
    }
    result.rssIdleMb = rssMb(proc.pid);

    // with hardware counters (not in every VM), instructions as well
    result.throughput = await flood(o.reports, o.perf ? perfCounter(proc.pid) : undefined);
    result.rssAfterLoadMb = rssMb(proc.pid);
    if (o.commands > 0) result.command = await commands(o.commands);
    if (o.soak > 0) {
      // in tenths, RSS after each: a leak shows as a climb, not just as a difference between two points
      const before = rssMb(proc.pid);
      const rssMbEveryTenth = [];
      let reports = 0;
      let lost = 0;
      for (let done = 0; done < o.soak; ) {
        const chunk = Math.min(Math.ceil(o.soak / 10), o.soak - done);
        const t = await flood(chunk);
        reports += t.reports;
        lost += t.lost;
        done += chunk;
        rssMbEveryTenth.push(rssMb(proc.pid));
      }
      await sleep(2000);
      result.soak = { reports, lost, rssBeforeMb: before, rssAfterMb: rssMb(proc.pid), rssMbEveryTenth };
    }
    return result;
  } catch (e) {
    e.message += proc ? `\n${kind}'s log ends:\n${proc.logTail()}` : "";
    throw e;
  } finally {
    if (proc) await stop();
    // --in-bridge: the last process's times (the one that took the commands), written when it exited
    const times = proc && join(root, `latency.${proc.pid}.json`);
    if (result.command && times && existsSync(times))
      result.command.inBridgeMs = stats(JSON.parse(readFileSync(times, "utf8")));
    sim.coordinator.events.frameIn = undefined;
    await watcher?.stop();
    await broker?.stop();
    await sim.stop();
    if (process.env.BENCH_KEEP) o.log(`${kind}: files kept in ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }

  /**
   * `count` reports as fast as the target takes them → its messages (state messages at a subscriber, or the floor's
   * conversions). Flow control as a serial stick's: at most WINDOW reports on their way (over TCP to another process
   * the kernel would otherwise take megabytes at once, which no UART does and herdsman's parser is slow on).
   */
  async function flood(count, counter) {
    const progress = bridge ? await countMessages(broker.url) : floor.progress;
    const base = progress.n;
    const names = sim.deviceNames();
    counter?.start();
    const cpu0 = cpuMs(proc.pid);
    const t0 = performance.now();
    let sent = 0;
    // messages that did not come within 2 s: lost (or late); not waited for again
    let missing = 0;
    while (sent < count) {
      // under callgrind, in lock step (a burst once the previous one is out) so that reads are alike at any speed
      const due = base + sent - missing - (o.instructionsOnly ? 0 : WINDOW - BURST);
      if (!(await progress.until(due, 2000 * slow))) missing += due - progress.n;
      const k = Math.min(BURST, count - sent);
      const off = sent % names.length;
      const from = sent;
      const r = await sim.generateReports({
        count: k,
        devices: [...names.slice(off), ...names.slice(0, off)],
        value: (i) => 1 + ((from + i) % 253),
      });
      sent += r.sent;
    }
    await progress.until(base + sent, 5000 * slow);
    const n = progress.n - base;
    const cpu = cpuMs(proc.pid) - cpu0;
    const instructions = await counter?.stop();
    const seconds = (progress.lastAt - t0) / 1000;
    if (bridge) await progress.stop();
    return {
      reports: sent,
      received: n,
      lost: sent - n,
      messagesPerSecond: Math.round(n / seconds),
      cpuMsPerMessage: +(cpu / n).toFixed(4),
      ...(instructions ? { instructionsPerMessage: Math.round(instructions / n) } : {}),
    };
  }

  /**
   * Until 2 s without a frame to the coordinator: the target's own configuring of devices (binds, reporting) is done.
   * zigbee2mqtt configures about 4 devices a second here. At most 2 min or 0.5 s per device; then measures anyway.
   */
  async function settle() {
    const limit = Math.max(120_000, o.devices * 500) * slow;
    const until = performance.now() + limit;
    while (performance.now() - frames.lastAt < 2000 * slow) {
      if (performance.now() > until) {
        o.log(`${kind}: still sending frames after ${Math.round(limit / 1000)} s; measuring anyway`);
        return;
      }
      await sleep(100);
    }
  }

  function frameLatency(t0) {
    if (frames.commandAt < t0) throw new Error(`${kind}: no AF.dataRequest to bulb_1 seen for a command`);
    return frames.commandAt - t0;
  }

  /** `<name>/set` brightness → the AF.dataRequest at the simulator (and → the state message), one after another */
  async function commands(n) {
    const toFrame = [];
    const toState = [];
    const brokerHop = [];
    if (!bridge) {
      for (let i = 0; i < n; i++) {
        const level = 2 + (i % 250);
        frames.armed = true;
        frames.commandAt = 0;
        const t0 = performance.now();
        proc.child.send({ set: level });
        await waitFor(() => floor.done === level || floor.error, 10_000 * slow, `floor command ${i}`);
        if (floor.error) throw new Error(`floor command: ${floor.error}`);
        toFrame.push(frameLatency(t0));
        await sleep(1);
      }
      return { toFrameMs: stats(toFrame) };
    }
    const name = bulb.ieee;
    const client = await connectAsync(broker.url, { clean: true });
    await client.subscribeAsync(`zigbee2mqtt/${name}`);
    // a second subscriber to the command topic: when the broker delivers the command (≈ when the bridge gets it)
    const probe = await connectAsync(broker.url, { clean: true });
    await probe.subscribeAsync(`zigbee2mqtt/${name}/set`);
    let deliveredAt = 0;
    probe.on("message", () => {
      if (deliveredAt === 0) deliveredAt = performance.now();
    });
    for (let i = 0; i < n; i++) {
      const level = 2 + (i % 250);
      deliveredAt = 0;
      const got = brightnessSeen(client, level);
      frames.armed = true;
      frames.commandAt = 0;
      const t0 = performance.now();
      client.publish(`zigbee2mqtt/${name}/set`, `{"brightness":${level}}`);
      const t2 = await Promise.race([got, sleep(10_000 * slow).then(() => 0)]);
      if (t2 === 0) throw new Error(`${kind}: no state message with brightness ${level} within ${10 * slow} s`);
      await waitFor(() => deliveredAt > 0, 1000, "the probe's copy of the command");
      toFrame.push(frameLatency(t0));
      toState.push(t2 - t0);
      brokerHop.push(deliveredAt - t0);
    }
    await client.endAsync();
    await probe.endAsync();
    return { toFrameMs: stats(toFrame), toStateMessageMs: stats(toState), brokerHopMs: stats(brokerHop) };
  }
}
