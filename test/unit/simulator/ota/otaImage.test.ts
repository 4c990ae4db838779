import { describe, expect, it } from "vitest";
import { parseOtaImage } from "zigbee-herdsman";
import { buildOtaImage, checkOtaImage } from "../../../../lib/simulator/ota/otaImage.js";

describe("OTA images", () => {
  const spec = { manufacturerCode: 0x1166, imageType: 1, fileVersion: 0x00020001, size: 300 };

  it("herdsman parses a built image: header fields and one upgrade-image sub-element ending at the total size", () => {
    const image = parseOtaImage(buildOtaImage(spec));
    expect(image.header).toMatchObject({
      manufacturerCode: 0x1166,
      imageType: 1,
      fileVersion: 0x00020001,
      totalImageSize: 56 + 6 + 300,
      otaHeaderString: expect.stringContaining("zigmqtt test image"),
    });
    expect(image.elements).toHaveLength(1);
    expect(image.elements[0]).toMatchObject({ tagId: 0, length: 300 });
  });

  it("the device's check accepts it and refuses a bad identifier, a truncated image and a wrong size", () => {
    const good = buildOtaImage(spec);
    expect(checkOtaImage(good)).toMatchObject({ fileVersion: 0x00020001, totalImageSize: good.length });
    const badMagic = Buffer.from(good);
    badMagic[0] = 0;
    expect(checkOtaImage(badMagic)).toBe("bad file identifier");
    expect(checkOtaImage(good.subarray(0, good.length - 1))).toMatch(/is not the header's/);
    const badElement = Buffer.from(good);
    badElement.writeUInt32LE(1000, 58);
    expect(checkOtaImage(badElement)).toBe("sub-elements do not end at the total size");
  });
});
