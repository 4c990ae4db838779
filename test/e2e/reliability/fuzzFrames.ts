/** Seeded generators of malformed input from the coordinator to the host, for the fuzz test. */

import { encodeFrame, FrameType, Subsystem } from "../../../lib/simulator/unpi/frame.js";
import type { Prng } from "../../../lib/simulator/util/prng.js";
import { pick } from "./fuzzCases.js";

/** AF incomingMsg/dataConfirm, ZDO state change/announce/leave/join, SYS reset: sent with data of a wrong length. */
const INDICATIONS: ReadonlyArray<readonly [number, number]> = [
  [Subsystem.AF, 0x81],
  [Subsystem.AF, 0x80],
  [Subsystem.ZDO, 0xc0],
  [Subsystem.ZDO, 0xc1],
  [Subsystem.ZDO, 0xc9],
  [Subsystem.ZDO, 0xca],
  [Subsystem.SYS, 0x80],
];

/** One malformed frame from the coordinator: garbage, truncated, wrong FCS, unknown command or a bad AREQ. */
export function adapterFrame(rnd: Prng, index: number): Buffer {
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => rnd.int(0, 255)));
  const areq = (subsystem: number, command: number, data: Buffer) =>
    encodeFrame({ type: FrameType.AREQ, subsystem, command, data });
  switch (index % 5) {
    case 0:
      return bytes(rnd.int(1, 80));
    case 1: {
      const f = areq(Subsystem.AF, 0x81, bytes(rnd.int(20, 120)));
      return f.subarray(0, rnd.int(1, f.length - 1));
    }
    case 2: {
      const f = areq(
        pick(rnd, [Subsystem.AF, Subsystem.ZDO, Subsystem.SYS]),
        rnd.int(0x80, 0xcf),
        bytes(rnd.int(0, 60)),
      );
      f[f.length - 1] ^= rnd.int(1, 255);
      return f;
    }
    case 3:
      return rnd.int(0, 1) === 0
        ? areq(rnd.int(0x0a, 0x1f), rnd.int(0, 255), bytes(rnd.int(0, 40)))
        : encodeFrame({
            type: pick(rnd, [FrameType.SRSP, FrameType.AREQ]),
            subsystem: pick(rnd, [1, 4, 5, 7]),
            command: rnd.int(0, 255),
            data: bytes(rnd.int(0, 40)),
          });
    default: {
      const [subsystem, command] = pick(rnd, INDICATIONS);
      return areq(subsystem, command, bytes(rnd.int(0, 30)));
    }
  }
}

/** A ZCL frame with wrong data types, bad lengths or unknown commands (profile HA), for AF incomingMsg. */
export function zclFrame(rnd: Prng): { clusterId: number; data: Buffer } {
  const clusterId = pick(rnd, [0x0000, 0x0006, 0x0008, 0x0300, 0x0402, 0x0405, 0x0702, 0x0b04, 0x0019, 0xfc00]);
  const command = pick(rnd, [0x01, 0x0a, 0x0a, 0x0a, 0x07, 0x0b, 0x0d, 0x11, 0x00, 0x02, 0x40, 0xff]);
  const fc = pick(rnd, [0x18, 0x08, 0x00, 0x01, 0x19, 0x1c, 0x04]);
  const header = fc & 0x04 ? [fc, 0x4c, 0x11, rnd.int(0, 255), command] : [fc, rnd.int(0, 255), command];
  const records: number[] = [];
  for (let i = rnd.int(0, 3); i > 0; i--) {
    const attr = pick(rnd, [0x0000, 0x0001, 0x0003, 0x0004, 0x0005, 0x4000, 0x0400, rnd.int(0, 0xffff)]);
    const type = pick(
      rnd,
      [0x10, 0x20, 0x21, 0x29, 0x30, 0x39, 0x41, 0x42, 0x43, 0x44, 0x48, 0x4c, 0xe2, 0xf0, 0xff, 0x00],
    );
    records.push(attr & 0xff, attr >> 8);
    if (command === 0x01) records.push(pick(rnd, [0, 0x86, 0x8c]));
    records.push(type, ...Array.from({ length: rnd.int(0, 9) }, () => rnd.int(0, 255)));
  }
  return { clusterId, data: Buffer.from([...header, ...records]) };
}
