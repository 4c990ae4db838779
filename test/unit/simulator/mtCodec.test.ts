import { describe, expect, it } from "vitest";
import { decode, encode, MtDecodeError } from "../../../lib/simulator/mt/codec.js";
import { commandByName, findCommand } from "../../../lib/simulator/mt/definitions.js";
import { Subsystem } from "../../../lib/simulator/unpi/frame.js";

describe("MT codec", () => {
  it("one definition decodes a request and encodes it back byte for byte", () => {
    const cmd = commandByName("AF", "dataRequest");
    const wire = Buffer.from("2e4d010106000d001e03010c01", "hex");
    const payload = decode(cmd.request, wire);
    expect(payload).toMatchObject({
      dstaddr: 0x4d2e,
      destendpoint: 1,
      srcendpoint: 1,
      clusterid: 6,
      transid: 0x0d,
      len: 3,
    });
    expect(payload.data).toEqual(Buffer.from("010c01", "hex"));
    expect(encode(cmd.request, payload)).toEqual(wire);
  });

  it("encodes IEEE addresses little-endian", () => {
    const cmd = commandByName("ZDO", "tcDeviceInd");
    const b = encode(cmd.request, { nwkaddr: 0x1234, extaddr: "0x00124b0001020304", parentaddr: 0 });
    expect(b.toString("hex")).toBe("341204030201004b12000000");
    expect(decode(cmd.request, b).extaddr).toBe("0x00124b0001020304");
  });

  it("decodes lists counted by the preceding field", () => {
    const cmd = commandByName("AF", "register");
    const p = decode(cmd.request, Buffer.from("0b0401000400000201050a000200050205", "hex"));
    expect(p).toMatchObject({
      endpoint: 11,
      appprofid: 0x0104,
      appinclusterlist: [0x0501, 0x000a],
      appoutclusterlist: [0x0500, 0x0502],
    });
  });

  it("throws MtDecodeError on a short frame", () => {
    const cmd = commandByName("SYS", "osalNvReadExt");
    expect(() => decode(cmd.request, Buffer.from([0x21]))).toThrow(MtDecodeError);
  });

  it("finds commands by subsystem and id", () => {
    expect(findCommand(Subsystem.SYS, 0x13)?.name).toBe("osalNvLength");
    expect(findCommand(Subsystem.SYS, 0x7f)).toBeUndefined();
  });
});
