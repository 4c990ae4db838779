/**
 * Zigbee OTA upgrade files (Zigbee OTA spec, 11.4): a 56-byte header without optional fields, then sub-elements
 * (tag u16, length u32, data). Builds test and demo images; `checkOtaImage` is what a virtual device validates.
 * The simulator owns this (it never imports the bridge); the bridge and tests may use it.
 */

export const OTA_FILE_IDENTIFIER = 0x0beef11e;
const HEADER_LENGTH = 56;
const ELEMENT_HEADER = 6;

export interface OtaImageSpec {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
  /** bytes of the upgrade-image sub-element (tag 0x0000); default 1024 */
  size?: number;
  /** up to 32 characters (default "zigmqtt test image") */
  headerString?: string;
}

/** A valid OTA file: the header and one upgrade-image sub-element of a deterministic byte pattern. */
export function buildOtaImage(spec: OtaImageSpec): Buffer {
  const size = spec.size ?? 1024;
  const total = HEADER_LENGTH + ELEMENT_HEADER + size;
  const buffer = Buffer.alloc(total);
  buffer.writeUInt32LE(OTA_FILE_IDENTIFIER, 0);
  buffer.writeUInt16LE(0x0100, 4);
  buffer.writeUInt16LE(HEADER_LENGTH, 6);
  buffer.writeUInt16LE(0, 8);
  buffer.writeUInt16LE(spec.manufacturerCode, 10);
  buffer.writeUInt16LE(spec.imageType, 12);
  buffer.writeUInt32LE(spec.fileVersion >>> 0, 14);
  buffer.writeUInt16LE(2, 18);
  buffer.write((spec.headerString ?? "zigmqtt test image").slice(0, 32).padEnd(32, "\0"), 20, 32, "latin1");
  buffer.writeUInt32LE(total, 52);
  buffer.writeUInt16LE(0x0000, HEADER_LENGTH);
  buffer.writeUInt32LE(size, HEADER_LENGTH + 2);
  for (let i = 0; i < size; i++) buffer[HEADER_LENGTH + ELEMENT_HEADER + i] = (i * 31 + spec.fileVersion) & 0xff;
  return buffer;
}

export interface OtaImageHeaderInfo {
  manufacturerCode: number;
  imageType: number;
  fileVersion: number;
  totalImageSize: number;
}

/** Checks a received image as a device does: magic, header, sub-elements ending exactly at the total size. */
export function checkOtaImage(image: Buffer): OtaImageHeaderInfo | string {
  if (image.length < HEADER_LENGTH) return "shorter than a header";
  if (image.readUInt32LE(0) !== OTA_FILE_IDENTIFIER) return "bad file identifier";
  const headerLength = image.readUInt16LE(6);
  const totalImageSize = image.readUInt32LE(52);
  if (totalImageSize !== image.length) return `size ${image.length} is not the header's ${totalImageSize}`;
  let at = headerLength;
  while (at < totalImageSize) {
    if (at + ELEMENT_HEADER > totalImageSize) return "truncated sub-element";
    at += ELEMENT_HEADER + image.readUInt32LE(at + 2);
  }
  if (at !== totalImageSize) return "sub-elements do not end at the total size";
  return {
    manufacturerCode: image.readUInt16LE(10),
    imageType: image.readUInt16LE(12),
    fileVersion: image.readUInt32LE(14),
    totalImageSize,
  };
}
