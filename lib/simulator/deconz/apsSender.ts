import type { ApsFrame, Ieee, SimpleDescriptor } from "../air.js";
import { COORDINATOR_NWK, type Network, TxStatus } from "../network/network.js";
import { serveZdp } from "../network/zdpServer.js";
import { type ApsDataRequest, type ApsIndication, decodeApsDataRequest } from "./apsFrames.js";
import { AddrMode } from "./protocol.js";

const ZDO_PROFILE = 0x0000;
const BROADCAST_MIN = 0xfff8;

/** What the sender needs of the coordinator. */
export interface ApsSenderHost {
  readonly net: Network;
  ieee(): Ieee;
  extendedPanId(): Buffer;
  endpoints(): SimpleDescriptor[];
  changeChannel(channel: number): void;
  readonly events: { changed?(): void };
  log(level: "debug" | "info" | "warn", message: string): void;
}

/**
 * Carries the host's APS data requests into the network: ZCL to devices and groups, ZDP to the ZDP server (whose
 * answers come back as indications). Returns the status the confirm reports.
 */
export class ApsSender {
  constructor(
    private readonly host: ApsSenderHost,
    private readonly indicate: (ind: ApsIndication) => void,
  ) {}

  decode(frame: Buffer): ApsDataRequest | undefined {
    try {
      return decodeApsDataRequest(frame);
    } catch (e) {
      this.host.log("debug", `APS data request does not parse: ${(e as Error).message}`);
      return undefined;
    }
  }

  send(req: ApsDataRequest): number {
    const net = this.host.net;
    const d = req.destination;
    let nwk: number;
    if (d.mode === AddrMode.GROUP) {
      net.groupcast(d.group, this.frame(req, 0xff));
      return TxStatus.SUCCESS;
    }
    if (d.mode === AddrMode.IEEE) {
      const m = net.get(d.ieee);
      if (!m?.joined) return TxStatus.NWK_NO_ROUTE;
      nwk = m.nwk;
    } else nwk = d.nwk;
    if (req.profileId === ZDO_PROFILE && d.endpoint === 0) return this.zdp(req, nwk);
    if (nwk >= BROADCAST_MIN) {
      net.broadcastFromHost(nwk, this.frame(req, d.endpoint));
      return TxStatus.SUCCESS;
    }
    return net.unicastFromHost(nwk, this.frame(req, d.endpoint));
  }

  private frame(req: ApsDataRequest, dstEndpoint: number): ApsFrame {
    return {
      profileId: req.profileId,
      clusterId: req.clusterId,
      srcAddr: COORDINATOR_NWK,
      srcEndpoint: req.srcEndpoint,
      dstEndpoint,
      data: req.asdu,
    };
  }

  private zdp(req: ApsDataRequest, nwk: number): number {
    const net = this.host.net;
    const status = txStatus(net, nwk);
    if (status !== TxStatus.SUCCESS) return status;
    const host = this.host;
    const reply = serveZdp(
      {
        net,
        ieee: () => host.ieee(),
        extendedPanId: () => host.extendedPanId(),
        endpoints: () => host.endpoints(),
        changeChannel: (ch) => host.changeChannel(ch),
        changed: () => host.events.changed?.(),
      },
      nwk,
      req.clusterId,
      req.asdu,
    );
    if (reply) {
      const lqi = net.get(reply.srcAddr)?.lqi ?? 255;
      const t = setTimeout(
        () =>
          this.indicate({
            destination: { mode: AddrMode.NWK, nwk: COORDINATOR_NWK },
            dstEndpoint: 0,
            srcNwk: reply.srcAddr,
            srcEndpoint: 0,
            profileId: ZDO_PROFILE,
            clusterId: reply.clusterId,
            asdu: reply.payload,
            lqi,
            rssi: -60,
          }),
        1,
      );
      t.unref?.();
    }
    return TxStatus.SUCCESS;
  }
}

/** The confirm status of a unicast to `nwk`: no route to an unknown address, no ACK from a silent device. */
function txStatus(net: Network, nwk: number): number {
  if (nwk === COORDINATOR_NWK || nwk >= BROADCAST_MIN) return TxStatus.SUCCESS;
  const m = net.get(nwk);
  if (!m?.joined) return TxStatus.NWK_NO_ROUTE;
  if (m.silent)
    return m.device.description.logicalType === "EndDevice" ? TxStatus.MAC_TRANSACTION_EXPIRED : TxStatus.MAC_NO_ACK;
  return TxStatus.SUCCESS;
}
