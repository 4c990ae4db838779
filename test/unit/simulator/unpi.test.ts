import { describe, expect, it } from "vitest";
import { encodeFrame, FrameType, Subsystem, type UnpiFrame } from "../../../lib/simulator/unpi/frame.js";
import { UnpiParser } from "../../../lib/simulator/unpi/parser.js";

function collect() {
  const frames: UnpiFrame[] = [];
  const discards: string[] = [];
  const parser = new UnpiParser({ frame: (f) => frames.push(f), discard: (r) => discards.push(r) });
  return { frames, discards, parser };
}

describe("UNPI framing", () => {
  it("encodes SYS.ping as the firmware expects, with the XOR checksum", () => {
    const bytes = encodeFrame({ type: FrameType.SREQ, subsystem: Subsystem.SYS, command: 0x01, data: Buffer.alloc(0) });
    expect(bytes.toString("hex")).toBe("fe00210120");
  });

  it("parses partial and concatenated frames and skips garbage before SOF", () => {
    const { frames, parser, discards } = collect();
    const a = encodeFrame({
      type: FrameType.SRSP,
      subsystem: Subsystem.SYS,
      command: 0x01,
      data: Buffer.from([0xfd, 0x07]),
    });
    const b = encodeFrame({ type: FrameType.AREQ, subsystem: Subsystem.ZDO, command: 0xc0, data: Buffer.from([9]) });
    const stream = Buffer.concat([Buffer.from([0xef, 0x00]), a, b]);
    parser.push(stream.subarray(0, 5));
    expect(frames).toHaveLength(0);
    parser.push(stream.subarray(5));
    expect(frames.map((f) => [f.type, f.subsystem, f.command])).toEqual([
      [FrameType.SRSP, Subsystem.SYS, 0x01],
      [FrameType.AREQ, Subsystem.ZDO, 0xc0],
    ]);
    expect(frames[0].data).toEqual(Buffer.from([0xfd, 0x07]));
    expect(discards).toContain("garbage");
    expect(parser.pending).toBe(0);
  });

  it("drops a frame with a bad FCS and still finds the next good one", () => {
    const { frames, parser, discards } = collect();
    const bad = encodeFrame({
      type: FrameType.SREQ,
      subsystem: Subsystem.SYS,
      command: 0x02,
      data: Buffer.from([1, 2]),
    });
    bad[bad.length - 1] ^= 0xff;
    const good = encodeFrame({ type: FrameType.SREQ, subsystem: Subsystem.SYS, command: 0x01, data: Buffer.alloc(0) });
    parser.push(Buffer.concat([bad, good]));
    expect(discards).toContain("fcs");
    expect(frames).toHaveLength(1);
    expect(frames[0].command).toBe(0x01);
  });

  it("a truncated frame that never completes can be skipped to reach a frame inside it", () => {
    const { frames, parser } = collect();
    const good = encodeFrame({ type: FrameType.SREQ, subsystem: Subsystem.SYS, command: 0x01, data: Buffer.alloc(0) });
    // a SOF claiming 200 bytes, followed by a complete good frame
    parser.push(Buffer.concat([Buffer.from([0xfe, 200, 0x21]), good]));
    expect(frames).toHaveLength(0);
    parser.skipStale();
    expect(frames).toHaveLength(1);
  });

  it("refuses to encode more than 250 data bytes", () => {
    expect(() =>
      encodeFrame({ type: FrameType.AREQ, subsystem: Subsystem.AF, command: 0x81, data: Buffer.alloc(251) }),
    ).toThrow(/too long/);
  });
});
