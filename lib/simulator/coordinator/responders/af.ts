import type { ApsFrame } from "../../air.js";
import type { MtPayload } from "../../mt/types.js";
import { TxStatus } from "../../network/network.js";
import type { CoordinatorContext, Responder } from "../context.js";
import { INTER_PAN_ENDPOINT } from "../interPan.js";

const n = (v: unknown) => v as number;
const OK = { status: 0 } as const;
const BROADCAST_MIN = 0xfff8;
/** AF status for a duplicate endpoint registration (ZApsDuplicateEntry). */
const DUPLICATE_ENTRY = 0xb8;
/** Address modes of AF.dataRequestExt. */
const Mode = { GROUP: 1, NWK: 2, IEEE: 3 } as const;
/** AF.interPanCtl commands (Z-Stack's InterPanClr/Set/Reg/Chk) and their failure statuses. */
const InterPanCmd = { CLEAR: 0, SET_CHANNEL: 1, REGISTER: 2, CHECK: 3 } as const;
const FAILURE = 0x01;
const INVALID_PARAMETER = 0x02;

/** The 8 bytes of an IEEE destination (little-endian) as `0x…`. */
function ieeeOf(dst: Buffer): string {
  return `0x${Buffer.from(dst.subarray(0, 8)).reverse().toString("hex")}`;
}

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
    const panId = n(req.dstpanid);
    if (panId !== 0 && panId !== ctx.networkInfo()?.panId) {
      return interPanRequest(ctx, req, mode, dst, confirm);
    }
    if (mode === Mode.GROUP) {
      ctx.net.groupcast(dst.readUInt16LE(0), frameFromHost(ctx, req));
      confirm(TxStatus.SUCCESS);
      return OK;
    }
    if (mode === Mode.NWK) return unicast(ctx, dst.readUInt16LE(0), req);
    if (mode === Mode.IEEE) {
      const m = ctx.net.get(ieeeOf(dst));
      if (!m) {
        confirm(TxStatus.NWK_NO_ROUTE);
        return OK;
      }
      return unicast(ctx, m.nwk, req);
    }
    return { status: INVALID_PARAMETER };
  },
  interPanCtl: (req, ctx) => {
    const data = req.data as Buffer;
    switch (n(req.cmd)) {
      case InterPanCmd.CLEAR:
        ctx.interPan.clear();
        return OK;
      case InterPanCmd.SET_CHANNEL:
        return { status: data.length >= 1 && ctx.interPan.setChannel(data[0]) ? 0 : FAILURE };
      case InterPanCmd.REGISTER: {
        // only an endpoint the host registered with AF.register can receive inter-PAN frames
        if (data.length < 1 || !ctx.endpoints.has(data[0])) return { status: FAILURE };
        ctx.interPan.registerEndpoint(data[0]);
        return OK;
      }
      case InterPanCmd.CHECK: {
        // success when (PAN id, endpoint) is inter-PAN: another PAN, or the inter-PAN endpoint
        if (data.length < 3) return { status: INVALID_PARAMETER };
        const interPan = data.readUInt16LE(0) !== ctx.networkInfo()?.panId || data[2] === INTER_PAN_ENDPOINT;
        return { status: interPan ? 0 : FAILURE };
      }
      default:
        return { status: INVALID_PARAMETER };
    }
  },
};

/** AF.dataRequestExt to another PAN (touchlink): an inter-PAN broadcast (to 0xffff) or a unicast to an IEEE address. */
function interPanRequest(
  ctx: CoordinatorContext,
  req: Record<string, unknown>,
  mode: number,
  dst: Buffer,
  confirm: (status: number) => void,
): MtPayload {
  const broadcast = mode === Mode.NWK && dst.readUInt16LE(0) === 0xffff;
  if (!broadcast && mode !== Mode.IEEE) return { status: INVALID_PARAMETER };
  const frame = frameFromHost(ctx, req);
  const status = ctx.interPan.send({
    dstIeee: broadcast ? undefined : ieeeOf(dst),
    profileId: frame.profileId,
    clusterId: frame.clusterId,
    data: frame.data,
  });
  confirm(status);
  return OK;
}
