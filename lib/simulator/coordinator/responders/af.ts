import type { ApsFrame } from "../../air.js";
import { TxStatus } from "../../network/network.js";
import type { CoordinatorContext, Responder } from "../context.js";

const n = (v: unknown) => v as number;
const BROADCAST_MIN = 0xfff8;
/** AF status for a duplicate endpoint registration (ZApsDuplicateEntry). */
const DUPLICATE_ENTRY = 0xb8;
/** Address modes of AF.dataRequestExt. */
const Mode = { GROUP: 1, NWK: 2, IEEE: 3 } as const;

function frameFromHost(ctx: CoordinatorContext, req: Record<string, unknown>): ApsFrame {
  const srcEp = n(req.srcendpoint);
  return {
    profileId: ctx.endpoints.get(srcEp)?.profileId ?? 0x0104,
    clusterId: n(req.clusterid),
    srcAddr: 0,
    srcEndpoint: srcEp,
    dstEndpoint: n(req.destendpoint),
    data: Buffer.from(req.data as Buffer),
  };
}

function unicast(ctx: CoordinatorContext, dst: number, req: Record<string, unknown>) {
  const frame = frameFromHost(ctx, req);
  const status = dst >= BROADCAST_MIN ? sendBroadcast(ctx, dst, frame) : ctx.net.unicastFromHost(dst, frame);
  ctx.emit("AF", "dataConfirm", { status, endpoint: n(req.srcendpoint), transid: n(req.transid) });
  return { status: 0 };
}

function sendBroadcast(ctx: CoordinatorContext, dst: number, frame: ApsFrame): number {
  ctx.net.broadcastFromHost(dst, frame);
  return TxStatus.SUCCESS;
}

export const afResponder: Responder = {
  register: (req, ctx) => {
    const ep = n(req.endpoint);
    if (ctx.endpoints.has(ep)) return { status: DUPLICATE_ENTRY };
    ctx.endpoints.set(ep, {
      endpoint: ep,
      profileId: n(req.appprofid),
      deviceId: n(req.appdeviceid),
      deviceVersion: n(req.appdevver),
      inClusters: req.appinclusterlist as number[],
      outClusters: req.appoutclusterlist as number[],
    });
    return { status: 0 };
  },
  delete: (req, ctx) => ({ status: ctx.endpoints.delete(n(req.endpoint)) ? 0 : 0x02 }),
  dataRequest: (req, ctx) => unicast(ctx, n(req.dstaddr), req),
  dataRequestSrcRtg: (req, ctx) => unicast(ctx, n(req.dstaddr), req),
  dataRequestExt: (req, ctx) => {
    const mode = n(req.dstaddrmode);
    const dst = req.dstaddr as Buffer;
    const confirm = (status: number) =>
      ctx.emit("AF", "dataConfirm", { status, endpoint: n(req.srcendpoint), transid: n(req.transid) });
    const info = ctx.networkInfo();
    if (info && n(req.dstpanid) !== 0 && n(req.dstpanid) !== info.panId) {
      // inter-PAN (touchlink): nobody answers on other PANs in this simulation
      return { status: 0 };
    }
    if (mode === Mode.GROUP) {
      ctx.net.groupcast(dst.readUInt16LE(0), frameFromHost(ctx, req));
      confirm(TxStatus.SUCCESS);
      return { status: 0 };
    }
    if (mode === Mode.NWK) return unicast(ctx, dst.readUInt16LE(0), req);
    if (mode === Mode.IEEE) {
      let ieee = "0x";
      for (let i = 7; i >= 0; i--) ieee += dst[i].toString(16).padStart(2, "0");
      const m = ctx.net.get(ieee);
      if (!m) {
        confirm(TxStatus.NWK_NO_ROUTE);
        return { status: 0 };
      }
      return unicast(ctx, m.nwk, req);
    }
    return { status: 0x02 }; // invalid parameter
  },
  interPanCtl: () => ({ status: 0 }),
};
