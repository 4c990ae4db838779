import type { SimpleDescriptor } from "../air.js";

/**
 * STK_ENDPOINT values: `[index, endpoint, profile u16, device u16, version, inCount, in u16…, outCount, out u16…]`.
 * Returns undefined for a value that does not parse (the firmware keeps what it was given).
 */
export function decodeEndpoint(raw: Buffer): SimpleDescriptor | undefined {
  try {
    let o = 1;
    const endpoint = raw[o++];
    const profileId = raw.readUInt16LE(o);
    const deviceId = raw.readUInt16LE(o + 2);
    const deviceVersion = raw[o + 4];
    o += 5;
    const inCount = raw[o++];
    const inClusters = Array.from({ length: inCount }, (_, i) => raw.readUInt16LE(o + i * 2));
    o += inCount * 2;
    const outCount = raw[o++] ?? 0;
    const outClusters = Array.from({ length: outCount }, (_, i) => raw.readUInt16LE(o + i * 2));
    return { endpoint, profileId, deviceId, deviceVersion, inClusters, outClusters };
  } catch {
    return undefined;
  }
}
