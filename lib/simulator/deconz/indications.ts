import type { ApsFrame, SimpleDescriptor } from "../air.js";
import type { Member } from "../network/network.js";
import { deviceAnnounce, ZdpCluster } from "../network/zdpServer.js";
import type { ApsIndication } from "./apsFrames.js";
import { decodeEndpoint } from "./endpoints.js";
import type { DeconzParameters } from "./parameters.js";
import { AddrMode, ParamId } from "./protocol.js";

const ZDO_PROFILE = 0x0000;

/** A frame from the network for the host, as the firmware indicates it (with an RSSI that follows the LQI). */
export function frameIndication(frame: ApsFrame, linkQuality: number): ApsIndication {
  return {
    destination:
      frame.groupId !== undefined
        ? { mode: AddrMode.GROUP, group: frame.groupId }
        : { mode: AddrMode.NWK, nwk: frame.broadcast ? 0xffff : 0x0000 },
    dstEndpoint: frame.dstEndpoint,
    srcNwk: frame.srcAddr,
    srcEndpoint: frame.srcEndpoint,
    profileId: frame.profileId,
    clusterId: frame.clusterId,
    asdu: frame.data,
    lqi: linkQuality,
    rssi: Math.round(-100 + linkQuality / 4),
  };
}

/** A joining device's announce is a ZDP broadcast: the firmware hands it to the host as an indication. */
export function announceIndication(m: Member): ApsIndication {
  return {
    destination: { mode: AddrMode.NWK, nwk: 0xfffd },
    dstEndpoint: 0,
    srcNwk: m.nwk,
    srcEndpoint: 0,
    profileId: ZDO_PROFILE,
    clusterId: ZdpCluster.DEVICE_ANNOUNCE,
    asdu: deviceAnnounce(m),
    lqi: m.lqi,
    rssi: -60,
  };
}

/** The coordinator's endpoints as the host configured them (STK_ENDPOINT, indexes 0-2). */
export function configuredEndpoints(params: DeconzParameters): SimpleDescriptor[] {
  return [0, 1, 2].flatMap((i) => {
    const raw = params.bytes(ParamId.STK_ENDPOINT, i);
    const d = raw ? decodeEndpoint(raw) : undefined;
    return d ? [d] : [];
  });
}
