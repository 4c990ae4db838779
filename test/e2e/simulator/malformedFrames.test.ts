import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Simulator } from "../../../lib/simulator/simulator.js";
import { encodeFrame, FrameType, Subsystem, type UnpiFrame } from "../../../lib/simulator/unpi/frame.js";
import { UnpiParser } from "../../../lib/simulator/unpi/parser.js";
import { waitFor } from "../support/herdsmanWorld.js";

/** A raw MT client: what a broken host, a noisy line or a fuzzer sends. The simulator must keep serving. */
describe("the virtual coordinator under malformed input", () => {
  let sim: Simulator;
  let socket: Socket;
  const received: UnpiFrame[] = [];
  const send = (f: Omit<UnpiFrame, "type"> & { type?: FrameType }) =>
    socket.write(encodeFrame({ type: FrameType.SREQ, ...f }));
  const ping = async (timeoutMs = 2000) => {
    const before = received.length;
    send({ subsystem: Subsystem.SYS, command: 0x01, data: Buffer.alloc(0) });
    return waitFor(
      () =>
        received
          .slice(before)
          .find((f) => f.type === FrameType.SRSP && f.subsystem === Subsystem.SYS && f.command === 0x01),
      timeoutMs,
      "ping answer",
    );
  };
  /**
   * Pings until one is answered: a ping sent while a partial frame is pending may be swallowed by it; once the
   * simulator has skipped the stale partial (after half a second without data), a ping gets through.
   */
  const pingUntilAnswered = async (deadlineMs = 15_000) => {
    const until = Date.now() + deadlineMs;
    for (;;) {
      try {
        return await ping(1500);
      } catch (error) {
        if (Date.now() > until) throw error;
      }
    }
  };

  beforeAll(async () => {
    sim = await new Simulator({ scenario: "demo" }).start();
    socket = connect(sim.tcpPort, "127.0.0.1");
    const parser = new UnpiParser({ frame: (f) => received.push(f) });
    socket.on("data", (d) => parser.push(d));
    await new Promise((r) => socket.once("connect", r));
    // form the network as a host would (BDB formation), then register the host's group so paired devices join
    send({ subsystem: Subsystem.APP_CNF, command: 0x05, data: Buffer.from([0x04]) });
    await waitFor(
      () => received.find((f) => f.subsystem === Subsystem.ZDO && f.command === 0xc0 && f.data[0] === 9),
      2000,
      "state 9",
    );
    send({ subsystem: Subsystem.ZDO, command: 0x4b, data: Buffer.from([242, 0x84, 0x0b, 0]) });
    await waitFor(
      () => received.filter((f) => f.subsystem === Subsystem.ZDO && f.command === 0xca).length === 4,
      3000,
      "4 joins",
    );
  });

  afterAll(async () => {
    socket?.destroy();
    await sim?.stop();
  });

  it("answers a ping with its capabilities", async () => {
    const rsp = await ping();
    expect(rsp.data.readUInt16LE(0)).toBe(0x07fd);
  });

  it("skips garbage and frames with a bad FCS, and keeps serving", async () => {
    socket.write(Buffer.from([0x00, 0xef, 0x12, 0x34, 0xff]));
    const bad = encodeFrame({ type: FrameType.SREQ, subsystem: Subsystem.SYS, command: 0x02, data: Buffer.alloc(0) });
    bad[bad.length - 1] ^= 0x5a;
    socket.write(bad);
    await ping();
    expect(sim.transport.stats.badFrames).toBeGreaterThanOrEqual(1);
    expect(sim.transport.stats.discardedBytes).toBeGreaterThanOrEqual(5);
    // the bad-FCS version request got no answer
    expect(
      received.filter((f) => f.type === FrameType.SRSP && f.subsystem === Subsystem.SYS && f.command === 0x02),
    ).toHaveLength(0);
  });

  it("answers an unknown command and an unknown subsystem with the firmware's RPC error", async () => {
    send({ subsystem: Subsystem.SYS, command: 0x7e, data: Buffer.alloc(0) });
    send({ subsystem: 0x1e, command: 0x01, data: Buffer.alloc(0) });
    const errors = await waitFor(
      () => {
        const e = received.filter((f) => f.type === FrameType.SRSP && f.subsystem === 0 && f.command === 0);
        return e.length >= 2 ? e : undefined;
      },
      2000,
      "two RPC errors",
    );
    expect(errors[0].data).toEqual(Buffer.from([0x02, 0x21, 0x7e])); // MT_RPC_ERR_COMMAND_ID
    expect(errors[1].data).toEqual(Buffer.from([0x01, 0x3e, 0x01])); // MT_RPC_ERR_SUBSYSTEM
  });

  it("answers a too-short request with an RPC length error", async () => {
    send({ subsystem: Subsystem.SYS, command: 0x13, data: Buffer.from([0x82]) }); // osalNvLength needs 2 bytes
    const e = await waitFor(() => received.find((f) => f.subsystem === 0 && f.data[0] === 0x04), 2000, "length error");
    expect(e.data).toEqual(Buffer.from([0x04, 0x21, 0x13]));
  });

  it("discards a truncated frame after a moment and serves the next one", async () => {
    socket.write(Buffer.from([0xfe, 0x30, 0x21, 0x02, 0x01])); // 48 bytes of data announced, none sent
    // a few pings in 6 s cannot fill those 48 bytes: an answer means the partial frame was dropped
    await pingUntilAnswered(6000);
  });

  it("survives random bytes and random ZCL payloads sent to devices", async () => {
    let seed = 12345;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let i = 0; i < 200; i++) socket.write(Buffer.from(Array.from({ length: 1 + (rnd() % 40) }, rnd)));
    await pingUntilAnswered(); // the link is in sync again (once a truncated tail has expired)
    const before = received.length;
    const bulbNwk = sim.member("bulb")?.nwk ?? 0;
    for (let i = 0; i < 200; i++) {
      const zcl = Buffer.from(Array.from({ length: 1 + (rnd() % 30) }, rnd));
      const data = Buffer.alloc(10 + zcl.length);
      data.writeUInt16LE(bulbNwk, 0);
      data[2] = 1; // dst ep
      data[3] = 1; // src ep
      data.writeUInt16LE([0, 3, 4, 5, 6, 8, 0x300][i % 7], 4);
      data[6] = i & 0xff; // transid
      data[7] = 0;
      data[8] = 30;
      data[9] = zcl.length;
      zcl.copy(data, 10);
      send({ subsystem: Subsystem.AF, command: 0x01, data });
    }
    await ping();
    const confirms = received.slice(before).filter((f) => f.subsystem === Subsystem.AF && f.command === 0x80);
    expect(confirms.length).toBeGreaterThanOrEqual(200);
    expect(confirms.every((f) => f.data[0] === 0)).toBe(true);
    // the bulb still answers a proper read of its model id
    const beforeRead = received.length;
    const read = Buffer.from([0x00, 0x77, 0x00, 0x05, 0x00]); // ZCL global read, TSN 0x77, attribute 0x0005
    const data = Buffer.concat([
      Buffer.from([bulbNwk & 0xff, bulbNwk >> 8, 1, 1, 0, 0, 0xfe, 0, 30, read.length]),
      read,
    ]);
    send({ subsystem: Subsystem.AF, command: 0x01, data });
    const rsp = await waitFor(
      () =>
        received
          .slice(beforeRead)
          .find(
            (f) =>
              f.subsystem === Subsystem.AF &&
              f.command === 0x81 &&
              f.data.subarray(17).includes(Buffer.from("ZB_A60_RGBCW")),
          ),
      2000,
      "readRsp with the model id",
    );
    expect(rsp.data.readUInt16LE(4)).toBe(bulbNwk);
  });
});
