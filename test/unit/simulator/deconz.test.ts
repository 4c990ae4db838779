import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { DeconzCoordinator } from "../../../lib/simulator/deconz/deconzCoordinator.js";
import { buildFrame, Deframer, encodeFrame } from "../../../lib/simulator/deconz/framing.js";
import { Command, NetState, ParamId, Status } from "../../../lib/simulator/deconz/protocol.js";
import { Simulator } from "../../../lib/simulator/simulator.js";

/** A raw host on the deCONZ front-end: frames in, decoded frames out. */
function rawHost(c: DeconzCoordinator) {
  const frames: Buffer[] = [];
  const fromStick = new Deframer({ frame: (f) => frames.push(Buffer.from(f)), discard: () => {} });
  const session = c.openSession(
    (b) => fromStick.push(b),
    () => {},
  );
  let seq = 0;
  return {
    frames,
    /** sends a request; returns the response with the same command and sequence number */
    request(cmd: number, body: number[]): Buffer {
      seq = (seq + 1) & 0xff;
      session.push(encodeFrame(buildFrame(cmd, seq, 0, body)));
      const rsp = frames.find((f) => f[0] === cmd && f[1] === seq);
      if (!rsp) throw new Error(`no response to command 0x${cmd.toString(16)}`);
      return rsp;
    },
  };
}

const payloadLength = (body: number[]) => [body.length & 0xff, body.length >> 8, ...body];

describe("deCONZ framing", () => {
  it("takes the exact bytes herdsman writes for a device state request (SLIP, CRC 0xfff0)", () => {
    const got: Buffer[] = [];
    const d = new Deframer({ frame: (f) => got.push(Buffer.from(f)), discard: () => {} });
    d.push(Buffer.from([0xc0, 0x07, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0xf0, 0xff, 0xc0]));
    expect(got).toEqual([Buffer.from([0x07, 0x01, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00])]);
  });

  it("escapes END and ESC bytes and reads them back; a wrong checksum drops the frame", () => {
    const frame = buildFrame(0x0b, 7, 0, [0xc0, 0xdb, 0xdc, 0xdd]);
    const wire = encodeFrame(frame);
    expect(wire.subarray(1, -1).includes(0xc0)).toBe(false);
    const got: Buffer[] = [];
    const dropped: string[] = [];
    const d = new Deframer({ frame: (f) => got.push(Buffer.from(f)), discard: (r) => dropped.push(r) });
    d.push(wire.subarray(0, 5));
    d.push(wire.subarray(5));
    expect(got).toEqual([frame]);
    const bad = Buffer.from(wire);
    bad[bad.length - 2] ^= 0x01;
    d.push(bad);
    expect(got).toHaveLength(1);
    expect(dropped).toEqual(["crc"]);
  });
});

describe("the deCONZ front-end", () => {
  const ieee = "0x00212effff0a1b2c";

  it("answers parameter reads as the firmware lays them out, and checks writes", () => {
    const c = new DeconzCoordinator({ ieee, seed: "t" });
    const host = rawHost(c);
    const mac = host.request(Command.READ_PARAMETER, payloadLength([ParamId.MAC_ADDRESS]));
    expect(mac[2]).toBe(Status.SUCCESS);
    expect(mac[7]).toBe(ParamId.MAC_ADDRESS);
    expect(`0x${Buffer.from(mac.subarray(8, 16)).reverse().toString("hex")}`).toBe(ieee);
    const version = host.request(Command.VERSION, [0, 0, 0, 0]);
    expect(version.readUInt32LE(5)).toBe(0x26780700);
    expect(host.request(Command.WRITE_PARAMETER, payloadLength([ParamId.NWK_PANID, 0x62]))[2]).toBe(
      Status.INVALID_VALUE,
    );
    expect(host.request(Command.WRITE_PARAMETER, payloadLength([0x77, 1]))[2]).toBe(Status.UNSUPPORTED);
    expect(host.request(Command.WRITE_PARAMETER, payloadLength([ParamId.NWK_PANID, 0x62, 0x1a]))[2]).toBe(
      Status.SUCCESS,
    );
    expect(c.params.u16(ParamId.NWK_PANID)).toBe(0x1a62);
    c.stop();
  });

  it("refuses APS data while the network is down, and announces the network coming up", async () => {
    const c = new DeconzCoordinator({ ieee, seed: "t" });
    const host = rawHost(c);
    const req = [1, 0, 0x02, 0x34, 0x12, 1, 0x04, 0x01, 0x06, 0x00, 1, 1, 0, 0x00, 0, 30];
    expect(host.request(Command.APS_DATA_REQUEST, payloadLength(req))[2]).toBe(Status.NO_NETWORK);
    host.request(Command.CHANGE_NETWORK_STATE, [NetState.CONNECTED]);
    await new Promise<void>((resolve) => {
      const check = () =>
        host.frames.some((f) => f[0] === Command.DEVICE_STATE_CHANGED && (f[5] & 0x03) === NetState.CONNECTED)
          ? resolve()
          : setTimeout(check, 5);
      check();
    });
    const state = host.request(Command.DEVICE_STATE, [0, 0, 0]);
    expect(state[5] & 0x03).toBe(NetState.CONNECTED);
    expect(state[5] & 0x20).toBe(0x20); // free APS slots
    c.stop();
  });

  it("reboots when the host lets the watchdog run out", async () => {
    const c = new DeconzCoordinator({ ieee, seed: "t" });
    const host = rawHost(c);
    const rebooted = new Promise<void>((resolve) => {
      c.events.rebooted = resolve;
    });
    host.request(Command.WRITE_PARAMETER, payloadLength([ParamId.DEV_WATCHDOG_TTL, 1, 0, 0, 0]));
    await rebooted;
    expect(c.params.u32(ParamId.DEV_WATCHDOG_TTL)).toBe(0);
    c.stop();
  });

  it("is served over TCP like the Z-Stack front-end: a version request on the socket gets its answer", async () => {
    const sim = await new Simulator({ adapter: "deconz" }).start();
    try {
      const socket = connect(sim.tcpPort, "127.0.0.1");
      const answer = new Promise<Buffer>((resolve) => {
        const d = new Deframer({ frame: (f) => resolve(Buffer.from(f)), discard: () => {} });
        socket.on("data", (b) => d.push(b));
      });
      socket.write(encodeFrame(buildFrame(Command.VERSION, 9, 0, [0, 0, 0, 0])));
      const frame = await answer;
      socket.destroy();
      expect([frame[0], frame[1], frame[2]]).toEqual([Command.VERSION, 9, Status.SUCCESS]);
      expect(frame.readUInt32LE(5)).toBe(0x26780700);
    } finally {
      await sim.stop();
    }
  });
});
